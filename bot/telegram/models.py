"""Telegram's side of the database: the inbox of received updates, the outbox of messages to send,
and the groups already told to use a private chat (migrations: ``bot/storage/migrations``).

Inbox and outbox are what make the update path survive kill -9: an update is stored before the
offset that acknowledges it is sent to Telegram, and a reply is stored in the same transaction as
the effects that caused it, then sent from the table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from catalog.storage.models import Base, UTCDateTime


class InboxUpdate(Base):
    """One update received from Telegram. ``payload`` is the update as Telegram sent it, kept only
    until it is handled (it holds what the learner typed); the key stays for two days so that a
    redelivered update is recognised. ``claimed_by``/``claimed_until`` is a lease: the worker
    handling it, until when; a lease that ran out, or whose process is gone, can be taken over."""

    __tablename__ = "telegram_inbox"
    __table_args__ = (Index("ix_telegram_inbox_pending", "bot_id", "done_at", "update_id"),)

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)


class OutboxMessage(Base):
    """A message to send (or an edit of a message the learner pressed a button on), rendered and
    ready. Rows of one chat go out in ``id`` order; ``fallback`` is sent instead when Telegram refuses
    the text, so that the learner is never left without an answer. ``sending_by``/``sending_since``
    mark a send in progress: a row found that way after a crash may or may not have reached Telegram,
    and is sent again (a rare duplicate rather than a lost reply)."""

    __tablename__ = "telegram_outbox"
    __table_args__ = (Index("ix_telegram_outbox_pending", "bot_id", "sent_at", "failed_at", "not_before"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The message that brought the update (the learner's, or the one whose button was pressed):
    # a reply sent before a crash can only have a larger id (see Sender._find_delivered).
    after_message_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String, nullable=False)  # the caption, for a file or a picture
    buttons: Mapped[list[Any] | None] = mapped_column(JSON)
    attachment_kind: Mapped[str | None] = mapped_column(String(16))  # "document" or "photo"
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    fallback: Mapped[str | None] = mapped_column(String)
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, server_default=func.now())
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sending_by: Mapped[str | None] = mapped_column(String(80))  # the worker sending it now (a lease)
    sending_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class GroupNotice(Base):
    """Group chats the bot has already asked, once, to talk to it privately."""

    __tablename__ = "telegram_group_notices"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    told_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
