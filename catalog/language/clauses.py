"""Where the wish starts in a goal that first tells a story.

Learners often write about their life before they say what they want: "I lost my leg two years ago.
Before that I was a moto taxi driver. Now I want to learn bookkeeping." The story names work (moto
taxi), places and times ("I work at night") that are not the request. The request is the first
clause that says what the learner wants, and what follows it; what comes before is context.

Clauses are split at sentence and clause punctuation, at "but" ("nhưng", "ប៉ុន្តែ") and, in Khmer, which
puts no spaces between words, at a space between Khmer words (Khmer writers use the space where others
put a comma). A clause is a wish when it has a wish word ("want", "muốn", "ចង់", "looking for", ...) that
is not negated ("I do not want to go to Thailand"); a clause that only refuses ("I don't want factory
work any more", "Not interested in security guard again") says what the learner does not want.
"""

from __future__ import annotations

import re

from catalog.language.text import fold, phrases_pattern


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(phrases_pattern(*phrases))


_SPLIT = re.compile(r"[.!?;,:\n។៕]+|(?<![a-z])(?:but|nhưng|nhung|however)(?![a-z])|ប៉ុន្តែ"
                    r"|(?<=[\u1780-\u17ff]) +(?=[\u1780-\u17ff])")
STORY_CHARS = 30  # text before the wish word in its sentence longer than this is a story, not who wishes
# a space between Khmer words ends a sentence too, unless a list goes on ("ធ្វើក្រចក និងផាត់មុខ", "ជាងភ្លើង ឬ ជាងផ្សារ")
_SENTENCE = re.compile(r"[.!?\n។៕]+|(?<=[\u1780-\u17ff])(?<!និង)(?<!ឬ)(?<!ដូចជា) +(?=[\u1780-\u17ff])"
                       r"(?!និង|ឬ|ដូចជា|ជាមួយ|រួមទាំង|ព្រមទាំង)")
_WISH = _words(
    "want", "wants", "wanna", "would like", "i'd like", "id like", "like to learn", "hope", "hoping", "wish",
    "interested", "looking for", "how can i", "how do i", "where can i", "can i learn", "can i study",
    "is there", "are there", "any course", "learn", "study", "dream", "how to", "become", "suggest",
    "what should i", "what can i", "nên học gì", "học gì", "គួររៀន", "រៀនអី",
    "muốn", "mong", "ước", "thích học", "định học", "cần học", "tìm lớp", "tìm khóa", "có lớp", "có khóa",
    "học nghề", "học làm", "học thêm", "xin tư vấn", "ko biết học", "không biết học", "làm sao để",
    "trở thành", "teach me", "dạy em", "dạy mình", "dạy tôi", "chỉ em",
    "បង្រៀនខ្ញុំ", "ចង់", "ប្រាថ្នា", "សង្ឃឹម", "ត្រូវការរៀន", "រៀន", "ស្វែងរក", "មានវគ្គ", "ចូលចិត្ត", "បំណង",
)
_NOT_WISH = _words(
    "do not want", "don't want", "dont want", "not want", "never want", "no longer want", "did not want",
    "don't know what i want", "dont know what i want", "do not know what i want", "not interested",
    "no longer", "tired of", "sick of", "không muốn", "ko muốn", "k muốn", "hổng muốn", "chẳng muốn",
    "không thích", "chán", "មិនចង់", "អត់ចង់", "មិនដែលចង់", "លែងចង់", "ធុញ", "មិនចូលចិត្ត",
    # leaving school is not a wish to learn ("ខ្ញុំឈប់រៀនពីថ្នាក់ទី៩")
    "stopped studying", "stop studying", "quit studying", "quit school", "dropped out", "ឈប់រៀន", "បោះបង់ការសិក្សា",
)
_DONT_KNOW = _words("don't know what i want", "dont know what i want", "do not know what i want")


_OTHERS = _words(
    "my friends", "my friend", "my parents", "my father", "my mother", "my husband", "my wife", "my brother",
    "my sister", "my son", "my daughter", "my children", "my family", "friends", "parents",
    "bố mẹ", "ba mẹ", "cha mẹ", "chồng", "vợ", "bạn bè", "anh trai", "chị gái", "con trai", "con gái",
    "ម្ដាយ", "ម្តាយ", "ឪពុក", "ម៉ែឪ", "ប្តី", "ប្ដី", "ប្រពន្ធ", "មិត្តភក្តិ", "មិត្ត", "បងប្រុស", "បងស្រី", "កូន",
)


# A clause that starts by saying it is about the past ("Before, I worked in Nha Trang", "I was a construction
# worker in Thailand", "trước mình làm ở …", "năm ngoái em lên Bình Dương", "ពីមុនខ្ញុំធ្វើការនៅ…"); "trước
# nhà" (in front of the house), "trước Tết", "trước tiên", "trước khi" (before New Year, first, before doing)
# are not.
_PAST = re.compile(r"\s*(?:(?:i|we|em|e|mk|minh|toi|anh|chi|ខ្ញុំ|បង|អូន|នាងខ្ញុំ)\s*)?(?:" + phrases_pattern(
    "used to", "before", "previously", "formerly", "in the past", "last year", "years ago", "was", "worked",
    "have worked", "had worked", "came back", "returned", "truoc day", "truoc", "hoi truoc", "ngay truoc",
    "nam ngoai", "nam truoc", "tung", "da tung", "ពីមុន", "កាលពីមុន", "ធ្លាប់", "ឆ្នាំមុន", "ឆ្នាំទៅ",
    "កាលពីឆ្នាំមុន") + r")(?!\s*(?:nha|cua|cong|mat|tet|tien|khi|het|do|nay)(?![a-z]))")


