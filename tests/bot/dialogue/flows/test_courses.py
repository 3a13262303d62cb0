"""Course details and enrolment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from bot.dialogue.flows.courses import Details, Enrolled, Gone, MyCourses, Withdrawn
from bot.learners.models import Enrolment
from catalog.storage.models import Course
from tests.support import Talk


def first_course(db: Any) -> int:
    with db[0]() as s:
        return int(s.scalar(select(func.min(Course.id))))


def test_details_enrol_twice_withdraw(talk: Talk, db: Any) -> None:
    talk.agree()
    cid = first_course(db)
    [details] = talk.press(f"c.d:{cid}")
    assert isinstance(details, Details) and details.title == "House Wiring" and not details.enrolled
    [enrolled] = talk.press(f"c.e:{cid}")
    assert isinstance(enrolled, Enrolled) and enrolled.created and enrolled.contact == {"phone": "012 345 678"}
    [again] = talk.press(f"c.e:{cid}")
    assert isinstance(again, Enrolled) and not again.created
    [mine] = talk.say("/mycourses")
    assert isinstance(mine, MyCourses) and mine.items == [(cid, "House Wiring", "Test School")]
    [withdrawn] = talk.press(f"c.w:{cid}")
    assert isinstance(withdrawn, Withdrawn) and withdrawn.changed
    [not_enrolled] = talk.press(f"c.w:{cid}")
    assert not not_enrolled.changed
    with db[0]() as s:
        assert s.scalars(select(Enrolment.status)).all() == ["withdrawn"]


def test_a_course_that_is_gone(talk: Talk, db: Any) -> None:
    talk.agree()
    cid = first_course(db)
    with db[0].begin() as s:
        s.execute(update(Course).where(Course.id == cid).values(active=False))
    assert isinstance(talk.press(f"c.e:{cid}")[0], Gone)
    assert isinstance(talk.press("c.d:999999")[0], Gone)


def test_courses_need_consent(talk: Talk, db: Any) -> None:
    from bot.dialogue.flows.onboarding import Privacy

    talk.say("/start")
    [first] = talk.say("/mycourses")
    assert isinstance(first, Privacy) and first.ask
    [second] = talk.press(f"c.e:{first_course(db)}")
    assert isinstance(second, Privacy)
    with db[0]() as s:
        assert s.scalar(select(func.count()).select_from(Enrolment)) == 0
