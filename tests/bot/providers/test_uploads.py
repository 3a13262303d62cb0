"""Provider files as providers really send them: the template they were given, filled in Excel or
saved as CSV in any encoding; and the wrong files people send (a picture renamed .csv, a huge file,
formulas, duplicate codes, another provider's rows, an empty file): each gets a clear report and
changes nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.dialogue.flows.provider import problem_text
from bot.i18n import LANGUAGES, Catalogs
from bot.providers import template, uploads
from catalog.settings import CatalogSettings
from catalog.storage.models import Provider
from tests.support import make_settings, memory_database, mostly

CATALOGS = Catalogs()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[Any, CatalogSettings]]:
    engine, sessions = memory_database()
    yield sessions, make_settings(tmp_path)
    engine.dispose()


def preview(db: Any, filename: str, data: bytes) -> Any:
    sessions, settings = db
    with sessions() as s:
        provider = s.scalar(select(Provider).where(Provider.code == "test-school"))
        return uploads.preview(s, settings, provider, filename, data)


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "courses"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_template_as_given_is_a_valid_upload(db: Any, lang: str) -> None:
    t = CATALOGS.translator(lang)
    data = template.course_workbook(t, lang)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["courses", "help", "fields"]
    help_rows = list(book["help"].iter_rows(values_only=True))
    assert len(help_rows) == len(template.COLUMNS) + 1 and all(row[2] for row in help_rows[1:])
    if lang != "en":  # explained in the provider's language
        assert mostly(lang, " ".join(str(row[2]) for row in help_rows[1:]))
    assert any(row[0] == "1032" for row in book["fields"].iter_rows(values_only=True))  # security has a home
    for name, body in ((f"t-{lang}.xlsx", data), (f"t-{lang}.csv", template.course_csv(lang))):
        report = preview(db, name, body)
        assert report.ok, [str(p) for p in report.problems]
        assert report.created == [template.EXAMPLES[lang]["code"]]


def test_a_filled_workbook_with_numbers_dates_and_a_formula(db: Any) -> None:
    header = template.columns("en")
    example = dict(zip(header, template._example("en"), strict=True))
    good = {**example, "code": "WELD-1", "title_en": "Welding", "cost_amount": 120, "level": 2,
            "duration_hours": 80.0, "start_dates": "2027-02-01"}
    formula = {**example, "code": "WELD-2", "title_en": "Welding 2", "cost_amount": "=B2*2"}
    report = preview(db, "courses.xlsx", workbook([header, [good[c] for c in header], [formula[c] for c in header]]))
    assert [(p.row, p.column, p.kind) for p in report.problems] == [(3, "cost_amount", "formula")]
    report = preview(db, "courses.xlsx", workbook([header, [good[c] for c in header]]))
    assert report.ok and report.created == ["WELD-1"], report.problems


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16"])
def test_excel_exports_in_every_encoding(db: Any, encoding: str) -> None:
    body = template.course_csv("vi").decode("utf-8-sig")
    if encoding == "utf-16":  # Excel's "Unicode Text": tab-separated
        body = body.replace(",", "\t")
    assert preview(db, "courses.csv", body.encode(encoding)).ok


@pytest.mark.parametrize("data, name, kind", [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "courses.csv", "binary"),
    (b"", "courses.csv", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "courses.xls", "old_excel"),
    ("code,title_km\n???,????\n".encode("cp1252"), "courses.csv", "lost_characters"),
])
def test_files_that_are_not_a_course_list(db: Any, data: bytes, name: str, kind: str) -> None:
    report = preview(db, name, data)
    assert not report.ok and kind in [p.kind for p in report.problems]


def test_a_huge_file_duplicate_codes_and_another_providers_rows(db: Any) -> None:
    settings = db[1]
    huge = b"x" * (settings.max_upload_bytes + 1)
    assert [p.kind for p in preview(db, "big.csv", huge).problems] == ["too_large"]
    header = template.columns("en")
    row = dict(zip(header, template._example("en"), strict=True))
    twice = workbook([header, [row[c] for c in header], [row[c] for c in header]])
    assert [p.kind for p in preview(db, "twice.xlsx", twice).problems] == ["duplicate_code"]
    foreign = workbook([[*header, "provider"], [*(row[c] for c in header), "kh-ntti"]])
    assert [p.kind for p in preview(db, "theirs.xlsx", foreign).problems] == ["other_provider"]


@pytest.mark.parametrize("lang", ["km", "vi"])
def test_the_report_reads_in_the_providers_language(db: Any, lang: str) -> None:
    report = preview(db, "courses.csv", b"code,title_en,cost_amount\nA-1,x,1.500.000\n")
    text = " ".join(problem_text(CATALOGS.translator(lang), p) for p in report.problems)
    assert mostly(lang, text) and "cost_amount" in text and "1.500.000" in text
