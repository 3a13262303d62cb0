"""Reminders with a controllable clock: before a course starts and after a month without news, at a
sensible local hour, once, never to a learner who blocked the bot or withdrew; and a restart between
scheduling and sending loses nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.i18n import Catalogs
from bot.learners.models import EnrolmentEvent, Learner, Reminder
from bot.learners.service import enrol, withdraw
from bot.services import Services
from bot.telegram import reminders
from bot.telegram.models import OutboxMessage
from catalog.storage.models import Course
from tests.bot.telegram.conftest import running_bot
from tests.support import emulator, memory_database, mostly, new_user

BOT = 7003
CATALOGS = Catalogs()
MORNING = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 09:00 in Phnom Penh and Ho Chi Minh City


@pytest.fixture
def db() -> Any:
    _, sessions = memory_database()
    with sessions.begin() as s:
        s.execute(update(Course).where(Course.code == "ELEC-1").values(start_dates=["2026-12-03"]))
        for i, language in enumerate(("km", "vi", "en", "km")):
            learner = Learner(channel="telegram", external_id=str(100 + i), language=language, consented_at=MORNING)
            s.add(learner)
            s.flush()
            course = s.scalar(select(Course).where(Course.code == "ELEC-1"))
            assert course is not None
            enrol(s, learner, course.id, MORNING - dt.timedelta(days=3))
    return sessions


def run(sessions: Any, now: dt.datetime) -> list[tuple[int, str]]:
    with sessions.begin() as s:
        reminders.send_due(s, CATALOGS, bot_id=BOT, now=now)
    with sessions() as s:
        return [(r.chat_id, r.text) for r in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_reminder_before_the_start_once_in_waking_hours(db: Any) -> None:
    assert run(db, MORNING - dt.timedelta(hours=6)) == []  # 03:00 local: nobody is woken up
    sent = run(db, MORNING)
    assert sorted(chat for chat, _ in sent) == [100, 101, 102, 103] and all("⏰" in text for _, text in sent)
    by_chat = dict(sent)
    assert mostly("km", by_chat[100]) and mostly("vi", by_chat[101]) and mostly("en", by_chat[102])  # each in theirs
    assert run(db, MORNING + dt.timedelta(hours=1)) == sent  # once
    assert run(db, MORNING + dt.timedelta(days=3)) == sent  # the start date has passed


def test_blocked_and_withdrawn_learners_are_left_alone(db: Any) -> None:
    with db.begin() as s:
        s.execute(update(Learner).where(Learner.external_id == "100").values(blocked_at=MORNING))
        learner = s.scalar(select(Learner).where(Learner.external_id == "101"))
        course = s.scalar(select(Course).where(Course.code == "ELEC-1"))
        assert learner is not None and course is not None
        withdraw(s, learner, course.id, MORNING)
    assert sorted(chat for chat, _ in run(db, MORNING)) == [102, 103]


def test_a_month_without_news(db: Any) -> None:
    with db.begin() as s:
        s.execute(update(Course).values(start_dates=[]))
        s.execute(update(EnrolmentEvent).values(at=MORNING - dt.timedelta(days=31)))
    later = run(db, MORNING)
    assert len(later) == 4 and all("👋" in text for _, text in later)
    assert run(db, MORNING + dt.timedelta(days=2)) == later
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Reminder)) == 4


@pytest.mark.e2e
def test_a_restart_between_scheduling_and_sending_loses_nothing(services: Services) -> None:
    """Reminders written while the bot is down go out when it starts."""

    async def scenario() -> None:
        async with emulator() as emu:
            user = new_user("en")
            emu.send_text(user, "/start")  # the chat exists on Telegram's side
            with services.catalog.write_sessions.begin() as s:
                learner = Learner(channel="telegram", external_id=str(user.id), language="en", consented_at=MORNING)
                s.add(learner)
                s.flush()
                course = s.scalar(select(Course).where(Course.active, Course.start_dates != "[]").limit(1))
                assert course is not None
                enrol(s, learner, course.id, MORNING)
                day = dt.date.fromisoformat(course.start_dates[0])
                now = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(3, 0), dt.UTC)
                assert reminders.send_due(s, CATALOGS, bot_id=emu.bot_id, now=now) >= 1
            # The bot starts the day the reminders were written: they are due, and nothing waits behind them.
            async with running_bot(dataclasses.replace(services, clock=lambda: now), emu):
                await emu.wait_for(lambda: any(m.text.startswith("⏰") for m in emu.messages(user.id)), 30)

    asyncio.run(scenario())
