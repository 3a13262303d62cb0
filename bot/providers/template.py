"""Files a provider starts from: the course template (an Excel workbook with an example row, a sheet
explaining every column and the list of fields of training, all in the provider's language; or the
same as CSV) and the list of their enrolled learners to mark completions on.

Written with openpyxl, the library the upload side reads workbooks with. Column names stay as the
catalog engine knows them (``title_km``): a report names a column exactly as the provider sees it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import N_, Translator
from bot.providers.uploads import ENROLMENT_COLUMN, RESULT_COLUMN
from catalog.courses.fields import fields
from catalog.courses.schema import DELIVERY, SCHEDULES

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    name: str  # as the catalog engine reads it; "{lang}" is the template's language
    required: bool
    help: str  # N_-marked, translated when the template is made


COLUMNS = (
    Column("code", True, N_("Your own short code for the course, unique among your courses: letters, digits, "
                            "“-”, for example ELEC-101. Keep it when you change the course later.")),
    Column("title_{lang}", True, N_("The name of the course, as learners should see it.")),
    Column("description_{lang}", False, N_("What the course teaches, in two or three sentences.")),
    Column("skills", True, N_("Skills learners gain, separated by “;”, for example: house wiring; electrical "
                              "safety.")),
    Column("keywords", False, N_("Other words people search with, separated by “;”, for example: "
                                 "electrician; ជាងភ្លើង; thợ điện.")),
    Column("sector", True, N_("The field of training: a code from the sheet “fields”, for example 0713, or its "
                              "name.")),
    Column("level", True, N_("The qualification level, 1 to 8 (most short courses are 1 or 2).")),
    Column("duration_hours", True, N_("How many hours the whole course takes, for example 120.")),
    Column("cost_amount", True, N_("The full price in digits only, without dots or commas, for example 1500000; "
                                   "0 when it is free.")),
    Column("cost_currency", False, N_("KHR, VND or USD.")),
    Column("delivery", True, N_("How it is taught: {values}.")),
    Column("country", False, N_("KH (Cambodia) or VN (Vietnam); needed for courses on site.")),
    Column("province", False, N_("The province where it is taught, for example Battambang or Cần Thơ; needed "
                                 "for courses on site.")),
    # TRANSLATORS: a former province is one merged into another in 2025 (Vũng Tàu is now in Ho Chi Minh City).
    Column("locality", False, N_("The town, district or former province inside that province, for example "
                                 "Vũng Tàu or Poipet; learners there see the course first. Optional.")),
    Column("language_of_instruction", True, N_("The language it is taught in: km, vi or en.")),
    Column("schedule", True, N_("When it is taught, one or more separated by “;”: {values}.")),
    Column("start_dates", False, N_("Start dates as year-month-day, separated by “;”, for example 2027-01-15.")),
    Column("women_only", False, N_("yes when only women may join, otherwise leave it empty.")),
    Column("min_age", False, N_("The youngest age allowed, for example 16; empty when there is no limit.")),
    Column("max_age", False, N_("The oldest age allowed, for example 35; empty when there is no limit.")),
    Column("learning_outcomes_{lang}", False, N_("What learners can do afterwards, separated by “;”.")),
    Column("assessment_{lang}", False, N_("How learners are assessed, for example: practical test.")),
    Column("quality_assurance_{lang}", False, N_("Who recognises the certificate, for example the ministry "
                                                 "and the qualification level.")),
    Column("stackable_into", False, N_("Codes of your longer courses this one counts towards, separated by "
                                       "“;”.")),
    Column("url", False, N_("A web page about the course, starting with https://.")),
    Column("active", False, N_("no to stop offering the course (it stays in your list); otherwise leave it "
                               "empty.")),
)

EXAMPLES = {  # one realistic course per language
    "km": {"code": "ELEC-101", "title_km": "ការតម្លើងអគ្គិសនីក្នុងផ្ទះ",
           "description_km": "រៀនតម្លើងខ្សែភ្លើង កុងតាក់ និងព្រីភ្លើងក្នុងផ្ទះ ដោយសុវត្ថិភាព។",
           "skills": "ការតម្លើងខ្សែភ្លើង; សុវត្ថិភាពអគ្គិសនី", "keywords": "ជាងភ្លើង; electrician",
           "cost_amount": "400000", "cost_currency": "KHR", "country": "KH", "province": "បាត់ដំបង",
           "language_of_instruction": "km", "learning_outcomes_km": "តម្លើងខ្សែភ្លើងតាមស្តង់ដារ; រកកំហុសសៀគ្វីភ្លើង",
           "assessment_km": "ការធ្វើតេស្តអនុវត្ត"},
    "vi": {"code": "DDD-01", "title_vi": "Điện dân dụng", "description_vi": "Lắp đặt, sửa chữa điện trong nhà an toàn.",
           "skills": "lắp đặt điện; an toàn điện", "keywords": "thợ điện; electrician", "cost_amount": "1500000",
           "cost_currency": "VND", "country": "VN", "province": "Cần Thơ", "language_of_instruction": "vi",
           "learning_outcomes_vi": "Lắp đặt điện trong nhà; Sửa chữa sự cố điện", "assessment_vi": "Thi thực hành"},
    "en": {"code": "ELEC-101", "title_en": "House Wiring", "description_en": "Install wiring, switches and "
           "sockets in homes, safely.", "skills": "house wiring; electrical safety", "keywords": "electrician",
           "cost_amount": "100", "cost_currency": "USD", "country": "KH", "province": "Phnom Penh",
           "language_of_instruction": "en", "learning_outcomes_en": "Wire a house to standard; Find simple faults",
           "assessment_en": "Practical test"},
}
COMMON = {"sector": "0713", "level": "2", "duration_hours": "120", "delivery": "in_person", "schedule": "weekdays",
          "start_dates": "2027-01-15"}


def columns(lang: str) -> list[str]:
    return [c.name.format(lang=lang) for c in COLUMNS]


def _example(lang: str) -> list[str]:
    values = {**COMMON, **EXAMPLES[lang]}
    return [values.get(name, "") for name in columns(lang)]


def _help(t: Translator, column: Column) -> str:
    return t.gettext(column.help).format(values=", ".join(DELIVERY if column.name == "delivery" else SCHEDULES))


def _style_header(sheet: Worksheet, widths: list[int]) -> None:
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = width
    sheet.freeze_panes = "A2"


def _append_text(sheet: Worksheet, values: list[str]) -> None:
    """A row of text cells: a learner's name such as "=HYPERLINK(…)" stays text, never a formula."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
            cell.data_type = "s"


