"""Goal and results: a goal in the learner's own words becomes a short list of courses, which they
can page through and refine (free only, online, weekends, a province, or drop a condition that was
understood from what they wrote). Callback prefix ``r``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.alerts import service as alerts
from bot.dialogue.core import Button, Flow, Int, OneOf, Reply, Screen, Turn
from bot.dialogue.flows import profile
from bot.dialogue.flows.courses import DETAILS, ENROL
from bot.dialogue.html import esc, excerpt
from bot.dialogue.views import condition_label, guide_button, in_language, language_name, money, place, where
from bot.i18n import N_, Translator
from bot.learners import service as learners
from catalog.courses.schema import SECTORS, localized
from catalog.language.concepts import thesaurus
from catalog.language.places import gazetteer
from catalog.language.text import script_language
from catalog.retrieval.constraints import Constraint, Filters, clip_goal, parse_goal
from catalog.retrieval.recommender import MAX_ALTERNATIVES, MAX_TOP, PLACE_ALTERNATIVES, WEAK, Result, elsewhere

FLOW = Flow("r", "goal and results")
PAGE_SIZE = 4
PAGES = MAX_TOP // PAGE_SIZE
PROVINCES_PER_PAGE = 10
GOAL_ECHO = 100  # characters of the goal repeated above the results
# Refinement toggles, and the kinds of constraint understood from the goal that each one replaces.
TOGGLES = {"free": ("free", "max_cost"), "online": ("delivery",), "weekends": ("schedule",)}
DROPPABLE = ("free", "max_cost", "province", "country", "delivery", "schedule", "languages", "women", "age")

MORE = FLOW.action("m", Int(0, PAGES - 1))
TOGGLE = FLOW.action("t", OneOf(tuple(TOGGLES)))
PLACES = FLOW.action("l", Int(0, 99))
PLACE = FLOW.action("p", OneOf((*gazetteer().provinces, "-")))
DROP = FLOW.action("x", OneOf(DROPPABLE))
COUNTRY = FLOW.action("n", OneOf(("KH", "VN", "-")))
ALERT = FLOW.action("a")
STOP_ALERTS = FLOW.action("s")


@dataclass
class AskGoal(Screen):
    why: str = "ready"  # ready | welcome_back | language_set | consented | empty | expired

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        opening = {
            "consented": _("Thank you!"),
            "welcome_back": _("Welcome back!"),
            "language_set": _("I will write in English from now on."),
            "empty": _("I did not find any words in your message."),
            "expired": _("That button is out of date."),
        }.get(self.why)
        ask = _("Tell me in your own words what work you want to do or what you want to learn. For example: "
                "“I want to become an electrician” or “free cooking course in Battambang”.")
        return Reply((esc(opening) + "\n" if opening else "") + esc(ask), [[guide_button(t)]])


@dataclass
class Item:
    number: int
    course_id: int
    title: str
    title_lang: str
    provider: str
    duration_hours: float
    cost_amount: float
    cost_currency: str
    delivery: str
    province: str  # display name in the learner's language, "" when online
    language: str  # of instruction
    match: list[str]
    related: bool = False  # about a skill or trade linked to what was asked, not about it: said so

    def lines(self, t: Translator) -> list[str]:
        title = f"<b>{self.number}. {esc(self.title)}</b>"
        if self.title_lang != t.lang:
            title += " " + in_language(t, self.title_lang)
        facts = " · ".join([t.hours(self.duration_hours), money(t, self.cost_amount, self.cost_currency),
                            place(t, self.delivery, self.province), language_name(t, self.language)])
        lines = [title, esc(self.provider), "⏱ " + esc(facts)]
        if self.match and self.related:
            # TRANSLATORS: under a course that is not about what the learner asked but close to it;
            # {words} names what links them (e.g. "electronics repair").
            lines.append("↪ " + esc(t.gettext("Related: {words}").format(words=", ".join(self.match))))
        elif self.match:
            lines.append("✓ " + esc(t.gettext("Matches: {words}").format(words=", ".join(self.match))))
        return lines


@dataclass
class Refinements:
    free: bool = False
    online: bool = False
    weekends: bool = False
    province: str | None = None  # display name


def _pager(t: Translator, action: Any, page: int, has_more: bool, more: str) -> list[list[Button]]:
    """A "◀ Previous / More ▶" row for paged lists (empty when there is one page)."""
    row = []
    if page > 0:
        row.append((t.gettext("◀ Previous"), action.data(page - 1)))
    if has_more:
        row.append((more, action.data(page + 1)))
    return [row] if row else []


@dataclass
class Alternative:
    """A condition that stands in the way, and the course the goal finds without it."""

    what: str  # "toggle:weekends", "place:Kampong Cham", "drop:free"
    course_id: int
    title: str
    where: str = ""  # the course's town and province, when the condition is a place
    area: str = ""  # its province alone, for the button


@dataclass
class Results(Screen):
    goal: str = ""
    sectors: tuple[str, ...] = ()  # the fields of training a guided choice keeps to
    understood: list[Constraint] = field(default_factory=list)  # removable with one tap
    refine: Refinements = field(default_factory=Refinements)
    items: list[Item] = field(default_factory=list)
    page: int = 0
    has_more: bool = False
    eligible: int = 0
    vague: bool = False  # the goal names no work: ask, and offer guided discovery
    alternatives: list[Alternative] = field(default_factory=list)  # nothing fits: what dropping a condition gives
    ask_country: bool = False  # an English speaker, courses of both countries: where do they live? (once)

    def label(self, t: Translator, c: Constraint) -> str:
        place = gazetteer().get(str(c.value)) if c.kind == "province" else None
        return condition_label(t, c.kind, c.value, place.name(t.lang) if place else "")

    def what(self, t: Translator, alternative: Alternative) -> str:
        kind, _sep, name = alternative.what.partition(":")
        if kind == "toggle":
            return {"free": t.gettext("free"), "online": t.gettext("online"), "weekends": t.gettext("weekends")}[name]
        if kind == "place":
            return name
        c = next((c for c in self.understood if c.kind == name), None)
        return self.label(t, c) if c else name

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        lines = ["🎯 <b>" + esc(excerpt(self.goal, GOAL_ECHO)) + "</b>"]
        if self.vague:
            lines.append(esc(_("To find courses for you, tell me what kind of work you want to learn, for example "
                               "“sewing”, “motorbike repair” or “hotel work”. Or let me help you choose.")))
            return Reply("\n".join(lines), [[guide_button(t)]])
        conditions = [self.label(t, c) for c in self.understood]
        if self.refine.free:
            conditions.append(_("Free"))
        if self.refine.online:
            conditions.append(_("Online"))
        if self.refine.weekends:
            conditions.append(_("Weekends"))
        if self.refine.province:
            conditions.append(self.refine.province)
        if conditions:
            lines.append(esc(_("Conditions: {list}").format(list=" · ".join(excerpt(c, 40) for c in conditions))))
        buttons: list[list[Button]] = []
        if self.items:
            for item in self.items:
                lines.append("")
                lines.extend(item.lines(t))
                buttons.append([(_("ℹ️ {n} · Details").format(n=item.number), DETAILS.data(item.course_id)),
                                (_("✅ Enrol in {n}").format(n=item.number), ENROL.data(item.course_id))])
            buttons += _pager(t, MORE, self.page, self.has_more and self.page + 1 < PAGES, _("More courses ▶"))
            if self.ask_country:
                lines += ["", "🏠 " + esc(_("Where do you live? Courses there will come first."))]
                buttons.append([("🇰🇭 " + _("Cambodia"), COUNTRY.data("KH")), ("🇻🇳 " + _("Vietnam"), COUNTRY.data("VN")),
                                # TRANSLATORS: answer to "Where do you live?": neither Cambodia nor Vietnam.
                                (_("Elsewhere"), COUNTRY.data("-"))])
        elif self.alternatives:
            lines.append(esc(_("No course fits all of these conditions.")))
            for i, alternative in enumerate(self.alternatives):
                course = excerpt(alternative.title, 80) + (f" · {alternative.where}" if alternative.where else "")
                if i and alternative.what == self.alternatives[i - 1].what:  # more courses elsewhere
                    lines.append("   " + esc(course))
                else:
                    # TRANSLATORS: nothing fits all conditions; dropping {condition} (e.g. "weekends") would
                    # give {course}, a course title.
                    lines.append("• " + esc(_("Without “{condition}”: {course}").format(
                        condition=self.what(t, alternative), course=course)))
                label = excerpt(alternative.title, max(12, 37 - len(alternative.area))) + f" · {alternative.area}" \
                    if alternative.area else excerpt(alternative.title, 40)
                buttons.append([(_("ℹ️ {title}").format(title=label), DETAILS.data(alternative.course_id))])
        elif self.eligible == 0:
            lines.append(esc(_("No course fits all of these conditions. Tap a condition below to remove it.")))
        else:
            lines.append(esc(_("I have no course for this yet. Try other words, or let me help you choose.")))
        check = {True: "☑ ", False: "☐ "}
        # TRANSLATORS: a toggle button under a list of courses: keep only the courses that cost nothing.
        buttons.append([(check[self.refine.free] + _("Free only"), TOGGLE.data("free")),
                        (check[self.refine.online] + _("Online"), TOGGLE.data("online"))])
        province = ("✖ " + self.refine.province, PLACE.data("-")) if self.refine.province \
            else (_("📍 Pick a province"), PLACES.data(0))
        buttons.append([(check[self.refine.weekends] + _("Weekends"), TOGGLE.data("weekends")), province])
        for c in self.understood:  # the conditions below remove what stands in the way, in one tap
            buttons.append([("✖ " + excerpt(self.label(t, c), 40), DROP.data(c.kind))])
        if not self.items:
            buttons.append([guide_button(t)])
        buttons.append([(_("🔔 Tell me about new courses for this"), ALERT.data())])
        return Reply("\n".join(lines), buttons)


@dataclass
class AlertOn(Screen):
    goal: str = ""

    def view(self, t: Translator) -> Reply:
        return Reply("🔔 " + esc(t.gettext("I will message you when a new course fits “{goal}”. Send /alerts to stop.")
                                 .format(goal=excerpt(self.goal, GOAL_ECHO))))


@dataclass
class Alerts(Screen):
    goal: str | None = None  # the goal alerts are on for, if any
    stopped: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.stopped:
            return Reply("🔕 " + esc(_("Alerts stopped.")))
        if self.goal is None:
            return Reply(esc(_("You get no alerts. Under a list of courses, tap “🔔 Tell me about new courses for "
                               "this” to get one when a new course fits.")))
        return Reply("🔔 " + esc(_("You get a message when a new course fits “{goal}”.").format(
            goal=excerpt(self.goal, GOAL_ECHO))), [[(_("🔕 Stop alerts"), STOP_ALERTS.data())]])


@dataclass
class NewCourses(Screen):
    """The alert itself, sent when new courses fit the learner's goal."""

    goal: str = ""
    courses: list[tuple[int, str]] = field(default_factory=list)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        lines = ["🔔 " + esc(_("New courses for “{goal}”:").format(goal=excerpt(self.goal, GOAL_ECHO)))]
        lines += [f"• {esc(title)}" for _id, title in self.courses]
        buttons = [[(_("ℹ️ {title}").format(title=excerpt(title, 40)), DETAILS.data(course_id))]
                   for course_id, title in self.courses]
        return Reply("\n".join(lines), [*buttons, [(_("🔕 Stop alerts"), STOP_ALERTS.data())]])


