"""Text normalisation shared by ingest, the lexical index and goal parsing.

Two levels:

* :func:`normalize` makes one canonical *encoding* of the same visible text (Unicode NFC, no
  zero-width or invisible characters, Khmer typing variants repaired). Providers' text is stored
  in this form, with the original kept for display.
* :func:`fold` is a lossy *matching key*: lower case, Vietnamese tone marks and ``đ`` removed,
  Khmer coeng-DA / coeng-TA merged. Learners type "sua xe may" for "sửa xe máy" and both spellings
  of "បណ្តុះបណ្តាល" occur, so both sides of every lexical comparison are folded.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from typing import Generic, TypeVar

from rapidfuzz.distance import Levenshtein

# Zero-width and invisible characters that change tokens but not what a reader sees. ZWSP is
# used in Khmer as an optional word-break hint; we turn it into nothing (segmentation finds words).
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u17b4\u17b5\u180e"), None
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_COENG = "\u17d2"
_KH_CONS = "\u1780-\u17a2"
_KH_SIGNS = "\u17b6-\u17d1\u17dd"  # dependent vowels, signs, register shifters
_KH_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Deprecated independent vowels.
    (re.compile("\u17a3"), "\u17a2"),
    (re.compile("\u17a4"), "\u17a2\u17b6"),
    # Split vowels typed as two parts: េ + ី → ើ, េ + ា → ោ.
    (re.compile("\u17c1\u17b8"), "\u17be"),
    (re.compile("\u17c1\u17b6"), "\u17c4"),
    # NIKAHIT typed before AA: ំ + ា → ាំ.
    (re.compile("\u17c6\u17b6"), "\u17b6\u17c6"),
    # A vowel or sign typed before the subscript consonant belongs after it: សិទិ្ធ → សិទ្ធិ.
    (re.compile(f"([{_KH_SIGNS}]+)({_COENG}[{_KH_CONS}])"), r"\2\1"),
    # Subscript RO goes last among subscripts: ស្រ្ត → ស្ត្រ.
    (re.compile(f"({_COENG}\u179a)({_COENG}[{_KH_CONS}])"), r"\2\1"),
    # The same sign typed twice.
    (re.compile(f"([{_KH_SIGNS}])\\1+"), r"\1"),
    # Vowel U (ុ) typed for TRIISAP (៊) under an upper vowel, which looks the same: ស + ុ + ី → ស៊ី.
    (re.compile("\u17bb([\u17b7-\u17ba\u17be])"), "\u17ca\\1"),
)
_KHMER_RANGE = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_LATIN_MARKS = re.compile("[\u0300-\u036f]")
_KH_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def normalize(text: str) -> str:
    """Canonical encoding of ``text``: NFC, invisible characters removed, Khmer variants repaired,
    runs of spaces collapsed and ends trimmed. Idempotent."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    if _KHMER_RANGE.search(text):
        for pattern, repl in _KH_FIXES:
            text = pattern.sub(repl, text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return text.strip()


def fold(text: str) -> str:
    """Matching key: normalised, lower-cased, Latin diacritics and ``đ`` removed, Khmer coeng-DA
    folded to coeng-TA and Khmer digits made ASCII."""
    text = normalize(text).lower()
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("ð", "d")
    return text.replace(_COENG + "\u178a", _COENG + "\u178f").translate(_KH_DIGITS)


def has_khmer(text: str) -> bool:
    return bool(_KHMER_RANGE.search(text))


_VI_LETTERS = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def script_language(text: str) -> str | None:
    """``km`` or ``vi`` when the script says so (Khmer letters; Vietnamese letters with marks), else
    ``None``: plain Latin text could be English or Vietnamese typed without tone marks."""
    if has_khmer(text):
        return "km"
    if _VI_LETTERS.search(text):
        return "vi"
    return None


def guess_language(text: str) -> str | None:
    """Best guess of ``km``/``vi``/``en`` from the script alone; ``None`` when there is no letter.

    Unaccented Vietnamese cannot be told from English by script, so callers that care (goal
    parsing) also look for Vietnamese stop phrases."""
    by_script = script_language(text)
    if by_script:
        return by_script
    if re.search(r"[A-Za-z]", text):
        return "en"
    return None


_TONES = {"\u0300": "`", "\u0301": "'", "\u0303": "~", "\u0309": "?", "\u0323": "."}


def spelling(label: str) -> str:
    """A toned spelling with the tone mark taken off its vowel and put after the syllable, so that the
    old placement (Hoá, Khánh Hoà) and the new one (Hóa, Khánh Hòa) are the same spelling."""
    words = re.sub(r"[\s-]+", " ", normalize(label).lower()).strip().split(" ")
    out = []
    for word in words:
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(_TONES[ch] for ch in decomposed if ch in _TONES)
        bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
        out.append(bare + tones)
    return " ".join(out)


def phrases_pattern(*phrases: str) -> str:
    """Regex alternative of phrases, folded, longest first; ASCII ones only as whole words (spaces
    also match hyphens or nothing: "full time", "full-time", "fulltime")."""
    parts = []
    for p in sorted({fold(x) for x in phrases}, key=len, reverse=True):
        esc = re.escape(p).replace(r"\ ", r"[\s-]*")
        parts.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if p.isascii() else esc)
    return "|".join(parts)


