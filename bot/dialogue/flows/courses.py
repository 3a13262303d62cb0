"""Course details and enrolment: everything the catalog says about a course, enrolling and
withdrawing, and the learner's own course list. Callback prefix ``c``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from bot.dialogue.core import Button, Flow, Int, Reply, Screen, Turn
from bot.dialogue.flows import profile
from bot.dialogue.html import esc
from bot.dialogue.views import (
    guide_button,
    in_language,
    language_name,
    money,
    my_courses_button,
    place,
    schedule_name,
    where,
)
from bot.i18n import N_, Translator
from bot.learners import service as learners
from catalog.courses.schema import localized
from catalog.storage.models import Course, Provider

FLOW = Flow("c", "course details and enrolment")
COURSE_ID = Int(0, 2**63 - 1)
DETAILS = FLOW.action("d", COURSE_ID)
ENROL = FLOW.action("e", COURSE_ID)
WITHDRAW = FLOW.action("w", COURSE_ID)


def _dates(t: Translator, values: list[str]) -> str:
    out = []
    for raw in values:
        try:
            out.append(t.date(dt.date.fromisoformat(raw)))
        except ValueError:
            out.append(raw)
    return " · ".join(out)


@dataclass
class Details(Screen):
    course_id: int = 0
    code: str = ""  # PROVIDER:CODE, how providers and admins name the course
    title: str = ""
    title_lang: str = ""
    provider: str = ""
    text: dict[str, Any] = field(default_factory=dict)  # field -> (value, language it is written in)
    duration_hours: float = 0
    cost_amount: float = 0
    cost_currency: str = "USD"
    delivery: str = ""
    province: str = ""
    language_of_instruction: str = ""
    schedule: list[str] = field(default_factory=list)
    start_dates: list[str] = field(default_factory=list)
    women_only: bool = False
    min_age: int | None = None
    max_age: int | None = None
    stacks_into: list[str] = field(default_factory=list)
    url: str = ""
    active: bool = True
    enrolled: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        title = "<b>" + esc(self.title) + "</b>"
        if self.title_lang != t.lang:
            title += " " + in_language(t, self.title_lang)
        lines = [title, esc(self.provider)]
        if not self.active:
            lines.append("⚠️ " + esc(_("This course is no longer offered.")))

        def text_field(name: str, label: str) -> None:
            if name not in self.text:
                return
            value, value_lang = self.text[name]
            marker = " " + in_language(t, value_lang) if value_lang != t.lang else ""
            lines.append("")
            if isinstance(value, list):
                lines.append("<b>" + esc(label) + "</b>" + marker)
                lines.extend("• " + esc(v) for v in value)
            else:
                lines.append("<b>" + esc(label) + "</b>" + marker + "\n" + esc(value))

        text_field("description", _("What you learn"))
        text_field("learning_outcomes", _("After the course you can"))
        lines.append("")
        lines.append("⏱ " + esc(_("Duration: {value}").format(value=t.hours(self.duration_hours))))
        lines.append("💵 " + esc(_("Cost: {value}").format(value=money(t, self.cost_amount, self.cost_currency))))
        if self.schedule:
            lines.append("🗓 " + esc(_("Schedule: {value}").format(
                value=", ".join(schedule_name(t, s) for s in self.schedule))))
        if self.start_dates:
            lines.append("📅 " + esc(_("Starts: {value}").format(value=_dates(t, self.start_dates))))
        lines.append("📍 " + esc(_("Place: {value}").format(value=place(t, self.delivery, self.province))))
        lines.append("🗣 " + esc(_("Taught in: {value}").format(value=language_name(t, self.language_of_instruction))))
        lines.append("👤 " + esc(_("Who can join: {value}").format(value=self._eligibility(t))))
        text_field("assessment", _("How you are assessed"))
        text_field("quality_assurance", _("Certificate and quality"))
        if self.stacks_into:
            lines.append("")
            lines.append("➕ " + esc(_("Leads on to: {value}").format(value=", ".join(self.stacks_into))))
        if self.url:
            lines.append("🔗 " + esc(self.url))
        if self.code:
            lines.append("🏷 " + esc(self.code))
        action = (_("↩️ Withdraw"), WITHDRAW.data(self.course_id)) if self.enrolled \
            else (_("✅ Enrol"), ENROL.data(self.course_id))
        buttons = [[action]] if self.active or self.enrolled else []
        return Reply("\n".join(lines), buttons)

    def _eligibility(self, t: Translator) -> str:
        _ = t.gettext
        if self.min_age and self.max_age:
            age = _("ages {low} to {high}").format(low=self.min_age, high=self.max_age)
        elif self.min_age:
            age = _("age {low} or older").format(low=self.min_age)
        elif self.max_age:
            age = _("up to age {high}").format(high=self.max_age)
        else:
            age = ""
        if self.women_only:
            return _("women only, {age}").format(age=age) if age else _("women only")
        return age or _("everyone")


@dataclass
class Enrolled(Screen):
    course_id: int = 0
    title: str = ""
    provider: str = ""
    contact: dict[str, str] = field(default_factory=dict)
    url: str = ""
    created: bool = True
    ask_name: bool = False  # the first enrolment: ask once for the name on certificates

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.created:
            text = "ℹ️ " + esc(_("You are already enrolled in {course}. Nothing has changed.").format(
                course=self.title))
        else:
            text = "✅ " + esc(_("You are enrolled in {course} ({provider}).").format(
                course=self.title, provider=self.provider))
        contact = []
        for key, icon in {"phone": "📞", "email": "✉️", "telegram": "💬"}.items():
            if self.contact.get(key):
                contact.append(f"{icon} {esc(self.contact[key])}")
        if self.url:
            contact.append("🔗 " + esc(self.url))
        if contact:
            text += "\n" + esc(_("Contact the provider to confirm your place and the start date:")) + "\n" \
                + "\n".join(contact)
        buttons = [[my_courses_button(t), (_("↩️ Withdraw"), WITHDRAW.data(self.course_id))]]
        if self.ask_name:
            question, name_buttons = profile.name_question(t)
            text += "\n\n" + esc(question)
            buttons += name_buttons
        return Reply(text, buttons)


@dataclass
class Withdrawn(Screen):
    course_id: int = 0
    title: str = ""
    changed: bool = True

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.changed:
            return Reply("↩️ " + esc(_("You have withdrawn from {course}.").format(course=self.title)),
                         [[(_("✅ Enrol again"), ENROL.data(self.course_id))]])
        return Reply("ℹ️ " + esc(_("You are not enrolled in {course}.").format(course=self.title)))


@dataclass
class MyCourses(Screen):
    items: list[tuple[int, str, str]] = field(default_factory=list)  # (course id, title, provider)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.items:
            return Reply(esc(_("You have not enrolled in any course yet. Tell me your goal and I will find "
                               "courses for you.")), [[guide_button(t)]])
        lines = ["📚 <b>" + esc(t.ngettext("Your course ({n}):", "Your courses ({n}):", len(self.items)).format(
            n=len(self.items))) + "</b>"]
        buttons: list[list[Button]] = []
        for n, (course_id, title, provider) in enumerate(self.items, start=1):
            lines.append(f"{n}. {esc(title)} – {esc(provider)}")
            buttons.append([(_("ℹ️ {n} · Details").format(n=n), DETAILS.data(course_id)),
                            (_("↩️ Withdraw {n}").format(n=n), WITHDRAW.data(course_id))])
        return Reply("\n".join(lines), buttons)


@dataclass
class StartsSoon(Screen):
    """A reminder, a day or two before a course the learner enrolled in starts."""

    course_id: int = 0
    title: str = ""
    starts: dt.date | None = None

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        when = t.date(self.starts) if self.starts else ""
        return Reply("⏰ " + esc(_("{course} starts on {date}. Contact the provider if you have not confirmed your "
                                  "place yet.").format(course=self.title, date=when)),
                     [[(_("ℹ️ Details"), DETAILS.data(self.course_id)), my_courses_button(t)]])


@dataclass
class StillThere(Screen):
    """A reminder when an enrolment has had no news for a while."""

    course_id: int = 0
    title: str = ""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        return Reply("👋 " + esc(_("How is {course} going? When you finish, the provider confirms it and you receive "
                                  "your certificate here. If you changed your mind, you can withdraw.").format(
                                      course=self.title)),
                     [[(_("ℹ️ Details"), DETAILS.data(self.course_id)), (_("↩️ Withdraw"),
                                                                        WITHDRAW.data(self.course_id))]])


@dataclass
class Gone(Screen):
    """A button for a course that no longer exists or is no longer offered."""

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("This course is no longer available. Tell me your goal to see other courses.")))


# -- behaviour ----------------------------------------------------------------------------------

def _course(turn: Turn, course_id: int) -> tuple[Course, Provider] | None:
    row = turn.session.execute(select(Course, Provider).join(Provider).where(Course.id == course_id)).first()
    return (row[0], row[1]) if row else None


def course_title(course: Course, lang: str) -> str:
    """A course's title as the provider wrote it, in ``lang`` when there is one."""
    return localized((course.original or {}).get("title") or course.title, lang)[0] or course.code


