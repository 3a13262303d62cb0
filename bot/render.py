"""Screens → localized Telegram HTML and inline buttons.

Everything a learner reads is built here, through gettext, with provider text escaped for HTML.
Buttons are ``(label, callback data)`` pairs so this module needs no Telegram types and is easy to test.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from functools import singledispatch

from bot import callbacks as cb
from bot.guide import JOBS, SECTOR_NAMES
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from bot.screens import (
    AskGoal,
    ChooseLanguage,
    ConfirmDelete,
    Declined,
    Deleted,
    Details,
    Enrolled,
    Failure,
    Gone,
    Help,
    Item,
    Jobs,
    KeptData,
    MyCourses,
    NotText,
    Privacy,
    ProvincePicker,
    Results,
    Screen,
    Sectors,
    UnknownCommand,
    Withdrawn,
)
from catalog.schema import LANGUAGES, SECTORS

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units
Button = tuple[str, str]


@dataclass
class Reply:
    text: str  # Telegram HTML
    buttons: list[list[Button]] = field(default_factory=list)
    replace: bool = False


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def render(screen: Screen, t: Translator) -> Reply:
    reply = _render(screen, t)
    reply.replace = screen.replace
    return reply


def language_name(t: Translator, lang: str) -> str:
    _ = t.gettext
    return {"km": _("Khmer"), "vi": _("Vietnamese"), "en": _("English")}[lang]


def in_language(t: Translator, lang: str) -> str:
    """The marker shown next to text that exists only in another language."""
    return "<i>" + esc(t.gettext("(in {language})").format(language=language_name(t, lang))) + "</i>"


def money(t: Translator, amount: float, currency: str) -> str:
    return t.gettext("Free") if amount == 0 else t.money(amount, currency)


def place(t: Translator, delivery: str, province: str) -> str:
    if delivery == "online" or not province:
        return t.gettext("Online")
    if delivery == "blended":
        return t.gettext("{place} and online").format(place=province)
    return province


def schedule_name(t: Translator, name: str) -> str:
    _ = t.gettext
    return {"weekdays": _("weekdays"), "evenings": _("evenings"), "weekends": _("weekends"),
            "full_time": _("full time"), "self_paced": _("at your own pace")}[name]


def goal_button(t: Translator) -> Button:
    return (t.gettext("🧭 Help me choose"), cb.encode(cb.GUIDE))


# The bot's commands, as listed in /help and in Telegram's command menu (per language).
COMMANDS = (
    ("start", N_("start again")),
    ("choose", N_("find a course step by step")),
    ("mycourses", N_("the courses you enrolled in")),
    ("language", N_("change the language")),
    ("privacy", N_("what I keep about you")),
    ("delete", N_("erase your data")),
    ("help", N_("how to use this bot")),
)


def commands_text(t: Translator) -> str:
    return "\n".join(f"/{name} – {t.gettext(description)}" for name, description in COMMANDS[1:])


@singledispatch
def _render(screen: Screen, t: Translator) -> Reply:
    raise TypeError(f"no renderer for {type(screen).__name__}")


@_render.register
def _(screen: ChooseLanguage, t: Translator) -> Reply:
    _ = t.gettext
    lines = []
    if screen.welcome:
        lines.append(_("👋 Hello! I help you find short job-training courses in Cambodia and Vietnam, "
                       "and enrol in them."))
    lines.append(_("Choose your language:"))
    buttons = [[(("✓ " if lang == screen.current else "") + LANGUAGE_NAMES[lang], cb.encode(cb.LANGUAGE, lang))]
               for lang in LANGUAGES]
    return Reply("\n\n".join(esc(x) for x in lines), buttons)


@_render.register
def _(screen: Privacy, t: Translator) -> Reply:
    _ = t.gettext
    text = "\n".join([
        "<b>" + esc(_("🔒 Your privacy")) + "</b>",
        esc(_("To advise you I keep: your Telegram ID, your language, the goal you typed last, "
              "the courses you enrol in and the link you came from.")),
        esc(_("When you enrol, the training provider sees your enrolment. Outreach programmes only see "
              "totals, never who you are.")),
        esc(_("I do not share your data with anyone else. /delete erases everything at any time.")),
    ])
    buttons = [[(_("✅ I agree"), cb.encode(cb.CONSENT, "y")), (_("✖ No, thanks"), cb.encode(cb.CONSENT, "n"))]] \
        if screen.ask else []
    return Reply(text, buttons)


@_render.register
def _(screen: Declined, t: Translator) -> Reply:
    return Reply(esc(t.gettext("OK, I have not kept anything about you. If you change your mind, send /start.")))


@_render.register
def _(screen: AskGoal, t: Translator) -> Reply:
    _ = t.gettext
    opening = {
        "consented": _("Thank you!"),
        "welcome_back": _("Welcome back!"),
        "language_set": _("I will write in English from now on."),
    }.get(screen.why)
    ask = _("Tell me in your own words what work you want to do or what you want to learn. For example: "
            "“I want to become an electrician” or “free cooking course in Battambang”.")
    text = (esc(opening) + "\n" if opening else "") + esc(ask)
    return Reply(text, [[goal_button(t)]])


def _item_lines(item: Item, t: Translator) -> list[str]:
    title = f"<b>{item.number}. {esc(item.title)}</b>"
    if item.title_lang != t.lang:
        title += " " + in_language(t, item.title_lang)
    facts = " · ".join([t.hours(item.duration_hours), money(t, item.cost_amount, item.cost_currency),
                        place(t, item.delivery, item.province), language_name(t, item.language)])
    lines = [title, esc(item.provider), "⏱ " + esc(facts)]
    if item.match:
        lines.append("✓ " + esc(t.gettext("Matches: {words}").format(words=", ".join(item.match))))
    return lines


@_render.register
def _(screen: Results, t: Translator) -> Reply:
    _ = t.gettext
    heading = screen.goal or _(SECTOR_NAMES.get(screen.sector or "", ""))
    lines = ["🎯 <b>" + esc(heading) + "</b>"]
    conditions = [c.text for c in screen.understood]
    if screen.refine.free:
        conditions.append(_("free"))
    if screen.refine.online:
        conditions.append(_("online"))
    if screen.refine.weekends:
        conditions.append(_("weekends"))
    if screen.refine.province:
        conditions.append(screen.refine.province)
    if conditions:
        lines.append(esc(_("Conditions: {list}").format(list=" · ".join(conditions))))
    buttons: list[list[Button]] = []
    if screen.items:
        for item in screen.items:
            lines.append("")
            lines.extend(_item_lines(item, t))
            buttons.append([(_("ℹ️ {n} · Details").format(n=item.number), cb.encode(cb.DETAILS, item.course_id)),
                            (_("✅ Enrol in {n}").format(n=item.number), cb.encode(cb.ENROL, item.course_id))])
        buttons += _pager(t, cb.MORE, screen.page, screen.has_more, _("More courses ▶"))
    elif screen.eligible == 0 or screen.relaxable:
        lines.append(esc(_("No course fits all of these conditions. Tap a condition below to remove it.")))
    else:
        lines.append(esc(_("I could not find a course for this. Try other words, or let me help you choose.")))
    check = {True: "☑ ", False: "☐ "}
    buttons.append([(check[screen.refine.free] + _("Free only"), cb.encode(cb.REFINE, "free")),
                    (check[screen.refine.online] + _("Online"), cb.encode(cb.REFINE, "online"))])
    province = ("✖ " + screen.refine.province, cb.encode(cb.PROVINCE, "-")) if screen.refine.province \
        else (_("📍 Pick a province"), cb.encode(cb.PROVINCES, 0))
    buttons.append([(check[screen.refine.weekends] + _("Weekends"), cb.encode(cb.REFINE, "weekends")), province])
    for c in screen.understood:
        buttons.append([("✖ " + c.text, cb.encode(cb.DROP, c.kind))])
    if not screen.items:
        buttons.append([goal_button(t)])
    return Reply("\n".join(lines), buttons)


def _pager(t: Translator, action: str, page: int, has_more: bool, more: str) -> list[list[Button]]:
    """A "◀ Previous / More ▶" row for paged lists (empty when there is one page)."""
    row = []
    if page > 0:
        row.append((t.gettext("◀ Previous"), cb.encode(action, page - 1)))
    if has_more:
        row.append((more, cb.encode(action, page + 1)))
    return [row] if row else []


@_render.register
def _(screen: ProvincePicker, t: Translator) -> Reply:
    _ = t.gettext
    options = [(name, cb.encode(cb.PROVINCE, pid)) for pid, name in screen.options]
    buttons = [options[i:i + 2] for i in range(0, len(options), 2)]
    buttons += _pager(t, cb.PROVINCES, screen.page, screen.has_more, _("More provinces ▶"))
    buttons.append([(_("Anywhere"), cb.encode(cb.PROVINCE, "-")), (_("◀ Back to courses"), cb.encode(cb.MORE, 0))])
    return Reply(esc(_("Where do you want to study? Online courses are always included.")), buttons)


def _dates(t: Translator, values: list[str]) -> str:
    out = []
    for raw in values:
        try:
            out.append(t.date(dt.date.fromisoformat(raw)))
        except ValueError:
            out.append(raw)
    return ", ".join(out)


@_render.register
def _(screen: Details, t: Translator) -> Reply:
    _ = t.gettext
    title = "<b>" + esc(screen.title) + "</b>"
    if screen.title_lang != t.lang:
        title += " " + in_language(t, screen.title_lang)
    lines = [title, esc(screen.provider)]
    if not screen.active:
        lines.append("⚠️ " + esc(_("This course is no longer offered.")))

    def text_field(name: str, label: str) -> None:
        if name not in screen.text:
            return
        value, value_lang = screen.text[name]
        marker = " " + in_language(t, value_lang) if value_lang != t.lang else ""
        if isinstance(value, list):
            lines.append("")
            lines.append("<b>" + esc(label) + "</b>" + marker)
            lines.extend("• " + esc(v) for v in value)
        else:
            lines.append("")
            lines.append("<b>" + esc(label) + "</b>" + marker + "\n" + esc(value))

    text_field("description", _("What you learn"))
    text_field("learning_outcomes", _("After the course you can"))
    lines.append("")
    lines.append("⏱ " + esc(_("Duration: {value}").format(value=t.hours(screen.duration_hours))))
    lines.append("💵 " + esc(_("Cost: {value}").format(value=money(t, screen.cost_amount, screen.cost_currency))))
    if screen.schedule:
        lines.append("🗓 " + esc(_("Schedule: {value}").format(
            value=", ".join(schedule_name(t, s) for s in screen.schedule))))
    if screen.start_dates:
        lines.append("📅 " + esc(_("Starts: {value}").format(value=_dates(t, screen.start_dates))))
    lines.append("📍 " + esc(_("Place: {value}").format(value=place(t, screen.delivery, screen.province))))
    lines.append("🗣 " + esc(_("Taught in: {value}").format(value=language_name(t, screen.language_of_instruction))))
    lines.append("👤 " + esc(_("Who can join: {value}").format(value=_eligibility(t, screen))))
    text_field("assessment", _("How you are assessed"))
    text_field("quality_assurance", _("Certificate and quality"))
    if screen.stacks_into:
        lines.append("")
        lines.append("➕ " + esc(_("Leads on to: {value}").format(value=", ".join(screen.stacks_into))))
    if screen.url:
        lines.append("🔗 " + esc(screen.url))
    action = (_("↩️ Withdraw"), cb.encode(cb.WITHDRAW, screen.course_id)) if screen.enrolled \
        else (_("✅ Enrol"), cb.encode(cb.ENROL, screen.course_id))
    buttons = [[action]] if screen.active or screen.enrolled else []
    return Reply("\n".join(lines), buttons)


def _eligibility(t: Translator, d: Details) -> str:
    _ = t.gettext
    if d.min_age and d.max_age:
        age = _("ages {low} to {high}").format(low=d.min_age, high=d.max_age)
    elif d.min_age:
        age = _("age {low} or older").format(low=d.min_age)
    elif d.max_age:
        age = _("up to age {high}").format(high=d.max_age)
    else:
        age = ""
    if d.women_only:
        return _("women only, {age}").format(age=age) if age else _("women only")
    return age or _("everyone")


@_render.register
def _(screen: Enrolled, t: Translator) -> Reply:
    _ = t.gettext
    if not screen.created:
        text = "ℹ️ " + esc(_("You are already enrolled in {course}. Nothing has changed.").format(course=screen.title))
    else:
        text = "✅ " + esc(_("You are enrolled in {course} ({provider}).").format(
            course=screen.title, provider=screen.provider))
    contact = []
    labels = {"phone": "📞", "email": "✉️", "telegram": "💬"}
    for key, icon in labels.items():
        if screen.contact.get(key):
            contact.append(f"{icon} {esc(screen.contact[key])}")
    if screen.url:
        contact.append("🔗 " + esc(screen.url))
    if contact:
        text += "\n" + esc(_("Contact the provider to confirm your place and the start date:")) + "\n" \
            + "\n".join(contact)
    buttons = [[(_("📚 My courses"), cb.encode(cb.MY_COURSES)),
                (_("↩️ Withdraw"), cb.encode(cb.WITHDRAW, screen.course_id))]]
    return Reply(text, buttons)


@_render.register
def _(screen: Withdrawn, t: Translator) -> Reply:
    _ = t.gettext
    if screen.changed:
        return Reply("↩️ " + esc(_("You have withdrawn from {course}.").format(course=screen.title)),
                     [[(_("✅ Enrol again"), cb.encode(cb.ENROL, screen.course_id))]])
    return Reply("ℹ️ " + esc(_("You are not enrolled in {course}.").format(course=screen.title)))


@_render.register
def _(screen: MyCourses, t: Translator) -> Reply:
    _ = t.gettext
    if not screen.items:
        return Reply(esc(_("You have not enrolled in any course yet. Tell me your goal and I will find courses "
                           "for you.")), [[goal_button(t)]])
    lines = ["📚 <b>" + esc(t.ngettext("Your course ({n}):", "Your courses ({n}):", len(screen.items)).format(
        n=len(screen.items))) + "</b>"]
    buttons = []
    for n, (course_id, title, provider) in enumerate(screen.items, start=1):
        lines.append(f"{n}. {esc(title)} – {esc(provider)}")
        buttons.append([(_("ℹ️ {n} · Details").format(n=n), cb.encode(cb.DETAILS, course_id)),
                        (_("↩️ Withdraw {n}").format(n=n), cb.encode(cb.WITHDRAW, course_id))])
    return Reply("\n".join(lines), buttons)


@_render.register
def _(screen: ConfirmDelete, t: Translator) -> Reply:
    _ = t.gettext
    text = esc(_("This erases your language, your goals and all your enrolments. It cannot be undone. "
                 "Delete everything?"))
    return Reply(text, [[(_("🗑 Yes, delete"), cb.encode(cb.DELETE, "y")), (_("Cancel"), cb.encode(cb.DELETE, "n"))]])


@_render.register
def _(screen: Deleted, t: Translator) -> Reply:
    return Reply("🗑 " + esc(t.gettext("Done: everything about you has been erased. Send /start to begin again.")))


@_render.register
def _(screen: KeptData, t: Translator) -> Reply:
    return Reply(esc(t.gettext("OK, nothing was deleted.")))


@_render.register
def _(screen: Help, t: Translator) -> Reply:
    _ = t.gettext
    text = esc(_("Tell me what work you want to do, in Khmer, Vietnamese or English, and I will suggest short "
                 "courses near you. You can add conditions, for example “free”, “online”, “weekends” or a "
                 "province.")) + "\n\n" + esc(commands_text(t))
    return Reply(text, [[goal_button(t)]])


@_render.register
def _(screen: UnknownCommand, t: Translator) -> Reply:
    return Reply(esc(t.gettext("I do not know this command. Here is what I can do:")) + "\n" + esc(commands_text(t)))


@_render.register
def _(screen: NotText, t: Translator) -> Reply:
    return Reply(esc(t.gettext("I can only read text messages. Type what you want to learn, or let me help you "
                               "choose.")), [[goal_button(t)]])


@_render.register
def _(screen: Sectors, t: Translator) -> Reply:
    options = [(t.gettext(SECTOR_NAMES[s]), cb.encode(cb.SECTOR, s)) for s in SECTORS]
    return Reply(esc(t.gettext("What kind of work interests you?")),
                 [options[i:i + 2] for i in range(0, len(options), 2)])


@_render.register
def _(screen: Jobs, t: Translator) -> Reply:
    buttons = [[(t.gettext(job), cb.encode(cb.JOB, f"{screen.sector}.{i}"))]
               for i, job in enumerate(JOBS[screen.sector])]
    buttons.append([(t.gettext("◀ Back"), cb.encode(cb.GUIDE, "back"))])
    return Reply("<b>" + esc(t.gettext(SECTOR_NAMES[screen.sector])) + "</b>\n"
                 + esc(t.gettext("Which of these would you like to do?")), buttons)


@_render.register
def _(screen: Gone, t: Translator) -> Reply:
    return Reply(esc(t.gettext("This course is no longer available. Tell me your goal to see other courses.")))


@_render.register
def _(screen: Failure, t: Translator) -> Reply:
    return Reply(esc(t.gettext("Sorry, something went wrong on my side. Please try again in a moment.")))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML text into messages under ``limit`` at paragraph, then line, then word boundaries.

    Markup never spans lines here, so cutting at a newline keeps every part valid HTML; a single
    over-long line (escaped provider text) is cut between words, never inside an ``&entity;``."""
    if utf16_len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = [line] if utf16_len(line) <= limit else _cut_line(line, limit)
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if utf16_len(candidate) <= limit:
                current = candidate
                continue
            if current.strip():
                parts.append(current)
            current = piece
    if current.strip():
        parts.append(current)
    return parts


def _cut_line(line: str, limit: int) -> list[str]:
    out, current = [], ""
    for word in line.split(" "):
        while utf16_len(word) > limit:  # one "word" longer than a message (Khmer has no spaces)
            cut = limit - utf16_len(current) - 1 if current else limit
            head = word[:max(cut, 1)]
            amp = head.rfind("&")
            if amp > head.rfind(";"):
                head = head[:amp] or head
            out.append(f"{current} {head}".strip() if current else head)
            current, word = "", word[len(head):]
        candidate = f"{current} {word}" if current else word
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return out
