"""The advisor's one settings object: the catalog section plus the Telegram section, all from
``ADVISOR_*`` environment variables, validated once at start. The token is a ``SecretStr``: it
appears in no ``repr``, log line or error message."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from catalog.errors import ConfigError
from catalog.settings import PREFIX, CatalogSettings, EnvSection

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{6,}$")
NO_TOKEN_HELP = (
    "ADVISOR_TELEGRAM_TOKEN is not set.\n"
    "  To run the bot on Telegram: open @BotFather in Telegram, send /newbot, and copy the token it\n"
    "  gives you into the environment: export ADVISOR_TELEGRAM_TOKEN=123456789:AA...\n"
    "  To try the conversation without a token or network: python -m bot demo"
)


class TelegramSettings(EnvSection):
    """How to reach the Bot API, as whom, and how many updates to handle at once."""

    model_config = SettingsConfigDict(env_prefix=PREFIX + "TELEGRAM_")

    token: SecretStr | None = None
    api_url: str = TELEGRAM_API_URL
    file_url: str = TELEGRAM_FILE_URL
    concurrency: int = Field(64, ge=1, le=1024, validation_alias=PREFIX + "BOT_CONCURRENCY")
    admin_ids: Annotated[tuple[int, ...], NoDecode] = Field((), validation_alias=PREFIX + "ADMIN_IDS")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        """Telegram user ids, separated by commas or spaces."""
        if isinstance(value, str):
            parts = [p for p in re.split(r"[\s,]+", value) if p]
            if not all(p.isascii() and p.isdigit() for p in parts):
                raise ValueError(f"must be Telegram user ids separated by commas, got {value!r}")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_SHAPE.match(value.get_secret_value().strip()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters; "
                             "copy it again from @BotFather)")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("api_url", "file_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL such as {TELEGRAM_API_URL}, got {value!r}")
        return value

    @property
    def bot_id(self) -> int:
        """The bot's numeric id, the part of the token before the colon (not secret)."""
        if self.token is None:
            raise ConfigError(NO_TOKEN_HELP)
        return int(self.token.get_secret_value().split(":", 1)[0])


class CredentialSettings(EnvSection):
    """Issuing credentials: where they can be looked up, and where the signing keys are kept."""

    public_url: str | None = None
    keys_dir: Path | None = None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"must be the advisor's public http(s) address, such as https://advisor.example.org, "
                             f"got {value!r}")
        return value


@dataclass(frozen=True)
class Settings:
    """Everything the advisor is configured with, by section."""

    catalog: CatalogSettings
    telegram: TelegramSettings
    credentials: CredentialSettings = field(default_factory=CredentialSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, need_token: bool = True) -> Settings:
        """Read and validate every section; :class:`ConfigError` names the first bad variable."""
        env = os.environ if env is None else env
        telegram = TelegramSettings.from_env(env)
        if telegram.token is None and need_token:
            raise ConfigError(NO_TOKEN_HELP)
        return cls(catalog=CatalogSettings.from_env(env), telegram=telegram,
                   credentials=CredentialSettings.from_env(env))

    @property
    def keys_dir(self) -> Path:
        """Where the private signing keys live (owner-only): ``ADVISOR_KEYS_DIR``, else the data folder."""
        return self.credentials.keys_dir or self.catalog.data_dir / "keys"

    def with_bot_api(self, *, token: str, api_url: str, file_url: str) -> Settings:
        """The same settings, talking to another Bot API server (the demo's emulator)."""
        telegram = self.telegram.model_copy(update={"token": SecretStr(token), "api_url": api_url,
                                                    "file_url": file_url})
        return Settings(catalog=self.catalog, telegram=telegram, credentials=self.credentials)
