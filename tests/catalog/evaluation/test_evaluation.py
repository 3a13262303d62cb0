import json

import pytest

from catalog.errors import InputError
from catalog.evaluation.conditions import format_conditions, load_conditions, score_conditions
from catalog.evaluation.evaluate import format_table, load_dataset, mrr_at, ndcg_at, recall_at
from catalog.language.places import gazetteer
from tests.support import ROOT


def test_metrics():
    relevant = {"a": 3, "b": 1}
    assert ndcg_at(["a", "b"], relevant) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], relevant) < 1.0
    assert ndcg_at(["x", "y"], relevant) == 0.0
    assert recall_at(["x", "a", "y", "z", "w", "b"], relevant, 5) == 0.5
    assert mrr_at(["x", "b"], relevant) == 0.5 and mrr_at(["x"], relevant) == 0.0


def test_dataset_errors(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": 1, "lang": "en", "text": "x"}\n')
    with pytest.raises(InputError, match=r"d\.jsonl:1"):
        load_dataset(path)
    path.write_text(json.dumps({"id": 1, "lang": "en", "text": "x", "relevant": {"p:c": 2}}) + "\n")
    assert load_dataset(path)[0].relevant == {"p:c": 2}


def test_evaluate_on_the_bundled_set(sample):

    from catalog.evaluation.evaluate import evaluate

    items = load_dataset(ROOT / "eval" / "goals.jsonl")
    per_lang = {i.lang for i in items}
    assert per_lang == {"km", "vi", "en"} and all(sum(i.lang == lang for i in items) >= 40 for lang in per_lang)
    results = evaluate(sample, items[:12], ("rrf", "lexical"))
    assert set(results) == {"rrf", "lexical"} and "all" in results["rrf"]
    assert "| all |" in format_table(results)


@pytest.mark.parametrize("name", ["goals", "tuning-negatives", "dev", "retired-blind-1", "dev2", "dev3", "validation",
                                  "blind"])
def test_every_set_judges_courses_of_the_sample_catalog(sample, name):
    known = {f"{c.provider}:{c.code}" for c in sample.snapshot.courses}
    items = load_dataset(ROOT / "eval" / f"{name}.jsonl")
    assert items and {i.lang for i in items} == {"km", "vi", "en"}
    judged = {key for i in items for key in (*i.relevant, *i.topic_only)}
    assert judged <= known, sorted(judged - known)[:5]


def test_a_condition_broken_by_a_course_is_a_violation(sample):
    from catalog.evaluation.evaluate import violations

    course = next(c for c in sample.snapshot.courses if c.delivery == "in_person" and c.cost_amount > 0)
    rate = sample.snapshot.usd_rate
    assert violations(course, {"province": course.province}, rate) == []
    assert violations(course, {"province": ["elsewhere", course.province]}, rate) == []  # either place
    assert violations(course, {"province": "elsewhere", "free": True}, rate) == ["province", "free"]


def test_when_nothing_fits_a_place_brings_the_best_few_courses_elsewhere(sample):
    from catalog.evaluation.evaluate import EvalItem, without
    from catalog.retrieval.recommender import MAX_ALTERNATIVES

    item = EvalItem("x", "en", "solar panel installation in Kep", {"p:c": 1})
    rec = sample.recommend(item.text, top_k=10)
    offered = without(sample, item, rec, "weighted")
    assert rec.results == [] and 1 < len(offered) <= MAX_ALTERNATIVES
    assert all(r.course.province != "kep" for r in offered)


def test_conditions_scoring_counts_missed_and_wrong(tmp_path):
    path = tmp_path / "conditions.jsonl"
    rows = [
        {"id": "c-1", "lang": "en", "text": "welding course, only on weekends",
         "conditions": {"schedule": ["weekends"]}, "split": "tune"},
        {"id": "c-2", "lang": "en", "text": "I sell clothes online, want more buyers", "conditions": {},
         "split": "tune"},
        {"id": "c-3", "lang": "en", "text": "my day is busy with my kids, cooking class?",
         "conditions": {"schedule": ["evenings"]}, "split": "check"},
        {"id": "c-4", "lang": "en", "text": "free welding course", "conditions": {}, "split": "check"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    scores = score_conditions(load_conditions(path), gazetteer())
    assert scores["en:schedule"]["right"] == 3 and scores["en:schedule"]["missed"] == 1
    assert scores["en:free"]["wrong"] == 1 and scores["en:delivery"]["right"] == 4
    assert score_conditions(load_conditions(path), gazetteer(), "tune")["all:schedule"]["n"] == 2
    assert "| en | 3/4 (1 missed, 0 wrong)" in format_conditions(scores)
