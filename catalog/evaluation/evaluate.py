"""Offline evaluation of retrieval variants on a labelled set of goals.

Dataset: JSON Lines, one goal per line::

    {"id": "km-07", "lang": "km", "text": "ខ្ញុំចង់ធ្វើជាងភ្លើង", "tags": ["km_goal_en_course"],
     "relevant": {"kh-ntti:ELEC-101": 3, "kh-green-energy:SHS-201": 1}}

``relevant`` grades are 1 (useful) to 3 (exactly what was asked). Metrics: nDCG@10 with gain
2^grade - 1, Recall@5 over all graded courses, and MRR@10 of the first graded course.
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
from catalog.retrieval.recommender import Recommender

VARIANTS = ("lexical", "dense", "rrf", "weighted")


@dataclass
class EvalItem:
    id: str
    lang: str
    text: str
    relevant: dict[str, int]
    tags: list[str] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)


def load_dataset(path: Path) -> list[EvalItem]:
    items = []
    for no, raw in read_jsonl(path):
        try:
            item = EvalItem(id=str(raw["id"]), lang=raw["lang"], text=raw["text"], relevant=dict(raw["relevant"]),
                            tags=list(raw.get("tags", [])), filters=dict(raw.get("filters", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}:{no}: not a valid evaluation item ({exc})") from None
        if not item.relevant:
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


def evaluate(recommender: Recommender, items: list[EvalItem], variants: tuple[str, ...] = VARIANTS,
             progress: Callable[[int], None] | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """variant → group ("km", "vi", "en", "all", "tag:<tag>") → metric → mean."""
    known = {f"{c.provider}:{c.code}" for c in recommender.snapshot.courses}
    for item in items:
        missing = [key for key in item.relevant if key not in known]
        if missing:
            raise InputError(f"evaluation item {item.id} names unknown or retired courses: {', '.join(missing)}")
    out: dict[str, dict[str, dict[str, float]]] = {}
    for variant in variants:
        sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for item in items:
            rec = recommender.recommend(item.text, Filters.from_dict(item.filters), top_k=10, method=variant)
            ranked = [f"{r.course.provider}:{r.course.code}" for r in rec.results]
            scores = {"ndcg@10": ndcg_at(ranked, item.relevant), "recall@5": recall_at(ranked, item.relevant),
                      "mrr": mrr_at(ranked, item.relevant)}
            for group in (item.lang, "all", *(f"tag:{t}" for t in item.tags)):
                sums[group]["n"] += 1
                for metric, value in scores.items():
                    sums[group][metric] += value
            if progress:
                progress(1)
        out[variant] = {g: {m: (v / s["n"] if m != "n" else v) for m, v in s.items()} for g, s in sums.items()}
    return out


def format_table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """Markdown table: one row per group and variant."""
    groups: list[str] = []
    for per_group in results.values():
        for g in per_group:
            if g not in groups:
                groups.append(g)
    order = {"km": 0, "vi": 1, "en": 2, "all": 3}
    groups.sort(key=lambda g: (order.get(g, 4), g))
    lines = ["| goals | n | variant | nDCG@10 | Recall@5 | MRR |", "|---|---:|---|---:|---:|---:|"]
    for g in groups:
        for variant, per_group in results.items():
            if g in per_group:
                m = per_group[g]
                lines.append(f"| {g} | {int(m['n'])} | {variant} | {m['ndcg@10']:.3f} | {m['recall@5']:.3f} "
                             f"| {m['mrr']:.3f} |")
    return "\n".join(lines)


def to_json(results: dict[str, dict[str, dict[str, float]]]) -> str:
    return json.dumps(results, indent=2, sort_keys=True)