@DETAILS.handles
def details(turn: Turn, course_id: int) -> list[Screen]:
    found = _course(turn, course_id)
    if found is None:
        return [Gone(turn.lang)]
    course, provider = found
    lang = turn.lang
    original = course.original or {}
    title, title_lang = localized(original.get("title") or course.title, lang)
    text = {}
    for name in ("description", "learning_outcomes", "assessment", "quality_assurance"):
        value, value_lang = localized(original.get(name) or getattr(course, name), lang)
        if value:
            text[name] = (value, value_lang)
    stacks = [course_title(target, lang) for code in course.stackable_into or []
              if (target := turn.session.scalar(select(Course).where(Course.provider_id == course.provider_id,
                                                                    Course.code == code))) is not None]
    return [Details(
        lang, course_id=course.id, code=f"{provider.code}:{course.code}", title=title or course.code,
        title_lang=title_lang,
        provider=localized(provider.name, lang)[0] or provider.code, text=text, duration_hours=course.duration_hours,
        cost_amount=course.cost_amount, cost_currency=course.cost_currency, delivery=course.delivery,
        province=where(lang, course.province, course.locality), language_of_instruction=course.language_of_instruction,
        schedule=list(course.schedule), start_dates=list(course.start_dates), women_only=course.women_only,
        min_age=course.min_age, max_age=course.max_age, stacks_into=stacks, url=course.url,
        active=course.active, enrolled=learners.is_enrolled(turn.session, turn.learner, course.id),
    )]


