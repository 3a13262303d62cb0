"""The composition root: everything the advisor runs on, built once from :class:`~bot.settings.Settings`
and passed down explicitly. Polling, the demo, the command line (and later the web server) all
start here; nothing else reads settings or builds engines on its own."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.clock import utcnow
from bot.credentials.issuing import Issuer
from bot.credentials.keys import KeyStore
from bot.dialogue.conversation import Conversation
from bot.dialogue.flows import build_router
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.storage.db import migrate
from bot.storage.uow import UnitOfWork
from catalog.app import CatalogApp, open_app
from catalog.retrieval.embedding import Embedder
from catalog.retrieval.recommender import Recommender

Progress = Callable[[int, int], None]


@dataclass
class Services:
    settings: Settings
    catalog: CatalogApp
    recommender: Recommender
    translations: Catalogs
    conversation: Conversation
    issuer: Issuer | None = None  # None until ADVISOR_PUBLIC_URL is set
    clock: Callable[[], dt.datetime] = field(default=utcnow)

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work on a session that takes SQLite's write lock when it begins."""
        return UnitOfWork(self.catalog.write_sessions)

    def close(self) -> None:
        self.catalog.close()


def build_services(settings: Settings, *, say: Callable[[str], None] | None = None,
                   progress: Progress | None = None, embedder: Embedder | None = None,
                   recommender: Recommender | None = None, sample: bool | None = None) -> Services:
    """Open the database, load the sample if asked, bring the index up to date and wire the dialogue.
    ``say`` reports each step (the CLI prints to stderr); ``progress`` feeds a progress bar."""
    def tell(message: str) -> None:
        if say is not None:
            say(message)

    tell(f"Preparing the database ({settings.catalog.database_url.split('://')[0]}) …")
    catalog, reports = open_app(settings.catalog, embedder=embedder, sample=sample, migrations=migrate)
    if reports:
        tell(f"Loaded the sample catalog ({sum(len(r.created) for r in reports)} courses).")
    if recommender is None:
        tell("Loading the course index …")
        recommender = catalog.recommender(progress)
    issuer = make_issuer(settings, catalog)
    tell(f"Ready: {len(recommender.snapshot.courses)} active courses" + (
        "." if issuer else "; credentials are not issued until ADVISOR_PUBLIC_URL is set."))
    translations = Catalogs()
    conversation = Conversation(build_router(), translations, recommender, issuer=issuer,
                                admins=frozenset(str(i) for i in settings.telegram.admin_ids),
                                catalog_settings=settings.catalog)
    return Services(settings, catalog, recommender, translations, conversation, issuer)


def open_records(settings: Settings, *, issuing: bool = True) -> tuple[CatalogApp, Issuer | None]:
    """The database and the credential issuer, without the recommender (for the command line);
    ``issuing=False`` for commands that only read (verify): no key is made for them."""
    catalog, _ = open_app(settings.catalog, sample=False, migrations=migrate)
    return catalog, make_issuer(settings, catalog, ensure_keys=issuing)


def make_issuer(settings: Settings, catalog: CatalogApp, *, ensure_keys: bool = True) -> Issuer | None:
    """The credential issuer, with its keys made now if there are none (making a key takes a
    moment: never inside an update's unit of work)."""
    if settings.credentials.public_url is None:
        return None
    keys = KeyStore(settings.keys_dir, settings.credentials.public_url)
    if ensure_keys:
        with catalog.write_sessions.begin() as session:
            keys.ensure(session, utcnow())
    return Issuer(keys, settings.credentials.public_url)


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
