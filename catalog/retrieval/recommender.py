"""From a free-text goal to ranked, explained, constraint-respecting course suggestions.

Pipeline per goal:

1. :func:`catalog.constraints.parse_goal` pulls price/place/schedule/... constraints out of the text.
2. Hard filters become a boolean mask over the in-memory snapshot of active courses.
3. Dense retrieval: the goal is embedded once and the FAISS index is scanned with the mask as an id
   bitmap. Lexical retrieval: BM25 over language-aware tokens (Khmer segmentation, Vietnamese
   tone-mark folding) under the same mask.
4. The two rankings are fused (score-weighted by default, reciprocal rank fusion on request; the
   choice was measured with ``python -m catalog eval``, see docs/retrieval.md), and each result
   gets a reason naming what matched.

A :class:`Recommender` is read-only after construction and safe to share between threads; a newer
catalog version is picked up by :meth:`Recommender.refresh`, which builds new state and swaps it in.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.courses.schema import DELIVERY, LANGUAGES, SCHEDULES, SECTORS, localized
from catalog.courses.search import lexical_tokens, tag_concepts
from catalog.errors import InputError
from catalog.language.clauses import without_past, without_purposes
from catalog.language.concepts import Thesaurus, thesaurus
from catalog.language.places import gazetteer
from catalog.language.spelling import english_speller
from catalog.language.text import guess_language
from catalog.language.tokens import TOKENIZER_VERSION, phrase_tokens, tokenize_goal
from catalog.language.tokens import words as words_of
from catalog.retrieval.constraints import Constraint, Filters, ParsedGoal, parse_goal
from catalog.retrieval.embedding import Embedder
from catalog.retrieval.index import SyncStats, VectorIndex, open_index
from catalog.retrieval.lexical import LexicalIndex
from catalog.settings import CatalogSettings
from catalog.storage.db import catalog_version
from catalog.storage.models import Course, Provider

STRONG, WEAK, NONE = "strong", "weak", "none"
COVERED = 0.5  # without a concept, a course's words must carry this share of the goal's (idf-weighted)
GENERIC_SHARE = 0.25  # a goal made only of words in more courses than this names no work ("job", "learn")
DENSE_ALONE = 0.86  # cosine at which meaning alone, with no shared word or concept, counts as a match
MAX_ALTERNATIVES = 3  # "without X: course" lines when nothing fits (the bot's answer, and the evaluation's)
# A place that stands in the way brings the best few courses elsewhere (a learner may move or travel to
# study), any other condition its best course.
PLACE_ALTERNATIVES = 3
BROWSE_CHARS = 80  # a goal of conditions only, no longer than this and no story, asks for what fits them
CONCEPT_ONLY = 0.5  # a course found only through a shared concept ranks below every scored candidate
RECENT_GOALS = 256
RRF_K = 60
CANDIDATES = 100
MAX_TOP = 50
PLACE_BOOST = 1.15
OTHER_LOCAL_LANGUAGE = {"km": "vi", "vi": "km"}
HOME_COUNTRY = {"km": "KH", "vi": "VN"}  # an English-speaking learner's country is not assumed
LEXICAL_MIN_FRACTION = 0.25
UNACCENTED_DENSE_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class CourseInfo:
    """What the recommender needs to show and explain a course (full details live in the DB)."""

    id: int
    provider: str
    provider_name: dict[str, str]
    code: str
    title: dict[str, str]
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
    concepts: frozenset[str] = frozenset()
    locality: str = ""  # town or former province inside ``province``, as the provider wrote it

    def title_in(self, lang: str) -> tuple[str, str]:
        """(title, its language): the learner's language, else English, else any."""
        title, title_lang = localized(self.title, lang)
        return (title or self.code), title_lang


