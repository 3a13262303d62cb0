"""Reading and validating provider uploads (Excel, CSV or JSON) into :class:`CourseRecord` objects.

Validation is complete before anything is stored: every problem in the file is reported with its
row, column and kind (:mod:`catalog.courses.problems`), and a file with any problem changes nothing.
Files are read as spreadsheet programs save them (:mod:`catalog.courses.tables`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from catalog.courses.fields import fields
from catalog.courses.problems import WORDS, Problem, problem
from catalog.courses.schema import (
    COUNTRIES,
    CURRENCIES,
    DELIVERY,
    LANGUAGES,
    LOCALIZED_LIST_FIELDS,
    LOCALIZED_TEXT_FIELDS,
    SCHEDULES,
    CourseRecord,
    ProviderRecord,
)
from catalog.courses.tables import MAX_ROWS, decode, is_xlsx, read_xlsx, sniff
from catalog.language.places import Gazetteer
from catalog.language.text import normalize, script_language

CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
PROVIDER_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
LOST = re.compile(r"\?{3,}|\?\s\?\s\?")  # what a code page without Khmer made of Khmer letters
MAX_TITLE = 200
MAX_TEXT = 4000
MAX_PHRASE = 120
MAX_LOCALITY = 80
MAX_LIST = 40
YES = ("true", "yes", "y", "1", "x", "có", "co", "បាទ", "ចាស", "ត្រូវ")  # as providers write it, km and vi too
NO = ("false", "no", "n", "0", "không", "khong", "ទេ", "មិនត្រូវ")

COURSE_FIELDS = {
    "code", "title", "description", "skills", "keywords", "sector", "level", "duration_hours", "cost",
    "delivery", "country", "province", "locality", "language_of_instruction", "schedule", "eligibility",
    "start_dates",
    "learning_outcomes", "assessment", "quality_assurance", "stackable_into", "url", "active",
}
CSV_SCALAR = {
    "code", "sector", "level", "duration_hours", "cost_amount", "cost_currency", "delivery", "country",
    "province", "locality", "language_of_instruction", "women_only", "min_age", "max_age", "url", "active",
    "provider",
}
CSV_LISTS = {"skills", "keywords", "schedule", "start_dates", "stackable_into"}
CSV_LOCALIZED = {f"{f}_{lang}" for f in (*LOCALIZED_TEXT_FIELDS, *LOCALIZED_LIST_FIELDS) for lang in LANGUAGES}


@dataclass
class ParsedUpload:
    """Result of reading a file: records when valid, otherwise the full list of problems."""

    fmt: str
    encoding: str = ""  # how a text file was read ("utf-8", "utf-16", "cp1258"); "" for workbooks
    provider: ProviderRecord | None = None
    provider_code: str | None = None
    courses: list[CourseRecord] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # where each course is in the file (for later problems)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # accepted, but worth fixing

    @property
    def ok(self) -> bool:
        return not self.problems


class _RowChecker:
    """Collects problems for one row; ``col`` maps a field path to the name the user sees."""

    def __init__(self, row: int | None, col: Callable[[str], str], problems: list[Problem]) -> None:
        self.row, self.col, self.problems = row, col, problems

    def fail(self, path: str, kind: str, **params: Any) -> None:
        self.problems.append(problem(self.row, self.col(path), kind, **params))

    def text(self, path: str, value: Any, *, required: bool = False, limit: int = MAX_TEXT) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "required")
            return ""
        if not isinstance(value, str):
            self.fail(path, "not_text", kind=_kind(value))
            return ""
        if value.startswith("="):
            self.fail(path, "formula", formula=value[:40])
            return ""
        if value.startswith(FORMULA_CHARS):
            self.fail(path, "formula_start", char=value[0])
            return ""
        if LOST.search(value):
            self.fail(path, "lost_characters")
            return ""
        clean = normalize(value)
        if len(clean) > limit:
            self.fail(path, "too_long", length=len(clean), limit=limit)
        return clean

    def localized(self, path: str, value: Any, *, required: bool, limit: int) -> dict[str, str]:
        if isinstance(value, str) and value.strip():  # plain text: in the language it is written in
            value = {script_language(value) or "en": value}
        if value is None or value == {} or value == "":
            if required:
                self.fail(path, "required_language")
            return {}
        if not isinstance(value, dict):
            self.fail(path, "language_map")
            return {}
        out: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.fail(f"{path}.{lang}", "unknown_language", value=lang)
                continue
            clean = self.text(f"{path}.{lang}", text, limit=limit)
            if clean:
                out[lang] = clean
        if required and not out and not any(p.row == self.row and p.column.startswith(self.col(path))
                                            for p in self.problems):
            self.fail(path, "required_language")
        return out

    def phrases(self, path: str, value: Any, *, required: bool = False, limit: int = MAX_PHRASE) -> list[str]:
        if value is None or value == []:
            if required:
                self.fail(path, "list_required")
            return []
        if not isinstance(value, list):
            self.fail(path, "not_list")
            return []
        if len(value) > MAX_LIST:
            self.fail(path, "list_too_long", count=len(value), limit=MAX_LIST)
        out = []
        for item in value:
            clean = self.text(path, item, limit=limit)
            if clean and clean not in out:
                out.append(clean)
        if required and not out and value and not any(p.row == self.row and p.column == self.col(path)
                                                      for p in self.problems):
            self.fail(path, "list_required")
        return out

    def choice(self, path: str, value: Any, allowed: tuple[str, ...], *, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.fail(path, "choice_required", allowed=", ".join(allowed))
            return ""
        if not isinstance(value, str) or value.strip() not in allowed:
            self.fail(path, "not_one_of", value=str(value), allowed=", ".join(allowed))
            return ""
        return value.strip()

    def number(self, path: str, value: Any, *, lo: float, hi: float, integer: bool = False,
               required: bool = True, example: str = "12") -> float | None:
        if value is None or value == "":
            if required:
                self.fail(path, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(path, "number_kind", kind=_kind(value))
            return None
        if isinstance(value, str) and value.startswith("="):
            self.fail(path, "formula", formula=value[:40])
            return None
        try:
            num = float(value.replace(",", "").replace(" ", "")) if isinstance(value, str) else float(value)
        except ValueError:
            self.fail(path, "not_number", value=str(value), example=example)
            return None
        if num != num or num in (float("inf"), float("-inf")):
            self.fail(path, "not_number", value=str(value), example=example)
            return None
        if integer and num != int(num):
            self.fail(path, "not_whole", value=str(value), example=example)
            return None
        if num < lo:
            self.fail(path, "below", limit=f"{lo:g}")
            return None
        if num > hi:
            self.fail(path, "above", limit=f"{hi:g}")
            return None
        return num

    def boolean(self, path: str, value: Any, default: bool) -> bool:
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and normalize(value).lower() in YES:
            return True
        if isinstance(value, str) and normalize(value).lower() in NO:
            return False
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.fail(path, "not_yes_no", value=str(value))
        return default


def _kind(value: Any) -> str:
    key = {dict: "object", list: "list", bool: "yes/no", int: "number", float: "number", str: "text"}.get(type(value))
    return WORDS[key] if key else type(value).__name__


def validate_course(raw: Any, row: int, col: Callable[[str], str], gaz: Gazetteer,
                    problems: list[Problem]) -> CourseRecord | None:
    """Validate one course in JSON shape; problems are appended, the record returned if usable."""
    chk = _RowChecker(row, col, problems)
    if not isinstance(raw, dict):
        chk.fail("", "not_course", kind=_kind(raw))
        return None
    before = len(problems)
    for key in raw:
        if key not in COURSE_FIELDS:
            chk.fail(key, "unknown_field")
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code.strip()):
        if code:
            chk.fail("code", "bad_code", value=str(code))
        else:
            chk.fail("code", "code_required")
        code = ""
    title = chk.localized("title", raw.get("title"), required=True, limit=MAX_TITLE)
    description = chk.localized("description", raw.get("description"), required=False, limit=MAX_TEXT)
    skills = chk.phrases("skills", raw.get("skills"), required=True)
    keywords = chk.phrases("keywords", raw.get("keywords"))
    sector = _field(chk, raw.get("sector"))
    level = chk.number("level", raw.get("level"), lo=1, hi=8, integer=True, example="2")
    duration = chk.number("duration_hours", raw.get("duration_hours"), lo=0.5, hi=10000, example="120")

    cost = raw.get("cost")
    amount, currency = 0.0, "USD"
    if cost is None or (isinstance(cost, dict) and cost.get("amount") in (None, "")):
        chk.fail("cost.amount", "cost_required")
    elif not isinstance(cost, dict):
        chk.fail("cost", "cost_object")
    else:
        amount = chk.number("cost.amount", cost.get("amount"), lo=0, hi=1e12, example="1500000") or 0.0
        cur = cost.get("currency")
        cur = cur.strip().upper() if isinstance(cur, str) else cur
        if (cur is None or cur == "") and amount == 0:
            cur = "USD"
        currency = chk.choice("cost.currency", cur, CURRENCIES)

    delivery = chk.choice("delivery", raw.get("delivery"), DELIVERY)
    country_raw = raw.get("country") or ""
    country = chk.choice("country", country_raw.upper() if isinstance(country_raw, str) else country_raw,
                         COUNTRIES, required=delivery in ("in_person", "blended"))
    province_id = ""
    province_raw = raw.get("province")
    if province_raw not in (None, ""):
        if not isinstance(province_raw, str):
            chk.fail("province", "not_text", kind=_kind(province_raw))
        else:
            found = gaz.resolve(province_raw)
            if found is None:
                chk.fail("province", "unknown_province", value=province_raw)
            elif country and found.country != country:
                chk.fail("province", "province_elsewhere", value=province_raw, country=country)
            else:
                province_id = found.id
                country = country or found.country
    elif delivery in ("in_person", "blended"):
        chk.fail("province", "province_required")
    # The town, district or former province inside the province: "Vũng Tàu" in TP. Hồ Chí Minh. A
    # province written as such a place ("Bà Rịa - Vũng Tàu") gives it too.
    locality = chk.text("locality", raw.get("locality"), limit=MAX_LOCALITY)
    if locality and province_id and (inside := gaz.resolve(locality)) and inside.id != province_id:
        chk.fail("locality", "locality_elsewhere", value=locality)
    if not locality and isinstance(province_raw, str) and gaz.locality(province_id, province_raw):
        locality = province_raw.strip()
    if not province_id:
        locality = ""

    language = chk.choice("language_of_instruction", raw.get("language_of_instruction"), LANGUAGES)
    schedule_raw = raw.get("schedule")
    if isinstance(schedule_raw, str):
        schedule_raw = [schedule_raw]
    schedule: list[str] = []
    if not schedule_raw:
        chk.fail("schedule", "choice_required", allowed=", ".join(SCHEDULES))
    elif not isinstance(schedule_raw, list):
        chk.fail("schedule", "not_list")
    else:
        for item in schedule_raw:
            value = chk.choice("schedule", item, SCHEDULES)
            if value and value not in schedule:
                schedule.append(value)

    elig = raw.get("eligibility") or {}
    if not isinstance(elig, dict):
        chk.fail("eligibility", "eligibility_object")
        elig = {}
    for key in elig:
        if key not in ("women_only", "min_age", "max_age"):
            chk.fail(f"eligibility.{key}", "unknown_field")
    women_only = chk.boolean("eligibility.women_only", elig.get("women_only"), False)
    min_age = chk.number("eligibility.min_age", elig.get("min_age"), lo=10, hi=100, integer=True,
                         required=False, example="16")
    max_age = chk.number("eligibility.max_age", elig.get("max_age"), lo=10, hi=100, integer=True,
                         required=False, example="35")
    if min_age is not None and max_age is not None and min_age > max_age:
        chk.fail("eligibility.max_age", "ages_reversed", high=f"{max_age:g}", low=f"{min_age:g}")

    start_dates: list[str] = []
    dates_raw = raw.get("start_dates") or []
    if not isinstance(dates_raw, list):
        chk.fail("start_dates", "dates_list")
        dates_raw = []
    for item in dates_raw:
        try:
            start_dates.append(dt.date.fromisoformat(str(item).strip()[:10]).isoformat())
        except ValueError:
            chk.fail("start_dates", "bad_date", value=str(item))
    outcomes: dict[str, list[str]] = {}
    lo_raw = raw.get("learning_outcomes")
    if lo_raw not in (None, {}):
        if not isinstance(lo_raw, dict):
            chk.fail("learning_outcomes", "outcomes_map")
        else:
            for lang, items in lo_raw.items():
                if lang not in LANGUAGES:
                    chk.fail(f"learning_outcomes.{lang}", "unknown_language", value=lang)
                    continue
                items = [items] if isinstance(items, str) else items
                outcomes[lang] = chk.phrases(f"learning_outcomes.{lang}", items, limit=500)
    assessment = chk.localized("assessment", raw.get("assessment"), required=False, limit=1000)
    quality = chk.localized("quality_assurance", raw.get("quality_assurance"), required=False, limit=1000)
    stackable = chk.phrases("stackable_into", raw.get("stackable_into"), limit=40)
    for item in stackable:
        if not CODE_RE.match(item):
            chk.fail("stackable_into", "bad_code", value=item)
    url = chk.text("url", raw.get("url"), limit=500)
    if url and not re.match(r"^https?://\S+$", url):
        chk.fail("url", "bad_url", value=url)
    active = chk.boolean("active", raw.get("active"), True)

    if len(problems) > before:
        return None
    original = {
        name: raw[name]
        for name in (*LOCALIZED_TEXT_FIELDS, *LOCALIZED_LIST_FIELDS, "skills", "keywords")
        if raw.get(name) not in (None, "", [], {})
    }
    return CourseRecord(
        code=code.strip(), title=title, description=description, skills=skills, keywords=keywords,
        sector=sector, level=int(level or 1), duration_hours=float(duration or 0), cost_amount=float(amount),
        cost_currency=currency, delivery=delivery, country=country, province=province_id, locality=locality,
        language_of_instruction=language, schedule=schedule, women_only=women_only,
        min_age=None if min_age is None else int(min_age), max_age=None if max_age is None else int(max_age),
        start_dates=sorted(set(start_dates)), learning_outcomes=outcomes, assessment=assessment,
        quality_assurance=quality, stackable_into=stackable, url=url, active=active, original=original,
    )


def _field(chk: _RowChecker, value: Any) -> str:
    """The course's field of training (ISCED-F detailed code), from a code, a name or an older sector."""
    if value is None or (isinstance(value, str) and not value.strip()):
        chk.fail("sector", "required")
        return ""
    if not isinstance(value, str):
        value = str(value)
    table = fields()
    code = table.resolve(value)
    if code is not None:
        return code
    guesses = table.suggest(value)
    if guesses:
        chk.fail("sector", "unknown_sector", value=value,
                 suggestion=" / ".join(f"{f.code} ({f.labels['en']})" for f in guesses))
    else:
        chk.fail("sector", "unknown_sector_no_guess", value=value)
    return ""


