"""The bot's settings: the catalog's :class:`~catalog.settings.Settings` plus the Telegram side,
read from the same ``ADVISOR_*`` environment at start and validated once."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from catalog.errors import ConfigError
from catalog.settings import PREFIX, Settings

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{6,}$")
NO_TOKEN_HELP = (
    "ADVISOR_TELEGRAM_TOKEN is not set.\n"
    "  To run the bot on Telegram: open @BotFather in Telegram, send /newbot, and copy the token it\n"
    "  gives you into the environment: export ADVISOR_TELEGRAM_TOKEN=123456789:AA...\n"
    "  To try the conversation without a token or network: python -m bot demo"
)


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(PREFIX + name) or default).strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{PREFIX}{name} must be an http(s) URL such as {default}, got {value!r}")
    return value


@dataclass(frozen=True)
class BotSettings:
    catalog: Settings = field(default_factory=Settings)
    token: str | None = None
    api_url: str = TELEGRAM_API_URL
    file_url: str = TELEGRAM_FILE_URL
    concurrency: int = 64  # updates handled at once (one at a time per chat)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, need_token: bool = True) -> BotSettings:
        """Read and validate; a bad token is reported without echoing it."""
        env = os.environ if env is None else env
        token = (env.get(PREFIX + "TELEGRAM_TOKEN") or "").strip() or None
        if token is None and need_token:
            raise ConfigError(NO_TOKEN_HELP)
        if token is not None and not TOKEN_SHAPE.match(token):
            raise ConfigError(f"{PREFIX}TELEGRAM_TOKEN does not look like a bot token (digits, a colon, then letters; "
                              "copy it again from @BotFather)")
        raw = (env.get(PREFIX + "BOT_CONCURRENCY") or "64").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 1024:
            raise ConfigError(f"{PREFIX}BOT_CONCURRENCY must be a whole number from 1 to 1024, got {raw!r}")
        return cls(
            catalog=Settings.from_env(env),
            token=token,
            api_url=_url(env, "TELEGRAM_API_URL", TELEGRAM_API_URL),
            file_url=_url(env, "TELEGRAM_FILE_URL", TELEGRAM_FILE_URL),
            concurrency=int(raw),
        )