def _clauses(folded: str) -> list[tuple[int, int]]:
    starts = [0, *(m.end() for m in _SPLIT.finditer(folded))]
    bounds = [*(m.start() for m in _SPLIT.finditer(folded)), len(folded)]
    return [(s, e) for s, e in zip(starts, bounds, strict=True) if folded[s:e].strip()]


# What the learning is for ("… to open a shop", "… để bán cho khách du lịch", "…ដើម្បីរកស៊ីខ្លួនឯង"), to the end
# of its clause: the work named there is the purpose, not what to learn, when something else is named.
_PURPOSE = _words("so that", "so i can", "in order to", "to open", "to start", "to sell", "to run", "for tourists",
                  "for my", "de", "ដើម្បី")


def past(folded: str) -> list[tuple[int, int]]:
    """The clauses that tell the learner's past: a place there is where they were, not where they are
    ("Before, I was …": the clause after a marker alone)."""
    clauses = _clauses(folded)
    out = []
    for i, (s, e) in enumerate(clauses):
        m = _PAST.match(folded, s)
        if m and not (out and s < out[-1][1]):  # not inside the clause a marker alone opened
            out.append((s, clauses[i + 1][1] if not folded[m.end():e].strip() and i + 1 < len(clauses) else e))
    return out


def without_past(text: str) -> str:
    """``text`` with the clauses that tell the learner's past (:func:`past`) blanked."""
    folded = fold(text)
    if len(folded) != len(text):  # not aligned: keep it whole
        return text
    for start, end in past(folded):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _purposes(folded: str, written: str) -> list[tuple[int, int]]:
    """From each purpose phrase to the end of its clause; "de" only where ``written`` (the same text
    before folding) has "để" or no tone marks: "nuôi dê" (goats) and "dễ" (easy) are no purpose."""
    ends = [e for _s, e in _clauses(folded)]
    return [(m.start(), next((e for e in ends if e >= m.end()), len(folded))) for m in _PURPOSE.finditer(folded)
            if m.group() != "de" or written[m.start():m.end()].lower() in ("de", "để")]


def without_purposes(text: str) -> str:
    """``text`` with its purposes blanked ("learn to sew to sell to tourists" → "learn to sew")."""
    folded = fold(text)
    if len(folded) != len(text):  # not aligned (text that folding reshapes): keep it whole
        return text
    for start, end in reversed(_purposes(folded, text)):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def about_others(folded: str, end: int) -> list[tuple[int, int]]:
    """The clauses before ``end`` that tell about someone else, not a wish of the learner's ("My friends
    went to Thailand", "ម្ដាយធ្វើស្រែ"): their work is not what the learner asks for."""
    return [(s, e) for s, e in _clauses(folded) if e <= end and _OTHERS.match(folded[s:e].strip())
            and not _WISH.search(_NOT_WISH.sub(" ", folded[s:e]))]


def first_wish(folded: str) -> int:
    """Where the first wish word is ("ខ្ញុំធ្វើសន្តិសុខវេនយប់…ចង់រៀន…": what comes before is the story, even
    in one clause), or 0 when there is none (all of it is the request: "electrician course on weekend")."""
    text = _NOT_WISH.sub(lambda m: " " * len(m.group()), folded)
    m = _WISH.search(text)
    return m.start() if m else 0


def wish_start(folded: str) -> int:
    """Where the request starts in folded goal text: the start of its first wish clause when an
    earlier clause tells a story, else 0 (the whole goal is the request)."""
    clauses = _clauses(folded)
    if len(clauses) < 2:
        return 0
    for start, end in clauses:
        text = _NOT_WISH.sub(" ", folded[start:end])
        if _WISH.search(text):
            return start
    return 0


def wishes(folded: str) -> list[tuple[int, int]]:
    """The sentences that say what the learner wants, from their first wish word (not negated) on: a
    wish goes on after a comma ("muốn học nuôi gà, nuôi cá") or a "but" ("… but my English is weak"),
    and a long run before it in the sentence is the story (Khmer often has neither spaces nor stops:
    "នាងខ្ញុំ…ធ្វើការរោងចក្រកាត់ដេរ…ចង់រៀនធ្វើនំ"); a few words before it say who wishes ("Thợ hàn muốn …")."""
    starts = [0, *(m.end() for m in _SENTENCE.finditer(folded))]
    bounds = [*(m.start() for m in _SENTENCE.finditer(folded)), len(folded)]
    out = []
    for s, e in zip(starts, bounds, strict=True):
        m = _WISH.search(_NOT_WISH.sub(lambda n: " " * len(n.group()), folded[s:e]))
        if m:
            out.append((s + m.start() if m.start() > STORY_CHARS else s, e))
    return out


def refusals(folded: str) -> list[tuple[int, int]]:
    """The clauses that only say what the learner does not want ("I don't want factory work any more"):
    the work they name is not the request."""
    return [(s, e) for s, e in _clauses(folded) if _NOT_WISH.search(folded[s:e])
            and not _DONT_KNOW.search(folded[s:e]) and not _WISH.search(_NOT_WISH.sub(" ", folded[s:e]))]
