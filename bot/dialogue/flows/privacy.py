"""Privacy and deletion: what is kept (/privacy) and erasing it (/delete), always after a
confirmation that checks the learner is still at that step. Callback prefix ``p``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.conversation import forget
from bot.dialogue.core import Attachment, Flow, OneOf, Reply, Screen, Turn
from bot.dialogue.flows.onboarding import Privacy
from bot.dialogue.html import esc
from bot.i18n import N_, Translator
from bot.privacy import export

FLOW = Flow("p", "privacy and deletion")
DELETE = FLOW.action("d", OneOf(("y", "n")), needs_consent=False)


@dataclass
class ConfirmDelete(Screen):
    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        text = esc(_("This erases your language, your goals, all your enrolments, the name and phone number "
                     "for your certificates, and your certificates in this chat (copies you already gave to "
                     "someone stay valid). It cannot be undone. Delete everything?"))
        return Reply(text, [[(_("🗑 Yes, delete"), DELETE.data("y")), (_("Cancel"), DELETE.data("n"))]])


@dataclass
class Deleted(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply("🗑 " + esc(t.gettext("Done: everything about you has been erased. Send /start to begin again.")))


@dataclass
class KeptData(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("OK, nothing was deleted.")))


@dataclass
class MyData(Screen):
    data: bytes = b""

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Everything I keep about you, as a file you can open and keep. /delete erases "
                                   "it.")), attachment=Attachment("document", "my-data.json", self.data))


@FLOW.command("mydata", N_("everything I keep about you, as a file"), order=41)  # consent or not: it is theirs
def my_data(turn: Turn) -> list[Screen]:
    data = export.learner_data(turn.session, turn.learner, turn.now, {"step": turn.step, "state": turn.state})
    return [MyData(turn.lang, data=export.as_file(data))]


@FLOW.command("privacy", N_("what I keep about you"), order=40)
def privacy(turn: Turn) -> list[Screen]:
    return [Privacy(turn.lang, ask=not turn.consented)]


@FLOW.command("delete", N_("erase your data"), order=50)
def confirm_delete(turn: Turn) -> list[Screen]:
    turn.step = "confirm_delete"
    return [ConfirmDelete(turn.lang)]


@DELETE.handles
def delete(turn: Turn, answer: str) -> list[Screen]:
    if answer == "y" and turn.step == "confirm_delete":
        forget(turn)
        return [Deleted(turn.lang, replace=True)]
    if not turn.consented and turn.step != "confirm_delete":
        return [Privacy(turn.lang, ask=True)]
    turn.step = "ready" if turn.consented else "consent"
    return [KeptData(turn.lang, replace=True)]