@dataclass
class ProvincePicker(Screen):
    options: list[tuple[str, str]] = field(default_factory=list)  # (id, display name)
    page: int = 0
    has_more: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        options = [(name, PLACE.data(pid)) for pid, name in self.options]
        buttons = [options[i:i + 2] for i in range(0, len(options), 2)]
        buttons += _pager(t, PLACES, self.page, self.has_more, _("More provinces ▶"))
        buttons.append([(_("Anywhere"), PLACE.data("-")), (_("◀ Back to courses"), MORE.data(0))])
        return Reply(esc(_("Where do you want to study? Online courses are always included.")), buttons)


# -- behaviour ----------------------------------------------------------------------------------

@FLOW.on_text
def on_text(turn: Turn, text: str) -> list[Screen]:
    """Free text from a learner who agreed to the privacy notice: a new goal."""
    goal = clip_goal(text)
    if not goal:
        return [AskGoal(turn.lang, why="empty")]
    return [new_goal(turn, goal)]


def new_goal(turn: Turn, goal: str, sectors: tuple[str, ...] = ()) -> Results:
    """Recommend for a new goal (typed, or a job picked in guided discovery, kept to its fields)."""
    state = {"goal": goal, "sectors": list(sectors), "refine": {}, "drop": [], "page": 0}
    turn.learner.goal_at = turn.learner.goal_at or turn.now
    screen = results(turn, state)
    turn.state, turn.step = state, "ready"
    return screen