class Snapshot:
    """Active courses as parallel numpy arrays, for vectorised filtering at 100k courses."""

    def __init__(self, courses: list[CourseInfo], tokens: list[list[str]], version: int,
                 settings: CatalogSettings) -> None:
        self.version = version
        self.usd_rate = settings.usd_rate
        self.courses = courses
        self.ids = np.asarray([c.id for c in courses], dtype=np.int64)
        # course id → row by binary search: two arrays instead of a dict (about 10 MB at 100k courses)
        self._by_id = np.argsort(self.ids, kind="stable")
        self._sorted_ids = self.ids[self._by_id]
        n = len(courses)
        self.cost_usd = np.asarray([c.cost_amount / settings.usd_rate(c.cost_currency) for c in courses],
                                   dtype=np.float64)
        self.free = np.asarray([c.cost_amount == 0 for c in courses], dtype=bool)
        self.delivery = np.asarray([DELIVERY.index(c.delivery) for c in courses], dtype=np.int8)
        self.country = np.asarray([c.country for c in courses], dtype=object) if n else np.zeros(0, object)
        self.province = np.asarray([c.province for c in courses], dtype=object) if n else np.zeros(0, object)
        gaz = gazetteer()  # the part of a (merged) province a course is in, as the gazetteer names it
        self.locality = np.asarray([gaz.locality(c.province, c.locality) for c in courses], dtype=object) \
            if n else np.zeros(0, object)
        self.language = np.asarray([LANGUAGES.index(c.language_of_instruction) for c in courses], dtype=np.int8)
        self.schedule = np.asarray([sum(1 << SCHEDULES.index(s) for s in c.schedule) for c in courses],
                                   dtype=np.int16)
        self.sector = np.asarray([SECTORS.index(c.sector) for c in courses], dtype=np.int8)
        self.women_only = np.asarray([c.women_only for c in courses], dtype=bool)
        self.min_age = np.asarray([c.min_age or 0 for c in courses], dtype=np.int16)
        self.max_age = np.asarray([c.max_age or 999 for c in courses], dtype=np.int16)
        self.lexical = LexicalIndex(tokens)
        self.max_id = int(self.ids.max()) + 1 if n else 1
        self._terms: dict[int, dict[str, list[tuple[str, set[str]]]]] = {}
        by_concept: dict[str, list[int]] = {}
        for row, course in enumerate(courses):
            for cid in course.concepts:
                by_concept.setdefault(cid, []).append(row)
        # concept → rows of the courses about it
        self._by_concept = {cid: np.asarray(rows, dtype=np.int64) for cid, rows in by_concept.items()}

    def row_of(self, course_id: int) -> int | None:
        """The row of an active course, or ``None``."""
        at = int(np.searchsorted(self._sorted_ids, course_id))
        return int(self._by_id[at]) if at < len(self._sorted_ids) and self._sorted_ids[at] == course_id else None

    def concepts(self, row: int) -> frozenset[str]:
        """The thesaurus concepts a course is about (tagged when it was ingested)."""
        return self.courses[row].concepts

    def about(self, concepts: frozenset[str]) -> np.ndarray:
        """Rows of the courses tagged with any of these concepts, in row order."""
        parts = [self._by_concept[c] for c in concepts if c in self._by_concept]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def terms(self, row: int) -> dict[str, list[tuple[str, set[str]]]]:
        """Tokenised reason phrases of a course, computed on first use and kept (read-mostly;
        a race only computes the same value twice)."""
        cached = self._terms.get(row)
        if cached is None:
            cached = self._terms[row] = explain_terms(self.courses[row])
        return cached

    def mask(self, f: Filters, exclude: Iterable[int] = ()) -> np.ndarray:
        """Rows that satisfy every hard filter."""
        m = np.ones(len(self.courses), dtype=bool)
        if f.free_only:
            m &= self.free
        if f.max_cost is not None:
            m &= self.cost_usd <= f.max_cost / self.usd_rate(f.max_cost_currency) + 1e-9
        if f.delivery:
            m &= np.isin(self.delivery, [DELIVERY.index(d) for d in f.delivery])
        online = self.delivery == DELIVERY.index("online")
        if f.country:
            m &= (self.country == f.country) | online
        if f.province:
            m &= (self.province == f.province) | online
        if f.languages:
            m &= np.isin(self.language, [LANGUAGES.index(x) for x in f.languages])
        if f.schedule:
            wanted = sum(1 << SCHEDULES.index(s) for s in f.schedule) | (1 << SCHEDULES.index("self_paced"))
            m &= (self.schedule & wanted) != 0
        if f.sectors:
            m &= np.isin(self.sector, [SECTORS.index(s) for s in f.sectors])
        if not f.is_woman:
            m &= ~self.women_only
        if f.age is not None:
            m &= (self.min_age <= f.age) & (self.max_age >= f.age)
        if f.ages is not None:
            m &= (self.min_age <= f.ages[1]) & (self.max_age >= f.ages[0])
        rows = [row for row in map(self.row_of, exclude) if row is not None]
        if rows:
            m[rows] = False
        return m

    def bitmap(self, mask: np.ndarray) -> np.ndarray:
        """Mask over rows → little-endian bitmap over course ids, as FAISS's IDSelectorBitmap reads it."""
        by_id = np.zeros(self.max_id, dtype=bool)
        by_id[self.ids[mask]] = True
        return np.packbits(by_id, bitorder="little")


