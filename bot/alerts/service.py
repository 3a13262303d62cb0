"""Alerts about new courses and admins' announcements, written into the outbox.

Matching runs whenever the catalog grows (after a provider's upload, in the worker that applied it;
and in every worker's housekeeping when it sees a newer catalog version): for each subscription, the
courses changed since it last looked that the recommender now ranks for its goal are announced, each
once (a unique row per subscription and course, so two workers never send the same alert). The
outbox then sends them within Telegram's limits; a learner who blocked the bot is skipped and marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

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
class Match:
    learner: Learner
    goal: str
    courses: list[tuple[int, str]]  # (course id, title in the learner's language)


Recommend = Callable[..., Recommendation]


def matches(session: Session, recommend: Recommend, now: dt.datetime) -> list[Match]:
    """The alerts due now, recorded as sent (in the caller's transaction, which writes the messages too)."""
    version = catalog_version(session)
    out = []
    for sub, learner in session.execute(select(AlertSubscription, Learner).join(Learner).where(
            AlertSubscription.since_version < version, Learner.blocked_at.is_(None),
            Learner.consented_at.is_not(None))).all():
        changed = set(session.scalars(select(Course.id).where(Course.active,
                                                              Course.changed_in_version > sub.since_version)))
        sub.since_version = version
        if not changed:
            continue
        rec = recommend(sub.goal, Filters.from_dict(sub.filters), top_k=ALERT_TOP, lang=learner.language)
        found = []
        for result in rec.results:
            if result.course.id not in changed or len(found) == MAX_PER_ALERT:
                continue
            try:
                with session.begin_nested():  # another worker may have announced it just now
                    session.add(AlertSent(subscription_id=sub.id, course_id=result.course.id, sent_at=now))
            except IntegrityError:
                continue
            found.append((result.course.id, result.title))
        if found:
            out.append(Match(learner, sub.goal, found))
    return out


def audience(session: Session) -> list[Learner]:
    """Everyone an announcement goes to: agreed to the privacy notice, and has not blocked the bot."""
    return list(session.scalars(select(Learner).where(Learner.consented_at.is_not(None), Learner.blocked_at.is_(None),
                                                      Learner.channel == "telegram")))


def announce(session: Session, text: str, sent_by: str, recipients: int, now: dt.datetime) -> Announcement:
    row = Announcement(text=text[:4000], sent_by=sent_by, recipients=recipients, created_at=now)
    session.add(row)
    return row