def filters_of(turn: Turn, state: dict[str, Any]) -> Filters:
    """The hard conditions of a goal state: refinements tapped, fields of a guided choice, and what the
    learner told about themselves (women-only and age-limited courses for those they are for)."""
    refine = state.get("refine") or {}
    return Filters(
        free_only=bool(refine.get("free")),
        delivery=("online",) if refine.get("online") else (),
        schedule=("weekends",) if refine.get("weekends") else (),
        province=refine.get("province"),
        sectors=_sectors(state),
        **profile.eligibility(turn),  # type: ignore[arg-type]
    )


def results(turn: Turn, state: dict[str, Any]) -> Results:
    """The results screen for a goal state (goal, fields, refinements, dropped conditions, page)."""
    drop = frozenset(state.get("drop") or [])
    page = int(state.get("page") or 0)
    goal = state.get("goal") or ""
    filters = filters_of(turn, state)
    top = min((page + 1) * PAGE_SIZE + 1, MAX_TOP)
    exclude = learners.taken_course_ids(turn.session, turn.learner)
    learner = turn.learner
    rec = turn.recommend(goal, filters, top_k=top, lang=turn.lang, ignore=drop, exclude=exclude, home=learner.country)
    if rec.results and learner.recommended_at is None:
        learner.recommended_at = turn.now
    gaz = gazetteer()
    items = []
    for number, r in enumerate(rec.results[page * PAGE_SIZE:(page + 1) * PAGE_SIZE], start=page * PAGE_SIZE + 1):
        c = r.course
        items.append(Item(
            number=number, course_id=c.id, title=r.title, title_lang=r.title_lang,
            provider=localized(c.provider_name, turn.lang)[0] or c.provider, duration_hours=c.duration_hours,
            cost_amount=c.cost_amount, cost_currency=c.cost_currency, delivery=c.delivery,
            province=where(turn.lang, c.province, c.locality) if c.delivery != "online" else "",
            language=c.language_of_instruction,
            match=matched_words(r, turn.lang), related=r.match_level == WEAK,
        ))
    active = active_toggles(state, rec.constraints)
    covered = {kind for toggle in active for kind in TOGGLES[toggle]} | {"province", "country"}
    chosen = gaz.get(rec.filters.province) if rec.filters.province else None
    # the part of the province they named, as they wrote it ("Vũng Tàu, TP. Hồ Chí Minh")
    written = next((c.text for c in rec.constraints if c.kind == "province" and chosen is not None
                    and c.value == chosen.id and gaz.locality(chosen.id, c.text)), "")
    chosen_name = where(turn.lang, chosen.id, written) if chosen is not None else ""
    understood = [c for c in rec.constraints if c.kind not in drop and c.kind not in covered]
    undo: list[tuple[str, dict[str, Any]]] = [(f"toggle:{name}", {"toggle": name}) for name in sorted(active)]
    undo += [(f"drop:{c.kind}", {"drop": c.kind}) for c in understood]
    if chosen is not None:  # last: it brings several courses elsewhere, the others one each
        undo.append((f"place:{chosen_name}", {"province": "-"}))
    alternatives = [] if rec.results or rec.vague else _without(turn, state, undo, exclude)
    # Written only now: the alternatives above had to be found before the unit of work writes anything.
    named = gaz.get(rec.filters.province) if rec.filters.province else None
    if learner.country is None and (named or rec.filters.country):
        learner.country = named.country if named else rec.filters.country  # they named where they are
    ask_country = (turn.lang == "en" and learner.country is None and learner.country_asked_at is None
                   and len({r.course.country for r in rec.results} - {""}) > 1)
    if ask_country:
        learner.country_asked_at = turn.now
    return Results(
        turn.lang, goal=goal, sectors=_sectors(state), understood=understood,
        refine=Refinements(free="free" in active, online="online" in active, weekends="weekends" in active,
                           province=chosen_name or None),
        items=items, page=page, has_more=len(rec.results) > (page + 1) * PAGE_SIZE, eligible=rec.eligible,
        vague=rec.vague, alternatives=alternatives, ask_country=ask_country,
    )


