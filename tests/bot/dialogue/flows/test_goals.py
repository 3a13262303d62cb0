"""Goal and results: paging, refinements, conditions understood from the goal, bad text."""

from __future__ import annotations

from typing import Any

from bot.dialogue.flows.goals import AskGoal, ProvincePicker, Results
from catalog.retrieval.constraints import MAX_GOAL_CHARS
from tests.support import Talk


def test_a_goal_lists_courses_with_their_buttons(talk: Talk) -> None:
    talk.agree()
    [results] = talk.say("motorbike repair")
    assert isinstance(results, Results) and [i.number for i in results.items] == [1, 2, 3, 4] and results.has_more
    reply = results.render(talk.conversation.translations.translator("en"))
    assert reply.buttons[0] == [("ℹ️ 1 · Details", f"c.d:{results.items[0].course_id}"),
                                ("✅ Enrol in 1", f"c.e:{results.items[0].course_id}")]
    [page2] = talk.press("r.m:1")
    assert page2.replace and page2.page == 1 and {i.number for i in page2.items} == {5, 6, 7, 8}
    [back] = talk.press("r.m:0")
    assert [i.course_id for i in back.items] == [i.course_id for i in results.items]


def test_refinements_and_conditions_from_the_goal(talk: Talk, db: Any) -> None:
    talk.agree()
    [free] = talk.say("free courses in Battambang")
    assert free.refine.free and free.refine.province == "Battambang" and free.items
    [weekends] = talk.press("r.t:weekends")
    assert weekends.refine.weekends and [i.title for i in weekends.items] == ["Thiết kế web"]  # online, at own pace
    [anywhere] = talk.press("r.p:-")
    assert anywhere.refine.province is None
    [not_free] = talk.press("r.t:free")  # written in the goal, switched off with the toggle
    assert not not_free.refine.free
    [picker] = talk.press("r.l:0")
    assert isinstance(picker, ProvincePicker) and ("kampot", "Kampot") in picker.options
    [kampot] = talk.press("r.p:kampot")
    assert kampot.refine.province == "Kampot"


def test_a_condition_understood_from_the_goal_can_be_dropped(talk: Talk) -> None:
    talk.agree()
    [results] = talk.say("motorbike repair under $30")
    assert [c.kind for c in results.understood] == ["max_cost"] and len(results.items) == 3
    [dropped] = talk.press("r.x:max_cost")
    assert dropped.understood == [] and len(dropped.items) == 4


def test_text_that_is_empty_once_normalised_gets_a_prompt(talk: Talk, db: Any) -> None:
    talk.agree()
    [prompt] = talk.say("\u200b \u00ad\u200d")
    assert isinstance(prompt, AskGoal) and prompt.why == "empty"
    assert db[1].calls == []


def test_a_long_goal_is_cut_after_normalising_and_echoed_short(talk: Talk, db: Any) -> None:
    talk.agree()
    goal = "motorbike " + "\u17a4" * 5000  # a deprecated Khmer letter that grows when repaired
    [results] = talk.say(goal)
    assert isinstance(results, Results) and len(db[1].calls[0]) <= MAX_GOAL_CHARS
    reply = results.render(talk.conversation.translations.translator("en"))
    assert len(reply.text.split("\n")[0]) < 120  # the heading is an excerpt, never the whole goal


def test_a_refinement_after_the_goal_was_forgotten_asks_again(talk: Talk) -> None:
    talk.agree()
    [prompt] = talk.press("r.t:free")
    assert isinstance(prompt, AskGoal)


def test_an_english_speaker_is_asked_once_where_they_live(talk: Talk, db: Any) -> None:
    talk.agree()
    [results] = talk.say("baking")
    assert results.ask_country and {i.title for i in results.items} == {"Bakery", "Bakery and Pastry"}
    reply = results.render(talk.conversation.translations.translator("en"))
    assert "Where do you live?" in reply.text
    assert reply.buttons[-4] == [("🇰🇭 Cambodia", "r.n:KH"), ("🇻🇳 Vietnam", "r.n:VN"), ("Elsewhere", "r.n:-")]
    [vietnam] = talk.press("r.n:VN")
    assert vietnam.replace and not vietnam.ask_country and vietnam.items[0].title == "Bakery and Pastry"
    assert db[1].homes[-1] == "VN"
    [again] = talk.say("baking")  # answered: never asked again, and their country comes first
    assert not again.ask_country and again.items[0].title == "Bakery and Pastry"


def test_a_learner_who_does_not_answer_is_not_asked_again(talk: Talk) -> None:
    talk.agree()
    assert talk.say("baking")[0].ask_country
    assert not talk.say("baking")[0].ask_country


def test_a_place_named_tells_the_country_and_khmer_speakers_are_not_asked(talk: Talk, db: Any) -> None:
    talk.agree()
    [kampot] = talk.say("baking in Kampot")
    assert not kampot.ask_country
    talk.say("baking")
    assert db[1].homes[-1] == "KH"  # inferred from the province they named
    khmer = Talk(db[0], db[2], external_id="43", language_code="km")
    khmer.agree("km")
    assert not khmer.say("baking")[0].ask_country


def test_a_part_of_a_province_is_shown_as_the_learner_named_it(talk: Talk) -> None:
    talk.agree()
    [results] = talk.say("baking in Vũng Tàu")
    assert results.refine.province == "Vũng Tàu, Ho Chi Minh City"
    [city] = talk.say("baking in Saigon")
    assert city.refine.province == "Ho Chi Minh City"


def test_matches_are_shown_in_the_readers_script_first_and_each_once() -> None:
    from bot.dialogue.flows.goals import matched_words
    from catalog.retrieval.recommender import Result

    result = Result(course=None, score=1.0, title="", title_lang="en", reason="",  # type: ignore[arg-type]
                    match={"keywords": ["lập trình web", "web developer"], "title": ["Web"]})
    assert matched_words(result, "en") == ["web developer"]
    assert matched_words(result, "vi") == ["lập trình web"]
    assert matched_words(result, "km") == ["lập trình web", "web developer"]  # nothing in Khmer: all


def test_nothing_in_the_place_named_offers_the_best_courses_elsewhere_with_their_towns(talk: Talk) -> None:
    talk.agree()
    [results] = talk.say("wiring in Kampot")
    assert results.items == [] and results.refine.province == "Kampot"
    assert len(results.alternatives) > 1 and {a.what for a in results.alternatives} == {"place:Kampot"}
    assert all(a.where and a.where != "Kampot" for a in results.alternatives)
    reply = results.render(talk.conversation.translations.translator("en"))
    first, second = results.alternatives[:2]
    assert f"• Without “Kampot”: {first.title} · {first.where}\n   {second.title} · {second.where}" in reply.text
    details = [row[0] for row in reply.buttons if row[0][1].startswith("c.d:")]
    assert [data for _label, data in details] == [f"c.d:{a.course_id}" for a in results.alternatives]  # one tap
    assert all(label.endswith(f" · {a.area}") for (label, _data), a in zip(details, results.alternatives, strict=True))
