"""Reminders about enrolments: a day or two before a course starts, and after a month without news.

Scheduled work lives in the database: each reminder is a row (unique per enrolment, kind and key, so two
workers never send the same one twice) written with its message in one transaction; the outbox sends
it, also after a restart. Reminders go out only between 08:00 and 20:00 where the course is
(Asia/Phnom_Penh, Asia/Ho_Chi_Minh), never to a learner who withdrew, completed or blocked the bot.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.dialogue.flows.courses import StartsSoon, StillThere, course_title
from bot.i18n import DEFAULT_LANGUAGE, Catalogs
from bot.learners.models import Enrolment, EnrolmentEvent, Learner, Reminder
from bot.learners.service import ENROLLED
from bot.telegram.updates import notify
from catalog.storage.models import Course

ZONES = {"KH": ZoneInfo("Asia/Phnom_Penh"), "VN": ZoneInfo("Asia/Ho_Chi_Minh")}
WAKING_HOURS = range(8, 20)
START_AHEAD = 2  # days before the start date
QUIET = dt.timedelta(days=30)


def _zone(course: Course, learner: Learner) -> ZoneInfo:
    return ZONES.get(course.country) or ZONES["VN" if learner.language == "vi" else "KH"]


def send_due(session: Session, translations: Catalogs, *, bot_id: int, now: dt.datetime) -> int:
    """Write the reminders due at ``now`` into the outbox (in the caller's transaction); returns how many."""
    rows = session.execute(
        select(Enrolment, Learner, Course).join(Learner, Enrolment.learner_id == Learner.id)
        .join(Course, Enrolment.course_id == Course.id)
        .where(Enrolment.status == ENROLLED, Learner.blocked_at.is_(None), Learner.consented_at.is_not(None))).all()
    last_news = dict(session.execute(select(EnrolmentEvent.enrolment_id, func.max(EnrolmentEvent.at))
                                     .group_by(EnrolmentEvent.enrolment_id)).all())
    done = {tuple(row) for row in session.execute(select(Reminder.enrolment_id, Reminder.kind, Reminder.key))}
    sent = 0
    for enrolment, learner, course in rows:
        local = now.astimezone(_zone(course, learner))
        if local.hour not in WAKING_HOURS:
            continue
        lang = learner.language or DEFAULT_LANGUAGE
        due: list[tuple[str, str, StartsSoon | StillThere]] = []
        for raw in course.start_dates or []:
            try:
                starts = dt.date.fromisoformat(raw)
            except ValueError:
                continue
            if 0 <= (starts - local.date()).days <= START_AHEAD:
                due.append(("start", raw, StartsSoon(lang, course_id=course.id, title=course_title(course, lang),
                                                     starts=starts)))
        news = last_news.get(enrolment.id) or enrolment.updated_at
        if news is not None and now - news >= QUIET:
            due.append(("silence", news.date().isoformat(), StillThere(lang, course_id=course.id,
                                                                       title=course_title(course, lang))))
        for kind, key, screen in due:
            if (enrolment.id, kind, key) in done:
                continue
            try:
                with session.begin_nested():  # another worker may have written it just now
                    session.add(Reminder(enrolment_id=enrolment.id, kind=kind, key=key, created_at=now))
            except IntegrityError:
                continue
            notify(session, translations, bot_id=bot_id, learner=learner, screens=[screen], now=now)
            sent += 1
    return sent