def _without(turn: Turn, state: dict[str, Any], undo: list[tuple[str, dict[str, Any]]],
             exclude: set[int]) -> list[Alternative]:
    """Nothing fits: for each condition, the course that fits the goal once that one is dropped (the
    honest answer names the condition that stands in the way, with the course one tap away); for a
    place, the best few elsewhere, each with its town."""
    out: list[Alternative] = []
    for what, change in undo:
        other = changed(state, change)
        is_place = what.startswith("place:")
        rec = turn.recommend(other.get("goal") or "", filters_of(turn, other), lang=turn.lang,
                             top_k=PLACE_ALTERNATIVES if is_place else 1,
                             ignore=frozenset(other.get("drop") or []), exclude=exclude, home=turn.learner.country)
        found = elsewhere(rec.results) if is_place else [r for r in rec.results if r.match_level == "strong"]
        fresh = [r for r in found if all(a.course_id != r.course.id for a in out)]
        out += [Alternative(what, r.course.id, r.title, where(turn.lang, r.course.province, r.course.locality),
                            where(turn.lang, r.course.province)) if is_place and r.course.delivery != "online"
                else Alternative(what, r.course.id, r.title) for r in fresh]
        if len(out) >= MAX_ALTERNATIVES:
            break
    return out[:MAX_ALTERNATIVES]