@dataclass
class Result:
    course: CourseInfo
    score: float
    title: str
    title_lang: str
    match: dict[str, list[str]]
    reason: str
    match_level: str = STRONG  # strong, weak (related: a skill of the occupation asked for), none
    concepts: tuple[str, ...] = ()  # the thesaurus concepts the goal and the course share

    def to_dict(self) -> dict[str, Any]:
        c = self.course
        return {
            "code": c.code, "provider": c.provider, "title": self.title, "title_lang": self.title_lang,
            "score": round(self.score, 6), "reason": self.reason, "match": self.match,
            "match_level": self.match_level, "concepts": list(self.concepts),
            "cost": {"amount": c.cost_amount, "currency": c.cost_currency}, "delivery": c.delivery,
            "province": c.province, "locality": c.locality, "language_of_instruction": c.language_of_instruction,
            "duration_hours": c.duration_hours, "schedule": c.schedule,
        }


@dataclass
class Recommendation:
    goal: ParsedGoal
    filters: Filters
    results: list[Result]
    eligible: int  # active courses that pass the hard filters (0 → suggest relaxing a constraint)
    concepts: tuple[str, ...] = ()  # what the goal is about, in thesaurus concepts
    vague: bool = False  # the goal names no work, skill or field: ask, do not guess

    @property
    def constraints(self) -> list[Constraint]:
        return self.goal.constraints

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.goal.language,
            "constraints": {
                "understood": [c.to_dict() for c in self.goal.constraints],
                "filters": self.filters.to_dict(),
            },
            "eligible": self.eligible,
            "concepts": list(self.concepts),
            "vague": self.vague,
            "results": [r.to_dict() for r in self.results],
        }


def explain_terms(course: CourseInfo) -> dict[str, list[tuple[str, set[str]]]]:
    """The phrases a reason can cite (skills, keywords, title words) with their tokens."""
    words = [w for text in course.title.values() for w in text.split()]
    return {name: list(zip(items, phrase_tokens(items), strict=True))
            for name, items in (("skills", course.skills), ("keywords", course.keywords), ("title", words))}


def explain(goal_tokens: set[str], terms: dict[str, list[tuple[str, set[str]]]]) -> tuple[dict[str, list[str]], str]:
    """Which skills/keywords/title words of the course the goal matched, and a one-line reason."""
    match: dict[str, list[str]] = {"skills": [], "keywords": [], "title": []}
    for name, items in terms.items():
        for phrase, toks in items:
            shown = phrase.strip(",.;:()") if name == "title" else phrase
            if toks & goal_tokens and shown not in match[name]:
                match[name].append(shown)
    match = {k: v[:4] for k, v in match.items() if v}
    if match.get("skills"):
        reason = "skills: " + ", ".join(match["skills"])
        if match.get("keywords"):
            reason += "; keywords: " + ", ".join(match["keywords"])
    elif match.get("keywords"):
        reason = "keywords: " + ", ".join(match["keywords"])
    elif match.get("title"):
        reason = "title: " + ", ".join(match["title"])
    else:
        reason = "similar in meaning to your goal"
    return match, reason


def _topic(request: str, query: str, words: Thesaurus) -> set[str]:
    """The concepts of what the request says is learnt, not what for ("learn to sew to sell to
    tourists" is sewing); else of the whole request, then of the query (without its past and purposes,
    without its purposes, then whole: "I was a construction worker in Thailand … I know some electrical
    work. I want a certificate" is about electrical work). A skill every trade needs,
    named only as the purpose, is not the topic when something else is learnt ("screen printing, to
    run my own business"), even something the thesaurus does not know."""
    learnt = without_purposes(request)
    found = words.find_specific(learnt)[1]
    if found:
        return found
    now = without_past(query)
    found = (learnt != request and words.find_specific(request)[1]) \
        or (now != query and words.find_specific(without_purposes(now))[1]) \
        or words.find_specific(without_purposes(query))[1] or words.find_specific(query)[1]
    if learnt != request and not all(words.generic(t) for t in tokenize_goal(learnt) if "_" not in t):
        found = {c for c in found if not words.cross_cutting(c)}
    return found


