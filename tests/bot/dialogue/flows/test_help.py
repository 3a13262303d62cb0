"""Help, unknown commands and messages the advisor cannot read."""

from __future__ import annotations

from bot.dialogue.core import Other
from bot.dialogue.flows.help import Help, NotText, UnknownCommand
from tests.support import Talk


def test_help_lists_every_command_but_start(talk: Talk) -> None:
    [help_] = talk.say("/help")
    assert isinstance(help_, Help)
    text = help_.render(talk.conversation.translations.translator("en")).text
    for command in ("/choose", "/mycourses", "/language", "/privacy", "/delete", "/help"):
        assert command in text
    assert "/start" not in text


def test_unknown_command_and_a_sticker(talk: Talk) -> None:
    assert isinstance(talk.say("/frobnicate")[0], UnknownCommand)
    assert isinstance(talk.send(Other())[0], NotText)