def validate_provider(raw: Any, problems: list[Problem]) -> ProviderRecord | None:
    chk = _RowChecker(None, lambda p: f"provider.{p}" if p else "provider", problems)
    if not isinstance(raw, dict):
        chk.fail("", "provider_object")
        return None
    before = len(problems)
    for key in raw:
        if key not in ("code", "name", "country", "url", "contact"):
            chk.fail(key, "unknown_field")
    code = raw.get("code")
    if not isinstance(code, str) or not PROVIDER_CODE_RE.match(code):
        chk.fail("code", "provider_code")
    name = chk.localized("name", raw.get("name"), required=True, limit=MAX_TITLE)
    country = chk.choice("country", (raw.get("country") or "").upper() or None, COUNTRIES, required=False)
    url = chk.text("url", raw.get("url"), limit=500)
    contact_raw = raw.get("contact") or {}
    contact: dict[str, str] = {}
    if not isinstance(contact_raw, dict):
        chk.fail("contact", "not_list")
    else:
        for key, value in contact_raw.items():
            if isinstance(value, str) and value.strip():
                contact[str(key)] = normalize(value)[:200]
    if len(problems) > before:
        return None
    return ProviderRecord(code=str(code), name=name, country=country, url=url, contact=contact)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".rstrip("0").rstrip(".")


