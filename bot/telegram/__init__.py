"""Telegram's side: the python-telegram-bot Application, thin handlers, the inbox that makes every
received update durable and the outbox that sends replies. The only package (with the demo) that
imports python-telegram-bot."""
