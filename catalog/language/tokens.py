"""Language-aware tokens for lexical matching in Khmer, Vietnamese and English.

* Khmer is written without spaces between words: runs of Khmer are segmented with khmer-nltk's
  CRF model. Khmer compounds are often built with a prefix (ការ "-ing", អ្នក "person who",
  ជាង "craftsman"), so such words also yield their stem: "ជាងភ្លើង" matches "ភ្លើង".
* Vietnamese words are one to three space-separated syllables, and learners often omit tone marks:
  syllables are folded ("sửa" → "sua") and adjacent pairs become bigrams ("xe_may").
* English gets the same unigram + bigram treatment with light suffix stripping.

Bump :data:`TOKENIZER_VERSION` whenever the output changes; stored tokens are recomputed then.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable

from catalog.language.text import fold

TOKENIZER_VERSION = 4

_KHMER_RUN = re.compile("[\u1780-\u17dd\u17e0-\u17e9\u19e0-\u19ff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_KH_PUNCT = set("។៕៖ៗ៘៙៚៛")
_KH_PREFIXES = ("ការ", "អ្នក", "ជាង", "សេចក្តី", "ភាព")

# Words that carry no topic in goals or course text. Latin entries are folded (no tone marks).
STOPWORDS: frozenset[str] = frozenset(
    """
    a an the to of for in on at and or with by from as is are be been am i im i'm me my we our you your
    it its this that these those some any can could would will should want wants like need needs
    become becoming learn learning study studying course courses class classes training train trainings
    program programme how get find looking look help please about into near around job jobs work skill skills
    toi em anh chi minh ban muon can hoc lam nghe khoa cho va cua o tai de duoc nhung cac mot la co the
    khong ve trong voi tim viec nao gi di thi se dang da rat nhe a oi nhieu it hay hoac tro thanh
    ខ្ញុំ ចង់ រៀន ក្លាយ ក្លាយជា ជា និង នៅ ក្នុង នៃ ដែល ការ សម្រាប់ ពី ទៅ មួយ ឲ្យ អោយ បាន មាន វគ្គ
    វគ្គសិក្សា សិក្សា ការសិក្សា ជំនាញ ការងារ ធ្វើការ ក្នុងការ នឹង គឺ ហើយ ដើម្បី ឬ តើ បង ខ្ញុំបាទ ចាស
    អាច ត្រូវ ពេល ទាំង ផង ដែរ គេ យើង
    """.split()
)

# Intent boilerplate removed from goals before tokenising ("I want to …", "tôi muốn …", "ខ្ញុំចង់ …").
STOP_PHRASES: tuple[str, ...] = tuple(
    sorted(
        (
            fold(p)
            for p in (
                "i want to", "i would like to", "i'd like to", "i wish to", "i am looking for", "i'm looking for",
                "looking for", "how can i", "how do i", "i want", "help me", "can you", "is there", "are there",
                "become a", "become an", "work as a", "work as an", "a job as", "job as a",
                "tôi muốn", "em muốn", "mình muốn", "con muốn", "anh muốn", "chị muốn", "muốn học", "muốn làm",
                "tôi cần", "em cần", "cho tôi", "cho em", "trở thành", "làm nghề", "học nghề", "khóa học",
                "lớp học", "tìm việc", "xin việc làm", "có khóa nào", "có lớp nào",
                "ខ្ញុំចង់", "ខ្ញុំចង់រៀន", "ចង់រៀន", "ចង់ក្លាយជា", "ក្លាយជា", "ខ្ញុំត្រូវការ", "សូមជួយ",
                "ខ្ញុំចង់ធ្វើ", "វគ្គសិក្សា", "តើមានវគ្គ", "ចង់ធ្វើការជា", "ធ្វើការជា",
            )
        ),
        key=len,
        reverse=True,
    )
)

_segment_lock = threading.Lock()
_segmenter = None


def _drop_model_copy() -> None:
    """khmer-nltk unpickles its CRF model into a temporary file that is deleted only if the model
    object is collected, which a killed or exiting process skips: 17 MB left in the temp folder each
    time. The tagger has read the file into memory by now."""
    model = getattr(sys.modules.get("khmernltk.word_tokenize"), "crf_model", None)
    copy = getattr(model, "modelfile", None)
    if copy is not None and getattr(copy, "auto", False) and copy.name:  # a temporary file it made itself
        with contextlib.suppress(OSError):
            os.unlink(copy.name)


def _khmer_words(run: str) -> list[str]:
    """Segment one run of Khmer script (the CRF model loads once, on first use)."""
    global _segmenter
    if _segmenter is None:
        with _segment_lock:
            if _segmenter is None:
                # khmer-nltk logs an INFO line when it loads its model; keep stderr clean.
                logging.disable(logging.INFO)
                try:
                    from khmernltk import word_tokenize

                    word_tokenize("ក")  # loads the CRF model now, inside the muted block
                finally:
                    logging.disable(logging.NOTSET)
                _drop_model_copy()
                _segmenter = word_tokenize
    return [w for w in _segmenter(run) if w.strip() and w not in _KH_PUNCT]


# -ing words that are not the verb they end in: "teach me" is not teaching, "the night market" not marketing
_NO_STEM = frozenset({"marketing", "teaching"})


def _stem(word: str) -> str:
    if word in _NO_STEM:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def strip_stop_phrases(folded: str) -> str:
    """Remove intent boilerplate from an already folded goal."""
    for phrase in STOP_PHRASES:
        if phrase in folded:
            if phrase.isascii():
                folded = re.sub(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", " ", folded)
            else:
                folded = folded.replace(phrase, " ")
    return folded


def words(text: str, *, folded: bool = False) -> list[str]:
    """Folded words in reading order (Khmer segmented, Latin split, English lightly stemmed),
    stop words included: callers decide what to drop."""
    return [w for w, _span in words_with_spans(text if folded else fold(text))]


def words_with_spans(key: str) -> list[tuple[str, tuple[int, int] | None]]:
    """:func:`words` of already-folded text, each Latin word with where it is in ``key`` (Khmer
    words, which the segmenter cuts, with ``None``)."""
    out: list[tuple[str, tuple[int, int] | None]] = []

    def latin(start: int, end: int) -> None:
        out.extend((_stem(m.group()), (start + m.start(), start + m.end()))
                   for m in _LATIN_WORD.finditer(key[start:end]))

    pos = 0
    for match in _KHMER_RUN.finditer(key):
        latin(pos, match.start())
        out.extend((fold(w), None) for w in _khmer_words(match.group()))
        pos = match.end()
    latin(pos, len(key))
    return out


def tokens_from_words(seq: list[str]) -> list[str]:
    """Unigrams without stop words, Khmer prefix stems, and bigrams of neighbouring Latin words."""
    out: list[str] = []
    for i, w in enumerate(seq):
        if w not in STOPWORDS:
            out.append(w)
            if not w.isascii():
                for prefix in _KH_PREFIXES:
                    if w.startswith(prefix) and len(w) > len(prefix) + 1:
                        stem = w[len(prefix) :]
                        if stem not in STOPWORDS:
                            out.append(stem)
        if i + 1 < len(seq):
            nxt = seq[i + 1]
            if w.isascii() and nxt.isascii() and not (w in STOPWORDS and nxt in STOPWORDS):
                out.append(f"{w}_{nxt}")
    return out


def tokenize(text: str) -> list[str]:
    """Tokens of a course text for the lexical index."""
    return tokens_from_words(words(text))


def tokenize_goal(text: str) -> list[str]:
    """Tokens of a learner's goal: boilerplate phrases removed first."""
    return tokens_from_words(words(strip_stop_phrases(fold(text)), folded=True))


def phrase_tokens(phrases: Iterable[str]) -> list[set[str]]:
    """Token sets (words and syllable pairs) of short phrases (skills, keywords), used to explain and
    check matches."""
    return [set(tokenize(p)) for p in phrases]