def size_problem(size: int, max_bytes: int) -> Problem | None:
    """The one size rule for uploads, applied before reading a file (its size on disk or as Telegram
    announces it) and again to the bytes themselves."""
    if size > max_bytes:
        return problem(None, "", "too_large", size=_megabytes(size), limit=_megabytes(max_bytes))
    return None


def parse_upload(data: bytes, filename: str, gaz: Gazetteer, *, max_bytes: int,
                 provider_code: str | None = None) -> ParsedUpload:
    """Read a whole upload; never raises for bad content, every problem lands in ``problems``.
    ``provider_code`` is whose courses these must be (a file naming another provider is refused)."""
    lower = filename.lower()
    result = ParsedUpload(fmt="json" if lower.endswith(".json") else "csv", provider_code=provider_code)
    too_big = size_problem(len(data), max_bytes)
    if too_big:
        result.problems.append(too_big)
        return result
    if not data.strip():
        result.problems.append(problem(None, "", "empty"))
        return result
    if is_xlsx(data):
        result.fmt = "xlsx"
        rows, trouble = read_xlsx(data)
        if trouble or rows is None:
            result.problems.append(trouble or problem(None, "", "bad_xlsx"))
        else:
            _parse_table(rows, result, gaz)
        result.courses = [] if result.problems else result.courses
        return result
    not_text = sniff(data, filename)
    if not_text:
        result.problems.append(not_text)
        return result
    text, trouble = decode(data)
    if trouble or text is None:
        result.problems.append(trouble or problem(None, "", "binary", what=WORDS["binary"]))
        return result
    result.encoding = text.encoding
    stripped = text.text.lstrip()
    if stripped.startswith(("{", "[")):
        result.fmt = "json"
        _parse_json(stripped, result, gaz)
    elif result.fmt == "json":
        result.problems.append(problem(None, "", "json_shape"))
    else:
        _parse_csv(text.text, result, gaz)
    if result.problems:
        result.courses = []
    return result


