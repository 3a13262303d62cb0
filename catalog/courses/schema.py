"""The course record: vocabulary of allowed values and the validated, normalised form.

Field names follow the EU micro-credential elements (title, learning outcomes, workload,
assessment, quality assurance, stackability) plus what learners in Cambodia and Vietnam filter on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from catalog.courses.fields import field_codes

LANGUAGES = ("km", "vi", "en")
CURRENCIES = ("USD", "KHR", "VND")
DELIVERY = ("in_person", "online", "blended")
COUNTRIES = ("KH", "VN")
SCHEDULES = ("weekdays", "evenings", "weekends", "full_time", "self_paced")
SECTORS = field_codes()  # ISCED-F 2013 detailed fields (catalog.courses.fields)
LOCALIZED_TEXT_FIELDS = ("title", "description", "assessment", "quality_assurance")
LOCALIZED_LIST_FIELDS = ("learning_outcomes",)


def search_text(title: dict[str, str], skills: list[str], keywords: list[str], description: dict[str, str],
                learning_outcomes: dict[str, list[str]]) -> str:
    """The text a course is embedded and hashed by: titles, skills, keywords, descriptions, outcomes."""
    parts = [title[lang] for lang in LANGUAGES if title.get(lang)]
    if skills:
        parts.append("; ".join(skills))
    if keywords:
        parts.append("; ".join(keywords))
    parts += [description[lang] for lang in LANGUAGES if description.get(lang)]
    for lang in LANGUAGES:
        parts.extend(learning_outcomes.get(lang, []))
    return "\n".join(parts)


def localized(values: Any, lang: str) -> tuple[Any, str]:
    """A language map's value in ``lang``, else English, else any language, with the language used.

    Every place that shows catalog text to a learner goes through this one rule, so a course
    always reads the same in the list, its details and the learner's own course list."""
    if not isinstance(values, dict):
        return values, lang
    for candidate in (lang, "en", *LANGUAGES):
        if values.get(candidate):
            return values[candidate], candidate
    return "", lang


@dataclass
class ProviderRecord:
    code: str
    name: dict[str, str]
    country: str = ""
    url: str = ""
    contact: dict[str, str] = field(default_factory=dict)


@dataclass
class CourseRecord:
    """One validated course. Text fields hold the normalised form; ``original`` keeps the
    provider's text exactly as uploaded, for display."""

    code: str
    title: dict[str, str]
    description: dict[str, str]
    skills: list[str]
    keywords: list[str]
    sector: str
    level: int
    duration_hours: float
    cost_amount: float
    cost_currency: str
    delivery: str
    country: str
    province: str
    language_of_instruction: str
    schedule: list[str]
    women_only: bool
    min_age: int | None
    max_age: int | None
    start_dates: list[str]
    learning_outcomes: dict[str, list[str]]
    assessment: dict[str, str]
    quality_assurance: dict[str, str]
    stackable_into: list[str]
    url: str
    active: bool
    locality: str = ""  # town, district or former province inside ``province``, as the provider wrote it
    original: dict[str, Any] = field(default_factory=dict)

    def search_text(self) -> str:
        """What the embedder and lexical index see: everything a learner's goal could match."""
        return search_text(self.title, self.skills, self.keywords, self.description, self.learning_outcomes)

    def content_hash(self) -> str:
        """Hash of :meth:`search_text`: equal hashes share one cached embedding."""
        return hashlib.sha256(self.search_text().encode("utf-8")).hexdigest()

    def record_hash(self) -> str:
        """Hash of every field (originals included): equal hashes mean a re-upload changes nothing."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()
