"""Start-up shared by ``python -m bot`` and the demo: database, migrations, sample catalog on an
empty database and the index, each step reported on stderr (embedding shows a progress bar)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from bot.app import Services, make_services
from bot.config import BotSettings
from bot.i18n import Catalogs
from catalog.cli import progress_bar
from catalog.recommender import Recommender
from catalog.service import CatalogApp, open_app


@dataclass
class Runtime:
    catalog: CatalogApp
    recommender: Recommender
    services: Services

    def close(self) -> None:
        self.catalog.close()


def prepare(settings: BotSettings, *, bot_id: int, quiet: bool = False) -> Runtime:
    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr, flush=True)

    say(f"Preparing the database ({settings.catalog.database_url.split('://')[0]}) …")
    catalog, reports = open_app(settings.catalog)
    if reports:
        say(f"First run: loaded the sample catalog ({sum(len(r.created) for r in reports)} courses).")
    say("Loading the course index …")
    with progress_bar("Embedding courses") as bar:
        recommender = catalog.recommender(None if quiet else bar)
    say(f"Ready: {len(recommender.snapshot.courses)} active courses.")
    services = make_services(catalog.sessions, recommender, Catalogs(), bot_id)
    return Runtime(catalog, recommender, services)
