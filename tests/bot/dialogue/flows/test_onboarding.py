"""Onboarding and consent, on an in-memory database with a fake recommender."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.dialogue.flows.goals import AskGoal, Results
from bot.dialogue.flows.onboarding import AlreadyAgreed, ChooseLanguage, Declined, Privacy
from bot.dialogue.models import Dialogue
from bot.learners.models import Learner
from tests.support import Talk


def stored(sessions: Any, external_id: str = "42") -> tuple[Learner | None, Dialogue | None]:
    with sessions() as s:
        learner = s.scalar(select(Learner).where(Learner.external_id == external_id))
        return learner, (s.get(Dialogue, learner.id) if learner else None)


def test_start_language_consent(talk: Talk, db: Any) -> None:
    [welcome] = talk.say("/start women-bb-2026")
    assert isinstance(welcome, ChooseLanguage) and welcome.welcome and welcome.current == "en"
    [privacy] = talk.press("o.l:km")
    assert isinstance(privacy, Privacy) and privacy.ask and privacy.replace and privacy.lang == "km"
    [ask] = talk.press("o.c:y")
    assert isinstance(ask, AskGoal) and ask.why == "consented"
    learner, dialogue = stored(db[0])
    assert learner is not None and learner.consented_at is not None and learner.language == "km"
    assert learner.source == "women-bb-2026" and dialogue is not None and dialogue.step == "ready"
    talk.say("/start another-campaign")
    assert stored(db[0])[0].source == "women-bb-2026"  # type: ignore[union-attr]  # the first touch wins
    [back] = talk.say("/start")
    assert isinstance(back, AskGoal) and back.why == "welcome_back"


def test_a_goal_typed_first_is_answered_after_consent(talk: Talk, db: Any) -> None:
    [welcome] = talk.say("ខ្ញុំចង់រៀនជួសជុលម៉ូតូ motorbike")
    assert isinstance(welcome, ChooseLanguage) and welcome.current == "km"  # the script chose the language
    talk.press("o.l:km")
    ask, results = talk.press("o.c:y")
    assert isinstance(ask, AskGoal) and isinstance(results, Results) and results.items
    assert db[1].calls == ["ខ្ញុំចង់រៀនជួសជុលម៉ូតូ motorbike"]


def test_an_invisible_goal_never_blocks_consent(talk: Talk) -> None:
    talk.say("/start")
    talk.press("o.l:en")
    talk.say("\u200b\u200c\u00ad\u2060")  # nothing a person can see: no pending goal
    [ask] = talk.press("o.c:y")
    assert isinstance(ask, AskGoal)


def test_a_failing_pending_goal_never_blocks_consent(talk: Talk, db: Any) -> None:
    talk.say("/start")
    talk.press("o.l:en")
    talk.say("motorbike repair")
    db[1].fail = RuntimeError("the index is being rebuilt")
    [ask] = talk.press("o.c:y")
    assert isinstance(ask, AskGoal)
    assert stored(db[0])[0].consented_at is not None  # type: ignore[union-attr]


def test_declining_erases_what_was_kept(talk: Talk, db: Any) -> None:
    talk.say("/start")
    talk.press("o.l:vi")
    [declined] = talk.press("o.c:n")
    assert isinstance(declined, Declined)
    assert stored(db[0]) == (None, None)


def test_no_thanks_on_an_old_notice_never_erases_without_asking(talk: Talk, db: Any) -> None:
    talk.agree()
    [answer] = talk.press("o.c:n")  # the button of the privacy notice shown before agreeing
    assert isinstance(answer, AlreadyAgreed)
    assert answer.render(talk.conversation.translations.translator("en")).buttons == [
        [("🗑 Erase my data", "/delete")]]
    assert stored(db[0])[0] is not None


def test_language_guess_and_last_seen_are_kept_on_every_kind_of_input(talk: Talk, db: Any) -> None:
    talk.visitor = type(talk.visitor)("77", "vi")
    seen = []
    for inp in ("/help", "/privacy", "sticker", "c.d:1", "/language"):
        if inp == "sticker":
            from bot.dialogue.core import Other

            talk.send(Other())
        elif inp.startswith("/"):
            talk.say(inp)
        else:
            talk.press(inp)
        learner, dialogue = stored(db[0], "77")
        assert learner is not None and dialogue is not None and dialogue.state.get("guess") == "vi", inp
        seen.append(learner.last_seen_at)
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_an_expired_or_forged_button_shows_where_the_learner_is(talk: Talk) -> None:
    talk.say("/start")
    [language] = talk.press("e:17")  # a button of the bot before flows had prefixes
    assert isinstance(language, ChooseLanguage)
    talk.press("o.l:en")
    [privacy] = talk.press("c.e:١٢")  # Arabic-Indic digits are not a course id
    assert isinstance(privacy, Privacy) and privacy.ask
    talk.press("o.c:y")
    [ask] = talk.press("r.m:-1")
    assert isinstance(ask, AskGoal) and ask.why == "expired"