def _parse_json(text: str, result: ParsedUpload, gaz: Gazetteer) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        result.problems.append(problem(None, "", "bad_json", detail=exc.msg, line=exc.lineno, column=exc.colno))
        return
    if not isinstance(doc, dict) or ("courses" not in doc and "provider" not in doc):
        result.problems.append(problem(None, "", "json_shape"))
        return
    for key in doc:
        if key not in ("provider", "courses"):
            result.problems.append(problem(None, key, "unknown_top_field"))
    if "provider" in doc:
        result.provider = validate_provider(doc["provider"], result.problems)
        if result.provider:
            if result.provider_code and result.provider_code != result.provider.code:
                result.problems.append(problem(None, "provider.code", "other_provider", found=result.provider.code,
                                               expected=result.provider_code))
            result.provider_code = result.provider_code or result.provider.code
    elif not result.provider_code:
        result.problems.append(problem(None, "provider", "no_provider"))
    courses = doc.get("courses", [])
    if not isinstance(courses, list):
        result.problems.append(problem(None, "courses", "not_list"))
        return
    if len(courses) > MAX_ROWS:
        result.problems.append(problem(None, "courses", "too_many_rows", count=len(courses), limit=MAX_ROWS))
        return
    _collect(courses, list(range(1, len(courses) + 1)), lambda p: p, result, gaz)