def matched_words(result: Result, lang: str) -> list[str]:
    """Why a course is listed, in the learner's language where possible: the concepts the goal and the
    course share, then the course's own matching phrases, those in the learner's script only when there
    are some ("lập trình web" is not shown to an English reader beside "web developer"), each once
    (whatever its case, and not when a phrase already shown holds it: "Web" beside "web developer"), whole."""
    words = thesaurus()
    shown = [words.concepts[c].label(lang) for c in result.concepts if c in words.concepts]
    phrases = [p for group in result.match.values() for p in group]
    script = None if lang == "en" else lang  # English is plain Latin letters
    readable = [p for p in phrases if script_language(p) == script]
    shown += readable if readable or shown else phrases
    out: list[str] = []
    for phrase in shown:
        if len(phrase) > 2 and not any(phrase.casefold() in o.casefold() for o in out):
            out.append(phrase)
    return out[:3]


def _sectors(state: dict[str, Any]) -> tuple[str, ...]:
    """The fields a goal keeps to (a state written before fields existed has none)."""
    return tuple(s for s in state.get("sectors") or () if s in SECTORS)


def active_toggles(state: dict[str, Any], constraints: list[Constraint] | None = None) -> set[str]:
    """Refinements in force, whether the learner tapped them or wrote them in the goal."""
    refine = state.get("refine") or {}
    drop = set(state.get("drop") or [])
    if constraints is None:
        constraints = parse_goal(state["goal"], gazetteer()).constraints if state.get("goal") else []
    written = {c.kind for c in constraints if c.kind not in drop}
    wrote_weekends = any(c.kind == "schedule" and "weekends" in c.value for c in constraints)
    wrote_online = any(c.kind == "delivery" and "online" in c.value for c in constraints)
    active = {name for name in TOGGLES if refine.get(name)}
    if "free" in written:
        active.add("free")
    if wrote_online and "delivery" in written:
        active.add("online")
    if wrote_weekends and "schedule" in written:
        active.add("weekends")
    return active


