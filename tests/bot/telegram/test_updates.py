"""One update's unit of work: the dialogue's effects, the replies and the finished inbox row are
committed together, or none of them is."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.dialogue.conversation import Conversation
from bot.dialogue.core import Command, Press, Start, Text, Visitor
from bot.dialogue.flows import build_router
from bot.i18n import Catalogs
from bot.learners.models import Enrolment
from bot.services import Services
from bot.settings import Settings
from bot.telegram import inbox, outbox, updates
from bot.telegram.inbox import Worker
from bot.telegram.models import InboxUpdate, OutboxMessage
from catalog.storage.models import Course
from tests.support import FakeRecommender, memory_database

BOT = 7002


class _Catalog:
    def __init__(self, sessions: Any) -> None:
        self.write_sessions = self.sessions = sessions


@pytest.fixture
def services() -> Services:
    _, sessions = memory_database()
    recommender = FakeRecommender(sessions)
    translations = Catalogs()
    settings = Settings.from_env({}, need_token=False)
    return Services(settings, _Catalog(sessions), recommender, translations,  # type: ignore[arg-type]
                    Conversation(build_router(), translations, recommender))


def incoming(update_id: int, inp: Any, pressed: int | None = None) -> updates.Incoming:
    return updates.Incoming(BOT, update_id, 42, Visitor("42", "en"), inp, pressed)


def count(services: Services, model: Any) -> int:
    with services.catalog.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def stored(services: Services, update_id: int) -> None:
    with services.catalog.sessions.begin() as s:
        inbox.store(s, BOT, {"update_id": update_id}, Worker(), services.clock())


def test_an_answer_commits_effects_replies_and_the_inbox_together(services: Services) -> None:
    for i, inp in enumerate([Start(None), Press("o.l:en"), Press("o.c:y")], start=1):
        stored(services, i)
        updates.answer(services, incoming(i, inp, pressed=10))
    with services.catalog.sessions() as s:
        course_id = s.scalar(select(func.min(Course.id)))
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.edit_message_id for r in rows] == [None, 10, 10]  # button answers edit the pressed message
        assert all(r.fallback and "went wrong" in r.fallback for r in rows)
        assert s.scalar(select(func.count()).where(InboxUpdate.done_at.is_(None))) == 0
    stored(services, 4)
    updates.answer(services, incoming(4, Press(f"c.e:{course_id}")))
    assert count(services, Enrolment) == 1 and count(services, OutboxMessage) == 4


def test_a_failure_after_the_first_write_of_an_enrolment_leaves_nothing(services: Services,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for i, inp in enumerate([Start(None), Press("o.l:en"), Press("o.c:y")], start=1):
        stored(services, i)
        updates.answer(services, incoming(i, inp))
    with services.catalog.sessions() as s:
        course_id = s.scalar(select(func.min(Course.id)))

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the outbox is full")

    monkeypatch.setattr(outbox, "enqueue", broken)
    stored(services, 4)
    with pytest.raises(RuntimeError):
        updates.answer(services, incoming(4, Press(f"c.e:{course_id}")))
    assert count(services, Enrolment) == 0 and count(services, OutboxMessage) == 3
    with services.catalog.sessions() as s:
        assert s.get(InboxUpdate, (BOT, 4)).done_at is None  # type: ignore[union-attr]  # to be tried again


def test_erasing_forgets_what_was_written_and_shown(services: Services) -> None:
    for i, inp in enumerate([Start(None), Press("o.l:en"), Press("o.c:y"), Text("motorbike repair")], start=1):
        stored(services, i)
        updates.answer(services, incoming(i, inp))
    with services.catalog.sessions.begin() as s:
        for row in s.scalars(select(OutboxMessage)):
            row.sent_at = services.clock()
    for i in (5, 6):
        stored(services, i)
    updates.answer(services, incoming(5, Command("delete")))
    outcome = updates.answer(services, incoming(6, Press("p.d:y")))
    assert outcome.erased
    with services.catalog.sessions() as s:
        texts = [r.text for r in s.scalars(select(OutboxMessage))]
        assert len(texts) == 2 and not any("motorbike" in t for t in texts)  # only the unsent confirmations
        assert all(r.payload is None for r in s.scalars(select(InboxUpdate)))


def test_failure_reply_and_group_notice(services: Services) -> None:
    stored(services, 1)
    updates.answer_failure(services, bot_id=BOT, update_id=1, chat_id=42, external_id="42", language_code="km")
    stored(services, 2)
    assert updates.tell_group(services, bot_id=BOT, update_id=2, chat_id=-100, language_code="vi") is True
    stored(services, 3)
    assert updates.tell_group(services, bot_id=BOT, update_id=3, chat_id=-100, language_code="vi") is False
    with services.catalog.sessions() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.chat_id for r in rows] == [42, -100]
        assert s.scalar(select(func.count()).where(InboxUpdate.done_at.is_(None))) == 0
