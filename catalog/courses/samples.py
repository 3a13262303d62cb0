"""The bundled sample catalog: demo and test data (15 invented providers).

It is never loaded on its own into a real deployment: the demo and the tests ask for it, an
operator asks with ``python -m catalog sample load`` or ``ADVISOR_LOAD_SAMPLE=true``. Its passage
vectors for the default model ship in ``sample/vectors/`` (see :mod:`catalog.retrieval.index`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy.orm import Session

from catalog.courses.ingest import IngestReport, ingest_path
from catalog.errors import InputError
from catalog.settings import CatalogSettings

SAMPLE_DIR = Path(str(resources.files("catalog.courses") / "sample"))


def sample_files() -> list[Path]:
    """Provider JSON files first, then CSV files (whose provider is declared in a
    ``NAME.provider.json`` file beside them)."""
    files = sorted(SAMPLE_DIR.glob("*.json"))
    return [p for p in files if p.name.endswith(".provider.json")] + [
        p for p in files if not p.name.endswith(".provider.json")] + sorted(SAMPLE_DIR.glob("*.csv"))


def load_sample(session: Session, settings: CatalogSettings) -> list[IngestReport]:
    """Load the sample catalog in the caller's transaction (idempotent). A bundled file that does not
    validate is a bug, so it raises."""
    reports = []
    for path in sample_files():
        provider = path.stem if path.suffix == ".csv" else None
        report = ingest_path(session, settings, path, provider)
        if not report.ok:
            raise InputError(f"bundled sample {path.name} is invalid: {report.problems[0]}")
        reports.append(report)
    return reports
