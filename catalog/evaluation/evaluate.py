"""Offline evaluation of retrieval variants on a labelled set of goals.

Dataset: JSON Lines, one goal per line::

    {"id": "km-07", "lang": "km", "text": "ខ្ញុំចង់ធ្វើជាងភ្លើង", "tags": ["km_goal_en_course"],
     "relevant": {"kh-ntti:ELEC-101": 3, "kh-green-energy:SHS-201": 1}}

``relevant`` grades are 1 (useful) to 3 (exactly what was asked). A judged set may also say what a good
answer is (``expect``: "match", or "none" when no course in the catalog fits, or "vague" when the goal
names no work), which courses are on the topic but miss a condition (``topic_only``), the conditions the
goal states (``conditions``: province (one, or a list of acceptable ones), free, max_cost, schedule,
delivery, age, country, women) and what the learner told about themselves (``profile``: gender, age),
which the bot passes as filters.

Metrics, per language: nDCG@10 with gain 2^grade - 1, Recall@5 over all graded courses and MRR@10
(over goals with a relevant course); the share of those goals with no relevant course in the top 5;
the share of all goals whose first course shown as a match is unrelated (neither relevant nor on the
topic): the "confident wrong list"; conditions violated by the top 5; and goals answered with nothing
although a relevant course exists.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.errors import InputError
from catalog.jsonl import read_jsonl
from catalog.retrieval.constraints import Filters
from catalog.retrieval.recommender import (
    MAX_ALTERNATIVES,
    PLACE_ALTERNATIVES,
    STRONG,
    CourseInfo,
    Recommendation,
    Recommender,
    Result,
    elsewhere,
)

VARIANTS = ("lexical", "dense", "rrf", "weighted")
EXPECTS = ("match", "none", "vague")


@dataclass
class EvalItem:
    id: str
    lang: str
    text: str
    relevant: dict[str, int]
    tags: list[str] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    expect: str = "match"
    topic_only: list[str] = field(default_factory=list)
    conditions: dict[str, Any] = field(default_factory=dict)


def _profile_filters(profile: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if profile.get("gender") == "woman":
        out["is_woman"] = True
    if isinstance(profile.get("age"), int):
        out["age"] = profile["age"]
    return out


def load_dataset(path: Path) -> list[EvalItem]:
    items = []
    for no, raw in read_jsonl(path):
        try:
            item = EvalItem(id=str(raw["id"]), lang=raw["lang"], text=raw["text"], relevant=dict(raw["relevant"]),
                            tags=list(raw.get("tags", [])),
                            filters={**_profile_filters(raw.get("profile") or {}), **dict(raw.get("filters", {}))},
                            expect=str(raw.get("expect", "match")), topic_only=list(raw.get("topic_only") or []),
                            conditions=dict(raw.get("conditions") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}:{no}: not a valid evaluation item ({exc})") from None
        if item.expect not in EXPECTS:
            raise InputError(f"{path}:{no}: expect must be one of {', '.join(EXPECTS)}")
        if item.expect == "match" and not item.relevant:
            raise InputError(f"{path}:{no}: item {item.id} has no relevant course")
        items.append(item)
    if not items:
        raise InputError(f"{path} has no evaluation items")
    return items


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def mrr_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    for i, key in enumerate(ranked[:k], start=1):
        if key in relevant:
            return 1.0 / i
    return 0.0


def violations(course: CourseInfo, conditions: dict[str, Any], usd_per: Callable[[str], float]) -> list[str]:
    """The goal's stated conditions a course breaks (an online course is anywhere)."""
    out = []
    online = course.delivery == "online"
    places = conditions.get("province") or []
    places = [places] if isinstance(places, str) else places  # "Siem Reap or Phnom Penh": either
    if places and course.province not in places and not online:
        out.append("province")
    if conditions.get("country") and course.country != conditions["country"] and not online:
        out.append("country")
    if conditions.get("free") and course.cost_amount > 0:
        out.append("free")
    cap = conditions.get("max_cost")
    if isinstance(cap, dict) and course.cost_amount / usd_per(course.cost_currency) > \
            float(cap.get("amount", 0)) / usd_per(str(cap.get("currency", "USD"))) + 1e-9:
        out.append("max_cost")
    wanted = set(conditions.get("schedule") or [])
    if wanted and not (wanted | {"self_paced"}) & set(course.schedule):
        out.append("schedule")
    if conditions.get("delivery") and course.delivery not in conditions["delivery"]:
        out.append("delivery")
    age = conditions.get("age")
    if isinstance(age, int) and not ((course.min_age or 0) <= age <= (course.max_age or 999)):
        out.append("age")
    return out


# The order in which the bot tries dropping a condition when nothing fits (its toggles, the rest as
# understood, the place last); a country alone it does not offer to drop: see ``bot.dialogue.flows.goals``.
_DROP_ORDER = {"free": 0, "max_cost": 0, "delivery": 1, "schedule": 2, "province": 4}