def _refined(turn: Turn, change: dict[str, Any]) -> list[Screen]:
    """Apply a change to the current goal's state and show the results again, in place."""
    if not turn.state.get("goal") and not _sectors(turn.state):
        return [AskGoal(turn.lang)]  # a button from a conversation that was since reset
    state = changed(turn.state, change)
    screen = results(turn, state)
    screen.replace = True
    turn.state = state
    return [screen]


def changed(current: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """A goal state after one change: a page, a refinement toggled, a province, a condition dropped."""
    state = dict(current)
    refine = dict(state.get("refine") or {})
    drop = set(state.get("drop") or [])
    if "page" in change:
        state["page"] = change["page"]
    else:
        state["page"] = 0
        if "toggle" in change:
            name = change["toggle"]
            if name in active_toggles(state):
                refine[name] = False
                drop.update(TOGGLES[name])
            else:
                refine[name] = True
        if "province" in change:
            if change["province"] == "-":
                refine["province"] = None
                drop.update(("province", "country"))
            else:
                refine["province"] = change["province"]
        if "drop" in change:
            drop.add(change["drop"])
    state["refine"], state["drop"] = refine, sorted(drop)
    return state


@MORE.handles
def more(turn: Turn, page: int) -> list[Screen]:
    return _refined(turn, {"page": page})


@TOGGLE.handles
def toggle(turn: Turn, name: str) -> list[Screen]:
    return _refined(turn, {"toggle": name})


@PLACE.handles
def pick_place(turn: Turn, province_id: str) -> list[Screen]:
    return _refined(turn, {"province": province_id})


@COUNTRY.handles
def set_country(turn: Turn, country: str) -> list[Screen]:
    """Where the learner lives (asked once): its courses come first from now on."""
    turn.learner.country = "" if country == "-" else country
    return _refined(turn, {"page": 0})


@DROP.handles
def drop_condition(turn: Turn, kind: str) -> list[Screen]:
    return _refined(turn, {"drop": kind})


@PLACES.handles
def places(turn: Turn, page: int) -> list[Screen]:
    gaz = gazetteer()
    counts = turn.recommender.place_counts()
    first = turn.learner.country or ("VN" if turn.lang == "vi" else "KH")
    # The learner's likely country first, then where most courses are (cities before remote provinces).
    provinces = sorted((p for i in counts if (p := gaz.get(i)) is not None),
                       key=lambda p: (p.country != first, -counts[p.id], p.name(turn.lang)))
    chunk = provinces[page * PROVINCES_PER_PAGE:(page + 1) * PROVINCES_PER_PAGE]
    return [ProvincePicker(turn.lang, options=[(p.id, p.name(turn.lang)) for p in chunk], page=page,
                           has_more=len(provinces) > (page + 1) * PROVINCES_PER_PAGE, replace=True)]


@ALERT.handles
def alert_on(turn: Turn) -> list[Screen]:
    goal = turn.state.get("goal")
    if not goal:
        return [AskGoal(turn.lang)]
    alerts.subscribe(turn.session, turn.learner, goal, filters_of(turn, turn.state), turn.now)
    return [AlertOn(turn.lang, goal=goal)]


@FLOW.command("alerts", N_("messages about new courses for your goal"), needs_consent=True, order=30)
def alerts_command(turn: Turn) -> list[Screen]:
    row = alerts.subscription(turn.session, turn.learner)
    return [Alerts(turn.lang, goal=row.goal if row else None)]


@STOP_ALERTS.handles
def stop_alerts(turn: Turn) -> list[Screen]:
    alerts.unsubscribe(turn.session, turn.learner)
    return [Alerts(turn.lang, stopped=True)]
