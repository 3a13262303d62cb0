"""Fields of training: UNESCO's ISCED-F 2013 classification, so that every course has a home (health
care, security, safety and work skills too) in a scheme ministries and donors already report in.

A course's ``sector`` is a detailed field code ("0713"). Uploads may also write the field's name in
Khmer, Vietnamese or English, or one of the advisor's earlier sector words ("electrical"); anything
else gets the nearest fields as a suggestion. Labels per language are data
(``data/isced_f_2013.json``), shown by the bot on its buttons and in the upload template.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from catalog.language.text import fold

# The advisor's sectors before ISCED-F, still accepted in uploads (and migrated in the database).
LEGACY_SECTORS = {
    "agriculture": "0811", "automotive": "0716", "beauty": "1012", "business": "0413", "care": "0921",
    "construction": "0732", "electrical": "0713", "electronics": "0714", "food": "1013", "garment": "0723",
    "hospitality": "1013", "ict": "0611", "languages": "0231", "logistics": "1041", "manufacturing": "0715",
    "retail": "0416", "tourism": "1015",
}


SUGGEST_AT = 0.72  # below this likeness a "did you mean" misleads more than it helps
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Field:
    code: str  # 2 digits broad, 3 narrow, 4 detailed
    labels: dict[str, str]  # km, vi, en (the official English name) and short_en (for buttons)
    keywords: tuple[str, ...] = ()

    @property
    def broad(self) -> str:
        return self.code[:2]

    def label(self, lang: str) -> str:
        if lang == "en":
            return self.labels.get("short_en") or self.labels["en"]
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True, eq=False)  # compared and cached by identity: there is one table
class FieldTable:
    fields: dict[str, Field]
    source: str

    @property
    def detailed(self) -> list[Field]:
        return [f for f in self.fields.values() if len(f.code) == 4]

    def get(self, code: str) -> Field | None:
        return self.fields.get(code)

    def resolve(self, value: str) -> str | None:
        """The detailed field ``value`` names: its code, its name in any language, an earlier sector."""
        key = fold(value)
        if not key:
            return None
        if key in LEGACY_SECTORS:
            return LEGACY_SECTORS[key]
        head = key.split()[0]
        if head.isdigit() and len(head) == 4 and head in self.fields:  # "0713" or "0713 Electricity and energy"
            return head
        return _names(self).get(key)

    def suggest(self, value: str, limit: int = 2) -> list[Field]:
        """The detailed fields closest to ``value`` (by name and by the words people use for them)."""
        key = fold(value)
        if not key:
            return []
        words = set(_WORD.findall(key))
        scored: dict[str, float] = {}
        for name, code in _phrases(self):
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            if words and (words <= set(_WORD.findall(name)) or name in words):  # "hotel", "security guard"
                ratio = max(ratio, 0.9)
            scored[code] = max(scored.get(code, 0.0), ratio)
        best = sorted(scored.items(), key=lambda item: -item[1])
        if not best or best[0][1] < SUGGEST_AT:
            return []
        return [self.fields[code] for code, score in best[:limit] if score >= max(SUGGEST_AT, best[0][1] - 0.05)]


@cache
def _names(table: FieldTable) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in table.detailed:
        for text in f.labels.values():
            out.setdefault(fold(text), f.code)
    return out


@cache
def _phrases(table: FieldTable) -> list[tuple[str, str]]:
    return [(fold(text), f.code) for f in table.detailed for text in (*f.labels.values(), *f.keywords)]


@cache
def fields() -> FieldTable:
    raw: dict[str, Any] = json.loads(resources.files("catalog.courses").joinpath(
        "data/isced_f_2013.json").read_text(encoding="utf-8"))
    table = {e["code"]: Field(e["code"], {k: e[k] for k in ("km", "vi", "en", "short_en") if e.get(k)},
                              tuple(e.get("keywords") or ())) for e in raw["fields"]}
    return FieldTable(table, raw.get("source", ""))


def field_codes() -> tuple[str, ...]:
    """Every detailed field code, in order: what a course's ``sector`` may be."""
    return tuple(sorted(f.code for f in fields().detailed))
