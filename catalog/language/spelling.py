"""English typing slips in goals ("web developement", "barrista", "mecanic"), mended before matching.

Learners here often write English as a second or third language on a phone keyboard. A word that
neither the catalog nor the thesaurus knows is replaced by a thesaurus word a slip away: the same
first letter (slips rarely change it) and one edit, or two for long words. Short words are left alone:
they have too many neighbours, and Vietnamese typed without tone marks is made of short syllables.
The distance comes from rapidfuzz, a maintained C++ implementation, rather than a Python loop over
thousands of words per goal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from catalog.language.concepts import thesaurus
from catalog.language.tokens import STOPWORDS

MIN_LETTERS = 7  # shorter words are left as typed
TWO_EDITS_LETTERS = 10  # from this length on, two edits are a slip
_WORD = re.compile(r"[A-Za-z]+")


class Speller:
    """Mends long words a slip away from a target word (the thesaurus's English words)."""

    def __init__(self, targets: Iterable[str]) -> None:
        self._by_first: dict[str, list[str]] = {}
        for word in sorted({w.lower() for w in targets if w.isascii() and w.isalpha()}):
            if len(word) >= MIN_LETTERS - 1:
                self._by_first.setdefault(word[0], []).append(word)
        self._known = {w for words in self._by_first.values() for w in words}

    def correct(self, text: str, known: Callable[[str], bool] = lambda _w: False) -> str:
        """``text`` with each long Latin word that is not ``known`` (nor a target) and is a slip away
        from a target replaced by it."""
        def mend(m: re.Match[str]) -> str:
            word = m.group()
            low = word.lower()
            if len(low) < MIN_LETTERS or low in self._known or known(low):
                return word
            best = process.extractOne(low, self._by_first.get(low[0], ()), scorer=Levenshtein.distance,
                                      score_cutoff=1 + (len(low) >= TWO_EDITS_LETTERS))
            return best[0] if best else word
        return _WORD.sub(mend, text)


@cache
def english_speller() -> Speller:
    """Mends slips towards the thesaurus's English words (read-only data, built once per process)."""
    return Speller(thesaurus().english_words() | {w for w in STOPWORDS if w.isalpha()})
