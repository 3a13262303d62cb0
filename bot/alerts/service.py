"""Alerts about new courses and admins' announcements, written into the outbox.

Matching runs whenever the recommender has loaded a newer catalog (after a provider's upload, in the
worker that applied it; in every worker's housekeeping otherwise, and every ten minutes in case a
round failed): for each subscription, the courses changed since it last looked that the recommender
ranks for its goal are announced, each once (a unique row per subscription and course, so two workers
never send the same alert). Think, then write: the ranking runs with no transaction open, then one
short transaction per alert records it and writes the message. The outbox sends them within
Telegram's limits; a learner who blocked the bot is skipped and marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.alerts.models import AlertSent, AlertSubscription, Announcement
from bot.learners.models import Learner
from catalog.retrieval.constraints import Filters
from catalog.retrieval.recommender import Recommendation
from catalog.storage.db import catalog_version
from catalog.storage.models import Course

ALERT_TOP = 10  # a new course counts as a match when it ranks among these for the goal
MAX_PER_ALERT = 3


def subscribe(session: Session, learner: Learner, goal: str, filters: Filters, now: dt.datetime) -> None:
    """Hear of new courses for ``goal`` (replacing an earlier subscription: one per learner)."""
    version = catalog_version(session)
    row = session.scalar(select(AlertSubscription).where(AlertSubscription.learner_id == learner.id))
    if row is None:
        row = AlertSubscription(learner_id=learner.id)
        session.add(row)
    row.goal, row.filters, row.created_at, row.since_version = goal[:500], filters.to_dict(), now, version
    session.flush()


def unsubscribe(session: Session, learner: Learner) -> bool:
    row = session.scalar(select(AlertSubscription).where(AlertSubscription.learner_id == learner.id))
    if row is None:
        return False
    session.delete(row)
    return True


def subscription(session: Session, learner: Learner) -> AlertSubscription | None:
    return session.scalar(select(AlertSubscription).where(AlertSubscription.learner_id == learner.id)) \
        if learner.id is not None else None


@dataclass(frozen=True)
class Due:
    """A subscription to look at: its goal, and the courses that changed since it last looked."""

    subscription_id: int
    learner_id: int
    goal: str
    filters: dict[str, Any]
    language: str | None
    changed: frozenset[int]


@dataclass(frozen=True)
class Match:
    learner: Learner
    goal: str
    courses: list[tuple[int, str]]  # (course id, title in the learner's language)


Recommend = Callable[..., Recommendation]


def due(session: Session, version: int) -> list[Due]:
    """The subscriptions that have not seen catalog ``version`` (the one the recommender has loaded:
    a newer one in the database is not in its index yet, and waits for the next round)."""
    out = []
    for sub, learner in session.execute(select(AlertSubscription, Learner).join(Learner).where(
            AlertSubscription.since_version < version, Learner.blocked_at.is_(None),
            Learner.consented_at.is_not(None))).all():
        changed = frozenset(session.scalars(select(Course.id).where(
            Course.active, Course.changed_in_version > sub.since_version, Course.changed_in_version <= version)))
        out.append(Due(sub.id, learner.id, sub.goal, dict(sub.filters), learner.language, changed))
    return out


def found(item: Due, recommend: Recommend) -> list[tuple[int, str]]:
    """The changed courses the recommender ranks for the goal (run with no transaction open)."""
    if not item.changed:
        return []
    rec = recommend(item.goal, Filters.from_dict(item.filters), top_k=ALERT_TOP, lang=item.language)
    return [(r.course.id, r.title) for r in rec.results if r.course.id in item.changed][:MAX_PER_ALERT]


def record(session: Session, item: Due, courses: list[tuple[int, str]], version: int,
           now: dt.datetime) -> Match | None:
    """Write what is announced (each course once per subscription, whichever worker gets there first)
    and move the subscription on to ``version``; the caller writes the message in the same transaction."""
    sub = session.get(AlertSubscription, item.subscription_id)
    learner = session.get(Learner, item.learner_id)
    if sub is None or learner is None or sub.since_version >= version:
        return None  # unsubscribed, erased, or another worker did it
    sub.since_version = version
    new = []
    for course_id, title in courses:
        try:
            with session.begin_nested():
                session.add(AlertSent(subscription_id=sub.id, course_id=course_id, sent_at=now))
        except IntegrityError:
            continue
        new.append((course_id, title))
    return Match(learner, sub.goal, new) if new else None


def audience(session: Session) -> list[Learner]:
    """Everyone an announcement goes to: agreed to the privacy notice, and has not blocked the bot."""
    return list(session.scalars(select(Learner).where(Learner.consented_at.is_not(None), Learner.blocked_at.is_(None),
                                                      Learner.channel == "telegram")))


def announce(session: Session, text: str, sent_by: str, recipients: int, now: dt.datetime) -> Announcement:
    row = Announcement(text=text[:4000], sent_by=sent_by, recipients=recipients, created_at=now)
    session.add(row)
    return row

