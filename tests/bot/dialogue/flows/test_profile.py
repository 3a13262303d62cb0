"""The learner's profile: a name and, only if they share it themselves, a phone number for certificates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.dialogue.core import SAY, SHARE_CONTACT, Contact
from bot.dialogue.flows.goals import Results
from bot.dialogue.flows.profile import AskName, AskPhone, NameSaved, NoPhone, PhoneRemoved, PhoneSaved, PhoneShown
from bot.learners.models import Learner
from tests.bot.dialogue.conftest import CATALOGS
from tests.support import Talk


def stored_phone(db: Any) -> str | None:
    with db[0]() as s:
        return s.scalar(select(Learner.phone))


def test_name_then_phone_shared_through_telegram(talk: Talk, db: Any) -> None:
    talk.agree()
    [ask] = talk.say("/name")
    assert isinstance(ask, AskName)
    [saved] = talk.say("  Sok   Dara ")
    assert isinstance(saved, NameSaved) and saved.name == "Sok Dara" and saved.offer_phone
    [question] = talk.press("u.p")
    assert isinstance(question, AskPhone)
    reply = question.render(CATALOGS.translator("en"))
    assert [[data for _, data in row] for row in reply.buttons] == [[SHARE_CONTACT], [SAY]]

    [refused] = talk.send(Contact("+84 912 345 678", own=False))  # a card from the address book
    assert isinstance(refused, AskPhone) and refused.again and stored_phone(db) is None
    [done] = talk.send(Contact("85512345678", own=True))  # as Telegram sends it: no "+"
    assert isinstance(done, PhoneSaved) and done.ending == "…678" and stored_phone(db) == "+85512345678"
    assert done.render(CATALOGS.translator("en")).remove_keyboard

    [shown] = talk.say("/phone")
    assert isinstance(shown, PhoneShown) and shown.ending == "…678"
    [removed] = talk.press("u.r")
    assert isinstance(removed, PhoneRemoved) and stored_phone(db) is None


def test_not_now_and_a_goal_typed_instead(talk: Talk, db: Any) -> None:
    talk.agree("vi")
    talk.say("/phone")
    [skipped] = talk.say("Để sau")  # the keyboard button's label, as Telegram sends it
    assert isinstance(skipped, NoPhone) and skipped.render(CATALOGS.translator("vi")).remove_keyboard
    talk.say("/phone")
    # The learner types a goal instead of tapping a button: the question is closed and the goal answered.
    skipped, results = talk.say("học sửa xe máy")
    assert isinstance(skipped, NoPhone) and isinstance(results, Results)
    assert stored_phone(db) is None


def test_a_contact_needs_consent_and_a_real_number(talk: Talk, db: Any) -> None:
    talk.say("/start")
    [gate] = talk.send(Contact("85512345678", own=True))
    assert type(gate).__name__ in {"ChooseLanguage", "Privacy"} and stored_phone(db) is None
    talk.press("o.l:en")
    talk.press("o.c:y")
    [again] = talk.send(Contact("123", own=True))
    assert isinstance(again, AskPhone) and again.again and stored_phone(db) is None