@ENROL.handles
def enrol(turn: Turn, course_id: int) -> list[Screen]:
    found = _course(turn, course_id)
    if found is None or not found[0].active:
        return [Gone(turn.lang)]
    course, provider = found
    created = learners.enrol(turn.session, turn.learner, course.id, turn.now)
    return [Enrolled(turn.lang, course_id=course.id, title=course_title(course, turn.lang),
                     provider=localized(provider.name, turn.lang)[0] or provider.code,
                     contact={k: str(v) for k, v in (provider.contact or {}).items() if v},
                     url=course.url or provider.url, created=created,
                     ask_name=created and profile.ask_name_once(turn))]


@WITHDRAW.handles
def withdraw(turn: Turn, course_id: int) -> list[Screen]:
    found = _course(turn, course_id)
    if found is None:
        return [Gone(turn.lang)]
    course = found[0]
    changed = learners.withdraw(turn.session, turn.learner, course.id, turn.now)
    return [Withdrawn(turn.lang, course_id=course.id, title=course_title(course, turn.lang), changed=changed)]


@FLOW.command("mycourses", N_("the courses you enrolled in"), needs_consent=True, order=20)
def my_courses(turn: Turn) -> list[Screen]:
    items = [(v.course.id, course_title(v.course, turn.lang), localized(v.provider.name, turn.lang)[0]
              or v.provider.code) for v in learners.enrolments(turn.session, turn.learner)]
    return [MyCourses(turn.lang, items=items)]
