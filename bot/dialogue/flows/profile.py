"""The learner's profile: the name shown on certificates, optional, asked once (after the first
enrolment) with the reason, and changed with /name. Callback prefix ``u``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.core import Flow, Reply, Screen, Turn
from bot.dialogue.html import esc
from bot.i18n import N_, Translator
from catalog.language.text import normalize

FLOW = Flow("u", "profile")
SET_NAME = FLOW.action("s")
SKIP_NAME = FLOW.action("n")
MAX_NAME = 80


def name_question(t: Translator) -> tuple[str, list[list[tuple[str, str]]]]:
    """The question, asked once (after the first enrolment), and its two buttons."""
    _ = t.gettext
    return (_("One question, only once: which name should your certificates show? An employer can then check "
              "that a certificate is yours. Certificates work without a name too."),
            [[(_("✍️ Add my name"), SET_NAME.data()), (_("Skip"), SKIP_NAME.data())]])


@dataclass
class AskName(Screen):
    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        return Reply(esc(_("Type the name your certificates should show, as on your ID card.")),
                     [[(_("Skip"), SKIP_NAME.data())]])


@dataclass
class NameSaved(Screen):
    name: str | None = None

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.name:
            return Reply(esc(_("OK, your certificates will not show a name. Send /name to add one later.")))
        return Reply(esc(_("Your certificates will show: {name}. Send /name to change it (for new "
                           "certificates).").format(name=self.name)))


# -- behaviour ----------------------------------------------------------------------------------

def ask_name_once(turn: Turn) -> bool:
    """Whether to ask for the name on certificates now: after a first enrolment, once."""
    if turn.learner.name_asked_at is not None or turn.learner.display_name:
        return False
    turn.learner.name_asked_at = turn.now
    return True


@FLOW.command("name", N_("the name on your certificates"), needs_consent=True, order=26)
def ask_name(turn: Turn) -> list[Screen]:
    turn.learner.name_asked_at = turn.learner.name_asked_at or turn.now
    turn.step = "name"
    return [AskName(turn.lang)]


@SET_NAME.handles
def set_name(turn: Turn) -> list[Screen]:
    return ask_name(turn)


@FLOW.on_step_text("name")
def save_name(turn: Turn, text: str) -> list[Screen]:
    name = " ".join(normalize(text).split())[:MAX_NAME]
    if not name or name.startswith("/"):
        return [AskName(turn.lang)]
    turn.learner.display_name = name
    turn.step = "ready"
    return [NameSaved(turn.lang, name=name)]


@SKIP_NAME.handles
def skip_name(turn: Turn) -> list[Screen]:
    # Pressed under "type your name" that prompt is done with; pressed under the enrolment
    # confirmation, that message (the provider's contacts) must stay.
    asking = turn.step == "name"
    if asking:
        turn.step = "ready"
    return [NameSaved(turn.lang, name=turn.learner.display_name, replace=asking)]
