"""When a learner can study, as they say it rather than as a timetable names it.

Learners rarely write "evening class"; they write when they are free: "Free from 6pm every day",
"6h chiều trở đi em mới rảnh", "យប់ទំនេរ", "chỉ học buổi sáng được", "ឈប់តែថ្ងៃអាទិត្យ", "t7 cn". This
module reads such sentences as the course schedules they allow: ``evenings``, ``weekdays`` (daytime
classes) or ``weekends``. It reads only what the learner says about their own free time or study time;
when they work ("I work nights as a guard") is their situation, and the judges of the evaluation sets
read it as no condition either, so it is left alone.

All matching is on folded text (lower case, no tone marks, ASCII digits); ``written`` (the same text
before folding, position for position) tells Vietnamese "tối" (evening) from "tôi" (I).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from catalog.language.text import has_khmer
from catalog.language.text import phrases_pattern as _alt

EVENINGS, DAYTIME, WEEKENDS = ("evenings",), ("weekdays",), ("weekends",)

# What says that the time near it is when they are free ("Free from 6pm", "tối mới rảnh", "យប់ទំនេរ") …
_FREE = _alt("free", "only", "available", "can study", "can learn", "can come", "can go", "can attend",
             "have time", "ranh", "moi ranh", "chi ranh", "hoc duoc", "hoc dc", "co thoi gian", "co time",
             "ទំនេរ", "អាចរៀន", "រៀនបាន", "ទើបរៀនបាន", "មានពេល")
# … and what says it only right beside it ("học buổi sáng", "study in the evening", "រៀនពេលព្រឹក"): a time
# a few words away from "learn" is as often when they sell or work ("ចង់រៀនធ្វើម្ហូបលក់ពេលព្រឹក").
_STUDY = _alt("study", "learn", "class", "classes", "course", "hoc", "lop", "khoa", "di hoc", "រៀន", "ថ្នាក់", "វគ្គ")
# Times of day; "toi" (evening) only where tone marks or the words around say it is not "tôi" (I).
_EVENING_WORDS = _alt("evening", "evenings", "night", "nights", "tonight", "late at night", "after work",
                      "buoi toi", "ban dem", "buoi dem", "khuya", "dem", "ល្ងាច", "យប់", "ពេលល្ងាច", "ពេលយប់")
_DAY_WORDS = _alt("morning", "mornings", "afternoon", "afternoons", "daytime", "during the day", "day time",
                  "lunch time", "lunchtime", "noon", "buoi sang", "sang", "buoi chieu", "chieu", "buoi trua",
                  "trua", "ban ngay", "ព្រឹក", "ពេលព្រឹក", "រសៀល", "ពេលរសៀល", "ថ្ងៃត្រង់", "ពេលថ្ងៃ")
UNTIL = re.compile(r"(?:(?<![a-z])(?:until|till|til|to|den|toi)|ដល់|រហូតដល់)\s*$")

# A clock hour after which (or from which) they are free: "after 6pm", "từ 18h", "sau 9h tối",
# "ក្រោយម៉ោង៥ល្ងាច", "6h chiều trở đi", "6pm onwards".
_FROM_HOUR = re.compile(
    r"(?:(?<![a-z])(?:after|from|since|sau|tu)|ក្រោយ|ចាប់ពី|ពី)\s*(?P<clock>ម៉ោង\s*)?(?P<h1>\d{1,2})(?P<min1>[:h.]\d{2})?\s*"
    r"(?P<unit1>h|gio|giờ|o'clock|ម៉ោង)?\s*(?P<mark1>pm|am|p\.m\.|a\.m\.|toi|chieu|sang|dem|ល្ងាច|យប់|ព្រឹក|រសៀល)?"
    r"|(?P<h2>\d{1,2})(?P<min2>[:h.]\d{2})?\s*(?P<unit2>h|gio)?\s*(?P<mark2>pm|toi|chieu|ល្ងាច|យប់)?\s*"
    r"(?:tro di|tro ve sau|onwards|onward|and later|ឡើងទៅ)(?![a-z])")
# An hour of the evening, wherever it stands: "lúc con ngủ tầm 10h đêm", "at 7pm".
_EVENING_HOUR = re.compile(r"(?<![0-9])(\d{1,2})(?:[:h.]\d{2})?\s*(?:h|gio)?\s*(?:pm|p\.m\.|toi|dem|ល្ងាច|យប់)"
                           r"(?![a-z])(?!\s*\d)|(?:ល្ងាច|យប់)\s*ម៉ោង\s*(\d{1,2})")
# A Khmer day off, the day named with or without ថ្ងៃ: "ឈប់តែអាទិត្យ", "ឈប់សម្រាកតែថ្ងៃពុធ".
_KH_DAY_OFF = re.compile(r"(?:ឈប់|សម្រាក)(?:សម្រាក)?\s*(?:តែ|មួយ)?\s*(?:ថ្ងៃ)?\s*"
                         "(?:(?P<end>អាទិត្យ|សៅរ៍)|(?P<week>ច័ន្ទ|អង្គារ|ពុធ|ព្រហស្បតិ៍|សុក្រ))")
# Saturday and Sunday as chat shortens them ("t7 cn", "t7, cn"), and Khmer in Latin letters.
_WEEKEND_SHORT = re.compile(r"(?<![a-z0-9])t7\s*(?:,|-|/|&|va|voi|và)?\s*cn(?![a-z0-9])"
                            r"|(?<![a-z])(?:thngai\s+)?(?:sau|saur)\s+(?:nung|ning|and|&|ning\s+)?\s*(?:thngai\s+)?atit"
                            r"(?![a-z])|(?<![a-z])thngai\s+atit(?![a-z])")
# What says that the day named next is their day off ("off on Sunday", "nghỉ thứ 2", "ឈប់តែថ្ងៃអាទិត្យ"):
# for the day names the goal parser finds itself.
OFF_BEFORE = re.compile(r"(?:(?<![a-z])(?:off|day off|off on|nghi|ngay nghi(?: la)?|nghi moi)"
                        r"|ឈប់(?:សម្រាក)?|សម្រាក)\s*(?:តែ|only|chi|moi|on)?\s*$")
_CLAUSE = re.compile(r"[.!?;។\n]")
_ANY_TIME = re.compile(r"(?<![a-z])(?:gi cung (?:duoc|dc)|nao cung (?:duoc|dc)|any time|anytime|whenever)(?![a-z])"
                       r"|គ្រប់ពេល|ពេលណាក៏បាន|ម៉ោងណាក៏បាន")
_TOI = re.compile(r"(?<![a-z])toi(?![a-z])(?!\s*\d)")  # not "11h30 tới 1h30", until
_RANGE_END = re.compile(r"\s*(?:-|–|to|until|till|den|toi|ដល់)(?![a-z])")
NEAR = 20  # characters between a free word and the time it is about, at most
BESIDE = 2  # … and between a study word and its time; a free word this close cannot be the situation
_CONNECTORS = re.compile(r"(?<![a-z])(?:in the|in|at|on|during|every|vao|luc|buoi|only|chi|moi|thi)(?![a-z])"
                         r"|ពេល|នៅ|តែ|ទើប|បាន")
# A time followed by their work is when they work: "ពេលថ្ងៃខ្ញុំធ្វើការ", "evenings I work at the bar".
_WORK_AFTER = re.compile(r"\s*(?:ខ្ញុំ|i|em|toi|minh)?\s*(?:ធ្វើការ|រកស៊ី|លក់|work|working|sell|lam viec|di lam|ban hang)")


def _evening_hour(hour: int, mark: str | None) -> bool | None:
    """True for an evening hour, False for a daytime one, None when the hour says neither."""
    if mark in ("pm", "p.m.", "toi", "dem", "ល្ងាច", "យប់"):
        return True if hour >= 5 or mark in ("toi", "dem", "ល្ងាច", "យប់") else None
    if mark == "chieu":
        return hour >= 5
    if mark in ("am", "a.m.", "sang", "ព្រឹក", "រសៀល"):
        return False
    return True if 17 <= hour <= 23 else None


def free_times(folded: str, written: str) -> Iterator[tuple[tuple[str, ...], tuple[int, int], bool]]:
    """The schedules the learner's free time allows, each with where the goal says it and whether a
    free or study word stands right beside it ("យប់ទំនេរ", "free in the evening": then it cannot be
    their situation), in the order read; the caller skips the others that turn out to be the learner's
    situation ("ca đêm" at work)."""
    for m in _WEEKEND_SHORT.finditer(folded):
        yield WEEKENDS, m.span(), False
    for m in _KH_DAY_OFF.finditer(folded):
        yield (WEEKENDS if m.group("end") else DAYTIME), m.span(), True
    for m in _FROM_HOUR.finditer(folded):
        n = "1" if m.group("h1") else "2"
        hour, mark = int(m.group("h" + n)), m.group("mark" + n)
        if not (mark or m.group("unit" + n) or m.group("min" + n) or (n == "1" and m.group("clock"))):
            continue  # a bare number is no hour ("ពី២០ឆ្នាំ", twenty years)
        if _evening_hour(hour, mark) and not _RANGE_END.match(folded, m.end()):
            yield EVENINGS, m.span(), False  # not "từ 10h đêm đến 6h sáng", the hours of a night shift
    for start, end in _clauses(folded):
        clause = folded[start:end]
        free = [(start + f.start(), start + f.end(), NEAR) for f in re.finditer(_FREE, clause)]
        free += [(start + f.start(), start + f.end(), BESIDE) for f in re.finditer(_STUDY, clause)]
        if _ANY_TIME.search(clause):
            continue  # "học sáng chiều tối gì cũng được": any time, no condition
        times = [(start + t.start(), start + t.end(), value, False) for words, value in
                 ((_EVENING_WORDS, EVENINGS), (_DAY_WORDS, DAYTIME)) for t in re.finditer(words, clause)]
        times += [(start + t.start(), start + t.end(), EVENINGS, False) for t in _TOI.finditer(clause)
                  if _evening_toi(folded, written, start + t.start())]
        # an evening hour, even as the start of a range when they are free then ("ម៉ោង៧យប់ដល់៩យប់ខ្ញុំទំនេរ")
        times += [(start + t.start(), start + t.end(), EVENINGS, True) for t in _EVENING_HOUR.finditer(clause)
                  if int(t.group(1) or t.group(2)) >= 5]
        near = [(min((_gap(folded, s, e, a, b) for a, b, most in free if _gap(folded, s, e, a, b) <= most),
                     default=None), s, e, value, hour) for s, e, value, hour in times]
        for gap, s, e, value, hour in sorted((n for n in near if n[0] is not None), key=lambda n: n[:2]):
            # the time closest to "free" or "learn" first; none far from them ("… ព្រោះយប់ៗចោរច្រើន")
            if UNTIL.search(folded[max(0, s - 12):s]) or _WORK_AFTER.match(folded, e):
                continue  # "free until evening": the end of their free time; "ពេលថ្ងៃខ្ញុំធ្វើការ"
            if folded[s:e] in ("sang", "chieu", "trua", "dem") and not _vi_time(folded, s):
                continue
            if gap > BESIDE and not hour and has_khmer(folded[s:e]):
                continue  # a Khmer time of day only right beside "ទំនេរ" or "រៀន": Khmer runs words together
            yield value, (s, e), gap <= BESIDE


def _gap(folded: str, s: int, e: int, a: int, b: int) -> int:
    """Characters between a time word (s, e) and a cue (a, b), not counting "in the", "vào", "ពេល", … ."""
    between = folded[e:a] if a >= e else folded[b:s]
    return len(_CONNECTORS.sub("", between).strip())


def _evening_toi(folded: str, written: str, at: int) -> bool:
    """Vietnamese "toi" as "tối" (evening), not "tôi" (I): so written, or after a clock hour or "buổi"."""
    return written[at:at + 3].lower() == "tối" or bool(re.search(r"(?:\d\s*h|hoc|buoi|sang)\s*$", folded[:at])
                                                          or re.match(r"toi\s+thu\s*\d", folded[at:]))


def _vi_time(folded: str, at: int) -> bool:
    """Whether a bare Vietnamese time word ("sáng", "chiều", "trưa", "đêm") is one: after a study or
    free word or a clock hour ("học sáng", "chỉ trưa", "9h sáng"), not inside another word ("sáng tạo")."""
    before = folded[max(0, at - 12):at]
    after = folded[at:at + 12]
    if re.match(r"(?:sang tao|sang kien|sang som|chieu cao|chieu dai|dem lai)", after):
        return False
    return bool(re.search(r"(?:\d\s*h|hoc|chi|ranh|buoi|ca|luc|vao|moi)\s*$", before))


def _clauses(folded: str) -> list[tuple[int, int]]:
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(folded)), len(folded)]
    return [(a, b) for a, b in pairwise(cuts) if b > a]
