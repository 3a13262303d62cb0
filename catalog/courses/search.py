"""What a course gives search: its lexical tokens, weighted by field, and its thesaurus concepts."""

from __future__ import annotations

from typing import Any, Protocol

from catalog.language.concepts import thesaurus
from catalog.language.tokens import tokenize

# Title, skills and keywords say what a course is about; repeating their tokens weighs them
# above the description in BM25 (a cheap form of BM25F field weighting).
FIELD_REPEAT = {"title": 3, "skills": 2, "keywords": 2}


class SearchFields(Protocol):
    title: dict[str, str]
    skills: list[str]
    keywords: list[str]
    description: dict[str, str]
    learning_outcomes: dict[str, list[str]]


def lexical_tokens(record: SearchFields) -> list[str]:
    """Tokens of a course for the lexical index, with title/skills/keywords weighted up."""
    tokens: list[str] = []
    for text in record.title.values():
        tokens += tokenize(text) * FIELD_REPEAT["title"]
    for phrase in record.skills:
        tokens += tokenize(phrase) * FIELD_REPEAT["skills"]
    for phrase in record.keywords:
        tokens += tokenize(phrase) * FIELD_REPEAT["keywords"]
    for text in record.description.values():
        tokens += tokenize(text)
    for items in record.learning_outcomes.values():
        for item in items:
            tokens += tokenize(item)
    return tokens


def tag_concepts(course: Any) -> None:
    """Store what a course is about (``concepts``) with the thesaurus version that said so; done on
    ingest and, after the thesaurus changes, once when the catalog is loaded."""
    words = thesaurus()
    course.concepts = words.tag_course(course.title.values(), course.skills, course.keywords)
    course.concepts_version = words.version
