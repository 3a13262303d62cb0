"""Help: what the advisor can do, the answer to an unknown command and to a message it cannot read
(stickers, photos, voice). Callback prefix ``h`` (it has no buttons of its own)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.dialogue.core import Flow, Reply, Screen, Turn
from bot.dialogue.html import esc
from bot.dialogue.views import guide_button
from bot.i18n import N_, Translator

FLOW = Flow("h", "help")


def commands_text(t: Translator, menu: list[tuple[str, str]]) -> str:
    return "\n".join(f"/{name} – {t.gettext(description)}" for name, description in menu if name != "start")


@dataclass
class Help(Screen):
    menu: list[tuple[str, str]] = field(default_factory=list)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        text = esc(_("Tell me what work you want to do, in Khmer, Vietnamese or English, and I will suggest short "
                     "courses near you. You can add conditions, for example “free”, “online”, “weekends” or a "
                     "province.")) + "\n\n" + esc(commands_text(t, self.menu)) + "\n\n" + esc(
            _("Training providers: /provider · Outreach programmes: /program"))
        return Reply(text, [[guide_button(t)]])


@dataclass
class UnknownCommand(Screen):
    menu: list[tuple[str, str]] = field(default_factory=list)

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("I do not know this command. Here is what I can do:")) + "\n"
                     + esc(commands_text(t, self.menu)))


@dataclass
class NotText(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("I can only read text messages. Type what you want to learn, or let me help you "
                                   "choose.")), [[guide_button(t)]])


@FLOW.command("help", N_("how to use this bot"), order=90)
def help_(turn: Turn) -> list[Screen]:
    return [Help(turn.lang, menu=turn.menu)]


def unknown(turn: Turn) -> list[Screen]:
    return [UnknownCommand(turn.lang, menu=turn.menu)]


@FLOW.on_other
def other(turn: Turn) -> list[Screen]:
    return [NotText(turn.lang)]
