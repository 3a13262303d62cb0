"""The dialogue: what to show next for each thing a learner does, with the step kept in the database.

Methods are synchronous (database and recommender work) and are called from handlers through a
thread, so the event loop keeps serving other chats. Each call opens its own session, loads the
learner, applies one step and commits, so any worker can take the next message after a restart.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import callbacks as cb
from bot.guide import JOBS
from bot.i18n import DEFAULT_LANGUAGE, Catalogs, language_of_text, negotiate
from bot.screens import (
    AskGoal,
    ChooseLanguage,
    ConfirmDelete,
    Declined,
    Deleted,
    Details,
    Enrolled,
    Gone,
    Help,
    Item,
    Jobs,
    KeptData,
    MyCourses,
    NotText,
    Privacy,
    ProvincePicker,
    Refinements,
    Results,
    Screen,
    Sectors,
    UnknownCommand,
    Withdrawn,
)
from catalog import learners
from catalog.constraints import MAX_GOAL_CHARS, Filters, parse_goal
from catalog.models import Course, Learner, Provider
from catalog.places import gazetteer
from catalog.recommender import MAX_TOP, Recommender
from catalog.schema import LANGUAGES

PAGE_SIZE = 4
PROVINCES_PER_PAGE = 10
CAMPAIGN_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Refinement toggles and the goal-constraint kinds they replace when switched off.
TOGGLES = {"free": ("free", "max_cost"), "online": ("delivery",), "weekends": ("schedule",)}


@dataclass(frozen=True)
class Visitor:
    """Who is talking, as the chat platform tells us (not yet a stored learner)."""

    external_id: str
    language_code: str | None = None


def _state(learner: Learner) -> dict[str, Any]:
    return dict(learner.state or {})


class Advisor:
    def __init__(self, sessions: sessionmaker[Session], recommender: Recommender, catalogs: Catalogs, *,
                 channel: str = "telegram") -> None:
        self.sessions = sessions
        self.recommender = recommender
        self.catalogs = catalogs
        self.channel = channel

    # -- entry points (one per kind of input) -------------------------------------------------------

    def start(self, who: Visitor, payload: str | None) -> list[Screen]:
        """/start, possibly from a campaign deep link (the first code seen is kept as the source)."""
        with self.sessions() as s:
            learner = self._learner(s, who)
            if payload and CAMPAIGN_CODE.match(payload) and learner.source is None:
                learner.source = payload
            lang = self._lang(learner, who)
            if learner.consented_at is None:
                learner.step = "language"
                s.commit()
                return [ChooseLanguage(lang, current=lang, welcome=True)]
            learner.step = "ready"
            s.commit()
            return [AskGoal(lang, why="welcome_back")]

    def text(self, who: Visitor, text: str) -> list[Screen]:
        """Free text: a goal once the learner has agreed; before that it is kept and answered after."""
        text = text.strip()[:MAX_GOAL_CHARS]
        with self.sessions() as s:
            learner = self._learner(s, who, first_text=text)
            lang = self._lang(learner, who)
            if learner.consented_at is None:
                state = _state(learner)
                state["pending"] = text
                learner.state = state
                if learner.language is None:
                    learner.step = "language"
                    s.commit()
                    return [ChooseLanguage(lang, current=lang, welcome=True)]
                learner.step = "consent"
                s.commit()
                return [Privacy(lang, ask=True)]
            return [self._new_goal(s, learner, lang, text, sector=None)]

    def command(self, who: Visitor, name: str) -> list[Screen]:
        with self.sessions() as s:
            learner = self._learner(s, who)
            lang = self._lang(learner, who)
            consented = learner.consented_at is not None
            if name == "language":
                s.commit()
                return [ChooseLanguage(lang, current=learner.language or lang)]
            if name == "privacy":
                return [Privacy(lang, ask=not consented)]
            if name == "help":
                return [Help(lang)]
            if name == "delete":
                learner.step = "confirm_delete"
                s.commit()
                return [ConfirmDelete(lang)]
            if not consented:  # everything below needs stored data
                return [Privacy(lang, ask=True)]
            if name == "mycourses":
                return [self._my_courses(s, learner, lang)]
            if name == "choose":
                return [Sectors(lang)]
            return [UnknownCommand(lang)]

    def other(self, who: Visitor) -> list[Screen]:
        """Stickers, photos, voice...: say what the advisor can read."""
        with self.sessions() as s:
            learner = self._learner(s, who)
            return [NotText(self._lang(learner, who))]

    def button(self, who: Visitor, data: cb.Callback) -> list[Screen]:
        with self.sessions() as s:
            learner = self._learner(s, who)
            lang = self._lang(learner, who)
            if data.action == cb.LANGUAGE:
                return self._set_language(s, learner, data.arg)
            if data.action == cb.CONSENT:
                return self._consent(s, learner, lang, data.arg == "y")
            if data.action == cb.DELETE:
                return self._delete(s, learner, lang, data.arg == "y")
            if learner.consented_at is None:
                return [Privacy(lang, ask=True)]
            return self._ready_button(s, learner, lang, data)

    # -- steps ------------------------------------------------------------------------------------

    def _ready_button(self, s: Session, learner: Learner, lang: str, data: cb.Callback) -> list[Screen]:
        state = _state(learner)
        action = data.action
        if action == cb.DETAILS:
            return [self._details(s, learner, lang, data.number)]
        if action == cb.ENROL:
            return [self._enrol(s, learner, lang, data.number)]
        if action == cb.WITHDRAW:
            return [self._withdraw(s, learner, lang, data.number)]
        if action == cb.MY_COURSES:
            return [self._my_courses(s, learner, lang)]
        if action == cb.GUIDE:
            return [Sectors(lang, replace=bool(data.arg))]
        if action == cb.SECTOR and data.arg in JOBS:
            return [Jobs(lang, sector=data.arg, replace=True)]
        if action == cb.JOB:
            sector, _, idx = data.arg.partition(".")
            if sector in JOBS and idx.isdigit() and int(idx) < len(JOBS[sector]):
                goal = self.catalogs.translator(lang).gettext(JOBS[sector][int(idx)])
                return [self._new_goal(s, learner, lang, goal, sector=sector)]
            return [Gone(lang)]
        if action == cb.PROVINCES:
            return [self._provinces(lang, data.number if data.arg else 0)]
        if not state.get("goal") and not state.get("sector"):
            return [AskGoal(lang)]  # a refine button from a conversation that was since reset
        refine = dict(state.get("refine") or {})
        drop = set(state.get("drop") or [])
        if action == cb.MORE:
            state["page"] = min(data.number, MAX_TOP // PAGE_SIZE - 1)
        elif action == cb.REFINE and data.arg in TOGGLES:
            active = self._active_toggles(state)
            if data.arg in active:
                refine[data.arg] = False
                drop.update(TOGGLES[data.arg])
            else:
                refine[data.arg] = True
            state["page"] = 0
        elif action == cb.PROVINCE:
            if data.arg == "-":
                refine["province"] = None
                drop.update(("province", "country"))
            elif gazetteer().get(data.arg) is not None:
                refine["province"] = data.arg
            state["page"] = 0
        elif action == cb.DROP:
            drop.add(data.arg)
            state["page"] = 0
        else:
            return [Gone(lang)]
        state["refine"], state["drop"] = refine, sorted(drop)
        learner.state = state
        screen = self._results(s, learner, lang)
        screen.replace = True
        s.commit()
        return [screen]

    def _set_language(self, s: Session, learner: Learner, lang: str) -> list[Screen]:
        if lang not in LANGUAGES:
            return [ChooseLanguage(learner.language or DEFAULT_LANGUAGE)]
        learner.language = lang
        if learner.consented_at is None:
            learner.step = "consent"
            s.commit()
            return [Privacy(lang, ask=True, replace=True)]
        s.commit()
        return [AskGoal(lang, why="language_set", replace=True)]

    def _consent(self, s: Session, learner: Learner, lang: str, yes: bool) -> list[Screen]:
        if not yes:
            learners.erase_learner(s, learner)
            return [Declined(lang, replace=True)]
        if learner.consented_at is None:
            learner.consented_at = learners.utcnow()
        learner.language = learner.language or lang
        learner.step = "ready"
        pending = _state(learner).pop("pending", None)
        if pending:
            return [AskGoal(lang, why="consented", replace=True), self._new_goal(s, learner, lang, pending, None)]
        s.commit()
        return [AskGoal(lang, why="consented", replace=True)]

    def _delete(self, s: Session, learner: Learner, lang: str, yes: bool) -> list[Screen]:
        if yes and learner.step == "confirm_delete":
            learners.erase_learner(s, learner)
            return [Deleted(lang, replace=True)]
        if learner.consented_at is None and learner.step != "confirm_delete":
            return [Privacy(lang, ask=True)]
        learner.step = "ready" if learner.consented_at else "consent"
        s.commit()
        return [KeptData(lang, replace=True)]

    def _new_goal(self, s: Session, learner: Learner, lang: str, goal: str, sector: str | None) -> Results:
        learner.state = {"goal": goal, "sector": sector, "refine": {}, "drop": [], "page": 0}
        learner.step = "ready"
        screen = self._results(s, learner, lang)
        s.commit()
        return screen

    def _results(self, s: Session, learner: Learner, lang: str) -> Results:
        state = _state(learner)
        refine = state.get("refine") or {}
        drop = frozenset(state.get("drop") or [])
        page = int(state.get("page") or 0)
        filters = Filters(
            free_only=bool(refine.get("free")),
            delivery=("online",) if refine.get("online") else (),
            schedule=("weekends",) if refine.get("weekends") else (),
            province=refine.get("province"),
            sector=state.get("sector"),
        )
        top = min((page + 1) * PAGE_SIZE + 1, MAX_TOP)
        rec = self.recommender.recommend(state.get("goal") or "", filters, top_k=top, lang=lang, ignore=drop,
                                         exclude=learners.taken_course_ids(s, learner))
        gaz = gazetteer()
        items = []
        for number, r in enumerate(rec.results[page * PAGE_SIZE:(page + 1) * PAGE_SIZE], start=page * PAGE_SIZE + 1):
            c = r.course
            province = gaz.get(c.province) if c.province and c.delivery != "online" else None
            items.append(Item(
                number=number, course_id=c.id, title=r.title, title_lang=r.title_lang,
                provider=_pick(c.provider_name, lang)[0] or c.provider, duration_hours=c.duration_hours,
                cost_amount=c.cost_amount, cost_currency=c.cost_currency, delivery=c.delivery,
                province=province.name(lang) if province else "", language=c.language_of_instruction,
                match=[p for phrases in r.match.values() for p in phrases][:3],
            ))
        relaxable = False
        if not rec.results and (rec.constraints or any(refine.values())):
            # Would the goal find courses without the conditions? Then offer to remove them.
            kinds = frozenset(c.kind for c in rec.constraints)
            relaxable = bool(self.recommender.recommend(state.get("goal") or "", Filters(sector=state.get("sector")),
                                                        top_k=1, ignore=kinds).results)
        active = self._active_toggles(state, rec.constraints)
        covered = {kind for toggle in active for kind in TOGGLES[toggle]} | {"province", "country"}
        province = gaz.get(rec.filters.province) if rec.filters.province else None
        return Results(
            lang, goal=state.get("goal") or "", sector=state.get("sector"),
            understood=[c for c in rec.constraints if c.kind not in drop and c.kind not in covered],
            refine=Refinements(free="free" in active, online="online" in active, weekends="weekends" in active,
                               province=province.name(lang) if province else None),
            items=items, page=page, has_more=len(rec.results) > (page + 1) * PAGE_SIZE, eligible=rec.eligible,
            relaxable=relaxable,
        )

    def _active_toggles(self, state: dict[str, Any], constraints: list[Any] | None = None) -> set[str]:
        """Refinements in force, whether the learner tapped them or wrote them in the goal."""
        refine = state.get("refine") or {}
        drop = set(state.get("drop") or [])
        if constraints is None:
            constraints = parse_goal(state.get("goal") or "", gazetteer()).constraints
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

    def _provinces(self, lang: str, page: int) -> ProvincePicker:
        gaz = gazetteer()
        snap = self.recommender.snapshot
        counts = Counter(str(p) for p in snap.province if p)
        first = "VN" if lang == "vi" else "KH"
        # The learner's likely country first, then where most courses are (cities before remote provinces).
        provinces = sorted((p for i in counts if (p := gaz.get(i)) is not None),
                           key=lambda p: (p.country != first, -counts[p.id], p.name(lang)))
        chunk = provinces[page * PROVINCES_PER_PAGE:(page + 1) * PROVINCES_PER_PAGE]
        return ProvincePicker(lang, options=[(p.id, p.name(lang)) for p in chunk], page=page,
                              has_more=len(provinces) > (page + 1) * PROVINCES_PER_PAGE, replace=True)

    def _course(self, s: Session, course_id: int) -> tuple[Course, Provider] | None:
        row = s.execute(select(Course, Provider).join(Provider).where(Course.id == course_id)).first()
        return (row[0], row[1]) if row else None

    def _details(self, s: Session, learner: Learner, lang: str, course_id: int) -> Screen:
        found = self._course(s, course_id)
        if found is None:
            return Gone(lang)
        course, provider = found
        original = course.original or {}
        title, title_lang = _pick(original.get("title") or course.title, lang)
        text = {}
        for name in ("description", "assessment", "quality_assurance"):
            value, value_lang = _pick(original.get(name) or getattr(course, name), lang)
            if value:
                text[name] = (value, value_lang)
        outcomes, outcomes_lang = _pick(original.get("learning_outcomes") or course.learning_outcomes, lang)
        if outcomes:
            text["learning_outcomes"] = (outcomes, outcomes_lang)
        stacks = []
        for code in course.stackable_into or []:
            target = s.scalar(select(Course).where(Course.provider_id == course.provider_id, Course.code == code))
            if target is not None:
                stacks.append(_pick((target.original or {}).get("title") or target.title, lang)[0] or code)
        province = gazetteer().get(course.province) if course.province else None
        return Details(
            lang, course_id=course.id, title=title or course.code, title_lang=title_lang,
            provider=_pick(provider.name, lang)[0] or provider.code, text=text, duration_hours=course.duration_hours,
            cost_amount=course.cost_amount, cost_currency=course.cost_currency, delivery=course.delivery,
            province=province.name(lang) if province else "", language_of_instruction=course.language_of_instruction,
            schedule=list(course.schedule), start_dates=list(course.start_dates), women_only=course.women_only,
            min_age=course.min_age, max_age=course.max_age, stacks_into=stacks, url=course.url,
            active=course.active, enrolled=learners.is_enrolled(s, learner, course.id),
        )

    def _enrol(self, s: Session, learner: Learner, lang: str, course_id: int) -> Screen:
        found = self._course(s, course_id)
        if found is None or not found[0].active:
            return Gone(lang)
        course, provider = found
        created = learners.enrol(s, learner, course.id)
        return Enrolled(lang, course_id=course.id, title=_pick((course.original or {}).get("title") or course.title,
                                                               lang)[0] or course.code,
                        provider=_pick(provider.name, lang)[0] or provider.code,
                        contact={k: str(v) for k, v in (provider.contact or {}).items() if v},
                        url=course.url or provider.url, created=created)

    def _withdraw(self, s: Session, learner: Learner, lang: str, course_id: int) -> Screen:
        found = self._course(s, course_id)
        if found is None:
            return Gone(lang)
        course = found[0]
        changed = learners.withdraw(s, learner, course.id)
        title = _pick((course.original or {}).get("title") or course.title, lang)[0] or course.code
        return Withdrawn(lang, course_id=course.id, title=title, changed=changed)

    def _my_courses(self, s: Session, learner: Learner, lang: str) -> MyCourses:
        items = [(v.course_id, _pick((v.course.original or {}).get("title") or v.course.title, lang)[0]
                  or v.course.code, _pick(v.provider.name, lang)[0] or v.provider.code)
                 for v in learners.enrolments(s, learner)]
        return MyCourses(lang, items=items)

    # -- helpers ----------------------------------------------------------------------------------

    def _learner(self, s: Session, who: Visitor, first_text: str | None = None) -> Learner:
        learner = learners.get_or_create_learner(s, self.channel, who.external_id)
        script = language_of_text(first_text) if first_text else None
        if learner.language is None and (learner.step == "new" or script):
            # Until the learner picks one, preselect from what they write (a Khmer reader may run
            # Telegram in English), else from Telegram's app language.
            state = _state(learner)
            state["guess"] = script or negotiate(who.language_code) or DEFAULT_LANGUAGE
            learner.state = state
            learner.step = "language"
        learner.last_seen_at = learners.utcnow()
        return learner

    @staticmethod
    def _lang(learner: Learner, who: Visitor) -> str:
        return learner.language or _state(learner).get("guess") or negotiate(who.language_code) or DEFAULT_LANGUAGE


def _pick(values: Any, lang: str) -> tuple[Any, str]:
    """A language map's value in ``lang``, else English, else any language; with the language used."""
    if not isinstance(values, dict):
        return values, lang
    for candidate in (lang, "en", *LANGUAGES):
        if values.get(candidate):
            return values[candidate], candidate
    return "", lang

