"""The gettext catalogs are complete and consistent with the code; formatting follows each locale."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations

from bot.i18n import LOCALES_DIR, Catalogs, load_catalogs, negotiate
from catalog.language.text import script_language
from tests.support import ROOT

PLACEHOLDER = re.compile(r"\{(\w*)\}")
# Words that are the same in Vietnamese and English (proper names, symbols); nothing else may stay English.
SAME_IN_VIETNAMESE: set[str] = set()


def source_messages() -> dict[str, tuple[str, ...]]:
    """msgid -> (msgid, msgid_plural?) for every marked string in the bot's code, extracted now."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    out: dict[str, tuple[str, ...]] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        ids = message if isinstance(message, tuple) else (message,)
        out[ids[0]] = ids
    return out


def po(lang: str) -> Catalog:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_template_is_up_to_date() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert template == set(source_messages()), "run the pybabel extract/update commands in locales/README.md"


@pytest.mark.parametrize("lang", ["km", "vi", "en"])
def test_catalog_is_complete(lang: str) -> None:
    catalog = po(lang)
    problems = []
    for msgid, ids in source_messages().items():
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {msgid!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        # A translation uses exactly the English placeholders (for plurals: those of either form).
        wanted = {name for text in ids for name in PLACEHOLDER.findall(text)}
        for text in strings:
            used = set(PLACEHOLDER.findall(text))
            if not used <= wanted or (len(ids) == 1 and used != wanted):
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
            if lang == "km" and script_language(text) != "km":
                problems.append(f"not Khmer: {msgid!r} -> {text!r}")
            if lang == "vi" and text == msgid and msgid not in SAME_IN_VIETNAMESE:
                problems.append(f"left in English: {msgid!r}")
            if "/" in msgid:
                for command in re.findall(r"/[a-z]+", msgid):
                    if command not in text:
                        problems.append(f"command {command} lost: {msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_translations_are_used() -> None:
    catalogs = Catalogs()
    km, vi, en = (catalogs.translator(lang) for lang in ("km", "vi", "en"))
    assert script_language(km.gettext("Choose your language:")) == "km"
    assert vi.gettext("Choose your language:") != "Choose your language:"
    assert en.gettext("Choose your language:") == "Choose your language:"
    assert catalogs.translator("fr").lang == "en"


def test_plurals_and_numbers() -> None:
    catalogs = Catalogs()
    en = catalogs.translator("en")
    assert en.hours(1) == "1 hour"
    assert en.hours(1.5) == "1.5 hours"
    assert en.hours(120) == "120 hours"
    vi = catalogs.translator("vi")
    assert "1,5" in vi.hours(1.5)  # Vietnamese decimal comma
    km = catalogs.translator("km")
    assert "120" in km.hours(120) and script_language(km.hours(120)) == "km"


def test_money_per_locale() -> None:
    catalogs = Catalogs()
    km, vi, en = (catalogs.translator(lang) for lang in ("km", "vi", "en"))
    assert km.money(150000, "KHR") == "150,000៛"
    assert vi.money(1500000, "VND") == "1.500.000\xa0₫"
    assert en.money(1500000, "VND") == "1,500,000 VND"
    assert en.money(25, "USD") == "$25"
    assert en.money(25.5, "USD") == "$25.50"
    assert vi.money(25.5, "USD") == "25,50 USD"  # not "US$"
    assert vi.money(720000, "KHR") == "720.000 riel"
    assert en.money(40000, "KHR") == "40,000 riel"  # not "KHR40,000"


def test_dates_per_locale() -> None:
    catalogs = Catalogs()
    day = dt.date(2027, 3, 9)
    assert catalogs.translator("en").date(day) == "9 Mar 2027"  # no comma to clash with a list's
    assert catalogs.translator("vi").date(day) == "09/03/2027"  # not "9 thg 3, 2027"
    assert "មីនា" in catalogs.translator("km").date(day)


def test_language_detection() -> None:
    assert negotiate("km-KH") == "km"
    assert negotiate("vi") == "vi"
    assert negotiate("en-US") == "en"
    assert negotiate("fr") is None
    assert negotiate(None) is None
    assert script_language("ខ្ញុំចង់រៀន") == "km"
    assert script_language("muốn học sửa xe máy") == "vi"
    assert script_language("muon hoc sua xe may") is None  # could be English or untoned Vietnamese
    assert script_language("hotel job") is None


def test_compiled_catalog_follows_the_po_file(tmp_path: Path) -> None:
    """A stale .mo is rebuilt: the .po is the only source of truth."""
    folder = tmp_path / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)

    def write(translation: str) -> None:
        catalog = Catalog(locale="vi")
        catalog.add("Cancel", translation)
        with (folder / "messages.po").open("wb") as fh:
            write_po(fh, catalog)

    write("Hủy")
    assert load_catalogs(tmp_path)["vi"].gettext("Cancel") == "Hủy"
    assert (folder / "messages.mo").exists()
    write("Thôi")
    os.utime(folder / "messages.mo", (0, 0))  # older than the edited .po
    assert load_catalogs(tmp_path)["vi"].gettext("Cancel") == "Thôi"
    assert isinstance(load_catalogs(tmp_path)["km"], NullTranslations)  # no catalog: source strings
