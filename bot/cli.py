"""``python -m bot``: run the advisor on Telegram (long polling); ``python -m bot demo``: try it in
this terminal without a token or network.

Every failure a person can act on ends with one ``error:`` line on stderr and a documented exit
code: 78 configuration (a missing, malformed or rejected token, a bad setting), 69 the Bot API
server cannot be reached, 74 the database or index cannot be opened. The token is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.services import build_services, stderr
from bot.settings import Settings
from bot.telegram.application import ALLOWED_UPDATES, build_application
from bot.telegram.logs import configure_logging
from catalog.errors import CatalogError, ConfigError


class BotApiUnavailable(CatalogError):
    """The Bot API server did not answer."""

    exit_code = 69  # EX_UNAVAILABLE


async def check_bot_api(settings: Settings) -> str:
    """Ask the Bot API who we are before loading anything: a rejected token or an unreachable
    server becomes one clear error. Returns the bot's username."""
    token = settings.telegram.token
    assert token is not None
    host = urlsplit(settings.telegram.api_url).netloc
    bot = Bot(token.get_secret_value(), base_url=settings.telegram.api_url, base_file_url=settings.telegram.file_url)
    try:
        async with bot:
            return bot.username
    except InvalidToken:
        raise ConfigError(f"the Bot API server at {host} rejected ADVISOR_TELEGRAM_TOKEN (401 Unauthorized): "
                          "the token is wrong or was revoked; copy it again from @BotFather") from None
    except NetworkError as exc:
        reason = str(exc).replace(token.get_secret_value(), "<token>").splitlines()[0] if str(exc) else \
            type(exc).__name__
        raise BotApiUnavailable(f"cannot reach the Bot API server at {host}: {reason}") from None


def run(settings: Settings) -> int:
    token = settings.telegram.token
    assert token is not None
    configure_logging(token.get_secret_value())
    username = asyncio.run(check_bot_api(settings))
    stderr(f"Bot API: connected as @{username}.")
    services = build_services(settings, say=stderr, progress=None)
    build_application(settings, services).run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot on Telegram (default; needs ADVISOR_TELEGRAM_TOKEN)")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal: no token, no network")
    demo.add_argument("--lang", default=None, help="Telegram app language of the demo user (km, vi, en)")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from bot.demo.terminal import run_demo

            return asyncio.run(run_demo(Settings.from_env(need_token=False), language_code=args.lang))
        return run(Settings.from_env())
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
