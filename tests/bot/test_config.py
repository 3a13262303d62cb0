"""Bot settings: clear errors without a token, never echoing a bad one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import BotSettings
from catalog.errors import ConfigError


def test_missing_token_says_how_to_get_one() -> None:
    with pytest.raises(ConfigError) as err:
        BotSettings.from_env({})
    assert "@BotFather" in str(err.value) and "python -m bot demo" in str(err.value)
    assert BotSettings.from_env({}, need_token=False).token is None


def test_bad_values_are_rejected_without_echoing_the_token() -> None:
    with pytest.raises(ConfigError) as err:
        BotSettings.from_env({"ADVISOR_TELEGRAM_TOKEN": "not-a-secret-token"})
    assert "not-a-secret-token" not in str(err.value)
    with pytest.raises(ConfigError, match="ADVISOR_TELEGRAM_API_URL"):
        BotSettings.from_env({"ADVISOR_TELEGRAM_TOKEN": "123456:ABCDEFGH", "ADVISOR_TELEGRAM_API_URL": "localhost"})
    with pytest.raises(ConfigError, match="ADVISOR_BOT_CONCURRENCY"):
        BotSettings.from_env({"ADVISOR_TELEGRAM_TOKEN": "123456:ABCDEFGH", "ADVISOR_BOT_CONCURRENCY": "0"})


def test_local_bot_api_server() -> None:
    s = BotSettings.from_env({"ADVISOR_TELEGRAM_TOKEN": "123456:ABCDEFGH",
                              "ADVISOR_TELEGRAM_API_URL": "http://127.0.0.1:8081/bot/",
                              "ADVISOR_TELEGRAM_FILE_URL": "http://127.0.0.1:8081/file/bot"})
    assert (s.api_url, s.file_url) == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")


def test_cli_without_token_exits_with_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PATH": "/usr/bin:/bin", "ADVISOR_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 78
    assert "ADVISOR_TELEGRAM_TOKEN is not set" in done.stderr and "python -m bot demo" in done.stderr