def _collect(rows: list[Any], numbers: list[int], col: Callable[[str], str], result: ParsedUpload,
             gaz: Gazetteer) -> None:
    seen: dict[str, int] = {}
    for raw, row in zip(rows, numbers, strict=True):
        record = validate_course(raw, row, col, gaz, result.problems)
        code = raw.get("code") if isinstance(raw, dict) else None
        if isinstance(code, str) and code.strip():
            key = code.strip()
            if key in seen:
                result.problems.append(problem(row, col("code"), "duplicate_code", code=key, other=seen[key]))
            else:
                seen[key] = row
        if record:
            result.courses.append(record)
            result.rows.append(row)
            if record.language_of_instruction not in record.title:
                result.warnings.append(problem(row, col(f"title.{record.language_of_instruction}"),
                                               "title_not_in_language", language=record.language_of_instruction))


def _csv_column(path: str) -> str:
    """Field path in JSON shape → the column a provider sees in the template."""
    head, _, rest = path.partition(".")
    if head == "cost":
        return f"cost_{rest}" if rest else "cost_amount"
    if head == "eligibility":
        return rest or "women_only"
    if head in (*LOCALIZED_TEXT_FIELDS, *LOCALIZED_LIST_FIELDS) and rest:
        return f"{head}_{rest}"
    return path