def browse_order(snap: Snapshot, mask: np.ndarray, f: Filters) -> dict[int, float]:
    """Ranking for a goal that only states constraints ("free courses in Battambang"): courses in
    the requested place first, then free before paid, then cheaper; scores decrease with rank."""
    rows = np.flatnonzero(mask)
    in_place = (snap.province[rows] == f.province) if f.province else np.zeros(len(rows), bool)
    order = np.lexsort((snap.ids[rows], snap.cost_usd[rows], ~snap.free[rows], ~in_place))
    return {int(rows[i]): 1.0 / (rank + 1) for rank, i in enumerate(order[:CANDIDATES])}


def fuse(method: str, dense: dict[int, tuple[int, float]], lexical: dict[int, tuple[int, float]],
         alpha: float = 0.5, dense_weight: float = 1.0) -> dict[int, float]:
    """Combine rankings: row → fused score. ``dense``/``lexical`` map row → (rank, raw score)."""
    if method == "dense":
        return {row: s for row, (_, s) in dense.items()}
    if method == "lexical":
        return {row: s for row, (_, s) in lexical.items()}
    rows = set(dense) | set(lexical)
    if method == "rrf":
        return {row: (dense_weight / (RRF_K + dense[row][0]) if row in dense else 0.0)
                + (1.0 / (RRF_K + lexical[row][0]) if row in lexical else 0.0) for row in rows}
    if method == "weighted":
        top_lex = max((s for _, s in lexical.values()), default=0.0) or 1.0
        floor = min((s for _, s in dense.values()), default=0.0)
        top_dense = max((s for _, s in dense.values()), default=0.0)
        span = (top_dense - floor) or 1.0
        alpha *= dense_weight
        return {row: alpha * ((dense[row][1] - floor) / span if row in dense else 0.0)
                + (1 - alpha) * (lexical[row][1] / top_lex if row in lexical else 0.0) for row in rows}
    raise InputError(f"unknown fusion method {method!r}")


class Judge:
    """Whether a candidate course is about what the learner asked: the goal and the course share a
    thesaurus concept (strong), or a concept linked to one (weak: a skill of the occupation asked for).
    When the goal names no concept the thesaurus knows, a course is a match when its words carry at
    least half of the goal's words (weighted by how rare each is) and as much as the best candidate
    does, or when its meaning is so close that no word is needed. Anything else is not a match, however
    high it ranks: a confident list of unrelated courses is worse than "nothing fits"."""

    def __init__(self, snap: Snapshot, concepts: frozenset[str], goal_tokens: list[str],
                 dense: dict[int, tuple[int, float]], candidates: Iterable[int], *, syllables: bool = False) -> None:
        self.snap, self.dense = snap, dense
        # Without a concept, the course must also name the goal's words in its title, skills or keywords
        # (not only somewhere in its description); Vietnamese by two syllables together when the goal has
        # several, since one syllable ("dinh" of "ổn định") is part of too many words.
        pairs = {t for t in goal_tokens if "_" in t}
        single = {t for t in goal_tokens if "_" not in t}
        self._named = pairs if syllables and pairs and len(single) > 1 else single  # "học hàn": one is enough
        words = thesaurus()
        self.goal = concepts  # what the goal is about ("shrimp farming": shrimp, not any farming)
        self.related = frozenset(words.related(set(concepts)))
        content = list(dict.fromkeys(t for t in goal_tokens if "_" not in t and not words.generic(t)))
        # No concept, and no word that names a kind of work ("I want a better job", "help me").
        self.vague = not self.goal and all(snap.lexical.share(t) > GENERIC_SHARE for t in content)
        # How much of the goal's meaning each course's words carry: the rarer a word, the more it says.
        self._covered = np.zeros(len(snap.courses), dtype=np.float32)
        total = 0.0
        if not self.goal:
            for t in content:
                weight = snap.lexical.idf(t)
                self._covered[snap.lexical.rows_with(t)] += weight
                total += weight
        rows = np.fromiter(candidates, dtype=np.int64)
        self._best = float(self._covered[rows].max(initial=0.0))
        self._needed = max(self._best, COVERED * total)

    def level(self, row: int) -> tuple[str, tuple[str, ...]]:
        course = self.snap.concepts(row)
        if self.goal:
            shared = self.goal & course
            if shared:
                return STRONG, tuple(sorted(shared))
            linked = self.related & course
            return (WEAK, tuple(sorted(linked))) if linked else (NONE, ())
        if self._best and self._covered[row] >= self._needed - 1e-6 and any(
                toks & self._named for phrases in self.snap.terms(row).values() for _phrase, toks in phrases):
            return STRONG, ()
        return (WEAK, ()) if self.dense.get(row, (0, 0.0))[1] >= DENSE_ALONE else (NONE, ())


