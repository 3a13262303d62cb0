"""Helpers shared by the tests: small catalog files, settings on a temporary folder, a vector cache
for the embedding model that survives test runs, script checks, and a simulated learner for the
end-to-end tests against the emulated Bot API."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from bot.demo.emulator import BotApiEmulator, BotMessage, TgUser
from bot.learners.models import Enrolment, Learner
from bot.services import Services
from catalog.language.text import script_language
from catalog.retrieval.embedding import Embedder
from catalog.retrieval.index import model_slug
from catalog.settings import CatalogSettings
from catalog.storage.models import Course

ROOT = Path(__file__).resolve().parents[1]  # the repository


def make_settings(tmp: Path, **env: str) -> CatalogSettings:
    return CatalogSettings.from_env({"ADVISOR_DATA_DIR": str(tmp), **env})

PROVIDER = {"code": "test-school", "name": {"en": "Test School", "km": "សាលាសាកល្បង"}, "country": "KH"}

COURSE: dict[str, Any] = {
    "code": "ELEC-1",
    "title": {"km": "ការតម្លើងអគ្គិសនីក្នុងផ្ទះ", "en": "Residential Electrical Wiring"},
    "description": {"en": "Install wiring, switches and sockets in homes safely."},
    "skills": ["house wiring", "ការតម្លើងខ្សែភ្លើង"],
    "keywords": ["electrician", "ជាងភ្លើង"],
    "sector": "0713",
    "level": 2,
    "duration_hours": 120,
    "cost": {"amount": 0, "currency": "USD"},
    "delivery": "in_person",
    "country": "KH",
    "province": "Battambang",
    "language_of_instruction": "km",
    "schedule": ["weekdays"],
    "eligibility": {"women_only": False, "min_age": 16, "max_age": None},
    "start_dates": ["2027-01-11"],
    "learning_outcomes": {"en": ["Read a wiring plan"]},
    "assessment": {"en": "Practical test"},
    "quality_assurance": {"en": "CQF level 2"},
    "stackable_into": [],
    "url": "https://example.org/elec-1",
    "active": True,
}


def course(**changes: Any) -> dict[str, Any]:
    c = copy.deepcopy(COURSE)
    c.update(changes)
    return c


def catalog_json(*courses: dict[str, Any], provider: dict[str, Any] | None = None) -> bytes:
    return json.dumps({"provider": provider or PROVIDER, "courses": list(courses)}, ensure_ascii=False).encode()


CSV_HEADER = ("code,title_km,title_en,skills,sector,level,duration_hours,cost_amount,cost_currency,delivery,"
              "country,province,language_of_instruction,schedule")


def csv_row(code: str = "SEW-1", title_en: str = "Sewing", cost: str = "0", province: str = "Takeo") -> str:
    return (f'{code},កាត់ដេរ,"{title_en}","sewing; ការកាត់ដេរ",garment,1,80,{cost},USD,in_person,KH,'
            f"{province},km,weekdays;weekends")


# -- the embedding model, cached between runs ------------------------------------------------

CACHE_DIR = Path(os.environ.get("ADVISOR_TEST_CACHE") or Path.home() / ".cache" / "tvet-advisor-tests")


class CachedEmbedder:
    """An :class:`Embedder` whose vectors are kept in a SQLite file outside the repository, keyed by
    model and text: a warm test run embeds nothing. The model is deterministic, so a cached vector is
    the vector the model would give."""

    def __init__(self, inner: Embedder, folder: Path = CACHE_DIR) -> None:
        self.inner = inner
        self.model_id, self.dim = inner.model_id, inner.dim
        folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(folder / f"{model_slug(inner.model_id)}.sqlite", check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._lock = threading.Lock()
        self.embedded = 0  # texts the model itself had to embed in this run

    def _embed(self, kind: str, texts: Sequence[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [hashlib.sha256(f"{kind}\0{t}".encode()).hexdigest() for t in texts]
        with self._lock:
            found = {k: np.frombuffer(v, dtype=np.float32) for k, v in self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(keys))})", keys)} if keys else {}
            missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in found]
            if missing:
                vectors = compute([t for _, t in missing])
                self.embedded += len(missing)
                for (k, _), v in zip(missing, vectors, strict=True):
                    found[k] = np.asarray(v, dtype=np.float32)
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                     [(k, found[k].tobytes()) for k, _ in missing])
                self._db.commit()
        return np.vstack([found[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("query", texts, self.inner.embed_queries)

    def embed_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = self._embed("passage", texts, self.inner.embed_passages)
        if progress:
            progress(len(texts))
        return out


# -- what the learner sees --------------------------------------------------------------------

def mostly(lang: str, text: str) -> bool:
    """The text is written in ``lang``'s script: Khmer for most of its letters (course names may not
    be), or Vietnamese letters with marks somewhere."""
    if lang == "km":
        letters = [ch for ch in text if ch.isalpha()]
        return sum(script_language(ch) == "km" for ch in letters) > 0.3 * len(letters)
    if lang == "en":
        return script_language(text) is None
    return script_language(text) == lang


def course_ids(message: BotMessage) -> list[int]:
    """The courses a message lists, in order (from their details buttons)."""
    return [int(data.split(":", 1)[1]) for row in message.buttons for _, data in row if data.startswith("c.d:")]


def courses(services: Services, ids: list[int]) -> list[Course]:
    with services.catalog.sessions() as s:
        by_id = {c.id: c for c in s.scalars(select(Course).where(Course.id.in_(ids)))}
    return [by_id[i] for i in ids]


def learner(services: Services, user_id: int) -> Learner | None:
    with services.catalog.sessions() as s:
        return s.scalar(select(Learner).where(Learner.external_id == str(user_id)))


def enrolments(services: Services, user_id: int) -> list[tuple[int, str]]:
    with services.catalog.sessions() as s:
        return [(e.course_id, e.status) for e in s.scalars(
            select(Enrolment).join(Learner).where(Learner.external_id == str(user_id)))]


_user_ids = itertools.count(500_000)
_bot_ids = itertools.count(700_001)


def emulator() -> BotApiEmulator:
    """A fresh emulated Bot API for a new bot (update ids are per bot, as the inbox assumes)."""
    return BotApiEmulator(token=f"{next(_bot_ids)}:TEST-TOKEN")


def new_user(language_code: str | None = "en") -> TgUser:
    return TgUser(next(_user_ids), first_name="Learner", language_code=language_code)


class Chat:
    """One simulated learner: type, tap, and read what the bot shows."""

    def __init__(self, emu: BotApiEmulator, user: TgUser, timeout: float = 30.0) -> None:
        self.emu, self.user, self.timeout = emu, user, timeout

    async def say(self, text: str, replies: int = 1) -> list[BotMessage]:
        mark = self.emu.last_message_id(self.user.id)
        self.emu.send_text(self.user, text)
        return await self.emu.replies(self.user.id, mark, replies, self.timeout)

    async def tap(self, message: BotMessage, label: str, *, new: int = 0) -> BotMessage | list[BotMessage]:
        """Press the button whose label contains ``label``. With ``new=0`` the pressed message is
        expected to change in place and is returned; otherwise the ``new`` fresh messages are."""
        current = self.emu.message(self.user.id, message.message_id)
        _, data = current.find_button(label)
        mark = self.emu.last_message_id(self.user.id)
        self.emu.press(self.user, current, data)
        if new:
            return await self.emu.replies(self.user.id, mark, new, self.timeout)
        await self.emu.wait_for(lambda: self.emu.message(self.user.id, message.message_id).edits > current.edits,
                                self.timeout)
        return self.emu.message(self.user.id, message.message_id)

    async def press(self, message: BotMessage, data_prefix: str, *, new: int = 1) -> list[BotMessage]:
        """Press the button whose callback data starts with ``data_prefix`` (whatever the language of
        its label) and wait for ``new`` fresh messages."""
        current = self.emu.message(self.user.id, message.message_id)
        data = next(d for row in current.buttons for _, d in row if d.startswith(data_prefix))
        mark = self.emu.last_message_id(self.user.id)
        self.emu.press(self.user, current, data)
        return await self.emu.replies(self.user.id, mark, new, self.timeout)

    async def upload(self, filename: str, content: bytes, replies: int = 1) -> list[BotMessage]:
        mark = self.emu.last_message_id(self.user.id)
        self.emu.send_document(self.user, filename, content, mime_type="application/octet-stream")
        return await self.emu.replies(self.user.id, mark, replies, self.timeout)

    def last(self) -> BotMessage:
        return self.emu.messages(self.user.id)[-1]


async def consented(chat: Chat) -> BotMessage:
    """Walk a new learner through /start, English and consent; returns the goal prompt."""
    [welcome] = await chat.say("/start")
    privacy = await chat.tap(welcome, "English")
    assert isinstance(privacy, BotMessage)
    ask = await chat.tap(privacy, "I agree")
    assert isinstance(ask, BotMessage)
    return ask


# -- the dialogue without a model: an in-memory database and a fake recommender -----------------

FAKE_COURSES: list[dict[str, Any]] = [
    {"code": "ELEC-1", "title": {"en": "House Wiring", "km": "ការតម្លើងខ្សែភ្លើងក្នុងផ្ទះ"},
     "skills": ["wiring", "electrician"],
     "sector": "0713", "cost": 0, "delivery": "in_person", "province": "battambang", "schedule": ["weekdays"]},
    {"code": "ELEC-2", "title": {"en": "Solar Panel Installation"}, "skills": ["solar", "wiring"],
     "sector": "0713", "cost": 120, "delivery": "in_person", "province": "phnom-penh", "schedule": ["weekends"]},
    {"code": "COOK-1", "title": {"en": "Khmer Cooking", "vi": "Nấu ăn Khmer"}, "skills": ["cooking"],
     "sector": "1013", "cost": 40, "delivery": "in_person", "province": "siem-reap", "schedule": ["weekdays"]},
    {"code": "WEB-1", "title": {"vi": "Thiết kế web"}, "skills": ["web design"], "sector": "0611", "cost": 0,
     "delivery": "online", "province": "", "schedule": ["self_paced"]},
] + [{"code": f"MOTO-{i}", "title": {"en": f"Motorbike Repair {i}"}, "skills": ["motorbike repair"],
      "sector": "0716", "cost": 10 * i, "delivery": "in_person", "province": "kampot", "schedule": ["weekdays"]}
     for i in range(1, 10)] + [
    {"code": "BAKE-KH", "title": {"en": "Bakery"}, "skills": ["baking"], "sector": "0721", "cost": 30,
     "delivery": "in_person", "province": "kampot", "schedule": ["weekdays"]},
    {"code": "BAKE-VN", "title": {"en": "Bakery and Pastry"}, "skills": ["baking"], "sector": "0721", "cost": 30,
     "delivery": "in_person", "province": "can-tho", "country": "VN", "schedule": ["weekdays"]},
]


def memory_database() -> tuple[Any, Any]:
    """An in-memory SQLite database with every table (created from the models: fast; the migrations
    are checked against the models elsewhere) and a small provider with :data:`FAKE_COURSES`.
    Returns (engine, sessionmaker)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import sessionmaker
    from sqlalchemy.pool import StaticPool

    import bot.accounts.models
    import bot.alerts.models
    import bot.credentials.models
    import bot.dialogue.models
    import bot.learners.models
    import bot.programs.models
    import bot.providers.models
    import bot.telegram.models  # noqa: F401  (the advisor's tables)
    from catalog.storage.db import sqlite_begin, sqlite_connect, writer_engine
    from catalog.storage.models import Base, CatalogState, Provider

    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", sqlite_connect)
    event.listen(engine, "begin", sqlite_begin)
    Base.metadata.create_all(engine)
    sessions = sessionmaker(writer_engine(engine), expire_on_commit=False)
    with sessions.begin() as s:
        s.add(CatalogState(id=1, version=1))
        provider = Provider(code="test-school", name={"en": "Test School", "km": "សាលាសាកល្បង"}, country="KH",
                            contact={"phone": "012 345 678"})
        s.add(provider)
        s.flush()
        for c in FAKE_COURSES:
            s.add(Course(provider_id=provider.id, code=c["code"], title=c["title"], description={}, skills=c["skills"],
                         keywords=[], sector=c["sector"], level=1, duration_hours=40, cost_amount=c["cost"],
                         cost_currency="USD", delivery=c["delivery"], country=c.get("country", "KH"),
                         province=c["province"],
                         language_of_instruction="km", schedule=c["schedule"], start_dates=[],
                         learning_outcomes={}, assessment={}, quality_assurance={}, stackable_into=[], url="",
                         active=True, original={}, content_hash=c["code"], record_hash=c["code"]))
    return engine, sessions


