"""Onboarding and consent: /start (with a campaign code from a deep link), the language, the
privacy notice and the learner's agreement. A goal typed before agreeing is kept and answered
right after. Callback prefix ``o``."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.dialogue.conversation import forget
from bot.dialogue.core import Flow, Input, OneOf, Reply, Screen, Text, Turn, command_data
from bot.dialogue.flows.goals import AskGoal, new_goal
from bot.dialogue.html import esc
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from catalog.courses.schema import LANGUAGES
from catalog.retrieval.constraints import clip_goal

log = logging.getLogger(__name__)
FLOW = Flow("o", "onboarding and consent")
CAMPAIGN_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LANGUAGE = FLOW.action("l", OneOf(LANGUAGES), needs_consent=False)
CONSENT = FLOW.action("c", OneOf(("y", "n")), needs_consent=False)


@dataclass
class ChooseLanguage(Screen):
    current: str | None = None
    welcome: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        lines = []
        if self.welcome:
            lines.append(_("👋 Hello! I help you find short job-training courses in Cambodia and Vietnam, "
                           "and enrol in them."))
        lines.append(_("Choose your language:"))
        buttons = [[(("✓ " if lang == self.current else "") + LANGUAGE_NAMES[lang], LANGUAGE.data(lang))]
                   for lang in LANGUAGES]
        return Reply("\n\n".join(esc(x) for x in lines), buttons)


@dataclass
class Privacy(Screen):
    ask: bool = False  # show the consent buttons

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        text = "\n".join([
            "<b>" + esc(_("🔒 Your privacy")) + "</b>",
            esc(_("To advise you I keep: your Telegram ID, your language, the goal you typed last, "
                  "the courses you enrol in, the link you came from and the country you live in; and only "
                  "if you choose to give them: your gender and age group (to show you courses for women "
                  "or for your age) and, for your certificates, your name and phone number.")),
            esc(_("When you enrol, the training provider sees your enrolment. Outreach programmes only see "
                  "totals, never who you are.")),
            esc(_("I do not share your data with anyone else. /delete erases everything at any time.")),
        ])
        buttons = [[(_("✅ I agree"), CONSENT.data("y")), (_("✖ No, thanks"), CONSENT.data("n"))]] if self.ask else []
        return Reply(text, buttons)


@dataclass
class Declined(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("OK, I have not kept anything about you. If you change your mind, send /start.")))


@dataclass
class AlreadyAgreed(Screen):
    """"No, thanks" pressed on an old privacy notice after agreeing: point to /delete, which asks."""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        return Reply(esc(_("You have already agreed, so I keep your data. To erase it, tap below: I will ask "
                           "you to confirm first.")), [[(_("🗑 Erase my data"), command_data("delete"))]])


# -- behaviour ----------------------------------------------------------------------------------

@FLOW.command("start", N_("start again"), order=0)
def start(turn: Turn, payload: str | None = None) -> list[Screen]:
    """/start, possibly from a campaign deep link (the first code seen is kept as the source)."""
    if payload and CAMPAIGN_CODE.match(payload) and turn.learner.source is None:
        turn.learner.source = payload
    if not turn.consented:
        turn.step = "language"
        return [ChooseLanguage(turn.lang, current=turn.lang, welcome=True)]
    turn.step = "ready"
    return [AskGoal(turn.lang, why="welcome_back")]


@FLOW.command("language", N_("change the language"), order=30)
def language(turn: Turn) -> list[Screen]:
    return [ChooseLanguage(turn.lang, current=turn.learner.language or turn.lang)]


def gate(turn: Turn, inp: Input) -> list[Screen]:
    """Whatever needs consent, before the learner agreed. A goal is kept (cut to what the
    recommender reads; nothing when it is only invisible characters) and answered after agreeing."""
    if isinstance(inp, Text):
        goal = clip_goal(inp.text)
        if goal:
            turn.state["pending"] = goal
        if turn.learner.language is None:
            turn.step = "language"
            return [ChooseLanguage(turn.lang, current=turn.lang, welcome=True)]
    turn.step = "consent"
    return [Privacy(turn.lang, ask=True)]


def current(turn: Turn) -> list[Screen]:
    """After an out-of-date or forged button: the screen for where the learner is now."""
    if turn.consented:
        return [AskGoal(turn.lang, why="expired")]
    if turn.learner.language is None:
        return [ChooseLanguage(turn.lang, current=turn.lang)]
    return [Privacy(turn.lang, ask=True)]


@LANGUAGE.handles
def set_language(turn: Turn, lang: str) -> list[Screen]:
    turn.learner.language = turn.lang = lang
    if not turn.consented:
        turn.step = "consent"
        return [Privacy(lang, ask=True, replace=True)]
    return [AskGoal(lang, why="language_set", replace=True)]


@CONSENT.handles
def consent(turn: Turn, answer: str) -> list[Screen]:
    if answer == "n":
        if turn.consented:  # "No, thanks" on an old notice, after agreeing: never erase without asking
            return [AlreadyAgreed(turn.lang)]
        forget(turn)  # nothing but the language and a pending goal was kept
        return [Declined(turn.lang, replace=True)]
    screens: list[Screen] = [AskGoal(turn.lang, why="consented", replace=True)]
    pending = turn.state.pop("pending", None)
    if pending and not turn.consented:
        try:  # think first (the recommender), write afterwards: see bot.storage.uow
            screens.append(new_goal(turn, pending))
        except Exception as exc:  # a goal typed before agreeing must never block the agreement
            log.warning("pending goal dropped at consent: %s", type(exc).__name__)
    if not turn.consented:
        turn.learner.consented_at = turn.now
    turn.learner.language = turn.learner.language or turn.lang
    turn.step = "ready"
    return screens