def _parse_csv(text: str, result: ParsedUpload, gaz: Gazetteer) -> None:
    first_line = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        result.problems.append(problem(None, "", "no_separators"))
        return
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        result.problems.append(problem(None, "", "bad_csv", detail=str(exc)))
        return
    if len(table) > MAX_ROWS + 1:
        result.problems.append(problem(None, "", "too_many_rows", count=len(table) - 1, limit=MAX_ROWS))
        return
    _parse_table(table, result, gaz)


def _parse_table(table: list[list[str]], result: ParsedUpload, gaz: Gazetteer) -> None:
    """A header row and course rows (from CSV or a workbook sheet) into records."""
    header = [h.strip().lower() for h in table[0]] if table else []
    known = CSV_SCALAR | CSV_LISTS | CSV_LOCALIZED
    for name in header:
        if name and name not in known:
            result.problems.append(problem(1, name, "unknown_column"))
    if "code" not in header:
        result.problems.append(problem(1, "code", "no_code_column"))
        return
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        result.problems.extend(problem(1, name, "duplicate_column", name=name) for name in repeated)
        return
    rows, numbers = [], []
    named: dict[str, int] = {}  # provider codes in the provider column → first row
    for line_no, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.problems.append(problem(line_no, "", "cell_count", cells=len(cells), header=len(header)))
            continue
        row = dict(zip(header, cells, strict=True))
        code = row.get("provider", "").strip()
        if code:
            named.setdefault(code, line_no)
            if result.provider_code and code != result.provider_code:
                result.problems.append(problem(line_no, "provider", "other_provider", found=code,
                                               expected=result.provider_code))
        rows.append(_csv_row_to_course(row))
        numbers.append(line_no)
    if not result.provider_code:
        if len(named) > 1:
            result.problems.append(problem(None, "provider", "many_providers", found=", ".join(sorted(named))))
        elif named:
            result.provider_code = next(iter(named))
        else:
            result.problems.append(problem(None, "provider", "no_provider"))
    if not rows:
        result.problems.append(problem(None, "", "no_rows"))
    _collect(rows, numbers, _csv_column, result, gaz)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _csv_row_to_course(row: dict[str, str]) -> dict[str, Any]:
    """Turn one flat CSV row into the JSON course shape; empty cells become absent fields."""
    out: dict[str, Any] = {}
    for name, raw_cell in row.items():
        cell = raw_cell.strip()
        if not cell or name == "provider":
            continue
        if name in CSV_LISTS:
            out[name] = _split(cell)
        elif name in ("cost_amount", "cost_currency"):
            out.setdefault("cost", {})[name[5:]] = cell
        elif name in ("women_only", "min_age", "max_age"):
            out.setdefault("eligibility", {})[name] = cell
        elif name in CSV_LOCALIZED:
            base, _, lang = name.rpartition("_")
            value: Any = _split(cell) if base in LOCALIZED_LIST_FIELDS else cell
            out.setdefault(base, {})[lang] = value
        else:
            out[name] = cell
    if "cost" not in out and any(k.startswith("cost_") for k in row):
        out["cost"] = {}
    return out
