"""Logging that cannot leak the token: every formatted line, tracebacks included, is redacted.

Request URLs hold the token (``…/bot<token>/sendMessage``), and python-telegram-bot's InvalidToken
message quotes it; httpx's request log is also turned down to warnings.
"""

from __future__ import annotations

import logging


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: list[str], fmt: str) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text


def configure_logging(token: str | None, level: int = logging.INFO) -> None:
    """Root logging to stderr, with the token (and its URL-quoted form) redacted everywhere."""
    secrets = [token, token.replace(":", "%3A")] if token else []
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(secrets, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
