"""Turning an uploaded file into text or a table of cells, as spreadsheet programs save them.

Accepted: Excel workbooks (.xlsx, read with openpyxl: the sheet named "courses", else the first),
CSV or tab-separated text in UTF-8 (with or without BOM) or UTF-16 ("Unicode text"), and, because
Excel's plain "CSV" in Vietnam is saved in the Windows Vietnamese code page, cp1258. Anything else is
named for what it is (a picture, a PDF, an old .xls) so the provider knows what to send instead.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from catalog.courses.problems import WORDS, Problem, problem

MAX_ROWS = 5000  # a provider's whole catalog fits many times over
MAX_COLUMNS = 200
_MAGIC = (  # what a file that is not a table is, by its first bytes
    (b"\x89PNG", "picture"), (b"\xff\xd8\xff", "picture"), (b"GIF8", "picture"), (b"RIFF", "picture"),
    (b"%PDF", "pdf"), (b"\x1f\x8b", "archive"), (b"Rar!", "archive"), (b"7z\xbc\xaf", "archive"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files (.xls, .doc)


@dataclass
class Text:
    """The file as text, and the encoding it was read in."""

    text: str
    encoding: str


def sniff(data: bytes, filename: str) -> Problem | None:
    """A problem when ``data`` is not a text file or a workbook (checked before anything else)."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return problem(None, "", "binary", what=WORDS[what])
    if data.startswith(_OLE):
        return problem(None, "", "old_excel") if filename.lower().endswith(".xls") else problem(
            None, "", "binary", what=WORDS["office"])
    if data.startswith(b"PK\x03\x04") and not is_xlsx(data):
        return problem(None, "", "binary", what=WORDS["archive"])
    return None


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def decode(data: bytes) -> tuple[Text | None, Problem | None]:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 (BOM, or the zero bytes of ASCII text), else cp1258."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Text(data.decode("utf-16"), "utf-16"), None
        except UnicodeDecodeError:
            return None, problem(None, "", "bad_utf16")
    if len(data) % 2 == 0 and data[1::2].count(0) > len(data) // 4:  # UTF-16 LE without its BOM
        try:
            return Text(data.decode("utf-16-le"), "utf-16"), None
        except UnicodeDecodeError:
            return None, problem(None, "", "bad_utf16")
    if b"\x00" in data:
        return None, problem(None, "", "binary", what=WORDS["binary"])
    try:
        return Text(data.decode("utf-8-sig"), "utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return Text(data.decode("cp1258"), "cp1258"), None
    except UnicodeDecodeError:
        return Text(data.decode("cp1252", errors="replace"), "cp1252"), None


def _cell(value: object) -> str:
    """A workbook cell as the text a CSV export would hold (formulas keep their leading '=')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> tuple[list[list[str]] | None, Problem | None]:
    """The rows of the workbook's course sheet, every cell as text; formulas are kept as written
    (``=SUM(A1:A3)``) so that validation can name them instead of trusting a cached result."""
    from openpyxl import load_workbook  # imported here: only uploads of workbooks need it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for damaged files; all mean the same to the provider
        return None, problem(None, "", "bad_xlsx")
    try:
        sheet = book["courses"] if "courses" in book.sheetnames else book.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append([_cell(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                return None, problem(None, "", "too_many_rows", count=f"{MAX_ROWS}+", limit=MAX_ROWS)
    except Exception:
        return None, problem(None, "", "bad_xlsx")
    finally:
        book.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    while width and all(len(r) < width or not r[width - 1].strip() for r in rows):
        width -= 1  # empty columns on the right, as Excel often leaves them
    return [r[:width] + [""] * (width - len(r[:width])) for r in rows], None
