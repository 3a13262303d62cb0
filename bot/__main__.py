"""``python -m bot``: run the bot with long polling; ``python -m bot demo``: try it in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app import ALLOWED_UPDATES, build_application, configure_logging
from bot.config import BotSettings
from bot.runtime import prepare
from catalog.errors import CatalogError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot on Telegram (default; needs ADVISOR_TELEGRAM_TOKEN)")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal: no token, no network")
    demo.add_argument("--lang", default=None, help="Telegram app language of the demo user (km, vi, en)")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from bot.demo import run_demo

            settings = BotSettings.from_env(need_token=False)
            return asyncio.run(run_demo(settings, language_code=args.lang))
        settings = BotSettings.from_env()
        assert settings.token is not None
        configure_logging(settings.token)
        runtime = prepare(settings, bot_id=int(settings.token.split(":")[0]))
        try:
            build_application(settings, runtime.services).run_polling(allowed_updates=ALLOWED_UPDATES)
        finally:
            runtime.close()
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
