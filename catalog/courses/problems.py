"""What can be wrong with an upload, as data: a :class:`Problem` names its place (row, column), its
kind and the values that fill the kind's sentence. The sentences here are English and written for a
person who works in a spreadsheet, not a programmer: they name the column as it appears in the
template and say what a correct value looks like. The command line prints them as they are; the bot
translates the same sentences (they are extracted into its gettext catalogs, ``N_`` marks them), so a
provider reads the report in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """The gettext marker: extracted into the catalogs, translated where it is shown."""
    return message


MESSAGES: dict[str, str] = {
    # the file as a whole
    "too_large": N_("The file is {size} MB; the limit is {limit} MB."),
    "empty": N_("The file is empty."),
    "binary": N_("This is {what}, not a course list. Send the list as an Excel file (.xlsx), CSV or JSON."),
    "old_excel": N_("This is an old Excel file (.xls). In Excel choose Save as → “Excel Workbook (.xlsx)” or "
                    "“CSV UTF-8”, and send that."),
    "bad_xlsx": N_("This Excel file cannot be opened; save it again as .xlsx, or as “CSV UTF-8”."),
    "bad_utf16": N_("The file says it is Unicode (UTF-16) text but it is not; save it again as “CSV UTF-8”."),
    "bad_json": N_("This is not valid JSON: {detail} at line {line}, column {column}."),
    "json_shape": N_("A JSON file must look like {{\"provider\": {{...}}, \"courses\": [...]}}."),
    "no_separators": N_("This is not a table: the first line has no commas, semicolons or tabs between "
                        "columns. Start from the template."),
    "bad_csv": N_("This is not a valid CSV file ({detail}). Save it again from your spreadsheet as “CSV UTF-8”."),
    "no_rows": N_("The file has a header row but no courses under it."),
    "too_many_rows": N_("The file has {count} rows; the limit is {limit}. Split it into several files."),
    "many_providers": N_("All rows must belong to one provider; the column provider names {found}."),
    "other_provider": N_("This row is for provider “{found}”; you can only upload courses of “{expected}”."),
    "no_provider": N_("It is not said whose courses these are: give --provider CODE or a provider column."),
    "unknown_provider": N_("There is no provider “{code}” yet: give its name with --provider-name, or upload a "
                           "JSON file with a provider section."),
    "unknown_top_field": N_("This is not a part of a course file; only provider and courses are."),
    # columns
    "unknown_column": N_("There is no such column; check its spelling against the template."),
    "no_code_column": N_("There is no column “code”: this does not look like a course list. Start from the "
                         "template."),
    "duplicate_column": N_("The column “{name}” appears twice."),
    "cell_count": N_("This row has {cells} cells, but the header row has {header}."),
    # cells
    "required": N_("This is empty, and it is needed."),
    "required_language": N_("This is needed in at least one language: Khmer (km), Vietnamese (vi) or "
                            "English (en)."),
    "not_text": N_("This must be text, not {kind}."),
    "too_long": N_("This is {length} characters long; the limit is {limit}."),
    "formula": N_("This cell holds a formula ({formula}); put the value itself instead (copy, then Paste "
                  "special → Values)."),
    "formula_start": N_("This starts with “{char}”, which spreadsheet programs run as a formula; remove that "
                        "first character."),
    "lost_characters": N_("Some letters were lost when the file was saved (they show as “?”). Save it again "
                          "as “CSV UTF-8” or as .xlsx."),
    "language_map": N_("This must give the text per language: km, vi or en."),
    "unknown_language": N_("“{value}” is not a language here; use km (Khmer), vi (Vietnamese) or en (English)."),
    "list_required": N_("This needs at least one entry; separate several with “;”."),
    "not_list": N_("This must be a list."),
    "list_too_long": N_("This has {count} entries; the limit is {limit}."),
    "choice_required": N_("This is empty; write one of: {allowed}."),
    "not_one_of": N_("“{value}” is not one of: {allowed}."),
    "not_number": N_("“{value}” is not a number. Write digits only, for example {example} (not 1.500.000 or "
                     "1,500,000 ₫)."),
    "number_kind": N_("This must be a number, not {kind}."),
    "not_whole": N_("“{value}” must be a whole number, for example {example}."),
    "below": N_("This cannot be less than {limit}."),
    "above": N_("This cannot be more than {limit}."),
    "not_yes_no": N_("“{value}” is not yes or no; write yes or no."),
    "code_required": N_("Every course needs a code: 1 to 40 letters, digits, “.”, “_” or “-”, for example "
                        "ELEC-101."),
    "bad_code": N_("“{value}” cannot be a course code: use 1 to 40 letters, digits, “.”, “_” or “-”, for "
                   "example ELEC-101."),
    "duplicate_code": N_("The code “{code}” is used twice (also in row {other}); each course needs its own."),
    "not_course": N_("Each course must be an object with fields, not {kind}."),
    "unknown_field": N_("This is not a field of a course; check its spelling against the template."),
    "cost_required": N_("The cost is needed; write 0 for a free course."),
    "cost_object": N_("The cost must have an amount and a currency."),
    "unknown_sector": N_("“{value}” is not a field of training in the list; did you mean {suggestion}? The "
                         "template's list of fields has them all."),
    "unknown_sector_no_guess": N_("“{value}” is not a field of training in the list; the template's list of "
                                  "fields has them all, with their codes."),
    "unknown_province": N_("“{value}” is not a province of Cambodia or Vietnam."),
    "province_elsewhere": N_("“{value}” is not in {country}."),
    "province_required": N_("The province is needed for courses taught on site."),
    "locality_elsewhere": N_("“{value}” is in another province; write the town or district inside the course's "
                             "province, or leave it empty."),
    "eligibility_object": N_("Eligibility must have women_only, min_age and max_age."),
    "ages_reversed": N_("The highest age ({high}) is below the lowest age ({low})."),
    "dates_list": N_("This must be a list of dates written as year-month-day, for example 2027-01-15."),
    "bad_date": N_("“{value}” is not a date; write it as year-month-day, for example 2027-01-15."),
    "outcomes_map": N_("This must give a list of outcomes per language: km, vi or en."),
    "bad_url": N_("“{value}” is not a web address; it must start with http:// or https://."),
    "provider_object": N_("The provider must have a code and a name."),
    "provider_code": N_("The provider code is needed: 2 to 40 small letters, digits or “-”, for example kh-ntti."),
    "not_this_providers": N_("“{value}” is not a course of this provider."),
    # warnings: the file is accepted, but learners would be served badly
    "title_not_in_language": N_("There is no title in the language the course is taught in ({language}): "
                                "learners who read only that language will not understand it."),
}
WARNINGS = frozenset({"title_not_in_language"})


# Words that fill a sentence (what a file or a value is); the bot translates these too.
WORDS: dict[str, str] = {
    "object": N_("an object"), "list": N_("a list"), "yes/no": N_("yes or no"), "number": N_("a number"),
    "text": N_("text"), "picture": N_("a picture"), "pdf": N_("a PDF document"),
    "archive": N_("a compressed archive"), "office": N_("an old Office document"), "binary": N_("a binary file"),
}


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be accepted. ``row`` is the spreadsheet row (the header is row 1) for
    CSV and Excel and the position in ``courses`` for JSON; ``None`` for the file as a whole."""

    row: int | None
    column: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def __post_init__(self) -> None:
        if self.kind not in MESSAGES:
            raise ValueError(f"unknown problem kind {self.kind!r}")

    @property
    def message(self) -> str:
        """The English sentence (the bot translates ``MESSAGES[kind]`` instead)."""
        return MESSAGES[self.kind].format(**self.params)

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


def problem(row: int | None, where: str, kind: str, /, **params: Any) -> Problem:
    """A :class:`Problem` at ``row`` and column ``where`` (positional: a sentence may have a {column})."""
    return Problem(row, where, kind, params)
