"""The most a learner can pay, as they say it: "under $50", "toi chi co 10tr", "tầm 3-5 triệu em lo
được", "trên 10 triệu là em chịu", "ថវិកាខ្ញុំមាន៣សែនរៀល", "around 100 dollar is ok for me".

An amount is a budget when a word before it says so (under, only have, budget, chỉ có, tầm, មានតែ, …) or
a word after it accepts or refuses it (is ok, lo được, thì thôi, ល្មម); what one has counts only with
money in it ("chỉ có 10tr", not "chỉ có 2 người"); money one earns or owes is not a budget ("I get 200$ a
month", "bán bò được 20tr"). A range ("20$ទៅ30$", "3-5 triệu") is read as its upper end. Matching is
on folded text (lower case, no tone marks, ASCII digits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_NUM = r"\d+(?:[.,]\d+)*"
_UNIT = (r"k|nghin|ngan|trieu|tr|cu|million|thousand|m|usd|dollars?|do|\$|riels?|khr|vnd|dong|d"
         r"|ដុល្លារ|ដុល្លា|រៀល|លាន|ពាន់|ម៉ឺន|សែន|ដុង")
_CURRENCY = r"vnd|dong|d|riels?|khr|usd|dollars?|រៀល|ដុល្លារ|ដុល្លា|ដុង"
_AMOUNT = (rf"(?P<pre>\$|usd\s*)?(?P<num>{_NUM})"
           rf"(?:\s*(?:\$|usd|dollars?|do)?\s*(?:-|–|to|den|toi|ទៅ|ដល់)\s*(?:\$\s*)?(?P<upper>{_NUM}))?\s*"
           rf"(?P<unit>{_UNIT})?(?P<dec>(?<=tr)\d)?(?:\s*(?P<cur>{_CURRENCY}))?(?![a-z])")
# A cap before the amount: the amount is the budget whatever its unit.
_CAP = (r"(?<![a-z])(?:under|below|less than|max|maximum|up to|at most|no more than|not more than|not over"
        r"|cheaper than|duoi|toi da|khong qua|it hon|re hon|khong vuot qua)"
        r"|(?:ក្រោម|មិនលើស|តិចជាង|យ៉ាងច្រើន|ថោកជាង)(?:ពី)?")
# What one has or can pay: a budget only with money in it.
_HAVE = (r"(?<![a-z])(?:only have|have only|just have|i have|i only have|budget(?: is| of| around| about)?"
         r"|can pay|can spend|around|about|price|fee|fees|chi co(?: tam| khoang)?|co(?: tam| khoang)|tam|khoang"
         r"|hoc phi(?: tam| khoang)?|ngan sach(?: la)?|co the tra)"
         r"|(?:មានតែ|មានលុយតែ|មានលុយ|ខ្ញុំមាន|មានត្រឹម|ត្រឹម|ថវិកា(?:ខ្ញុំ)?(?:មាន)?|អាចបង់|បង់បាន(?:ខែ)?|តម្លៃ)"
         r"(?:បាន)?(?:ប្រហែល|ប្រហែរ)?|ប្រហែល|ប្រហែរ")
_BEFORE = re.compile(rf"(?:(?P<cap>{_CAP})|(?P<have>{_HAVE}))\s*(?:ពី)?\s*{_AMOUNT}")
# After the amount: it is fine, or the most ("… là em chịu", "… thì thôi", "… is ok for me").
_AFTER = re.compile(rf"(?<![0-9a-z]){_AMOUNT}\s*(?:(?:la|thi)\s*(?:e|em|toi|minh)?\s*(?:chiu|thoi)"
                    r"|(?:e|em|toi|minh)?\s*lo (?:duoc|dc|noi)|is ok|is okay|ok for me|is enough|is fine"
                    r"|thoi(?![a-z])|ល្មម|គឺល្មម|(?:ខ្ញុំ)?អាចចាយបាន|(?:ខ្ញុំ)?អាចបង់បាន)")
_OVER = re.compile(r"(?<![a-z])(?:tren|hon|qua)\s*$")  # "trên 10 triệu là em chịu": above it, no
_EARNED = re.compile(r"(?<![a-z])(?:a month|per month|/month|monthly|salary|luong|thu nhap|kiem|earn|earns|get|got"
                     r"|ban\b.{0,20}duoc|ban\b.{0,20}dc|no|vay|debt|owe)(?![a-z])|ចំណូល|ប្រាក់ខែ|ជំពាក់|បំណុល")
_MILLION = ("trieu", "tr", "cu", "million", "m", "លាន")
_THOUSAND = ("k", "nghin", "ngan", "thousand", "ពាន់")


def number(raw: str) -> float:
    """'1,000,000' / '1.000.000' / '1.5' → float (a separator followed by 3 digits is a thousands mark)."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        return float(re.sub(r"[.,]", "", raw))
    return float(raw.replace(",", "."))


