"""Opening the catalog: database, migrations, sample data on first run, index. Shared by the CLI and bot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.db import make_engine, migrate, session_factory
from catalog.embedding import Embedder, make_embedder
from catalog.ingest import IngestReport, load_sample
from catalog.models import Course
from catalog.recommender import Recommender
from catalog.settings import Settings

Progress = Callable[[int, int], None]


@dataclass
class CatalogApp:
    """The catalog's runtime parts, built once per process from :class:`Settings`."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _embedder: Embedder | None = None

    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedding_model, self.settings.embed_threads)
        return self._embedder

    def recommender(self, progress: Progress | None = None) -> Recommender:
        return Recommender.open(self.settings, self.sessions, self.embedder(), progress)

    def close(self) -> None:
        self.engine.dispose()


def open_app(settings: Settings, *, embedder: Embedder | None = None) -> tuple[CatalogApp, list[IngestReport]]:
    """Connect and migrate; load the bundled sample catalog if the database has no course yet
    (and ``ADVISOR_LOAD_SAMPLE`` allows it). Returns the app and the sample load reports."""
    engine = make_engine(settings)
    migrate(engine)
    sessions = session_factory(engine)
    reports: list[IngestReport] = []
    if settings.load_sample:
        with sessions() as session:
            if not session.scalar(select(func.count()).select_from(Course)):
                reports = load_sample(session, settings)
    return CatalogApp(settings, engine, sessions, embedder), reports
