"""The Telegram side of the advisor (python-telegram-bot, asyncio).

It depends on :mod:`catalog` for recommendations; :mod:`catalog` never imports it.
"""
