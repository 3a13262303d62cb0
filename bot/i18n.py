"""Translations (gettext catalogs in ``locales/``) and locale-aware formatting with Babel.

The ``.po`` files are the source of truth. :func:`load_catalogs` compiles each one to a ``.mo`` next to
it when the ``.mo`` is missing or older (the first run of the install/test commands does this), and
falls back to compiling in memory on a read-only checkout, so a stale binary is never used.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from catalog.courses.schema import LANGUAGES

DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGE_NAMES = {"km": "ខ្មែរ", "vi": "Tiếng Việt", "en": "English"}  # each in its own script, never translated
WHOLE_CURRENCIES = ("KHR", "VND")  # riel and dong are never written with decimals
# Money as people write it where the locale's currency symbol misleads or runs into the number.
MONEY_UNITS = {("vi", "USD"): "USD", ("vi", "KHR"): "riel", ("en", "KHR"): "riel", ("en", "VND"): "VND"}
DATE_FORMATS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}  # Khmer's medium form is already unambiguous


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


def _compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=po_path.parent.parent.name, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def load_catalogs(locales_dir: Path = LOCALES_DIR) -> dict[str, NullTranslations]:
    """One translations object per supported language (English falls back to the source strings)."""
    out: dict[str, NullTranslations] = {}
    for lang in LANGUAGES:
        po = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.exists():
            out[lang] = NullTranslations()
            continue
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            data = _compiled(po)
            try:
                mo.write_bytes(data)
            except OSError:  # read-only install: use the in-memory compilation
                out[lang] = Translations(io.BytesIO(data), domain=DOMAIN)
                continue
        with mo.open("rb") as fh:
            out[lang] = Translations(fh, domain=DOMAIN)
    return out


def negotiate(language_code: str | None) -> str | None:
    """Map Telegram's IETF tag ("km-KH", "vi", "en-US") to a supported language, or None."""
    if not language_code:
        return None
    return negotiate_locale([language_code.replace("-", "_")], list(LANGUAGES), sep="_")


@dataclass(frozen=True)
class Translator:
    """gettext plus Babel formatting for one language; cheap to pass around."""

    lang: str
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.lang, decimal_quantization=False)

    def money(self, amount: float, currency: str) -> str:
        """Riel and dong without decimals, dollars with cents only when there are any; where the
        locale's symbol reads badly ("KHR720,000", "60 US$"), the number and the unit people say."""
        unit = MONEY_UNITS.get((self.lang, currency))
        if unit is not None:
            digits = 0 if currency in WHOLE_CURRENCIES or float(amount).is_integer() else 2
            number = format_decimal(round(amount, digits), format="#,##0" + (".00" if digits else ""),
                                    locale=self.lang)
            return f"{number} {unit}"
        pattern = self.locale.currency_formats["standard"].pattern.split(";")[0]
        if currency in WHOLE_CURRENCIES or float(amount).is_integer():
            pattern = pattern.replace("#,##0.00", "#,##0")
        return format_currency(amount, currency, format=pattern, locale=self.lang, currency_digits=False)

    def date(self, value: dt.date) -> str:
        """A date no one can misread, also in a list ("11/01/2027 · 08/03/2027", not "11 thg 1, 2027")."""
        return format_date(value, format=DATE_FORMATS.get(self.lang, "medium"), locale=self.lang)

    def hours(self, value: float) -> str:
        return self.ngettext("{n} hour", "{n} hours", int(value) if float(value).is_integer() else 2).format(
            n=self.number(value))


class Catalogs:
    """All languages' translations, loaded once at start."""

    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._by_lang = load_catalogs(locales_dir)

    def translator(self, lang: str | None) -> Translator:
        lang = lang if lang in self._by_lang else DEFAULT_LANGUAGE
        return Translator(lang, self._by_lang[lang])
