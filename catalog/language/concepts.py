"""A multilingual thesaurus of occupations and skills (``data/concepts.json``): the shared meaning
between a learner's words and a course's, whatever language either is written in.

Each concept has labels in Khmer, Vietnamese and English, plus colloquial words, English loanwords
written in Khmer script, frequent misspellings and Vietnamese typed without tone marks; an occupation is
linked to the skills it needs. Both sides are tagged the same way: a goal, when it is read, and a course,
when the catalog is loaded, so that a Khmer goal reaches a course described only in English through a
concept they share, and a course that shares no concept with a goal that has some is not presented as
a match.

Matching is on whole words: text and labels are cut into the same folded words (Khmer segmented,
Vietnamese tone marks and case dropped, English lightly stemmed), and a label matches a run of
consecutive words, its Khmer words joined without spaces so that the segmenter's choices on either side
do not matter; an English label also matches the way learners turn it round ("water pump repair":
"fix my water pump"; "car mechanic": "mechanic car", head first as in Khmer and Vietnamese) or put
an object inside it ("sell online": "sell my cakes online"). A Khmer label of two syllables or more
also matches wherever it starts and ends on syllable boundaries, since Khmer is written without spaces
and the segmenter may glue a label to the word before it. To add a term, put it in the concept's labels
or variants; ``tests/catalog/language/test_concepts.py`` checks the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from catalog.language.text import KhmerNear, fold, normalize, spelling
from catalog.language.text import khmer_syllable_starts as _syllable_starts  # "ជាងភ្លើង" however it was cut
from catalog.language.tokens import tokenize, words, words_with_spans

MAX_LABEL_WORDS = 8
CROSS_CUTTING = 6  # a skill linked to more concepts than this is shared by too many to relate them
TAGGER_VERSION = 5  # bump when the matching itself changes (the data's hash covers the data)
_KHMER_RUN = re.compile("[\u1780-\u17dd]+")
# English names a skill as "<thing> <action>" ("water pump repair") where learners write the verb first
# ("repair water pump", "fix my motorbike"): each such label also matches as the verb (any of these
# forms), a determiner or none, then the thing.
_INVERTED = {
    # ជួសជុល in Latin letters as Khmer chat spells it ("jos jul moto")
    "repair": ("repair", "repairing", "fix", "fixing", "jos jul", "josjul", "chos chul", "chous chul", "jous jul"),
    "making": ("make", "making"),
    "farming": ("farm", "farming", "raise", "raising"), "raising": ("raise", "raising"),
    "growing": ("grow", "growing", "plant", "planting"), "installation": ("install", "installing"),
    "maintenance": ("maintain", "maintaining"), "design": ("design", "designing"), "cooking": ("cook", "cooking"),
    "weaving": ("weave", "weaving"), "production": ("produce", "producing"), "processing": ("process", "processing"),
    "driving": ("drive", "driving"), "cutting": ("cut", "cutting"), "editing": ("edit", "editing"),
    "selling": ("sell", "selling"), "sewing": ("sew", "sewing"), "baking": ("bake", "baking"),
    "care": ("care for", "caring for", "take care", "take care of", "taking care of", "look after", "looking after"),
}
# A two-word English label also matches with up to MAX_GAP words between ("sell it online", "repair my old
# phone"), in one clause, and none of them a word that starts another phrase ("sell vegetables at the
# market, and online" is no online selling).
MAX_GAP = 2
_CLAUSE_MARK = re.compile(r"[.,;:!?()]")
_GAP_STOPS = {"and", "or", "but", "for", "to", "in", "at", "with", "because", "so", "then", "than", "of", "not", "no",
              "from", "is", "are", "was", "i", "we", "want", "like", "can", "need", "learn"}
_DETERMINERS = ("", "the", "a", "my", "our", "his", "her", "their", "some")


@dataclass(frozen=True)
class Concept:
    id: str
    fields: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]  # km, vi, en
    variants: tuple[str, ...]
    related: tuple[str, ...]
    broader: tuple[str, ...] = ()  # the more general occupations this one is a kind of (truck driver: driver)
    # trades next to this one whose courses are related, although neither is a kind or a skill of the other
    # (tailor, sewing machine operator): unlike ``related``, they never decide which mention is broader
    neighbours: tuple[str, ...] = ()

    @property
    def occupation(self) -> bool:
        return self.id.startswith("occ.")

    def label(self, lang: str) -> str:
        """The concept's name in ``lang`` (the first label; English when it has none)."""
        names = self.labels.get(lang) or self.labels.get("en") or (self.id,)
        return names[0]