class FakeRecommender:
    """The recommender's interface over the courses of :func:`memory_database`: constraints are
    understood exactly as the real one does; a course matches when a word of the goal is in its
    title or skills. No model, no index: the dialogue's tests run in milliseconds."""

    def __init__(self, sessions: Any) -> None:
        from catalog.retrieval.recommender import CourseInfo

        with sessions() as s:
            rows = s.scalars(select(Course).where(Course.active).order_by(Course.id)).all()
            self.courses = [CourseInfo(
                id=c.id, provider="test-school", provider_name={"en": "Test School"}, code=c.code, title=c.title,
                skills=c.skills, keywords=[], sector=c.sector, level=1, duration_hours=c.duration_hours,
                cost_amount=c.cost_amount, cost_currency=c.cost_currency, delivery=c.delivery, country=c.country,
                province=c.province, language_of_instruction=c.language_of_instruction, schedule=c.schedule,
                women_only=False, min_age=None, max_age=None) for c in rows]
        self.calls: list[str] = []
        self.homes: list[str | None] = []  # the learner's country passed with each call
        self.fail: BaseException | None = None

    def recommend(self, goal: str, filters: Any = None, *, exclude: Any = (), top_k: int = 5, lang: str | None = None,
                  ignore: frozenset[str] = frozenset(), home: str | None = None, **_: Any) -> Any:
        from catalog.language.places import gazetteer
        from catalog.language.text import fold
        from catalog.language.tokens import STOPWORDS
        from catalog.retrieval.constraints import Filters, parse_goal
        from catalog.retrieval.recommender import Recommendation, Result

        if self.fail is not None:
            raise self.fail
        self.calls.append(goal)
        self.homes.append(home)
        parsed = parse_goal(goal, gazetteer())
        f = parsed.filters(ignore).merged(filters or Filters())
        taken = set(exclude)

        def fits(c: Any) -> bool:
            return (c.id not in taken and (not f.free_only or c.cost_amount == 0)
                    and (f.max_cost is None or c.cost_amount <= f.max_cost)  # every fake course is in USD
                    and (not f.delivery or c.delivery in f.delivery)
                    and (not f.province or c.province == f.province or c.delivery == "online")
                    and (not f.schedule or bool(set((*f.schedule, "self_paced")) & set(c.schedule)))
                    and (not f.sectors or c.sector in f.sectors)
                    and (bool(f.is_woman) or not c.women_only))

        eligible = [c for c in self.courses if fits(c)]
        words = {w for w in fold(parsed.query).split() if w not in STOPWORDS}
        hits = [c for c in eligible if not words or words & set(fold(" ".join([*c.title.values(), *c.skills])).split())]
        if home and not f.province and not f.country:  # as the real one: courses at home (and online) first
            hits.sort(key=lambda c: c.country not in (home, ""))
        results = [Result(c, 1.0 / (i + 1), *c.title_in(lang or parsed.language), {"skills": c.skills[:1]}, "")
                   for i, c in enumerate(hits[:top_k])]
        return Recommendation(parsed, f, results, len(eligible))

    def place_counts(self) -> Any:
        from collections import Counter

        return Counter(c.province for c in self.courses if c.province)


