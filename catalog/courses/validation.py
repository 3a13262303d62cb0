"""Reading and validating provider uploads (JSON or CSV) into :class:`CourseRecord` objects.

Validation is complete before anything is stored: every problem in the file is reported with its
row, column and reason, and a file with any problem changes nothing. Spreadsheet exports are
accepted as Excel writes them (UTF-8 with or without BOM, UTF-16 "Unicode text" with tabs,
``;``-separated CSV from locales that use a decimal comma).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from catalog.courses.schema import (
    COUNTRIES,
    CURRENCIES,
    DELIVERY,
    LANGUAGES,
    LOCALIZED_LIST_FIELDS,
    LOCALIZED_TEXT_FIELDS,
    SCHEDULES,
    SECTORS,
    CourseRecord,
    ProviderRecord,
)
from catalog.language.places import Gazetteer
from catalog.language.text import normalize

CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
PROVIDER_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
MAX_TITLE = 200
MAX_TEXT = 4000
MAX_PHRASE = 120
MAX_LIST = 40

COURSE_FIELDS = {
    "code", "title", "description", "skills", "keywords", "sector", "level", "duration_hours", "cost",
    "delivery", "country", "province", "language_of_instruction", "schedule", "eligibility", "start_dates",
    "learning_outcomes", "assessment", "quality_assurance", "stackable_into", "url", "active",
}
CSV_SCALAR = {
    "code", "sector", "level", "duration_hours", "cost_amount", "cost_currency", "delivery", "country",
    "province", "language_of_instruction", "women_only", "min_age", "max_age", "url", "active", "provider",
}
CSV_LISTS = {"skills", "keywords", "schedule", "start_dates", "stackable_into"}
CSV_LOCALIZED = {f"{f}_{lang}" for f in (*LOCALIZED_TEXT_FIELDS, *LOCALIZED_LIST_FIELDS) for lang in LANGUAGES}


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be accepted. ``row`` is the spreadsheet row (header = 1) for CSV and
    the 1-based position in ``courses`` for JSON; ``None`` for the file as a whole."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ParsedUpload:
    """Result of reading a file: records when valid, otherwise the full list of problems."""

    fmt: str
    provider: ProviderRecord | None = None
    provider_code: str | None = None
    courses: list[CourseRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _RowChecker:
    """Collects problems for one row; ``col`` maps a field path to the name the user sees."""

    def __init__(self, row: int | None, col: Callable[[str], str], problems: list[Problem]) -> None:
        self.row, self.col, self.problems = row, col, problems

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.row, self.col(path), message))

    def text(self, path: str, value: Any, *, required: bool = False, limit: int = MAX_TEXT) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(path, f"must be text, got {_kind(value)}")
            return ""
        if value.startswith(FORMULA_CHARS):
            self.fail(path, f"starts with {value[0]!r}, which spreadsheet programs run as a formula")
            return ""
        clean = normalize(value)
        if len(clean) > limit:
            self.fail(path, f"is {len(clean)} characters long, the limit is {limit}")
        return clean

    def localized(self, path: str, value: Any, *, required: bool, limit: int) -> dict[str, str]:
        if value is None or value == {}:
            if required:
                self.fail(path, "is required in at least one of km, vi, en")
            return {}
        if not isinstance(value, dict):
            self.fail(path, "must map a language (km, vi, en) to text")
            return {}
        out: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.fail(f"{path}.{lang}", f"unknown language code {lang!r}; use km, vi or en")
                continue
            clean = self.text(f"{path}.{lang}", text, limit=limit)
            if clean:
                out[lang] = clean
        if required and not out and not any(p.row == self.row and p.column.startswith(path) for p in self.problems):
            self.fail(path, "is required in at least one of km, vi, en")
        return out

    def phrases(self, path: str, value: Any, *, required: bool = False, limit: int = MAX_PHRASE) -> list[str]:
        if value is None or value == []:
            if required:
                self.fail(path, "needs at least one entry")
            return []
        if not isinstance(value, list):
            self.fail(path, "must be a list")
            return []
        if len(value) > MAX_LIST:
            self.fail(path, f"has {len(value)} entries, the limit is {MAX_LIST}")
        out = []
        for item in value:
            clean = self.text(path, item, limit=limit)
            if clean and clean not in out:
                out.append(clean)
        if required and not out and value:
            self.fail(path, "needs at least one entry")
        return out

    def choice(self, path: str, value: Any, allowed: tuple[str, ...], *, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.fail(path, f"is required; one of {', '.join(allowed)}")
            return ""
        if not isinstance(value, str) or value.strip() not in allowed:
            self.fail(path, f"{value!r} is not one of {', '.join(allowed)}")
            return ""
        return value.strip()

    def number(self, path: str, value: Any, *, lo: float, hi: float, integer: bool = False,
               required: bool = True, what: str = "") -> float | None:
        if value is None or value == "":
            if required:
                self.fail(path, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(path, f"must be a number, got {_kind(value)}")
            return None
        try:
            num = float(value.replace(",", "").replace(" ", "")) if isinstance(value, str) else float(value)
        except ValueError:
            self.fail(path, f"{value!r} is not a number")
            return None
        if integer and num != int(num):
            self.fail(path, f"must be a whole number, got {value!r}")
            return None
        if num < lo:
            self.fail(path, f"{what or 'value'} cannot be {'negative' if num < 0 <= lo else f'below {lo:g}'}")
            return None
        if num > hi:
            self.fail(path, f"{what or 'value'} cannot be above {hi:g}")
            return None
        return num

    def boolean(self, path: str, value: Any, default: bool) -> bool:
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "y"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "no", "0", "n"):
            return False
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.fail(path, f"{value!r} is not true/false")
        return default


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def validate_course(raw: Any, row: int, col: Callable[[str], str], gaz: Gazetteer,
                    problems: list[Problem]) -> CourseRecord | None:
    """Validate one course in JSON shape; problems are appended, the record returned if usable."""
    chk = _RowChecker(row, col, problems)
    if not isinstance(raw, dict):
        chk.fail("", f"a course must be an object, got {_kind(raw)}")
        return None
    before = len(problems)
    for key in raw:
        if key not in COURSE_FIELDS:
            chk.fail(key, "unknown field")
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code.strip()):
        chk.fail("code", "is required: 1-40 letters, digits, '.', '_' or '-'" if not code else
                 f"{code!r} must be 1-40 letters, digits, '.', '_' or '-'")
        code = ""
    title = chk.localized("title", raw.get("title"), required=True, limit=MAX_TITLE)
    description = chk.localized("description", raw.get("description"), required=False, limit=MAX_TEXT)
    skills = chk.phrases("skills", raw.get("skills"), required=True)
    keywords = chk.phrases("keywords", raw.get("keywords"))
    sector = chk.choice("sector", raw.get("sector"), SECTORS)
    level = chk.number("level", raw.get("level"), lo=1, hi=8, integer=True, what="level")
    duration = chk.number("duration_hours", raw.get("duration_hours"), lo=0.5, hi=10000, what="duration")

    cost = raw.get("cost")
    amount, currency = 0.0, "USD"
    if cost is None:
        chk.fail("cost.amount", "is required (0 for a free course)")
    elif not isinstance(cost, dict):
        chk.fail("cost", "must be an object with amount and currency")
    else:
        amount = chk.number("cost.amount", cost.get("amount"), lo=0, hi=1e12, what="cost") or 0.0
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
            chk.fail("province", f"must be text, got {_kind(province_raw)}")
        else:
            found = gaz.resolve(province_raw)
            if found is None:
                chk.fail("province", f"unknown province {province_raw!r} (use a province of Cambodia or Vietnam)")
            elif country and found.country != country:
                chk.fail("province", f"{province_raw!r} is not in {country}")
            else:
                province_id = found.id
                country = country or found.country
    elif delivery in ("in_person", "blended"):
        chk.fail("province", f"is required for {delivery} courses")

    language = chk.choice("language_of_instruction", raw.get("language_of_instruction"), LANGUAGES)
    schedule_raw = raw.get("schedule")
    if isinstance(schedule_raw, str):
        schedule_raw = [schedule_raw]
    schedule: list[str] = []
    if not schedule_raw:
        chk.fail("schedule", f"needs at least one of {', '.join(SCHEDULES)}")
    elif not isinstance(schedule_raw, list):
        chk.fail("schedule", "must be a list")
    else:
        for item in schedule_raw:
            value = chk.choice("schedule", item, SCHEDULES)
            if value and value not in schedule:
                schedule.append(value)

    elig = raw.get("eligibility") or {}
    if not isinstance(elig, dict):
        chk.fail("eligibility", "must be an object with women_only, min_age, max_age")
        elig = {}
    for key in elig:
        if key not in ("women_only", "min_age", "max_age"):
            chk.fail(f"eligibility.{key}", "unknown field")
    women_only = chk.boolean("eligibility.women_only", elig.get("women_only"), False)
    min_age = chk.number("eligibility.min_age", elig.get("min_age"), lo=10, hi=100, integer=True,
                         required=False, what="age")
    max_age = chk.number("eligibility.max_age", elig.get("max_age"), lo=10, hi=100, integer=True,
                         required=False, what="age")
    if min_age is not None and max_age is not None and min_age > max_age:
        chk.fail("eligibility.max_age", f"max_age {max_age:g} is below min_age {min_age:g}")

    start_dates: list[str] = []
    dates_raw = raw.get("start_dates") or []
    if not isinstance(dates_raw, list):
        chk.fail("start_dates", "must be a list of dates (YYYY-MM-DD)")
        dates_raw = []
    for item in dates_raw:
        try:
            start_dates.append(dt.date.fromisoformat(str(item).strip()).isoformat())
        except ValueError:
            chk.fail("start_dates", f"{item!r} is not a date (YYYY-MM-DD)")
    outcomes: dict[str, list[str]] = {}
    lo_raw = raw.get("learning_outcomes")
    if lo_raw not in (None, {}):
        if not isinstance(lo_raw, dict):
            chk.fail("learning_outcomes", "must map a language (km, vi, en) to a list of outcomes")
        else:
            for lang, items in lo_raw.items():
                if lang not in LANGUAGES:
                    chk.fail(f"learning_outcomes.{lang}", f"unknown language code {lang!r}; use km, vi or en")
                    continue
                items = [items] if isinstance(items, str) else items
                outcomes[lang] = chk.phrases(f"learning_outcomes.{lang}", items, limit=500)
    assessment = chk.localized("assessment", raw.get("assessment"), required=False, limit=1000)
    quality = chk.localized("quality_assurance", raw.get("quality_assurance"), required=False, limit=1000)
    stackable = chk.phrases("stackable_into", raw.get("stackable_into"), limit=40)
    for item in stackable:
        if not CODE_RE.match(item):
            chk.fail("stackable_into", f"{item!r} is not a course code")
    url = chk.text("url", raw.get("url"), limit=500)
    if url and not re.match(r"^https?://\S+$", url):
        chk.fail("url", f"{url!r} must start with http:// or https://")
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
        cost_currency=currency, delivery=delivery, country=country, province=province_id,
        language_of_instruction=language, schedule=schedule, women_only=women_only,
        min_age=None if min_age is None else int(min_age), max_age=None if max_age is None else int(max_age),
        start_dates=sorted(set(start_dates)), learning_outcomes=outcomes, assessment=assessment,
        quality_assurance=quality, stackable_into=stackable, url=url, active=active, original=original,
    )


def validate_provider(raw: Any, problems: list[Problem]) -> ProviderRecord | None:
    chk = _RowChecker(None, lambda p: f"provider.{p}" if p else "provider", problems)
    if not isinstance(raw, dict):
        chk.fail("", "must be an object with code and name")
        return None
    before = len(problems)
    for key in raw:
        if key not in ("code", "name", "country", "url", "contact"):
            chk.fail(key, "unknown field")
    code = raw.get("code")
    if not isinstance(code, str) or not PROVIDER_CODE_RE.match(code):
        chk.fail("code", "is required: 2-40 lower-case letters, digits or '-'")
    name = chk.localized("name", raw.get("name"), required=True, limit=MAX_TITLE)
    country = chk.choice("country", (raw.get("country") or "").upper() or None, COUNTRIES, required=False)
    url = chk.text("url", raw.get("url"), limit=500)
    contact_raw = raw.get("contact") or {}
    contact: dict[str, str] = {}
    if not isinstance(contact_raw, dict):
        chk.fail("contact", "must be an object")
    else:
        for key, value in contact_raw.items():
            if isinstance(value, str) and value.strip():
                contact[str(key)] = normalize(value)[:200]
    if len(problems) > before:
        return None
    return ProviderRecord(code=code, name=name, country=country, url=url, contact=contact)


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Bytes to text, accepting UTF-8 (with or without BOM) and UTF-16 with BOM; else an error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, "the file claims to be UTF-16 but is not valid UTF-16 text"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, (f"the file is not UTF-8 text (invalid byte at position {exc.start}); "
                      "in Excel use 'Save as: CSV UTF-8' or 'Unicode Text'")
    if "\x00" in text:
        return None, "the file is binary, not a CSV or JSON text file"
    return text, None


def size_problem(size: int, max_bytes: int) -> Problem | None:
    """The one size rule for uploads, applied before reading a file (its size on disk or as Telegram
    announces it) and again to the bytes themselves."""
    if size > max_bytes:
        return Problem(None, "", f"the file is {size:,} bytes, the limit is {max_bytes:,}")
    return None


def parse_upload(data: bytes, filename: str, gaz: Gazetteer, *, max_bytes: int,
                 provider_code: str | None = None) -> ParsedUpload:
    """Read a whole upload; never raises for bad content, every problem lands in ``problems``."""
    fmt = "json" if filename.lower().endswith(".json") else "csv"
    result = ParsedUpload(fmt=fmt, provider_code=provider_code)
    too_big = size_problem(len(data), max_bytes)
    if too_big:
        result.problems.append(too_big)
        return result
    if not data.strip():
        result.problems.append(Problem(None, "", "the file is empty"))
        return result
    text, error = decode(data)
    if error or text is None:
        result.problems.append(Problem(None, "", error or "unreadable"))
        return result
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        result.fmt = "json"
        _parse_json(stripped, result, gaz)
    elif fmt == "json" and not filename.lower().endswith(".csv"):
        result.problems.append(Problem(None, "", "not valid JSON: it must start with '{'"))
    else:
        result.fmt = "csv"
        _parse_csv(text, result, gaz)
    if result.problems:
        result.courses = []
    return result


def _parse_json(text: str, result: ParsedUpload, gaz: Gazetteer) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        result.problems.append(Problem(None, "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"))
        return
    if not isinstance(doc, dict) or ("courses" not in doc and "provider" not in doc):
        result.problems.append(Problem(None, "", 'expected an object like {"provider": {...}, "courses": [...]}'))
        return
    for key in doc:
        if key not in ("provider", "courses"):
            result.problems.append(Problem(None, key, "unknown top-level field"))
    if "provider" in doc:
        result.provider = validate_provider(doc["provider"], result.problems)
        if result.provider:
            if result.provider_code and result.provider_code != result.provider.code:
                result.problems.append(Problem(None, "provider.code", (
                    f"the file is for provider {result.provider.code!r}, not {result.provider_code!r}")))
            result.provider_code = result.provider.code
    elif not result.provider_code:
        result.problems.append(Problem(None, "provider", "is required (or give --provider CODE)"))
    courses = doc.get("courses", [])
    if not isinstance(courses, list):
        result.problems.append(Problem(None, "courses", "must be a list"))
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
                result.problems.append(Problem(row, col("code"), f"duplicate code {key!r} (also in row {seen[key]})"))
            else:
                seen[key] = row
        if record:
            result.courses.append(record)


def _csv_column(path: str) -> str:
    """Field path in JSON shape → the CSV column a user would look at."""
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
        result.problems.append(Problem(None, "", "not a CSV file: the first line has no column separators"))
        return
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        table = list(reader)
    except csv.Error as exc:
        result.problems.append(Problem(None, "", f"not a valid CSV file: {exc}"))
        return
    header = [h.strip().lower() for h in table[0]]
    known = CSV_SCALAR | CSV_LISTS | CSV_LOCALIZED
    for name in header:
        if name and name not in known:
            result.problems.append(Problem(1, name, "unknown column"))
    if "code" not in header:
        result.problems.append(Problem(1, "code", "missing column; is this a course CSV?"))
        return
    if len(set(header)) != len(header):
        result.problems.append(Problem(1, "", "a column name appears twice"))
        return
    rows, numbers = [], []
    provider_codes: set[str] = set()
    for line_no, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.problems.append(Problem(line_no, "", f"has {len(cells)} cells, the header has {len(header)}"))
            continue
        row = dict(zip(header, cells, strict=True))
        if row.get("provider", "").strip():
            provider_codes.add(row["provider"].strip())
        rows.append(_csv_row_to_course(row))
        numbers.append(line_no)
    if len(provider_codes) > 1:
        result.problems.append(Problem(None, "provider", "all rows must belong to one provider"))
    elif provider_codes:
        code = provider_codes.pop()
        if result.provider_code and result.provider_code != code:
            result.problems.append(Problem(None, "provider", f"rows are for {code!r}, not {result.provider_code!r}"))
        result.provider_code = code
    if not result.provider_code:
        result.problems.append(Problem(None, "provider", "unknown: give --provider CODE or a provider column"))
    if not rows:
        result.problems.append(Problem(None, "", "the file has a header but no course rows"))
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