def _outside(matches: list[tuple[str, tuple[int, int, int]]]) -> set[str]:
    """The concepts with a mention that is not inside a longer label of another concept."""
    return {cid for cid, (run, i, j) in matches if not any(
        other != cid and run2 == run and i2 <= i and j <= j2 and j2 - i2 > j - i
        for other, (run2, i2, j2) in matches)}


def _marked(text: str) -> bool:
    """Whether Latin text carries Vietnamese tone marks or letters (then it is written as meant)."""
    return bool(text) and fold(text) != text.lower() and not _KHMER_RUN.search(fold(text))


def _key(ws: list[str]) -> str:
    """Words joined as a lookup key: Khmer without spaces (segmenters disagree), Latin with."""
    return "".join(ws) if ws and not any(w.isascii() for w in ws) else " ".join(ws)


class Thesaurus:
    def __init__(self, concepts: list[Concept], generic: Iterable[str] = (), version: str = "") -> None:
        self.concepts = {c.id: c for c in concepts}
        self.version = version  # changes whenever the data does: stored course tags are then redone
        # Words that name no kind of work ("better", "money", "ការងារ"), as tokens.
        generic = list(generic)
        self._generic = {t for text in generic for t in tokenize(text) if "_" not in t}
        self._generic_words = {w for text in generic for w in re.findall(r"[a-z]+", text.lower())}
        self._by_key: dict[str, set[str]] = {}
        self._khmer: dict[str, set[str]] = {}  # Khmer labels of two syllables or more, spaces dropped
        # (key, concept) → the label's spellings with tone marks: text typed with them must match one
        # ("được", can, is not "dược", pharmacy), as text typed without matches any
        self._toned: dict[tuple[str, str], set[str]] = {}
        for concept in concepts:
            for text in (*(label for labels in concept.labels.values() for label in labels), *concept.variants):
                key = _key(words(text))
                if key:
                    self._by_key.setdefault(key, set()).add(concept.id)
                    if _marked(text):
                        self._toned.setdefault((key, concept.id), set()).add(spelling(text))
                folded = fold(text).replace(" ", "")
                if _KHMER_RUN.fullmatch(folded) and len(_syllable_starts(folded)) > 1:
                    self._khmer.setdefault(folded, set()).add(concept.id)
        heads = {words(head)[0]: verbs for head, verbs in _INVERTED.items()}
        for concept in concepts:
            for label in (*concept.labels.get("en", ()), *(v for v in concept.variants if v.isascii())):
                ws = words(label)
                if len(ws) < 2 or ws[-1] not in heads:
                    continue
                for verb in heads[ws[-1]]:
                    for det in _DETERMINERS:
                        self._by_key.setdefault(_key(words(f"{verb} {det}") + ws[:-1]), set()).add(concept.id)
        self._pairs: dict[tuple[str, str], set[str]] = {}
        for concept in concepts:
            for label in concept.labels.get("en", ()):
                ws = words(label)
                if len(ws) == 2 and all(w.isascii() for w in ws):
                    self._pairs.setdefault((ws[0], ws[1]), set()).add(concept.id)
                    # the head first, as Khmer and Vietnamese put it: "mechanic car" (ជាងឡាន, thợ sửa xe)
                    self._by_key.setdefault(_key(ws[::-1]), set()).add(concept.id)
        self._khmer_longest = max(map(len, self._khmer), default=0)
        self._near = KhmerNear([(label, cid) for label, ids in self._khmer.items() for cid in ids])
        self._links: dict[str, set[str]] = {}  # links are stated once, meant both ways
        for concept in concepts:
            for other in concept.related:
                self._links.setdefault(concept.id, set()).add(other)
                self._links.setdefault(other, set()).add(concept.id)
        self._neighbours: dict[str, set[str]] = {}
        for concept in concepts:
            for other in concept.neighbours:
                self._neighbours.setdefault(concept.id, set()).add(other)
                self._neighbours.setdefault(other, set()).add(concept.id)
        self._narrower: dict[str, set[str]] = {}  # occupation → the kinds of it
        for concept in concepts:
            for general in concept.broader:
                self._narrower.setdefault(general, set()).add(concept.id)
        # Skills that many occupations need (running a small business, customer service, safety at work)
        # say little about any one of them: a course about one is not "related" to every such occupation.
        self._cross_cutting = {cid for cid, links in self._links.items()
                               if cid.startswith("skill.") and len(links) > CROSS_CUTTING}

    def find(self, text: str, *, near: bool = True) -> set[str]:
        """The concepts whose labels occur in ``text`` as whole words, not only inside a longer label
        of another ("học hàn" in "học Hàn Quốc" is Korean, not welding). ``near``: also Khmer labels
        misspelt the way learners do (:class:`KhmerNear`), where no label is written as it is."""
        return _outside(self._matches(text, near))

    def _matches(self, text: str, near: bool = True) -> list[tuple[str, tuple[int, int, int]]]:
        """Each concept label found in ``text``, with where: (-1, first word, end word) for words,
        (Khmer run, first character, end character) inside a Khmer run."""
        if not text:
            return []
        found: list[tuple[str, tuple[int, int, int]]] = []
        key_text = fold(text)
        typed = normalize(text).lower()
        typed = typed if len(typed) == len(key_text) else ""  # folding kept one character per character
        spanned = words_with_spans(key_text)
        ws = [w for w, _span in spanned]
        for i in range(len(ws)):
            for j in range(i + 1, min(len(ws), i + MAX_LABEL_WORDS) + 1):
                # the key labels were stored under: Khmer without spaces, Latin with ("mang o" is not "mango")
                key = _key(ws[i:j])
                first, last = spanned[i][1], spanned[j - 1][1]
                surface = typed[first[0]:last[1]] if typed and first and last else ""
                found.extend((cid, (-1, i, j)) for cid in self._by_key.get(key, ())
                             if not _marked(surface) or spelling(surface) in self._toned.get((key, cid), ()))
        # A two-word English label with an object between, in one clause, unless a label starts or ends
        # where it does ("solar pump installation" is about solar pumps, not any "solar installation").
        starts = {i for _cid, (_run, i, _j) in found}
        ends = {j for _cid, (_run, _i, j) in found}
        for i in range(len(ws)):
            for j in range(i + 2, min(len(ws), i + 1 + MAX_GAP + 1)):
                ids = self._pairs.get((ws[i], ws[j]))
                if not ids or i in starts or j + 1 in ends \
                        or any(w in _GAP_STOPS or not w.isascii() for w in ws[i + 1:j]):
                    continue
                a, b = spanned[i][1], spanned[j][1]
                if a and b and not _CLAUSE_MARK.search(key_text, a[1], b[0]):
                    found.extend((cid, (-1, i, j + 1)) for cid in ids)
        for run_no, run in enumerate(_KHMER_RUN.findall(fold(text))):
            starts = [*_syllable_starts(run), len(run)]
            for a, i in enumerate(starts):
                for j in starts[a + 2:]:  # at least two syllables
                    if j - i > self._khmer_longest:
                        break
                    found.extend((cid, (run_no, i, j)) for cid in self._khmer.get(run[i:j], ()))
            if near:
                exact = [(i, j) for _cid, (r, i, j) in found if r == run_no]
                found.extend((cid, (run_no, i, j)) for i, j, cid in self._near.find(run)
                             if not any(i2 < j and i < j2 for i2, j2 in exact))
        return found

    def find_specific(self, text: str, *, side_skills: bool = False, near: bool = True) -> tuple[set[str], set[str]]:
        """(the concepts :meth:`find` finds in ``text``, the ones it is about). A concept is not what
        the text is about when each of its mentions lies inside (or across) a longer label ("farming" in
        "shrimp farming") or next to a narrower concept linked to it ("rice farmer" is about rice;
        "motorbike mechanic" is not any mechanic); an occupation is broader than a skill it needs, of two
        linked occupations or two linked skills the one with more links. Concepts mentioned apart
        ("caregiving in Japan, and Japanese") are all kept, except a skill every trade needs (running a
        small business) beside something more specific, and a general occupation when a kind of it is
        named anywhere (``broader`` in the data: "truck licence … I want to be a driver" is truck driving)."""
        matches = self._matches(text, near)
        spans: dict[str, list[tuple[int, int, int]]] = {}
        for cid, where in matches:
            spans.setdefault(cid, []).append(where)

        def covered(cid: str, where: tuple[int, int, int]) -> bool:
            run, i, j = where
            for other, (run2, i2, j2) in matches:
                if other == cid or run2 != run:
                    continue
                if i2 < j and i < j2 and j2 - i2 > j - i and not (i2 <= i and j <= j2 and self._broader(other, cid)):
                    return True  # inside (or across) a longer label: "hoa qua" across "thiet ke do hoa | qua mang"
                if (j2 == i or i2 == j or (i2 < j and i < j2)) and self._broader(cid, other):
                    return True  # beside (or across) a narrower linked concept
            return False

        about = {cid for cid, places in spans.items() if not all(covered(cid, w) for w in places)}
        # a kind of work named anywhere is what a general word for it means ("a truck licence … to drive")
        about -= {cid for cid in about if self._narrower.get(cid, set()) & about}
        mentioned = _outside(matches) | about
        # "learn men's haircuts to open a shop": a skill every trade needs is what the goal is about
        # only when it names nothing else (a course that teaches it as well keeps it: ``side_skills``).
        return mentioned, about if side_skills else (about - self._cross_cutting) or about

    def _broader(self, cid: str, other: str) -> bool:
        if other in self._narrower.get(cid, ()):
            return True
        if other not in self._links.get(cid, ()) or other in self._cross_cutting:
            return False
        if cid.startswith("occ.") != other.startswith("occ."):
            return cid.startswith("occ.")
        return len(self._links.get(cid, ())) > len(self._links.get(other, ()))

    def tag_course(self, titles: Iterable[str], skills: Iterable[str], keywords: Iterable[str]) -> list[str]:
        """What a course is about: the concepts in what it says it teaches (titles and skills), and its
        keywords that name a concept outright (keywords are search aids: "cooking gas" on a biogas
        course is not about cooking)."""
        found = self.find_specific(" . ".join([*titles, *skills]), side_skills=True, near=False)[1]
        found.update(*(self.named(k) for k in keywords))
        return sorted(found)

    def named(self, text: str) -> set[str]:
        """The concepts ``text`` is, as a whole, a label of (not merely contains one)."""
        return set(self._by_key.get(_key(words(text)), set()))

    def english_words(self) -> set[str]:
        """The words of the English labels and of the generic words: what a typing slip is mended to."""
        out = set(self._generic_words)
        for concept in self.concepts.values():
            for label in concept.labels.get("en", ()):
                out.update(re.findall(r"[a-z]+", label.lower()))
        return out

    def generic(self, token: str) -> bool:
        """Whether a goal token says nothing about which work or skill is wanted."""
        return token in self._generic

    def cross_cutting(self, cid: str) -> bool:
        """Whether a skill is one many occupations need (running a small business, customer service)."""
        return cid in self._cross_cutting

    def related(self, ids: set[str]) -> set[str]:
        """The concepts linked to these (an occupation's skills, the occupations a skill leads to, the
        neighbouring trades), except cross-cutting skills."""
        linked = set().union(*(self._links.get(cid, set()) | self._neighbours.get(cid, set()) for cid in ids))
        return linked - ids - self._cross_cutting


@cache
def thesaurus() -> Thesaurus:
    text = resources.files("catalog.language").joinpath("data/concepts.json").read_text(encoding="utf-8")
    raw: dict[str, Any] = json.loads(text)
    return Thesaurus([Concept(c["id"], tuple(c.get("fields") or ()),
                              {lang: tuple(c.get(lang) or ()) for lang in ("km", "vi", "en")},
                              tuple(c.get("variants") or ()), tuple(c.get("related") or ()),
                              tuple(c.get("broader") or ()), tuple(c.get("neighbours") or ()))
                      for c in raw["concepts"]],
                     [w for words_ in (raw.get("generic") or {}).values() for w in words_],
                     f"{TAGGER_VERSION}:{hashlib.sha256(text.encode()).hexdigest()[:12]}")