def without(recommender: Recommender, item: EvalItem, rec: Recommendation, variant: str) -> list[Result]:
    """What the learner is shown when nothing fits, as the bot shows it: for each condition understood
    from the goal, the best course once that one condition is dropped ("Without 'weekends': Tailoring"),
    when it is about the goal (the best few elsewhere for a place); at most :data:`MAX_ALTERNATIVES`."""
    out: list[Result] = []
    kinds = sorted(dict.fromkeys(c.kind for c in rec.goal.constraints if c.kind != "country"),
                   key=lambda k: _DROP_ORDER.get(k, 3))
    for kind in kinds:
        place = kind == "province"
        alt = recommender.recommend(item.text, Filters.from_dict(item.filters), method=variant,
                                    top_k=PLACE_ALTERNATIVES if place else 1, ignore=frozenset({kind}))
        found = elsewhere(alt.results) if place else [r for r in alt.results if r.match_level == STRONG]
        out += [r for r in found if all(o.course.id != r.course.id for o in out)]
        if len(out) >= MAX_ALTERNATIVES:
            break
    return out[:MAX_ALTERNATIVES]


def evaluate(recommender: Recommender, items: list[EvalItem], variants: tuple[str, ...] = VARIANTS,
             progress: Callable[[int], None] | None = None,
             alternatives: bool = True) -> dict[str, dict[str, dict[str, float]]]:
    """variant → group ("km", "vi", "en", "all", "tag:<tag>") → metric → value (means and shares; the
    counts "n", "n_match", "violations", "empty" and "without" as counts). With ``alternatives``, a goal
    that gets no list is scored on the "without X" courses the bot then names (``without``: goals
    answered so), since that is what the learner sees; their broken condition is not a violation."""
    known = {f"{c.provider}:{c.code}" for c in recommender.snapshot.courses}
    for item in items:
        missing = [key for key in [*item.relevant, *item.topic_only] if key not in known]
        if missing:
            raise InputError(f"evaluation item {item.id} names unknown or retired courses: {', '.join(missing)}")
    rates = recommender.snapshot.usd_rate
    out: dict[str, dict[str, dict[str, float]]] = {}
    for variant in variants:
        sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for item in items:
            rec = recommender.recommend(item.text, Filters.from_dict(item.filters), top_k=10, method=variant)
            shown = [r for r in rec.results if r.match_level != "none"]  # what the learner is shown as a match
            offered = without(recommender, item, rec, variant) if alternatives and not shown and not rec.vague else []
            ranked = [f"{r.course.provider}:{r.course.code}" for r in shown or offered]
            scores: dict[str, float] = {"n": 1, "without": float(bool(offered))}
            if item.expect == "match":
                scores.update({"n_match": 1, "ndcg@10": ndcg_at(ranked, item.relevant),
                               "recall@5": recall_at(ranked, item.relevant), "mrr": mrr_at(ranked, item.relevant),
                               "no_relevant@5": float(not set(ranked[:5]) & set(item.relevant)),
                               "empty": float(not ranked)})
            related = set(item.relevant) | set(item.topic_only)
            scores["top_unrelated"] = float(bool(ranked) and ranked[0] not in related)
            scores["violations"] = float(sum(bool(violations(r.course, item.conditions, rates)) for r in shown[:5]))
            for group in (item.lang, "all", *(f"tag:{t}" for t in item.tags), f"expect:{item.expect}"):
                for metric, value in scores.items():
                    sums[group][metric] += value
            if progress:
                progress(1)
        out[variant] = {g: _means(s) for g, s in sums.items()}
    return out


def _means(s: dict[str, float]) -> dict[str, float]:
    """Means over the goals each metric is about; counts stay counts."""
    out = {"n": s["n"], "n_match": s.get("n_match", 0.0), "violations": s.get("violations", 0.0),
           "empty": s.get("empty", 0.0), "without": s.get("without", 0.0),
           "top_unrelated": s.get("top_unrelated", 0.0) / s["n"]}
    for metric in ("ndcg@10", "recall@5", "mrr", "no_relevant@5"):
        out[metric] = s.get(metric, 0.0) / s["n_match"] if s.get("n_match") else float("nan")
    return out


def format_table(results: dict[str, dict[str, dict[str, float]]], groups_only: bool = False) -> str:
    """Markdown table: one row per group and variant (``groups_only``: languages and "all")."""
    groups: list[str] = []
    for per_group in results.values():
        for g in per_group:
            if g not in groups and (not groups_only or g in ("km", "vi", "en", "all")):
                groups.append(g)
    order = {"km": 0, "vi": 1, "en": 2, "all": 3}
    groups.sort(key=lambda g: (order.get(g, 4), g))
    lines = ["| goals | n | with a match | variant | nDCG@10 | Recall@5 | MRR | no match in top 5 | top unrelated "
             "| violations in top 5 | empty | only “without X” |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def share(value: float) -> str:
        return "–" if math.isnan(value) else f"{100 * value:.0f} %"

    def mean(value: float) -> str:
        return "–" if math.isnan(value) else f"{value:.3f}"

    for g in groups:
        for variant, per_group in results.items():
            if g in per_group:
                m = per_group[g]
                lines.append(f"| {g} | {int(m['n'])} | {int(m['n_match'])} | {variant} | {mean(m['ndcg@10'])} "
                             f"| {mean(m['recall@5'])} | {mean(m['mrr'])} | {share(m['no_relevant@5'])} "
                             f"| {share(m['top_unrelated'])} | {int(m['violations'])} | {int(m['empty'])} "
                             f"| {int(m.get('without', 0))} |")
    return "\n".join(lines)


def to_json(results: dict[str, dict[str, dict[str, float]]]) -> str:
    return json.dumps(results, indent=2, sort_keys=True)
