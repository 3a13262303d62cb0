"""How well the goal parser reads the conditions learners state, per kind and language.

Dataset: JSON Lines, one message per line, with the conditions a reader takes from it::

    {"id": "c-vi-003", "lang": "vi", "text": "minh chi ranh t7 cn thoi, co khoa sua dien lanh nao ko",
     "conditions": {"schedule": ["weekends"]}, "split": "tune"}

``schedule`` lists the times the learner can attend; a list of every daytime slot (``full_time`` and
``weekdays``) means "any time", which needs no filter. ``province`` is the place as written. A kind is
read right when the parser finds it exactly when it is stated and its filter admits only what the
learner accepts (a subset of the schedules or deliveries; in person also admits blended); "missed" is a
stated condition not found (its courses can break it), "wrong" one found that the learner did not state
or with another value (it hides courses they could take).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from catalog.errors import InputError
from catalog.jsonl import read_jsonl
from catalog.language.places import Gazetteer
from catalog.retrieval.constraints import parse_goal

KINDS = ("schedule", "delivery", "free", "max_cost", "age", "women", "province")
ANY_TIME = {"full_time", "weekdays"}


def load_conditions(path: Path) -> list[dict[str, Any]]:
    items = []
    for no, raw in read_jsonl(path):
        if not isinstance(raw.get("text"), str) or not isinstance(raw.get("conditions"), dict):
            raise InputError(f"{path}:{no}: needs a text and its conditions")
        items.append(raw)
    if not items:
        raise InputError(f"{path} has no messages")
    return items


def _read_right(kind: str, stated: Any, found: Any, gaz: Gazetteer) -> tuple[bool, bool]:
    """(right, missed) for one kind of one message."""
    if kind == "schedule" and stated and set(stated) >= ANY_TIME:
        stated = None
    if kind == "delivery" and stated and "in_person" in stated:
        stated = [*stated, "blended"]
    if not stated:
        return not found, False
    if found is None or found is False:
        return False, True
    if kind in ("schedule", "delivery"):
        return set(found) <= set(stated), False
    if kind == "province":
        places = {p.province.id for p in gaz.find(str(stated).lower())}
        return (found in places) if places else True, False
    if kind == "max_cost":
        return (found["currency"] == stated.get("currency")
                and abs(float(found["amount"]) - float(stated.get("amount", 0))) <= 1), False
    return found == stated, False


def score_conditions(items: list[dict[str, Any]], gaz: Gazetteer, split: str | None = None) -> dict[str, Counter]:
    """"<lang>:<kind>" (and "all:<kind>") → counts of n, stated, right, missed, wrong."""
    out: dict[str, Counter] = defaultdict(Counter)
    for item in items:
        if split and item.get("split") != split:
            continue
        found = {c.kind: c.value for c in parse_goal(item["text"], gaz).constraints}
        for kind in KINDS:
            stated = item["conditions"].get(kind)
            right, missed = _read_right(kind, stated, found.get(kind), gaz)
            for group in (str(item.get("lang", "?")), "all"):
                counts = out[f"{group}:{kind}"]
                counts.update(n=1, stated=int(stated not in (None, False, [])), right=int(right),
                              missed=int(missed), wrong=int(not right and not missed))
    return dict(out)


def format_conditions(scores: dict[str, Counter]) -> str:
    """Markdown table: per language, each kind as right/n (missed, wrong)."""
    lines = ["| goals | " + " | ".join(KINDS) + " |", "|---|" + "---:|" * len(KINDS)]
    for group in ("km", "vi", "en", "all"):
        if f"{group}:{KINDS[0]}" not in scores:
            continue
        cells = []
        for kind in KINDS:
            c = scores[f"{group}:{kind}"]
            cells.append(f"{c['right']}/{c['n']} ({c['missed']} missed, {c['wrong']} wrong)")
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
