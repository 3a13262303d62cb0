import codecs

import pytest

from catalog.courses.validation import parse_upload
from catalog.language.places import gazetteer
from tests.support import CSV_HEADER, catalog_json, course, csv_row


def parse(data: bytes, name: str = "catalog.json", provider: str | None = None, max_bytes: int = 1_000_000):
    return parse_upload(data, name, gazetteer(), max_bytes=max_bytes, provider_code=provider)


def problems(data: bytes, name: str = "catalog.json", provider: str | None = None) -> set[tuple]:
    return {(p.row, p.column) for p in parse(data, name, provider).problems}


def test_valid_json_is_normalised_with_original_kept():
    result = parse(catalog_json(course(title={"km": "ការ\u200bតម្លើង", "en": "Wiring"})))
    assert result.ok, result.problems
    record = result.courses[0]
    assert record.title["km"] == "ការតម្លើង"
    assert record.original["title"]["km"] == "ការ\u200bតម្លើង"
    assert record.province == "battambang" and record.country == "KH"


def test_every_problem_is_reported_with_row_and_column():
    bad = [
        course(code="A", title={"fr": "Câblage"}),
        course(code="B", cost={"amount": -5, "currency": "USD"}),
        course(code="C", cost={"amount": 10, "currency": "EUR"}),
        course(code="D", title={}),
        course(code="A"),
        course(code="E", description={"en": "=HYPERLINK(\"http://evil\")"}),
        course(code="F", province="Atlantis", level=9, schedule=["sometimes"]),
    ]
    found = problems(catalog_json(*bad))
    assert {(1, "title.fr"), (2, "cost.amount"), (3, "cost.currency"), (4, "title"), (5, "code"),
            (6, "description.en"), (7, "province"), (7, "level"), (7, "schedule")} <= found


def test_messages_are_specific():
    result = parse(catalog_json(course(cost={"amount": -5, "currency": "USD"}), course(code="X", title={"fr": "x"})))
    text = " | ".join(str(p) for p in result.problems)
    assert "row 1, cost.amount: cost cannot be negative" in text
    assert "unknown language code 'fr'" in text
    assert result.courses == []


def test_csv_utf8_with_bom_semicolons_and_utf16_tabs():
    body = f"{CSV_HEADER}\n{csv_row('SEW-1')}\n{csv_row('SEW-2', 'Tailoring')}\n"
    for data in (codecs.BOM_UTF8 + body.encode(), body.encode()):
        result = parse(data, "c.csv", provider="test-school")
        assert result.ok, result.problems
        assert [c.code for c in result.courses] == ["SEW-1", "SEW-2"]
        assert result.courses[0].skills == ["sewing", "ការកាត់ដេរ"]
        assert result.courses[0].schedule == ["weekdays", "weekends"]
    tsv = body.replace(",", "\t").replace('"sewing; ការកាត់ដេរ"', "sewing; ការកាត់ដេរ")
    result = parse(tsv.encode("utf-16"), "c.txt", provider="test-school")
    assert result.ok, result.problems
    assert len(result.courses) == 2


def test_csv_rows_and_columns_are_spreadsheet_coordinates():
    body = f"{CSV_HEADER}\n{csv_row('SEW-1')}\n{csv_row('SEW-2', cost='-3')}\n{csv_row('SEW-1')}\n"
    found = problems(body.encode(), "c.csv", "test-school")
    assert found == {(3, "cost_amount"), (4, "code")}


def test_csv_formula_cells_are_rejected():
    body = f"{CSV_HEADER}\n{csv_row('SEW-1', title_en='=cmd|calc')}\n"
    assert (2, "title_en") in problems(body.encode(), "c.csv", "test-school")


@pytest.mark.parametrize("data, name, fragment", [
    (b"", "c.csv", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "c.csv", "not UTF-8"),
    (b"hello world\nthis is prose\n", "c.csv", "not a CSV"),
    (b'{"provider": ', "c.json", "not valid JSON"),
    (b"[1, 2]", "c.json", "expected an object"),
])
def test_files_that_are_not_catalogs(data, name, fragment):
    result = parse(data, name, provider="test-school")
    assert not result.ok
    assert fragment in str(result.problems[0])


def test_legacy_encoding_is_rejected_with_advice():
    row = "SEW-1,,Crème brûlée,pastry,food,1,80,0,USD,in_person,KH,Takeo,km,weekdays"
    body = f"{CSV_HEADER}\n{row}\n".encode("latin-1")
    result = parse(body, "c.csv", provider="test-school")
    assert not result.ok and "CSV UTF-8" in str(result.problems[0])


def test_oversize_file_is_rejected_before_parsing():
    result = parse(catalog_json(course()), max_bytes=100)
    assert not result.ok and "limit" in str(result.problems[0])
