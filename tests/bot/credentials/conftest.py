"""Credentials on the sample catalog, checked against the official Open Badges 3.0 JSON schemas, read
from ../shared/ob3-schemas (never copied into this repository)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator

from bot.clock import utcnow
from bot.credentials.issuing import Issuer
from bot.credentials.keys import KeyStore
from catalog.app import CatalogApp
from tests.support import ROOT

SCHEMA_DIRS = [Path(os.environ["ADVISOR_OB3_SCHEMAS"])] if os.environ.get("ADVISOR_OB3_SCHEMAS") else [
    ROOT.parent / "shared" / "ob3-schemas", Path("/work/shared/ob3-schemas")]
PUBLIC_URL = "https://advisor.example.org"


@pytest.fixture(scope="session")
def schemas() -> list[Draft201909Validator]:
    """Both AchievementCredential schemas 1EdTech has published (the formal one is the stricter)."""
    for folder in SCHEMA_DIRS:
        files = [folder / "ob_v3p0_achievementcredential_schema.json",
                 folder / "formal-2024" / "ob_v3p0_achievementcredential_schema.json"]
        if all(f.exists() for f in files):
            return [Draft201909Validator(json.loads(f.read_text(encoding="utf-8"))) for f in files]
    pytest.fail(f"the official Open Badges 3.0 schemas are needed: set ADVISOR_OB3_SCHEMAS or put them in one of "
                f"{', '.join(map(str, SCHEMA_DIRS))}")


@pytest.fixture(scope="session")
def keystore(tmp_path_factory: pytest.TempPathFactory) -> KeyStore:
    return KeyStore(tmp_path_factory.mktemp("keys"), PUBLIC_URL, bits=2048)


@pytest.fixture(scope="session")
def issuer(keystore: KeyStore) -> Issuer:
    return Issuer(keystore, PUBLIC_URL)


@pytest.fixture
def db(sample_app: CatalogApp, keystore: KeyStore) -> Iterator[Any]:
    """A session on the sample database (rolled back at the end), with the issuer's keys as at start."""
    with sample_app.write_sessions() as session:
        keystore.ensure(session, utcnow())
        yield session
        session.rollback()


def problems(validators: list[Draft201909Validator], document: dict[str, Any]) -> list[str]:
    return [f"{v.schema.get('title', '')[:40]}: {e.json_path}: {e.message[:200]}"
            for v in validators for e in v.iter_errors(document)]