class Talk:
    """One person talking to the conversation directly, each input in its own unit of work (as the
    Telegram side runs it), returning the screens."""

    def __init__(self, sessions: Any, conversation: Any, external_id: str = "42", language_code: str | None = "en",
                 ) -> None:
        from bot.dialogue.core import Visitor

        self.sessions, self.conversation = sessions, conversation
        self.visitor = Visitor(external_id, language_code)
        self.last: Any = None

    def send(self, inp: Any) -> list[Any]:
        from bot.storage.uow import UnitOfWork

        with UnitOfWork(self.sessions) as uow:
            self.last = self.conversation.handle(uow.session, self.visitor, inp, release=uow.release)
            uow.commit()
        return self.last.screens

    def say(self, text: str) -> list[Any]:
        from bot.dialogue.core import Command, Start, Text

        if text.startswith("/start"):
            return self.send(Start(text.split(" ", 1)[1] if " " in text else None))
        if text.startswith("/"):
            return self.send(Command(text[1:]))
        return self.send(Text(text))

    def press(self, data: str) -> list[Any]:
        from bot.dialogue.core import Press

        return self.send(Press(data))

    def agree(self, lang: str = "en") -> list[Any]:
        """/start, a language and consent: the learner is ready for a goal."""
        self.say("/start")
        self.press(f"o.l:{lang}")
        return self.press("o.c:y")