def course_workbook(t: Translator, lang: str) -> bytes:
    """The course template as .xlsx: "courses" (the header and an example row to replace), "help"
    (every column explained) and "fields" (the fields of training with their codes)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "courses"
    sheet.append(columns(lang))
    sheet.append(_example(lang))
    _style_header(sheet, [max(12, len(name) + 2) for name in columns(lang)])
    help_sheet = book.create_sheet("help")
    help_sheet.append([t.gettext("Column"), t.gettext("Needed"), t.gettext("What to write")])
    for column in COLUMNS:
        help_sheet.append([column.name.format(lang=lang), t.gettext("yes") if column.required else "",
                           _help(t, column)])
    _style_header(help_sheet, [26, 10, 100])
    for row in help_sheet.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    field_sheet = book.create_sheet("fields")
    field_sheet.append([t.gettext("Code"), t.gettext("Field of training"), "ISCED-F 2013"])
    for f in sorted(fields().detailed, key=lambda f: f.code):
        field_sheet.append([f.code, f.label(lang), f.labels["en"]])
    _style_header(field_sheet, [8, 45, 50])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def course_csv(lang: str) -> bytes:
    """The same template as CSV (UTF-8 with a BOM, so that Excel opens Khmer and Vietnamese right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(lang))
    writer.writerow(_example(lang))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class EnrolledRow:
    enrolment_id: int
    course_code: str
    course_title: str
    learner: str  # the name they chose for certificates, or ""
    enrolled_on: dt.date
    status: str


def completion_workbook(t: Translator, rows: list[EnrolledRow]) -> bytes:
    """The provider's enrolled learners, with an empty ``result`` column to fill in and send back."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "completions"
    sheet.append([ENROLMENT_COLUMN, "course", t.gettext("Course"), t.gettext("Learner"), t.gettext("Enrolled on"),
                  RESULT_COLUMN])
    for row in rows:
        _append_text(sheet, [f"E{row.enrolment_id}", row.course_code, row.course_title, row.learner or "—",
                             row.enrolled_on.isoformat(), ""])
    _style_header(sheet, [12, 14, 40, 28, 14, 18])
    note = book.create_sheet("help")
    note.append([t.gettext("In the column result write completed or not completed for each learner whose course "
                           "is over; leave the others empty. Then send this file back to me.")])
    note.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
