"""Provinces of Cambodia and Vietnam in Khmer, Vietnamese and English.

Used to validate the ``province`` field of uploads and to recognise places inside goals, whether
written "Battambang", "បាត់ដំបង", "Cần Thơ" or "can tho". Vietnam's provinces are the 34 units in
force since 1 July 2025; the former provinces are aliases of the unit they merged into, because
people (and providers) keep using the old names. A merged province can span 100 km or more, so a
name that stands for a part of one (a former province, a town, a district) also gives a locality:
"Vũng Tàu" is TP. Hồ Chí Minh, locality Bà Rịa - Vũng Tàu; "Poipet" is Banteay Meanchey, locality
Poipet. Ranking prefers courses in the learner's locality.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from catalog.language.text import KhmerNear, fold, khmer_syllable_starts, spelling

# Words of their own that a misspelt place name would be: បារាំង (France, French) is one letter from
# ពារាំង (Pea Reang, Prey Veng).
_NOT_NEAR = frozenset({"បារាំង"})


@dataclass(frozen=True)
class Province:
    id: str
    country: str
    names: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True)
class PlaceMatch:
    province: Province
    start: int
    end: int
    locality: str = ""  # the part of the province the name stands for, "" for the whole province


_KHMER = re.compile("[\u1780-\u17ff]")
_KHMER_RUN = re.compile("[\u1780-\u17dd]+")


def _folded_key(label: str) -> str:
    return re.sub(r"\s+", " ", fold(label).replace("-", " ")).strip()


_KH_PLACE_WORDS = ("នៅ", "ខេត្ត", "ក្រុង", "ទីក្រុង", "ពី", "ទៅ", "មក", "ស្រុក")
# A district or town written in Latin letters is a place only after a word that introduces one: there are
# hundreds, and untoned some are everyday words ("bac ha" is mint as well as Bắc Hà, "tan phu" is common).
_PLACE_WORDS = ("in", "at", "from", "near", "around", "live", "lives", "living", "stay", "stays", "staying",
                "district", "town", "o", "tai", "gan", "que", "ve", "huyen", "quan", "thi xa", "thi tran",
                "thanh pho", "tp", "xa", "tinh", "khu")
# Before a name that is also a phrase, only a word that can introduce nothing else ("ở", "tại", "in"):
# "về quê yên bình" is a peaceful home village, not Yên Bình.
_STRICT_PLACE_WORDS = ("o", "tai", "in", "at", "huyen", "quan", "thi xa", "thi tran", "tp", "thanh pho")


def _key_pattern(key: str) -> str:
    """Regex for one folded name: spaces also match hyphens; Latin names only as whole words, Khmer
    names only from the start to the end of written syllables (never inside another word's syllable)."""
    body = re.escape(key).replace(r"\ ", r"[\s-]*")
    if key.isascii():
        return rf"(?<![a-z0-9]){body}(?![a-z0-9])"
    pattern = rf"(?<!\u17d2){body}(?![\u17b6-\u17d3\u17dd])"
    if len(khmer_syllable_starts(key)) == 1:
        # One syllable is also part of common words (ហ្វេ, Huế, in កាហ្វេ, coffee): only after a word that
        # introduces a place, or alone.
        return "(?:" + "|".join(rf"(?<={m})" for m in _KH_PLACE_WORDS) + r"|^)\s*" + pattern
    return pattern


class Gazetteer:
    """Lookup by any name or alias (folded), and longest-match search in free text."""

    def __init__(self, entries: list[dict]) -> None:
        self.provinces: dict[str, Province] = {}
        self._by_key: dict[str, Province] = {}
        self._spellings: dict[str, set[str]] = {}
        self._toned_only: set[str] = set()
        self._locality: dict[tuple[str, str], str] = {}  # (province id, folded name) → locality
        self._spelled: dict[tuple[str, str], list[str]] = {}  # (province id, locality) → its names
        districts: set[str] = set()  # folded names of districts and towns, in Latin letters
        for entry in entries:
            province = Province(entry["id"], entry["country"], dict(entry["names"]))
            self.provinces[province.id] = province
            toned_only = entry.get("toned_only", [])  # untoned, a common phrase ("di an": "go and eat")
            labels = [province.id, *province.names.values(), *entry.get("aliases", []), *toned_only,
                      *entry.get("districts", [])]
            districts.update(k for k in map(_folded_key, entry.get("districts", [])) if k.isascii())
            self._spellings[province.id] = {spelling(label) for label in labels}
            self._toned_only.update(_folded_key(label) for label in toned_only)
            for locality, members in entry.get("localities", {}).items():
                self._spelled[(province.id, locality)] = [locality, *members]
                for label in (locality, *members):
                    self._locality[(province.id, _folded_key(label))] = locality
            for label in labels:
                key = _folded_key(label)
                if len(key) >= 3:
                    self._by_key.setdefault(key, province)
        # misspelt Khmer names ("សៀមរៀប", "បាត់តំបង"); one-syllable names need a place word (see below)
        self._near = KhmerNear([(key, p) for key, p in self._by_key.items()
                                if _KHMER_RUN.fullmatch(key) and len(khmer_syllable_starts(key)) > 1])
        alternatives = sorted(self._by_key, key=len, reverse=True)
        self._pattern = re.compile("|".join(_key_pattern(k) for k in alternatives if k not in districts))
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_PLACE_WORDS, key=len, reverse=True))
        names = "|".join(re.escape(k).replace(r"\ ", r"[\s-]*") for k in alternatives if k in districts)
        self._districts = re.compile(rf"(?<![a-z0-9])(?:{words})\s+(?P<name>{names})(?![a-z0-9])") if names else None
        strict = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _STRICT_PLACE_WORDS)
        self._introducer = re.compile(rf"(?<![a-z0-9])(?:{strict})\s+$")

    def resolve(self, name: str) -> Province | None:
        """The province called ``name`` in any language or spelling, else ``None``."""
        return self._by_key.get(_folded_key(name))

    def find(self, folded_text: str) -> list[PlaceMatch]:
        """Provinces mentioned in already-folded text, longest names first, without overlaps; then
        misspelt Khmer names where no name was found."""
        out = []
        for m in self._pattern.finditer(folded_text):
            key = re.sub(r"[\s-]+", " ", m.group())
            province = self._by_key.get(key)
            if province:
                out.append(PlaceMatch(province, m.start(), m.end(), self._locality.get((province.id, key), "")))
        for m in self._districts.finditer(folded_text) if self._districts else ():
            start, end = m.start("name"), m.end("name")
            key = re.sub(r"[\s-]+", " ", m.group("name"))
            if not any(p.start < end and start < p.end for p in out):
                province = self._by_key[key]
                out.append(PlaceMatch(province, start, end, self._locality.get((province.id, key), "")))
        for run in _KHMER_RUN.finditer(folded_text):
            for i, j, province in self._near.find(run.group()):
                start, end = run.start() + i, run.start() + j
                if folded_text[start:end] not in _NOT_NEAR and not any(p.start < end and start < p.end for p in out):
                    out.append(PlaceMatch(province, start, end))
        return out

    def locality(self, province_id: str, written: str) -> str:
        """The locality a place name stands for inside ``province_id`` ("Rạch Giá" → "Kiên Giang"), or
        "" when it names the whole province or is not known."""
        return self._locality.get((province_id, _folded_key(written)), "") if written else ""

    def locality_name(self, province_id: str, written: str, lang: str) -> str:
        """A Cambodian town as a reader of ``lang`` writes it: "Sisophon" is សិរីសោភ័ណ to a Khmer reader,
        and the other way round. (A Cambodian locality is one town with its spellings; a Vietnamese one
        is a former province holding several towns, so its towns are shown as the provider wrote them.)"""
        province = self.provinces.get(province_id)
        locality = self.locality(province_id, written)
        if province is None or province.country != "KH" or not locality:
            return written
        khmer = lang == "km"
        return next((name for name in self._spelled[(province_id, locality)]
                     if bool(_KHMER.search(name)) == khmer), written)

    def spelled_as(self, province: Province, written: str, introduced: bool = False) -> bool:
        """Whether text written *with* tone marks is really this place: folded, "cần thợ" ("need
        a worker") looks like Cần Thơ, so accented text must match an accented spelling. Untoned, a
        name that is also a common phrase ("di an": go and eat) is the place only after a word that
        introduces one (``introduced``: "o di an")."""
        if written.isascii():
            return introduced or _folded_key(written) not in self._toned_only
        if _KHMER.search(written):
            return True  # Khmer has no tone marks (and a misspelt name was found on purpose)
        return spelling(written) in self._spellings[province.id]

    def introduced(self, folded_text: str, start: int) -> bool:
        """Whether a word that introduces a place ("o", "in", "tai") comes just before ``start``."""
        return bool(self._introducer.search(folded_text[max(0, start - 16):start]))

    def get(self, province_id: str) -> Province | None:
        return self.provinces.get(province_id)


@cache
def gazetteer() -> Gazetteer:
    """The bundled gazetteer (read-only data, loaded once per process)."""
    data = resources.files("catalog.language").joinpath("data/provinces.json").read_text(encoding="utf-8")
    return Gazetteer(json.loads(data))