def money(amount: float, prefix: str | None, unit: str | None, language: str,
          currency: str | None = None) -> tuple[float, str]:
    """An amount and the words around it as (amount, ISO currency); a bare large number is the
    currency of the goal's language (riel in Khmer, dong in Vietnamese)."""
    unit = (unit or "").strip()
    if currency and unit in (*_MILLION, *_THOUSAND, "ម៉ឺន", "សែន") and currency != unit:
        # "2 million dong", "40 ពាន់រៀល": the multiplier, then the currency
        scaled, _ = money(amount, None, unit, language)
        return money(scaled, None, currency, language)
    if prefix or unit in ("usd", "dollar", "dollars", "$", "do", "ដុល្លារ", "ដុល្លា"):
        return amount, "USD"
    if unit in ("riel", "riels", "khr", "រៀល"):
        return amount, "KHR"
    amount *= {"ម៉ឺន": 10_000, "សែន": 100_000, **dict.fromkeys(_THOUSAND, 1000),
               **dict.fromkeys(_MILLION, 1_000_000)}.get(unit, 1)
    if unit in ("vnd", "dong", "d", "nghin", "ngan", "trieu", "tr", "cu", "ដុង"):
        return amount, "VND"
    if unit in ("ម៉ឺន", "សែន") or (language == "km" and amount >= 1000):
        return amount, "KHR"
    if language == "vi" and amount >= 1000:
        return amount, "VND"
    return amount, "USD"


def budgets(folded: str, language: str) -> Iterator[tuple[float, str, tuple[int, int]]]:
    """Each budget the goal states: (amount, currency, where), in the order written."""
    found = []
    for m in _BEFORE.finditer(folded):
        if m.group("have") and not (m.group("pre") or m.group("unit") or m.group("cur")):
            continue
        found.append(m)
    for m in _AFTER.finditer(folded):
        if (m.group("pre") or m.group("unit") or m.group("cur")) and not any(
                f.start() <= m.start() < f.end() for f in found):
            found.append(m)
    for m in sorted(found, key=lambda m: m.start()):
        start = m.start("num") - (len(m.group("pre")) if m.group("pre") else 0)
        if m.re is _AFTER and _OVER.search(folded[max(0, start - 8):start]) is None and _EARNED.search(
                folded[max(0, start - 30):start]):
            continue  # "bán bò được 20tr": money they have had, not what they can pay
        if m.group("unit") == "do" and not re.match(r"\s*(?:thoi|la|[.,!?]|$)", folded[m.end("unit"):]):
            continue  # "do" is "because" unless it ends the phrase ("50 đô thôi")
        raw = m.group("upper") or m.group("num")
        value = number(raw) + (int(m.group("dec")) / 10 if m.group("dec") else 0)
        amount, currency = money(value, m.group("pre"), m.group("unit"), language, m.group("cur"))
        yield amount, currency, m.span()
