"""Pathways: what to learn after a course (what it stacks into, then related courses), and the
learner's progress towards larger credentials. Callback prefix ``n``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dialogue.core import Button, Flow, Int, Reply, Screen, Turn
from bot.dialogue.flows.courses import DETAILS, course_title
from bot.dialogue.html import esc
from bot.dialogue.views import guide_button
from bot.i18n import N_, Translator
from bot.learners import service as learners
from bot.learners.models import Enrolment, Learner
from catalog.courses.queries import stack_targets
from catalog.storage.models import Course

FLOW = Flow("n", "pathways")
NEXT = FLOW.action("n", Int(0, 2**63 - 1))
RELATED = 3


@dataclass
class NextSteps(Screen):
    after: str = ""
    stacks: list[tuple[int, str]] = field(default_factory=list)  # (course id, title)
    related: list[tuple[int, str]] = field(default_factory=list)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        lines = ["➡️ <b>" + esc(_("After {course}").format(course=self.after)) + "</b>"]
        buttons: list[list[Button]] = []
        n = 0
        for heading, items in ((_("It leads on to:"), self.stacks), (_("Related courses:"), self.related)):
            if items:
                lines.append("")
                lines.append(esc(heading))
            for course_id, title in items:
                n += 1
                lines.append(f"{n}. {esc(title)}")
                buttons.append([(_("ℹ️ {n} · Details").format(n=n), DETAILS.data(course_id))])
        if not n:
            lines.append(esc(_("I have no next course to suggest yet. Tell me what you want to learn next.")))
            buttons.append([guide_button(t)])
        return Reply("\n".join(lines), buttons)


@dataclass
class Path(Screen):
    goals: list[tuple[str, int, int]] = field(default_factory=list)  # (larger credential, done, needed)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.goals:
            return Reply(esc(_("None of your courses counts towards a full certificate yet. /mycourses shows your "
                               "courses.")))
        lines = ["🧩 <b>" + esc(_("Your path to full certificates")) + "</b>"]
        for title, done, needed in self.goals:
            lines.append("• " + esc(t.ngettext("{title}: {done} of {needed} course done",
                                               "{title}: {done} of {needed} courses done", needed).format(
                title=title, done=done, needed=needed)))
        return Reply("\n".join(lines))


def stack_titles(session: Session, learner: Learner, course: Course, lang: str) -> list[tuple[int, str]]:
    """What ``course`` counts towards, not yet taken by ``learner``."""
    taken = learners.taken_course_ids(session, learner)
    return [(c.id, course_title(c, lang)) for c in stack_targets(session, course) if c.id not in taken]


@NEXT.handles
def next_steps(turn: Turn, course_id: int) -> list[Screen]:
    course = turn.session.get(Course, course_id)
    if course is None:
        return [NextSteps(turn.lang)]
    stacks = stack_titles(turn.session, turn.learner, course, turn.lang)
    taken = learners.taken_course_ids(turn.session, turn.learner) | {course.id} | {i for i, _ in stacks}
    title = course_title(course, turn.lang)
    rec = turn.recommend(title, top_k=RELATED, lang=turn.lang, exclude=taken, home=turn.learner.country)
    related = [(r.course.id, r.title) for r in rec.results]
    return [NextSteps(turn.lang, after=title, stacks=stacks, related=related)]


@FLOW.command("mypath", N_("your path to full certificates"), needs_consent=True, order=27)
def my_path(turn: Turn) -> list[Screen]:
    """For each larger credential one of the learner's courses counts towards: how many of the courses
    that stack into it they completed."""
    if turn.learner.id is None:
        return [Path(turn.lang)]
    mine = {e.course_id: e.status for e in turn.session.scalars(
        select(Enrolment).where(Enrolment.learner_id == turn.learner.id))}
    goals: dict[int, tuple[str, set[int]]] = {}
    for course in turn.session.scalars(select(Course).where(Course.id.in_(mine))):
        for target in stack_targets(turn.session, course):
            parts = {c.id for c in turn.session.scalars(select(Course).where(
                Course.provider_id == target.provider_id, Course.active)) if target.code in (c.stackable_into or [])}
            goals[target.id] = (course_title(target, turn.lang), parts)
    rows = [(title, sum(1 for c in parts if mine.get(c) == learners.COMPLETED), len(parts))
            for title, parts in goals.values()]
    return [Path(turn.lang, goals=sorted(rows))]
