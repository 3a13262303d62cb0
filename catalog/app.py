"""The catalog engine's composition: database, migrations, embedder and recommender, built once per
process from :class:`~catalog.settings.CatalogSettings`. The catalog CLI uses it directly; the
advisor's composition root (:mod:`bot.services`) builds on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.courses.ingest import IngestReport
from catalog.courses.samples import load_sample
from catalog.retrieval.embedding import Embedder, make_embedder
from catalog.retrieval.recommender import Recommender
from catalog.settings import CatalogSettings
from catalog.storage.db import make_engine, migrate, session_factory, writer_engine
from catalog.storage.models import Course

Progress = Callable[[int, int], None]


@dataclass
class CatalogApp:
    """The catalog's runtime parts. ``sessions`` read; ``write_sessions`` are for units of work that
    write (on SQLite they take the write lock when they begin, see :func:`writer_engine`)."""

    settings: CatalogSettings
    engine: Engine
    sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]
    _embedder: Embedder | None = field(default=None, repr=False)

    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedding_model, self.settings.embed_threads)
        return self._embedder

    def recommender(self, progress: Progress | None = None) -> Recommender:
        return Recommender.open(self.settings, self.sessions, self.embedder(), progress)

    def load_sample(self) -> list[IngestReport]:
        """Load the bundled sample catalog (demo and test data) in one transaction."""
        with self.write_sessions.begin() as session:
            return load_sample(session, self.settings)

    def close(self) -> None:
        self.engine.dispose()


def open_app(settings: CatalogSettings, *, embedder: Embedder | None = None, sample: bool | None = None,
             migrations: Callable[[Engine], None] = migrate) -> tuple[CatalogApp, list[IngestReport]]:
    """Connect and migrate (the catalog's tables; the advisor passes its own ``migrations``, which
    include them). The sample catalog is loaded into a database without courses only when asked
    (``sample=True``, or ``ADVISOR_LOAD_SAMPLE`` when ``sample`` is None), never by default: invented
    courses must not reach real learners. Returns the app and the sample load reports."""
    engine = make_engine(settings)
    migrations(engine)
    app = CatalogApp(settings, engine, session_factory(engine), session_factory(writer_engine(engine)), embedder)
    reports: list[IngestReport] = []
    if settings.load_sample if sample is None else sample:
        with app.sessions() as session:
            empty = not session.scalar(select(func.count()).select_from(Course))
        if empty:
            reports = app.load_sample()
    return app, reports