class Recommender:
    """Thread-safe recommendation service over one catalog version (see :meth:`refresh`)."""

    def __init__(self, settings: CatalogSettings, sessions: sessionmaker[Session], embedder: Embedder,
                 index: VectorIndex, snapshot: Snapshot, *, goal_cache: int = RECENT_GOALS) -> None:
        self.settings = settings
        self.goal_cache = goal_cache  # goal vectors kept (0 in benchmarks that time the embedding too)
        self.sessions = sessions
        self.embedder = embedder
        self.index = index
        self.snapshot = snapshot
        self._embed_lock = threading.Lock()
        self._recent: dict[str, np.ndarray] = {}  # goal text → vector, oldest first
        self._refresh_lock = threading.Lock()

    @classmethod
    def open(cls, settings: CatalogSettings, sessions: sessionmaker[Session], embedder: Embedder,
             progress: Callable[[int, int], None] | None = None) -> Recommender:
        """Load the saved index (syncing it incrementally if the catalog moved on) and the snapshot."""
        index, snapshot, _ = cls._load(settings, sessions, embedder, progress)
        return cls(settings, sessions, embedder, index, snapshot)

    @staticmethod
    def _load(settings: CatalogSettings, sessions: sessionmaker[Session], embedder: Embedder,
              progress: Callable[[int, int], None] | None) -> tuple[VectorIndex, Snapshot, SyncStats]:
        with sessions() as session:
            index, stats = open_index(settings, session, embedder, progress)
            snapshot = load_snapshot(session, settings)
        return index, snapshot, stats

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Pick up a newer catalog version; returns whether anything was reloaded."""
        with self._refresh_lock:
            with self.sessions() as session:
                if catalog_version(session) == self.snapshot.version:
                    return False
            index, snapshot, _ = self._load(self.settings, self.sessions, self.embedder, progress)
            self.index, self.snapshot = index, snapshot
            return True

    def place_counts(self) -> Counter[str]:
        """Active courses per province id (online courses have none): what a place picker offers."""
        return Counter(str(p) for p in self.snapshot.province if p)

    def embed_goal(self, text: str) -> np.ndarray:
        """The goal's vector; the last few are kept, since one goal is embedded again for each page,
        refinement and "what if" of the same conversation."""
        with self._embed_lock:
            cached = self._recent.get(text)
            if cached is None:
                cached = self.embedder.embed_queries([text])[0]
                self._recent[text] = cached
                while len(self._recent) > self.goal_cache:
                    self._recent.pop(next(iter(self._recent)))
            return cached

    def recommend(self, goal: str, filters: Filters | None = None, *, exclude: Iterable[int] = (), top_k: int = 5,
                  lang: str | None = None, method: str | None = None,
                  ignore: frozenset[str] = frozenset(), home: str | None = None) -> Recommendation:
        """Top ``top_k`` active courses for ``goal``. Explicit ``filters`` override constraints found
        in the text; constraint kinds in ``ignore`` (removed by the learner) are dropped. ``home`` is
        the country the learner lives in, whose courses come first when no place is named (``None``:
        taken from the language, Khmer → KH, Vietnamese → VN; "": none)."""
        if not 1 <= top_k <= MAX_TOP:
            raise InputError(f"top must be between 1 and {MAX_TOP}, got {top_k}")
        method = method or self.settings.fusion
        parsed = parse_goal(goal, gazetteer())
        final = parsed.filters(ignore).merged(filters or Filters())
        snap, index = self.snapshot, self.index
        mask = snap.mask(final, exclude)
        lang = lang or parsed.language
        allowed = int(mask.sum())
        query = parsed.query or parsed.text
        if parsed.language == "en":
            vocab = snap.lexical.vocab
            query = english_speller().correct(query, lambda w: any(t in vocab for t in words_of(w)))
        dense: dict[int, tuple[int, float]] = {}
        lexical: dict[int, tuple[int, float]] = {}
        goal_tokens = tokenize_goal(query)
        words = thesaurus()
        # What the wish names, when it names something ("I want to fix motorbikes. … I help my mother sell
        # noodles"), else what the goal names.
        concepts = frozenset(_topic(parsed.request, query, words))
        if not concepts and all(words.generic(t) for t in goal_tokens if "_" not in t):
            goal_tokens = []  # nothing about a kind of work: only the conditions, if any, are a request
        if allowed and method != "lexical":
            qvec = self.embed_goal(query)
            bitmap = None if allowed == len(mask) else snap.bitmap(mask)
            scores, ids = index.search(qvec, CANDIDATES, bitmap)
            rows = [snap.row_of(int(i)) for i in ids]
            dense = {row: (rank, float(s)) for rank, (row, s) in enumerate(zip(rows, scores, strict=True), start=1)
                     if row is not None}
        if allowed and method != "dense":
            bm25 = snap.lexical.scores(goal_tokens)
            # A hit far below the best match anywhere (e.g. only the syllable "an" of "nấu ăn")
            # is noise, even when the filters removed the real matches.
            floor = LEXICAL_MIN_FRACTION * float(bm25.max(initial=0.0))
            bm25[~mask] = 0.0
            hits = np.flatnonzero((bm25 > 0) & (bm25 >= floor))
            order = hits[np.argsort(-bm25[hits], kind="stable")][:CANDIDATES]
            lexical = {int(row): (rank, float(bm25[row])) for rank, row in enumerate(order, start=1)}
        if not goal_tokens:
            fused = browse_order(snap, mask, final)
        else:
            # Without tone marks a Vietnamese goal is out of the dense model's training distribution.
            unaccented_vi = parsed.language == "vi" and guess_language(parsed.text) != "vi"
            fused = fuse(method, dense, lexical, alpha=self.settings.dense_weight,
                         dense_weight=UNACCENTED_DENSE_WEIGHT if unaccented_vi else 1.0)
            if method in ("rrf", "weighted"):
                # Dense-only candidates must be close in meaning; otherwise "nothing fits" is the honest answer.
                # Untoned Vietnamese embeds as noise (every course scores about the same), so there only
                # courses the words themselves matched are admitted.
                floor = math.inf if unaccented_vi else self.settings.min_dense_score
                fused = {row: s for row, s in fused.items() if row in lexical or dense.get(row, (0, 0.0))[1] >= floor}
            if final.province:
                fused = {row: s * (PLACE_BOOST if snap.province[row] == final.province else 1.0)
                         for row, s in fused.items()}
        token_set = {t for t in goal_tokens if "_" not in t}
        judge = Judge(snap, concepts, goal_tokens, dense, fused, syllables=parsed.language == "vi") \
            if goal_tokens else None
        # A Khmer or Vietnamese learner who names no place sees courses at home and online first; one who
        # names a part of a province ("Vũng Tàu" in TP. Hồ Chí Minh) sees the courses there first; one whose
        # place was dropped ("nothing in Kep"), those of its country.
        dropped = next((c.value for c in parsed.constraints if c.kind == "province"), None) \
            if "province" in ignore else None
        if dropped:
            home = gazetteer().get(dropped).country
        elif home is None:
            home = HOME_COUNTRY.get(lang)
        home = home or None
        if final.province or final.country:
            home = None
        near = next((gazetteer().locality(c.value, c.text) for c in parsed.constraints
                     if c.kind == "province" and c.value == final.province), "")
        # A Khmer speaker follows a course taught in Vietnamese only with difficulty, and the other way
        # round: such courses come after the ones they can follow (but are shown: some live abroad).
        other = LANGUAGES.index(OTHER_LOCAL_LANGUAGE[lang]) if lang in OTHER_LOCAL_LANGUAGE \
            and not final.languages else -1
        if judge and judge.goal:
            # A course about a concept of the goal is a candidate even when neither its words nor its
            # vector came near (a Khmer goal, a course described only in English). They rank below every
            # scored candidate, so no more than a full list of them is ever needed, those at home first.
            rows = snap.about(judge.goal)
            rows = rows[mask[rows]]
            rows = rows[~np.isin(rows, np.fromiter(fused, dtype=np.int64, count=len(fused)))]
            rows = rows[np.lexsort((~np.isin(snap.country[rows], (home, "")) if home else np.zeros(len(rows), bool),
                                    snap.language[rows] == other))]
            floor = min(fused.values(), default=1.0)
            fused.update((int(row), floor * CONCEPT_ONLY) for row in rows[:MAX_TOP])
        judged = [(row, score, *(judge.level(row) if judge else (STRONG, ()))) for row, score in fused.items()]
        # Courses about the goal itself first (at home first), then those about a related skill or occupation; related
        # ones alone are not an answer to the goal ("sewing" is not answered by "online selling"), and
        # courses about something else are never shown as a match, however high they rank.
        judged = sorted((j for j in judged if j[2] != NONE),
                        key=lambda j: (j[2] != STRONG, snap.language[j[0]] == other,
                                       bool(home) and snap.country[j[0]] not in (home, ""),
                                       bool(near) and snap.locality[j[0]] != near, -j[1], snap.courses[j[0]].id))
        if judged and judged[0][2] != STRONG:
            judged = []
        # Nothing to go on: no work named and no condition or field asked for (emoji, "help me", "I'm very
        # poor, what can I learn to earn money?"); conditions alone ask for a list only when that is all the
        # goal says ("Are there free courses for women in Battambang?"), not in a story ("I sold vegetables in
        # Battambang, now I want to learn something new": where they live, and one question to ask).
        vague = (judge.vague if judge else not _browse(parsed)) and not final.sectors
        results = []
        for row, score, level, shared in [] if vague else judged[:top_k]:
            course = snap.courses[row]
            title, title_lang = course.title_in(lang)
            match, reason = explain(token_set, snap.terms(row))
            names = ", ".join(words.concepts[c].label("en") for c in shared if c in words.concepts)
            if not goal_tokens:
                reason = "fits what you asked: " + ", ".join(c.text for c in parsed.constraints)
            elif level == WEAK:
                reason = f"related to what you asked ({names})"
            elif names and not match:
                reason = f"about {names}"
            results.append(Result(course, score, title, title_lang, match, reason, level, shared))
        return Recommendation(parsed, final, results, allowed, tuple(sorted(concepts)), vague)


def _browse(parsed: ParsedGoal) -> bool:
    """Whether a goal that names no work asks for the courses that fit its conditions: it states a
    condition and tells no story."""
    return any(c.request for c in parsed.constraints) and len(parsed.text) <= BROWSE_CHARS and not parsed.story


def elsewhere(results: list[Result]) -> list[Result]:
    """The courses to offer once the place that stood in the way is dropped: those about the goal, in
    the best one's country or online (a learner in Kep is offered Phnom Penh, not Ho Chi Minh City, too)."""
    strong = [r for r in results if r.match_level == STRONG]
    country = strong[0].course.country if strong else ""
    return [r for r in strong if r.course.delivery == "online" or r.course.country in (country, "")]


