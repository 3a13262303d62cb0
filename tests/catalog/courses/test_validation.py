import codecs
import json
import unicodedata

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
    assert "row 1, cost.amount: This cannot be less than 0." in text
    assert "“fr” is not a language here" in text
    assert [p.kind for p in result.problems] == ["below", "unknown_language"]
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


@pytest.mark.parametrize("data, name, kind", [
    (b"", "c.csv", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "c.csv", "binary"),  # a picture renamed to .csv
    (b"%PDF-1.7\n", "c.csv", "binary"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "c.xls", "old_excel"),
    (b"PK\x03\x04" + bytes(100), "c.xlsx", "binary"),  # not a workbook inside
    (b"hello world\nthis is prose\n", "c.csv", "no_separators"),
    (b'{"provider": ', "c.json", "bad_json"),
    (b"[1, 2]", "c.json", "json_shape"),
])
def test_files_that_are_not_catalogs(data, name, kind):
    result = parse(data, name, provider="test-school")
    assert not result.ok
    assert result.problems[0].kind == kind, result.problems


def windows_vietnamese(text: str) -> bytes:
    """What Excel's plain "CSV" writes on Vietnamese Windows: cp1258, tone marks as combining marks."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            for letter_mark in ("\u0302", "\u0306", "\u031b"):  # â ă ơ ư have their own code points
                if letter_mark in marks:
                    base = unicodedata.normalize("NFC", base + letter_mark)
                    marks.remove(letter_mark)
            out += base.encode("cp1258") + "".join(marks).encode("cp1258")
    return out


def test_excel_csv_in_the_windows_vietnamese_code_page_is_read():
    row = "SEW-1,,Cắt may cơ bản,may mặc,garment,1,80,0,USD,in_person,VN,Cần Thơ,vi,weekdays"
    body = windows_vietnamese(f"{CSV_HEADER}\n{row}\n")
    result = parse(body, "c.csv", provider="test-school")
    assert result.ok, result.problems
    assert result.encoding == "cp1258" and result.courses[0].title["en"] == "Cắt may cơ bản"


def test_khmer_lost_by_a_code_page_is_named():
    row = "SEW-1,,????? ????,sewing,garment,1,80,0,USD,in_person,KH,Takeo,km,weekdays"
    result = parse(f"{CSV_HEADER}\n{row}\n".encode("cp1252"), "c.csv", provider="test-school")
    assert [p.kind for p in result.problems] == ["lost_characters"]


def test_oversize_file_is_rejected_before_parsing():
    result = parse(catalog_json(course()), max_bytes=100)
    assert not result.ok and "limit" in str(result.problems[0])


def test_fields_of_training_by_code_name_or_old_sector_with_a_suggestion() -> None:
    named = [course(code="A", sector="0713"), course(code="B", sector="Nursing and midwifery"),
             course(code="C", sector="Điện và năng lượng"), course(code="D", sector="electrical")]
    result = parse(catalog_json(*named))
    assert result.ok, result.problems
    assert [c.sector for c in result.courses] == ["0713", "0913", "0713", "0713"]
    [wrong] = parse(catalog_json(course(sector="electrician"))).problems
    assert wrong.kind == "unknown_sector" and "0713" in wrong.params["suggestion"]


def test_a_provider_name_as_plain_text_is_read_in_its_language() -> None:
    doc = json.loads(catalog_json(course()))
    doc["provider"]["name"] = "Trường Nghề Cần Thơ"
    result = parse(json.dumps(doc, ensure_ascii=False).encode())
    assert result.ok, result.problems
    assert result.provider is not None and result.provider.name == {"vi": "Trường Nghề Cần Thơ"}


def test_locality_is_kept_from_its_field_or_from_a_province_written_as_one():
    result = parse(catalog_json(
        course(code="A", country="VN", province="Ho Chi Minh City", locality="Vũng Tàu", language_of_instruction="vi"),
        course(code="B", country="VN", province="Bà Rịa - Vũng Tàu", language_of_instruction="vi"),
        course(code="C", country="VN", province="Hanoi", language_of_instruction="vi"),
        course(code="D", delivery="online", country="", province="", locality="Poipet")))
    assert result.ok, result.problems
    assert [(r.province, r.locality) for r in result.courses] == [
        ("ho-chi-minh-city", "Vũng Tàu"), ("ho-chi-minh-city", "Bà Rịa - Vũng Tàu"), ("hanoi", ""), ("", "")]


def test_a_locality_in_another_province_is_refused():
    result = parse(catalog_json(course(country="VN", province="Hanoi", locality="Rạch Giá",
                                       language_of_instruction="vi")))
    assert [p.kind for p in result.problems] == ["locality_elsewhere"]
