"""How stored replies become Telegram markup: inline buttons and links, the keyboard under the text
field that asks for the learner's phone number, and its removal; a reply that cannot be an edit is not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.dialogue.core import SAY, SHARE_CONTACT, Reply
from bot.telegram import outbox
from bot.telegram.models import OutboxMessage
from tests.support import memory_database

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_markup_of_each_kind_of_button() -> None:
    inline = outbox.keyboard([[["Details", "c.d:1"], ["LinkedIn", "url:https://www.linkedin.com/profile/add"]]])
    assert isinstance(inline, InlineKeyboardMarkup)
    assert [b.url for b in inline.inline_keyboard[0]] == [None, "https://www.linkedin.com/profile/add"]
    asking = outbox.keyboard([[["📱 Share", SHARE_CONTACT]], [["Not now", SAY]]])
    assert isinstance(asking, ReplyKeyboardMarkup) and asking.one_time_keyboard and asking.resize_keyboard
    assert [[b.request_contact for b in row] for row in asking.keyboard] == [[True], [False]]
    assert outbox.stored_buttons(Reply("OK", remove_keyboard=True)) == [[["", outbox.REMOVE_KEYBOARD]]]
    assert isinstance(outbox.keyboard(outbox.stored_buttons(Reply("OK", remove_keyboard=True))), ReplyKeyboardRemove)
    assert outbox.keyboard(None) is None


def test_only_inline_replies_edit_the_pressed_message() -> None:
    engine, sessions = memory_database()
    with sessions.begin() as s:
        for reply in (Reply("a", replace=True), Reply("b", [[("x", SHARE_CONTACT)]], replace=True),
                      Reply("c", replace=True, remove_keyboard=True)):
            outbox.enqueue(s, bot_id=1, chat_id=2, replies=[reply], now=NOW, edit_message_id=7)
    with sessions() as s:
        assert [(r.text, r.edit_message_id) for r in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))] \
            == [("a", 7), ("b", None), ("c", None)]
    engine.dispose()