def load_snapshot(session: Session, settings: CatalogSettings) -> Snapshot:
    """Read active courses; tokens or concepts written by an older tokenizer or thesaurus are
    recomputed and saved (once, not on every start)."""
    version = catalog_version(session)
    words = thesaurus()
    stale = session.scalars(select(Course).where(Course.active, or_(
        Course.tokenizer_version != TOKENIZER_VERSION, Course.concepts_version != words.version))).all()
    for course in stale:
        if course.tokenizer_version != TOKENIZER_VERSION:
            course.tokens = lexical_tokens(course)
            course.tokenizer_version = TOKENIZER_VERSION
        if course.concepts_version != words.version:
            tag_concepts(course)
    if stale:
        session.commit()
    rows = session.execute(
        select(Course, Provider.code, Provider.name).join(Provider).where(Course.active).order_by(Course.id)
    ).all()
    courses, tokens = [], []
    for course, provider_code, provider_name in rows:
        courses.append(CourseInfo(
            id=course.id, provider=provider_code, provider_name=provider_name, code=course.code,
            title=course.original.get("title") or course.title, skills=course.skills, keywords=course.keywords,
            sector=course.sector, level=course.level, duration_hours=course.duration_hours,
            cost_amount=course.cost_amount, cost_currency=course.cost_currency, delivery=course.delivery,
            country=course.country, province=course.province, language_of_instruction=course.language_of_instruction,
            schedule=course.schedule, women_only=course.women_only, min_age=course.min_age, max_age=course.max_age,
            concepts=frozenset(course.concepts), locality=course.locality,
        ))
        tokens.append(course.tokens)
    return Snapshot(courses, tokens, version, settings)
