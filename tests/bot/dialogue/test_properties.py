"""Properties over any text and any callback data (Hypothesis): every input gets an answer that
renders to Telegram HTML Telegram accepts, with buttons the bot can decode, and nothing raises."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.demo.emulator import parse_html
from bot.dialogue.conversation import Conversation
from bot.dialogue.core import SAY, SHARE_CONTACT, Contact, Int, OneOf, Other, Press, Text
from bot.dialogue.flows import build_router
from bot.dialogue.html import MAX_MESSAGE, split_message, utf16_len
from bot.i18n import Catalogs
from tests.support import FakeRecommender, Talk, memory_database

CATALOGS = Catalogs()
ROUTER = build_router()
ENGINE, SESSIONS = memory_database()
RECOMMENDER = FakeRecommender(SESSIONS)
CONVERSATION = Conversation(ROUTER, CATALOGS, RECOMMENDER)

# Everything learners' phones send: Khmer (with coeng and signs), Vietnamese with combining marks,
# Latin, digits and markup characters, zero-width and soft hyphens, RTL marks, emoji.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x1780, max_codepoint=0x17FF),
    st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ&<>\"';:/ \n\t0123456789")),
    st.sampled_from(["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u200b", "\u200c", "\u200d", "\u2060",
                     "\u00ad", "\ufeff", "\u200e", "\u200f", "\u202e", "\u17d2", "\u17b4"]),
    st.sampled_from(list("🛵👩🏽\u200d🔧🇰🇭🇻🇳❤\ufe0f𝐁")),  # emoji, skin tones, flags, joiners: one code point each
)
TEXTS = st.one_of(st.text(ALPHABET, max_size=40), st.text(ALPHABET, min_size=900, max_size=10_000))


def example(arg: Any) -> Any:
    """A value each kind of callback argument accepts."""
    if isinstance(arg, Int):
        return arg.lo + 1
    if isinstance(arg, OneOf):
        return arg.values[0]
    return (example(arg.first), example(arg.second))


VALID = [a.data(None if a.arg is None else example(a.arg)) for a in ROUTER.actions.values()] + ["/choose"]
DATA = st.one_of(st.sampled_from(VALID), st.text(max_size=70),
                 st.builds(lambda v, s: v[: len(v) // 2] + s, st.sampled_from(VALID), st.text(max_size=8)))
CONTACTS = st.builds(Contact, st.one_of(st.text(max_size=20), st.sampled_from(["85512345678", "+84912345678"])),
                     st.booleans())
INPUTS = st.lists(st.one_of(TEXTS.map(Text), DATA.map(Press), st.just(Other()), CONTACTS), min_size=1, max_size=6)
COUNTER = iter(range(10**9))


def check(screens: list[Any]) -> None:
    assert screens, "every input gets an answer"
    for screen in screens:
        reply = screen.render(CATALOGS.translator(screen.lang))
        for part in split_message(reply.text):
            plain, _ = parse_html(part)  # raises where Telegram says "can't parse entities"
            assert plain.strip() and utf16_len(plain) <= MAX_MESSAGE
        for row in reply.buttons:
            for label, data in row:
                assert label.strip() and (data.startswith("url:https://") or data in (SHARE_CONTACT, SAY) or (
                    len(data.encode()) <= 64 and ROUTER.decode(data) is not None))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(INPUTS, st.booleans())
def test_any_input_gets_a_valid_answer(inputs: list[Any], agreed: bool) -> None:
    talk = Talk(SESSIONS, CONVERSATION, external_id=str(next(COUNTER)), language_code="km")
    if agreed:
        talk.agree("km")
    for inp in inputs:
        check(talk.send(inp))
