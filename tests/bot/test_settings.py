"""The advisor's settings: clear errors without a token, never echoing a bad one or printing it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import Settings
from catalog.errors import ConfigError


def test_missing_token_says_how_to_get_one() -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env({})
    assert "@BotFather" in str(err.value) and "python -m bot demo" in str(err.value)
    assert Settings.from_env({}, need_token=False).telegram.token is None


def test_bad_values_are_rejected_without_echoing_the_token() -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"ADVISOR_TELEGRAM_TOKEN": "not-a-secret-token"})
    assert "not-a-secret-token" not in str(err.value)
    with pytest.raises(ConfigError, match="ADVISOR_TELEGRAM_API_URL"):
        Settings.from_env({"ADVISOR_TELEGRAM_TOKEN": "123456:ABCDEFGH", "ADVISOR_TELEGRAM_API_URL": "localhost"})
    with pytest.raises(ConfigError, match="ADVISOR_BOT_CONCURRENCY"):
        Settings.from_env({"ADVISOR_TELEGRAM_TOKEN": "123456:ABCDEFGH", "ADVISOR_BOT_CONCURRENCY": "0"})


def test_local_bot_api_server() -> None:
    s = Settings.from_env({"ADVISOR_TELEGRAM_TOKEN": "123456:ABCDEFGH",
                              "ADVISOR_TELEGRAM_API_URL": "http://127.0.0.1:8081/bot/",
                              "ADVISOR_TELEGRAM_FILE_URL": "http://127.0.0.1:8081/file/bot"})
    assert (s.telegram.api_url, s.telegram.file_url) == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")


def test_cli_without_token_exits_with_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PATH": "/usr/bin:/bin", "ADVISOR_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 78
    assert "ADVISOR_TELEGRAM_TOKEN is not set" in done.stderr and "python -m bot demo" in done.stderr


def test_the_token_is_in_no_repr_and_no_log_line(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from bot.telegram.logs import configure_logging

    token = "123456:ABCDEF-very-secret"
    settings = Settings.from_env({"ADVISOR_TELEGRAM_TOKEN": token})
    assert settings.telegram.token is not None and settings.telegram.token.get_secret_value() == token
    for text in (repr(settings), str(settings), repr(settings.telegram), str(settings.telegram.model_dump())):
        assert "very-secret" not in text
    configure_logging(token)
    log = logging.getLogger("test.secret")
    try:
        raise RuntimeError(f"The token `{token}` was rejected by the server.")  # as InvalidToken says it
    except RuntimeError:
        log.exception("request to https://api.telegram.org/bot%s/getMe failed", token)
    log.info("file URL %s", f"https://api.telegram.org/file/bot{token.replace(':', '%3A')}/x")
    logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert "getMe failed" in err and "Traceback" in err and "<token>" in err
    assert "very-secret" not in err