def khmer_syllable_starts(run: str) -> list[int]:
    """Where Khmer orthographic syllables begin in a run of Khmer: at a consonant or independent vowel
    that is not written below another (after COENG). Matching on these, not on a segmenter's word
    guesses, never starts or ends a name in the middle of a written syllable."""
    return [i for i, ch in enumerate(run) if "\u1780" <= ch <= "\u17b3" and (i == 0 or run[i - 1] != _COENG)]


# Khmer letters learners swap for one another, one class each: the two series of a consonant (ក/គ),
# aspirated and plain (ក/ខ), retroflex and dental (ដ/ត, ណ/ន); independent vowels stand for their sound,
# and NIKAHIT (ំ) for the m it sounds (កុំព្យូទ័រ / ខមភ្យូទ័រ).
_KH_SOUND_GROUPS = ("កខគឃ", "ង", "ចឆជឈ", "ញ", "ដឋឌឍតថទធ", "ណន", "បផពភ", "ម", "យ", "រឫឬ", "លឡឭឮ", "វ",
                    "សឝឞ", "ហ", "អឣឤឥឦឧឨឩឪឯឰឱឲឳ")
_KH_SOUND = {ch: group[0] for group in _KH_SOUND_GROUPS for ch in group} | {"\u17c6": "ម"}  # ំ sounds m
T = TypeVar("T")
NEAR_MIN_SOUNDS = 4  # a shorter consonant frame is shared by too many words
NEAR_VOWEL_SOUNDS = 5  # from this many consonants on, one vowel or sign may differ (else only consonants)
NEAR_LONG_SOUNDS = 7  # from this many, two
_KH_QUIET = dict.fromkeys(map(ord, "\u17d2\u17c9\u17ca\u17cb"), None)  # COENG, register shifters, BANTOC


def _khmer_loose(text: str) -> str:
    """Khmer text with consonants by sound class and the marks learners leave out dropped."""
    return "".join(_KH_SOUND.get(ch, ch) for ch in text.translate(_KH_QUIET))


def khmer_sound(run: str) -> str:
    """The consonant frame of Khmer text: its consonants (subscripts included) by sound class, vowels
    and signs dropped. Misspelt Khmer mostly keeps it: vowel and sign variants, a subscript typed as
    another letter of its class, a final consonant of the other series."""
    return "".join(_KH_SOUND.get(ch, "") for ch in run)


class KhmerNear(Generic[T]):
    """Khmer names found in text despite the misspellings learners make: the same consonant frame
    (:func:`khmer_sound`) of at least :data:`NEAR_MIN_SOUNDS` sounds and, consonants taken by sound, the
    same vowels, or one vowel or sign changed in a longer frame, two in a long one. More would be
    another word: សម្រាប់ (for) is one vowel from សៀមរាប, ធ្វើការការិ(យាល័យ) three from ធ្វើការកូរ៉េ."""

    def __init__(self, labels: list[tuple[str, T]]) -> None:
        self._by_sound: dict[str, list[tuple[str, str, T]]] = {}
        for label, value in labels:
            sound = khmer_sound(label)
            if len(sound) >= NEAR_MIN_SOUNDS:
                self._by_sound.setdefault(sound, []).append((label, _khmer_loose(label), value))
        self._longest = max(map(len, self._by_sound), default=0)

    def find(self, run: str) -> list[tuple[int, int, T]]:
        """(start, end, value) for each span of a Khmer ``run`` from one syllable start to another that
        is near a label and not spelled as it."""
        if not self._by_sound:
            return []
        starts = [*khmer_syllable_starts(run), len(run)]
        sounds = [khmer_sound(run[a:b]) for a, b in pairwise(starts)]
        out = []
        for a in range(len(sounds)):
            sound = ""
            for b in range(a, len(sounds)):
                sound += sounds[b]
                if len(sound) > self._longest:
                    break
                candidates = self._by_sound.get(sound, ())
                if not candidates:
                    continue
                written = run[starts[a]:starts[b + 1]]
                typed = _khmer_loose(written)
                allowed = (len(sound) >= NEAR_VOWEL_SOUNDS) + (len(sound) >= NEAR_LONG_SOUNDS)
                for label, loose, value in candidates:
                    if label != written and Levenshtein.distance(loose, typed, score_cutoff=allowed) <= allowed:
                        out.append((starts[a], starts[b + 1], value))
        return out
