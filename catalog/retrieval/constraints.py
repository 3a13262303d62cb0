"""Hard filters, and the constraints learners state inside their goal text.

"free courses in Battambang", "hoc nau an mien phi o Can Tho", "ខ្ញុំចង់រៀនកាត់ដេរឥតគិតថ្លៃនៅតាកែវ":
price, place, delivery, schedule, language of instruction, gender and age are recognised in
Khmer, Vietnamese (with or without tone marks) and English, turned into filters, removed from the
text that is matched against courses, and reported back so the bot can show them and let the
learner remove one with a tap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from catalog.courses.fields import fields as field_table
from catalog.courses.schema import COUNTRIES, CURRENCIES, DELIVERY, LANGUAGES, SCHEDULES
from catalog.errors import InputError
from catalog.language.clauses import about_others, first_wish, past, refusals, wish_start, wishes
from catalog.language.concepts import thesaurus
from catalog.language.places import Gazetteer, gazetteer
from catalog.language.text import fold, guess_language, normalize, script_language
from catalog.language.text import phrases_pattern as _alt
from catalog.language.tokens import words as words_of
from catalog.retrieval.availability import OFF_BEFORE, UNTIL, free_times
from catalog.retrieval.money import budgets

MAX_GOAL_CHARS = 1000


@dataclass(frozen=True)
class Filters:
    """Hard constraints; an empty tuple or ``None`` means "no constraint"."""

    free_only: bool = False
    max_cost: float | None = None
    max_cost_currency: str = "USD"
    delivery: tuple[str, ...] = ()
    country: str | None = None
    province: str | None = None
    languages: tuple[str, ...] = ()
    schedule: tuple[str, ...] = ()
    is_woman: bool | None = None
    age: int | None = None
    ages: tuple[int, int] | None = None  # an age band the learner gave (inclusive): courses open to any of it
    sectors: tuple[str, ...] = ()  # ISCED-F detailed field codes (any of them)

    def merged(self, override: Filters) -> Filters:
        """``override``'s set values win (explicit filters beat what the goal text said)."""
        base = Filters()
        changes = {f.name: getattr(override, f.name) for f in fields(self)
                   if getattr(override, f.name) != getattr(base, f.name)}
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        base = Filters()
        return {f.name: (list(v) if isinstance(v, tuple) else v) for f in fields(self)
                if (v := getattr(self, f.name)) != getattr(base, f.name)}

    @classmethod
    def from_dict(cls, data: Any) -> Filters:
        """Parse user-supplied filters (CLI options, batch JSON) with clear errors."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise InputError("filters must be a JSON object")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise InputError(f"unknown filter {key!r}; known filters: {', '.join(sorted(known))}")
        kw: dict[str, Any] = {}

        def choices(name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
            value = data[name]
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list | tuple):
                raise InputError(f"filter {name} must be a list")
            out = tuple(str(v).strip() for v in items if str(v).strip())
            for v in out:
                if v not in allowed:
                    raise InputError(f"filter {name}: {v!r} is not one of {', '.join(allowed)}")
            return out

        for name, allowed in (("delivery", DELIVERY), ("languages", LANGUAGES), ("schedule", SCHEDULES)):
            if name in data and data[name] not in (None, "", []):
                kw[name] = choices(name, allowed)
        if data.get("free_only") not in (None, False):
            if data["free_only"] is not True:
                raise InputError("filter free_only must be true or false")
            kw["free_only"] = True
        if data.get("max_cost") is not None:
            try:
                kw["max_cost"] = float(data["max_cost"])
            except (TypeError, ValueError):
                raise InputError(f"filter max_cost must be a number, got {data['max_cost']!r}") from None
            if kw["max_cost"] < 0:
                raise InputError("filter max_cost cannot be negative")
        if data.get("max_cost_currency"):
            cur = str(data["max_cost_currency"]).upper()
            if cur not in CURRENCIES:
                raise InputError(f"filter max_cost_currency must be one of {', '.join(CURRENCIES)}")
            kw["max_cost_currency"] = cur
        if data.get("country"):
            country = str(data["country"]).upper()
            if country not in COUNTRIES:
                raise InputError(f"filter country must be one of {', '.join(COUNTRIES)}")
            kw["country"] = country
        if data.get("province"):
            found = gazetteer().resolve(str(data["province"]))
            if found is None:
                raise InputError(f"unknown province {data['province']!r}")
            kw["province"] = found.id
        for name in ("sector", "sectors"):  # a field code or name (any language), or several
            if data.get(name):
                items = data[name] if isinstance(data[name], list | tuple) else str(data[name]).split(",")
                for item in items:
                    code = field_table().resolve(str(item))
                    if code is None:
                        raise InputError(f"filter {name}: {item!r} is not a field of training (an ISCED-F code "
                                         f"such as 0713, or its name)")
                    kw["sectors"] = (*kw.get("sectors", ()), code)
        if data.get("is_woman") is not None:
            if not isinstance(data["is_woman"], bool):
                raise InputError("filter is_woman must be true or false")
            kw["is_woman"] = data["is_woman"]
        if data.get("age") is not None:
            age = data["age"]
            if isinstance(age, bool) or not isinstance(age, int | str) or not str(age).isdigit() \
                    or not 10 <= int(age) <= 100:
                raise InputError(f"filter age must be a whole number from 10 to 100, got {age!r}")
            kw["age"] = int(age)
        if data.get("ages") is not None:
            band = data["ages"]
            if not isinstance(band, list | tuple) or len(band) != 2 or not all(
                    isinstance(a, int) and not isinstance(a, bool) for a in band) or band[0] > band[1]:
                raise InputError(f"filter ages must be [lowest, highest], got {band!r}")
            kw["ages"] = (int(band[0]), int(band[1]))
        return cls(**kw)


@dataclass(frozen=True)
class Constraint:
    """One constraint understood from the goal: ``kind`` names the filter it sets, ``value`` is
    machine-readable, ``text`` is what the learner wrote."""

    kind: str
    value: Any
    text: str
    implied: bool = False  # read from what the learner tells (no money), not asked for ("free")

    @property
    def request(self) -> bool:
        """Whether the learner asked for this, rather than told it about themselves (their age, being a
        woman, having no money): only a request makes a list of courses without a named work an answer."""
        return not self.implied and self.kind not in ("age", "women")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "text": self.text}


@dataclass
class ParsedGoal:
    text: str
    language: str
    query: str  # the goal with constraint phrases removed, for matching
    constraints: list[Constraint] = field(default_factory=list)
    request: str = ""  # the clauses of ``query`` that say what the learner wants, "" when none does
    story: bool = False  # the goal tells something before its wish, or about the learner's past

    def filters(self, ignore: frozenset[str] = frozenset()) -> Filters:
        """Filters implied by the constraints, minus the kinds the learner removed."""
        kw: dict[str, Any] = {}
        for c in self.constraints:
            if c.kind in ignore:
                continue
            if c.kind == "free":
                kw["free_only"] = True
            elif c.kind == "max_cost":
                kw["max_cost"], kw["max_cost_currency"] = c.value["amount"], c.value["currency"]
            elif c.kind in ("delivery", "schedule", "languages"):
                kw[c.kind] = tuple(dict.fromkeys((*kw.get(c.kind, ()), *c.value)))
            elif c.kind in ("province", "country", "age"):
                kw[c.kind] = c.value
            elif c.kind == "women":
                kw["is_woman"] = True
        return Filters(**kw)


_SIMPLE: tuple[tuple[str, Any, re.Pattern[str]], ...] = tuple(
    (kind, value, re.compile(_alt(*phrases)))
    for kind, value, phrases in (
        ("free", True, ("free", "for free", "free of charge", "no cost", "no fee", "no fees", "without fees",
                        "miễn phí", "không mất phí", "không mất tiền", "không tốn tiền", "không thu phí",
                        "không tốn phí", "free học phí", "ឥតគិតថ្លៃ", "មិនគិតថ្លៃ", "ឥតបង់ថ្លៃ", "មិនបង់ថ្លៃ",
                        "មិនយកថ្លៃ", "ហ្វ្រី")),
        ("delivery", ("online",), ("online", "on-line", "remote", "remotely", "from home", "e-learning",
                                   "elearning", "distance learning", "trực tuyến", "học từ xa", "qua mạng",
                                   "học tại nhà", "អនឡាញ", "អនឡាយ", "តាមអ៊ីនធឺណិត", "តាមអុីនធឺណិត",
                                   "រៀនពីផ្ទះ", "ពីចម្ងាយ",
                                   # a phone is how most learners here would study online
                                   "on my phone", "on the phone", "on phone", "on a phone", "on my mobile",
                                   "with my phone", "using my phone", "through my phone", "by phone",
                                   "on my smartphone", "trên điện thoại", "qua điện thoại", "bằng điện thoại",
                                   "trên đt", "qua đt", "trên zalo", "qua zalo", "qua facebook", "qua youtube",
                                   "zoom", "google meet", "facebook live", "live class", "livestream",
                                   "video call", "tam phone", "tam tou ros sab", "តាមZoom", "តាមហ្ស៊ូម",
                                   "via telegram", "on telegram", "qua telegram", "តាម telegram", "trên mạng",
                                   "តាមទូរស័ព្ទ", "លើទូរស័ព្ទ", "ក្នុងទូរស័ព្ទ", "តាមទូរសព្ទ", "លើទូរសព្ទ",
                                   "តាមហ្វូន", "លើហ្វូន", "តាមតេឡេក្រាម", "តាមយូធូប", "តាមហ្វេសប៊ុក")),
        ("delivery", ("in_person", "blended"), ("in person", "face to face", "in class", "classroom",
                                                "real class", "học trực tiếp", "tại lớp", "lớp thật", "đi lớp",
                                                "រៀនផ្ទាល់", "នៅថ្នាក់", "ថ្នាក់ពិត")),
        ("schedule", ("weekends",), ("weekend", "weekends", "on weekends", "saturday", "saturdays", "sunday",
                                     "sundays", "cuối tuần", "thứ bảy", "thứ 7", "chủ nhật", "ចុងសប្តាហ៍",
                                     "ថ្ងៃសៅរ៍", "ថ្ងៃអាទិត្យ", "សៅរ៍អាទិត្យ")),
        ("schedule", ("weekdays",), ("monday", "tuesday", "wednesday", "thursday", "friday", "thứ 2", "thứ hai",
                                     "thứ 3", "thứ ba", "thứ 4", "thứ tư", "thứ 5", "thứ năm", "thứ 6", "thứ sáu",
                                     "ថ្ងៃច័ន្ទ", "ថ្ងៃអង្គារ", "ថ្ងៃពុធ", "ថ្ងៃព្រហស្បតិ៍", "ថ្ងៃសុក្រ")),
        ("schedule", ("evenings",), ("evening", "evenings", "at night", "night class", "night classes",
                                     "after work", "buổi tối", "ca tối", "ban đêm", "học tối", "sau giờ làm",
                                     "tan ca", "tan làm", "giờ tối", "ពេលល្ងាច", "ពេលយប់", "វេនល្ងាច", "វេនយប់",
                                     "ថ្នាក់ល្ងាច", "ថ្នាក់យប់", "ក្រោយម៉ោងធ្វើការ", "ក្រោយចេញពីធ្វើការ",
                                     "ចេញពីធ្វើការ", "ក្រោយធ្វើការ")),
        ("schedule", ("full_time",), ("full time", "full-time", "toàn thời gian", "ពេញម៉ោង")),
        ("schedule", ("self_paced",), ("self paced", "self-paced", "at my own pace", "theo tốc độ của mình",
                                       "តាមល្បឿនខ្លួនឯង")),
        ("women", True, ("for women", "women only", "for girls", "i am a woman", "i'm a woman", "im a woman",
                         "cho phụ nữ", "dành cho nữ", "dành cho phụ nữ", "tôi là nữ", "chị em phụ nữ",
                         "lao động nữ", "សម្រាប់ស្ត្រី", "សម្រាប់នារី", "ខ្ញុំជាស្ត្រី", "ខ្ញុំជានារី",
                         # how a woman says who she is in passing ("នាងខ្ញុំ", "mẹ bỉm", "my husband"), or the
                         # woman a message is written for ("my daughter"): women-only courses are open to her
                         "i am a girl", "i'm a girl", "im a girl", "country girl", "just a girl", "i am a mother",
                         "i'm a mother", "im a mother",
                         "single mother", "single mom", "i'm a mom", "i am a mom", "housewife", "my husband",
                         "as a woman", "i am female", "i'm female", "widow", "my wife", "my daughter", "my sister",
                         "tôi là phụ nữ", "em là nữ", "mình là nữ", "em là con gái", "mẹ bỉm sữa", "mẹ bỉm",
                         "mẹ đơn thân", "nội trợ", "chồng em", "chồng tôi", "chồng mình", "chị muốn", "chị đang",
                         "chị là", "chị ở nhà", "chị năm nay", "vợ tôi", "vợ em", "vợ mình", "con gái tôi",
                         "con gái em", "con gái mình", "em gái tôi", "em gái em", "នាងខ្ញុំ", "ខ្ញុំជាម្ដាយ", "ខ្ញុំជាម្តាយ",
                         "ម្ដាយលីវ", "ម្តាយលីវ", "មេម៉ាយ", "ប្ដីខ្ញុំ", "ប្តីខ្ញុំ", "ខ្ញុំជាស្រី", "ខ្ញុំជាមនុស្សស្រី",
                         "ប្រពន្ធខ្ញុំ", "កូនស្រីខ្ញុំ", "ប្អូនស្រីខ្ញុំ", "បងស្រីខ្ញុំ", "យុវនារី", "nữ công nhân",
                         "công nhân nữ", "i gave birth", "i just gave birth", "i'm pregnant",
                         "i am pregnant", "ទើបសម្រាលកូន", "ខ្ញុំសម្រាលកូន", "là phụ nữ", "là con gái")),
        ("languages", ("km",), ("taught in khmer", "in khmer language", "dạy bằng tiếng khmer",
                                "học bằng tiếng khmer", "បង្រៀនជាភាសាខ្មែរ", "រៀនជាភាសាខ្មែរ")),
        ("languages", ("vi",), ("taught in vietnamese", "in vietnamese", "dạy bằng tiếng việt",
                                "học bằng tiếng việt", "បង្រៀនជាភាសាវៀតណាម")),
        ("languages", ("en",), ("taught in english", "in english", "dạy bằng tiếng anh", "học bằng tiếng anh",
                                "បង្រៀនជាភាសាអង់គ្លេស", "រៀនជាភាសាអង់គ្លេស")),
        ("country", "KH", ("in cambodia", "cambodia", "ở campuchia", "tại campuchia", "campuchia", "កម្ពុជា",
                           "ស្រុកខ្មែរ")),
        ("country", "VN", ("in vietnam", "in viet nam", "vietnam", "việt nam", "វៀតណាម", "យួន")),
    )
)
_SHE = re.compile(r"(?<![a-z])(?:she|her)(?![a-z])")
_FIRST_PERSON = re.compile(r"(?<![a-z])(?:i|i'm|im|me|my)(?![a-z])")
# A day off is when a learner can study: at the weekend for most, on the weekday they name if they do
# ("ngày nghỉ của mình là thứ 2"); it tells availability, never the situation, whatever work comes before.
_DAY_OFF = re.compile(_alt("day off", "days off", "my day off", "ngày nghỉ", "ngày off", "ថ្ងៃឈប់", "ថ្ងៃសម្រាក"))
# Online refused: a negation just before it ("not online", "không học online", "មិនយករៀនអនឡាញ") or a
# complaint just after it ("online ko hiểu gì", "អនឡាញអត់ចូលក្បាល", "online em lười lắm").
_REFUSED_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:not|no|don't|dont|do not|never|without|hate|khong|ko|k|chu|chang|cha|dung)"
    r"|មិន|អត់|កុំ|គ្មាន)\s*"
    r"(?:(?:want|like|wanna|muon|thich|can|to|learn|study|hoc|di|an|ចង់|យក|ចូលចិត្ត|រៀន|ត្រូវការ)\s*){0,3}$")
_REFUSED_AFTER = re.compile(r"\s*(?:thi\s+)?(?:(?:e|em|toi|minh|t)\s+)?"
                            r"(?:(?:ko|khong|k|cha|chang)\s+(?:hieu|vo|vao|hop|duoc|dc)"
                            r"|luoi|sao duoc|sao dc|kho hieu|អត់ចូល|មិនចូល|មិនយល់|អត់យល់|ពិបាក|អត់បានអី|មិនបានអី)")
# "Free" that is not about the course's fee: a freelancer ("làm free"), free wifi or delivery a shop
# offers, free time ("my boss gives me Sunday free", "free day"): when they can study, not what.
_FREE_OTHER = re.compile(_alt(
    "freelance", "free lance", "freelancer", "free lancer", "freelancing", "free wifi", "free wi-fi",
    "free delivery", "free shipping", "freeship", "free ship", "giao hàng free", "ship free", "wifi free",
    "làm free", "nhận free", "free time", "free day", "free days", "my day free", "free lunch", "free diving",
    "free-range", "free range", "free electricity", "free energy",
    # free to study, not at no cost: "I'm free now", "free from 6pm", "free every afternoon", "đang free"
    "i'm free", "im free", "i am free", "we free", "we are free", "we're free", "be free", "đang free",
    "free from", "free every", "free all day", "free until", "free till", "free after", "free on", "free at",
    "free in the", "free now", "free morning", "free mornings", "free afternoon", "free afternoons",
    "free evening", "free evenings",
    "ដឹកជូនហ្វ្រី", "ដឹកជូនឥតគិតថ្លៃ", "ដឹកហ្វ្រី", "វ៉ាយហ្វាយហ្វ្រី")
    # "… gives me Sunday free, can I …": a time that is free where the phrase ends, not "weekend free sewing course"
    + r"|(?:" + _alt("sunday", "saturday", "weekend", "weekends", "evening", "evenings", "morning", "afternoon",
                     "night", "day", "days", "time")
    + r")\s+(?:only\s+|is\s+)?free(?=\s*(?:$|[.,!?;:]|(?:and|so|but|to|for)(?![a-z])))")
# A woman who tells who she is in passing: her husband at the start of a clause ("Husband works in
# Thailand", "chồng đi biển", "ប្តីទៅធ្វើការនៅកូរ៉េ"), or what she is after "I am" ("I am Cham muslim woman").
_WOMAN_TOLD = re.compile(
    r"(?:^|[.,;!?។\n]\s*|(?<=[\u1780-\u17ff]) +)(?P<w>(?:(?:and|my)\s+)?husband(?![a-z])"
    r"|chong(?=\s+(?:em|toi|minh|chi|di|lam|bo|mat|da|dang|moi|o|chet|ko|khong|nhau)(?![a-z]))"
    r"|ប្តី|ប្ដី|ស្វាមី)"
    r"|(?P<i>(?<![a-z])(?:i am|i'm|im)\s+(?:a\s+|an\s+)?"
    r"(?:(?!(?:of|for|my|with|to|and|father|dad)(?![a-z]))[a-z0-9]+\s+){0,3}"  # not "a father of a girl"
    r"(?:woman|girl|mother|mom|mum|wife|widow|lady|housewife)(?![a-z])"
    r"|ស្វាមីខ្ញុំ)")
# A day followed by its being free: "chủ nhật được nghỉ", "Sunday off", "ថ្ងៃអាទិត្យទំនេរ".
_OFF_AFTER = re.compile(r"\s*(?:(?:duoc|dc|la)\s+)?(?:nghi|off|free|ranh)(?![a-z])|\s*(?:ទំនេរ|ឈប់)")
_SHE_SAYS = re.compile("ចាស(?![\u17b6-\u17d3\u17dd])|(?:^|[,.;]) *(?:nu|girl|female) *(?=[,.;]|$)"
                       r"|^girl\s+\d{2}(?![0-9])")
# Khmer ក្រ (poor), as a whole syllable; counted only where the segmenter also makes it a word of its own.
_KH_POOR = re.compile("ក្រ(?![\u17b6-\u17d3\u17dd]|\u17d2)")
# Implicit cost: a learner who has no money for fees wants free courses (one tap removes the condition).
# Said in many ways, so read as a lack before money ("no money", "ko có tiền", "គ្មានលុយបង់"), money
# before too much or out of reach ("học phí cao quá", "fees too high", "ថ្លៃធ្វើដំណើរក៏គ្មាន") or an idiom
# ("poor family", "tiền đâu mà học", "បង់មិនរួច"); but not when they ask for a cheap course, which is
# a course that costs something ("can't afford expensive courses", "need cheap welding").
_LACK = _alt("no", "not enough", "don't have", "dont have", "do not have", "have no", "haven't got", "without",
             "không có", "ko có", "k có", "kh có", "hổng có", "chẳng có", "chả có",
             "không đủ", "ko đủ", "k đủ", "thiếu", "hết", "គ្មាន", "អត់មាន", "អត់", "មិនមាន", "មិនទាន់មាន",
             "អត់ទាន់មាន", "ខ្វះ")
_MONEY = _alt("money", "cash", "fee", "fees", "tuition", "savings", "tiền", "học phí", "kinh phí", "chi phí",
              "lộ phí", "đồng nào", "លុយ", "ប្រាក់", "ថវិកា", "ថ្លៃរៀន", "ថ្លៃសិក្សា", "ថ្លៃវគ្គ", "ថ្លៃធ្វើដំណើរ", "ថ្លៃសាលា")
_OUT_OF_REACH = _alt("too expensive", "expensive", "too high", "too much", "đắt", "mắc", "cao quá", "cao lắm",
                     "không kham nổi", "kham không nổi", "không nổi", "ko nổi", "không đủ", "ថ្លៃពេក", "ថ្លៃណាស់",
                     "មិនរួច", "មិនកើត", "អត់រួច", "អត់មាន", "គ្មាន")
_IDIOMS = _alt("can't afford", "cannot afford", "can not afford", "cant afford", "cannot pay", "can't pay",
               "cant pay", "can not pay", "unable to pay", "can't spend", "cannot spend", "cant spend",
               "poor family", "family is poor", "we are poor", "very poor", "low income", "no income", "in debt",
               "has debt", "have debt", "i'm broke", "im broke", "i am broke", "we are broke", "so broke",
               "không có điều kiện", "nhà nghèo", "gia đình nghèo", "hộ nghèo",
               "hoàn cảnh khó khăn", "không đủ khả năng", "không có khả năng chi trả", "kinh tế khó khăn",
               "nhà khó khăn", "mắc nợ", "nợ nần", "nghèo", "i'm poor", "i am poor", "im poor",
               "tiền đâu", "lấy đâu ra tiền", "không kham nổi", "គ្រួសារក្រ",
               "ក្រីក្រ", "ក្រណាស់", "ក្រលំបាក", "គ្មានលទ្ធភាពបង់", "បង់មិនរួច", "បង់មិនកើត", "ជំពាក់បំណុល", "ជាប់បំណុល", "ផ្ទះក្រ",
               "មិនអស់លុយ", "គ្រួសារខ្ញុំក្រ", "ជីវភាពខ្វះខាត", "ជីវភាពក្រីក្រ", "មិនអាចបង់", "អត់អាចបង់",
               "ជំពាក់លុយ", "ជំពាក់គេ", "orphan", "orphanage", "mồ côi", "កំព្រា",
               "không đóng nổi", "ko đóng nổi", "không trả nổi", "ko trả nổi", "lo không nổi", "ko lo nổi",
               "không lo nổi",
               # what little they earn goes home: "I get 200$ a month only and send most to parents" (a low
               # salary alone is why they want to learn, not what they can pay: "lương thấp, muốn học …")
               "a month only", "per month only", "send most to", "send money home", "gửi tiền về quê",
               "ផ្ញើលុយទៅផ្ទះ", "ot luy", "ot mean luy", "kmean luy", "0 đồng", "0 dong")
_NO_MONEY = re.compile(rf"(?P<a>{_LACK})[^.,!?;។\n]{{0,12}}?(?P<b>{_MONEY})"
                       rf"|(?P<c>{_MONEY})[^.,!?;។\n]{{0,16}}?(?P<d>{_OUT_OF_REACH})|(?P<e>{_IDIOMS})")
_CHEAP = re.compile(_alt("cheap", "cheaper", "low cost", "low-cost", "affordable", "not expensive", "expensive course",
                         "expensive courses", "pay much", "pay a lot", "giá rẻ", "rẻ tiền", "học phí rẻ", "khóa rẻ",
                         "rẻ thôi", "rẻ rẻ", "rẻ một chút", "ít tiền", "không nhiều tiền", "ko nhiều tiền",
                         "not much money", "little money", "not a lot of money", "ថោក", "តម្លៃទាប", "អត់សូវមាន",
                         "មិនសូវមាន", "អត់សូវមានលុយ", "មិនសូវមានលុយ", "លុយតិច",
                         "អស់លុយច្រើន", "ចំណាយលុយច្រើន", "ចំណាយច្រើន"))
# Having only a phone (or no computer), or being unable to travel, is how a learner says they can study
# only online; about the means of study, so it needs no study word nearby ("learn computer basics but I
# only have a phone", "I can't leave the village").
_REMOTE_ONLY = re.compile(_alt(
    "phone is all i have", "all i have is a phone", "all i have is my phone", "only my phone",
    "can't leave", "cannot leave", "cant leave", "can't travel", "cannot travel", "too far", "far from town",
    "không đi được", "đi lại khó", "xa quá", "xa lắm", "ko đi được", "ទៅមកមិនរួច", "ទៅមិនរួច", "ឆ្ងាយពេក",
    "ឆ្ងាយណាស់", "ធ្វើដំណើរមិនរួច", "ចាកចេញមិនបាន", "ចេញមិនរួច", "ចេញមិនបាន",
    "only phone", "only a phone", "only have phone", "only have a phone", "only smartphone",
    "no laptop", "no computer", "don't have laptop", "don't have a laptop", "dont have laptop", "dont have a laptop",
    "don't have a computer", "dont have computer", "don't have computer", "do not have a computer",
    "chỉ có điện thoại", "chỉ có đt", "chỉ có cái điện thoại", "không có máy tính", "ko có máy tính",
    "k có máy tính", "không có laptop", "ko có laptop", "không có máy", "chỉ cần cái điện thoại",
    "chỉ cần điện thoại", "chỉ cần đt", "cầm cái điện thoại", "cầm điện thoại", "không đi đâu được",
    "ko đi đâu được", "k đi đâu được", "không đi học được", "ko đi học được", "មានតែទូរស័ព្ទ", "មានតែហ្វូន",
    "គ្មានកុំព្យូទ័រ", "អត់មានកុំព្យូទ័រ", "អត់មានកំុព្យូទ័រ", "គ្មានឡាបថប", "អត់មានឡាបថប"))
# Condition words that are also part of topics: "online" in "online selling", "in class" in "classroom
# assistant". Such a word is a condition only where no thesaurus concept needs it.
TOPIC_PRONE = frozenset({"delivery", "schedule"})
# ... nor where it tells the learner's situation rather than how they want to study: a work, selling
# or playing word just before it ("I work at night", "I sell clothes online", "លេងហ្គេមអនឡាញ"), or a
# word after it that makes it a thing ("online games", "online shop"). A delivery word also needs a
# word about studying in its sentence unless the goal is a few words ("online english").
_SITUATION_BEFORE = re.compile(r"(?:(?<![a-z])(?<!hoc )lam(?![a-z])|" + "|".join(  # làm: work, not học làm
    rf"(?<![a-z]){re.escape(fold(w))}" + ("(?![a-z])" if fold(w).isascii() else "") for w in (
        "work", "works", "working", "worked", "job", "sell", "sells", "selling", "sold", "play", "plays",
        "playing", "buy", "buying", "earn", "earning", "money", "stay", "run", "runs", "running", "đi làm",
        "làm việc", "làm ca", "bán", "chạy", "chơi", "mua", "kiếm",
        "ở nhà", "phiên chợ", "chợ phiên", "chợ đêm", "ធ្វើការ", "លក់", "លេង", "ទិញ", "រកស៊ី", "រកលុយ", "រកប្រាក់",
        "នៅផ្ទះ", "រត់")) + ")")
_SITUATION_AFTER = re.compile(r"^[\s,]*(?:" + _alt(
    "game", "games", "shop", "shops", "store", "business", "sales", "selling", "marketing", "customers",
    "job", "jobs", "work", "market", "markets", "stall", "trò chơi", "cửa hàng", "chợ", "kinh doanh", "khách",
    "ហ្គេម", "ហាង", "អតិថិជន", "ការងារ", "ផ្សារ") + ")")
_STUDY = re.compile(_alt(
    "must be", "has to be", "only", "chỉ", "phải", "មានតែ", "ត្រូវតែ",  # what they can take ("must be online")
    "learn", "learning", "study", "studying", "course", "courses", "class", "classes", "training", "train",
    "lesson", "lessons", "certificate", "skill", "skills", "prefer", "practice", "practise", "hands-on",
    "học", "khóa", "lớp", "đào tạo", "រៀន", "វគ្គ",
    "ថ្នាក់", "បណ្តុះបណ្តាល", "សិក្សា", "ជំនាញ"))
_CLAUSE = re.compile(r"[.!?;,។៕\n]")
SITUATION_WINDOW = 14  # characters before a condition word searched for a work word ("sell clothes ")
SHORT_GOAL_WORDS = 6


def _husband(base: str, m: re.Match[str]) -> bool:
    """A cue of ``_WOMAN_TOLD`` written as the word for husband: with tone marks, "chồng", not "chóng" (quick,
    as in "chóng mặt", dizzy)."""
    written = base[m.start("w"):m.end("w")] if m.group("w") else ""
    return written.isascii() or not written.lower().startswith("ch") or written.lower() == "chồng"


def _about_situation(kind: str, folded: str, start: int, end: int, story_end: int, written: str) -> bool:
    """True when the condition word at ``folded[start:end]`` is the learner's situation, not a wish;
    ``story_end`` is where the story ends (its first wish clause, or wish word if later); ``written`` is
    the text as typed, position for position (tone marks tell "học được", can study, from "học dược", pharmacy)."""
    if kind not in TOPIC_PRONE:
        return False
    before = folded[max(0, start - SITUATION_WINDOW):start]
    if kind == "schedule" and (OFF_BEFORE.search(before) or _OFF_AFTER.match(folded, end)):
        return False  # their day off is when they can study, whatever work came before
    if kind == "schedule" and UNTIL.search(before):
        return True  # "free until evening": when their free time ends
    if _SITUATION_BEFORE.search(before) or _SITUATION_AFTER.match(folded[end:]):
        return True
    clauses = [0, *(m.end() for m in _CLAUSE.finditer(folded)), len(folded) + 1]
    lo = max(c for c in clauses if c <= start)
    hi = min(c for c in clauses if c > start)
    if start < story_end and (
            _SITUATION_BEFORE.search(folded[lo:start])
            or any(c.startswith("occ.") for c in thesaurus().find(written[lo:start]))):
        return True  # in the story, after what they do: "Mình bán xôi ở chợ vào cuối tuần, muốn học …",
        # "I'm a security guard at night"
    if kind != "delivery" or len(folded.split()) <= SHORT_GOAL_WORDS:
        return False
    return not _STUDY.search(folded[lo:hi])
_AGE = re.compile(
    r"(?<![a-z0-9])(?:i am|i'm|im|aged?)\s*(\d{2})(?:\s*(?:years? old|yo|y/o))?(?![0-9])"
    r"|(?<![0-9])(\d{2})\s*(?:years? old|yo|y/o|tuoi)(?![a-z])"
    r"|(?<![a-z])(?:man|woman|girl|boy|daughter|son|sister|brother|lady)\s+(\d{2})(?:\s*(?:years?|yo|y/o))?(?![0-9a-z])"
    r"|(?<![0-9a-z])(\d{2})t(?![a-z0-9])"  # "mình 27t": how Vietnamese chat writes an age
    r"|nam nay\s*(?:em|e|minh|toi|con|chau|no|anh|chi)?\s*(\d{2})(?![0-9])(?!\s*(?:trieu|tr|k|nghin|ngan)(?![a-z]))"
    r"|អាយុ\s*(\d{2})(?:\s*ឆ្នាំ)?|(?<![a-z])ayu\s*(\d{2})(?![0-9])"
    r"|(?<![a-z])(?:son|daughter|sister|brother|nephew|niece)\s+is\s+(\d{2})(?![0-9])"
    r"|(?:ខ្ញុំ|អូន|ខ្ញុំបាទ)\s*(\d{2})\s*ឆ្នាំ"  # "ខ្ញុំ១៧ឆ្នាំ"; not "ធ្វើការ១០ឆ្នាំ", ten years of work
)
# The age of the person a message is written for ("My brother … now he is 24"), not beside the writer's own
# words ("My mother is sick, she is 60. I want to learn sewing").
_THEIR_AGE = re.compile(r"(?<![a-z])(?:he is|she is|he's|she's)\s*(\d{2})(?:\s*(?:years? old|yo))?(?![0-9])")
_SENTENCE_END = re.compile(r"[.!?\n។]")
# The year of birth, as chat writes it: "born in 2007", "sinh năm 2007", "sn 2006", "2k5", "កើតឆ្នាំ២០០៥".
_BIRTH_YEAR = re.compile(r"(?:(?<![a-z])(?:born(?: in)?|sinh nam|sn)\s*|កើតឆ្នាំ\s*)((?:19|20)\d{2})(?![0-9])"
                         r"|(?<![0-9a-z])2k(\d{1,2})(?![0-9a-z])")
_VI_UNACCENTED = frozenset(
    "toi em minh muon hoc nghe lam viec cho khong duoc nau an sua xe may tho dien han o dau tim khoa".split()
)


TOPIC_LABEL_CHARS = 30  # text before a wish this short is a topic label ("Nail art, any course?")
_SOMETHING_ELSE = re.compile(_alt(
    "other", "another", "different", "change", "something else", "new job", "don't know", "dont know",
    "do not know", "not sure", "suggest", "khác", "đổi", "chuyển nghề", "chuyển việc", "không biết", "ko biết",
    "chưa biết", "ផ្សេង", "ប្តូរ", "ប្ដូរ", "ថ្មី", "មិនដឹង", "អត់ដឹង", "មិនច្បាស់",
    # an open question asks what to learn, whatever they did before ("what can I learn now?")
    "what can i", "what should i", "what to learn", "what skill", "what skills", "which skill", "something",
    "anything", "học gì", "nghề gì", "làm gì", "ngành gì", "gì cũng được", "ជំនាញអ្វី", "ជំនាញអី", "រៀនអ្វី",
    "រៀនអី", "អ្វីក៏បាន", "អីក៏បាន", "ជំនាញខ្លី"))
_ORIGIN = re.compile(r"(?<![a-z])(?:from|tu)\s*$|(?:មកពី|ពី)\s*$")  # "from Prey Veng", "từ Huế"
# The word that introduced a condition, left hanging once the condition is cut ("học nail ở [Sài Gòn]";
# not the "tải" of "lái xe tải", truck driving).
_DANGLING = re.compile(r"(?:(?<!\S)(?:in|at|near|around|o|ở|tai|tại|gần)\s+|នៅ\s*)$", re.IGNORECASE)


def detect_language(text: str) -> str:
    """``km``, ``vi`` or ``en`` for a goal; unaccented Vietnamese is recognised by common syllables."""
    guess = guess_language(text)
    if guess in ("km", "vi"):
        return guess
    syllables = re.findall(r"[a-z]+", fold(text))
    if syllables and sum(s in _VI_UNACCENTED for s in syllables) >= max(1, len(syllables) // 3):
        return "vi"
    return "en"


def clip_goal(text: str) -> str:
    """A learner's message as a goal :func:`parse_goal` accepts: normalised, then cut to
    :data:`MAX_GOAL_CHARS`. Cutting comes after normalising because normalising can make text
    longer (Khmer repairs) or empty (only invisible characters): "" means there is nothing to read."""
    clean = normalize(text or "")
    cut = MAX_GOAL_CHARS
    while len(clean) > MAX_GOAL_CHARS:
        clean, cut = normalize(clean[:cut]), cut - 1
    return clean


def parse_goal(text: str, gaz: Gazetteer) -> ParsedGoal:
    """Find constraints in a goal. Raises :class:`InputError` for an empty or oversized goal."""
    clean = normalize(text or "")
    if not clean:
        raise InputError("the goal is empty; say what you want to learn or what job you want")
    if len(clean) > MAX_GOAL_CHARS:
        raise InputError(f"the goal is {len(clean):,} characters long; keep it under {MAX_GOAL_CHARS:,}")
    language = detect_language(clean)
    folded = fold(clean)
    # Folding keeps one character per character for NFC text, so spans found in the folded text
    # can be cut from the original; if not, match on the folded text.
    base = clean if len(folded) == len(clean) else folded
    spans: list[tuple[int, int]] = []
    constraints: list[Constraint] = []

    def take(kind: str, value: Any, m: re.Match[str]) -> None:
        if kind != "women" and any(s < m.end() and m.start() < e for s, e in spans):
            return  # (who a woman is may overlap her age: "my daughter 16 year")
        spans.append((m.start(), m.end()))
        constraints.append(Constraint(kind, value, base[m.start() : m.end()].strip()))

    for amount, currency, (s, e) in budgets(folded, language):
        if not any(a < e and s < b for a, b in spans):
            spans.append((s, e))
            constraints.append(Constraint("max_cost", {"amount": amount, "currency": currency}, base[s:e].strip()))
    for m in _AGE.finditer(folded):
        age = int(next(g for g in m.groups() if g))
        if 12 <= age <= 80:
            take("age", age, m)
    for m in _THEIR_AGE.finditer(folded):
        start = max((e.end() for e in _SENTENCE_END.finditer(folded, 0, m.start())), default=0)
        end = next((e.start() for e in _SENTENCE_END.finditer(folded, m.end())), len(folded))
        if not _FIRST_PERSON.search(folded, start, end) and 12 <= int(m.group(1)) <= 80:
            take("age", int(m.group(1)), m)
    for m in _BIRTH_YEAR.finditer(folded):
        age = date.today().year - (int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)))
        if 12 <= age <= 80:
            take("age", age, m)
    words = thesaurus()
    # A goal that tells a story first ("I work at night in a factory. I want to learn sewing"): its
    # request starts at the first wish; how and when to study, and what to learn, are read from there.
    story_end = focus = wish_start(folded)
    wished = wishes(folded)
    story_told = max(story_end, first_wish(folded))  # also before the first wish word of one long clause
    about: set[str] | None = None  # what the whole goal is about, found when a condition word needs it
    others: list[tuple[int, int]] = []
    # The money and age found so far are conditions, not what the wish names ("budget around $200").
    unsaid = "".join(" " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(base))
    if focus and not words.find(unsaid[focus:]) and words.find(base[:focus]) and (
            len(folded[:focus].strip()) <= TOPIC_LABEL_CHARS or not _SOMETHING_ELSE.search(folded[focus:])):
        # The wish names no work: what came before is the topic ("Nail art, any course?", "I repair
        # motorbikes. I want to learn more"), unless the wish is to leave it ("… I want another job"),
        # and except what it tells about others ("My friends went to Thailand").
        others, focus = about_others(folded, focus), 0
    not_free = [m.span() for m in _FREE_OTHER.finditer(folded)]
    for kind, value, pattern in _SIMPLE:
        for m in pattern.finditer(folded):
            if kind == "free" and any(s <= m.start() < e for s, e in not_free):
                continue  # "free" that is about something else: "freelance", "free wifi for customers"
            if kind in TOPIC_PRONE:
                about = words.find_specific(base)[1] if about is None else about
                lost = about - words.find_specific(base[: m.start()] + " " + base[m.end():])[1]
                # part of what the learner wants to learn ("online selling"), not how; but a channel
                # named beside another topic is how ("học làm bánh qua zalo hay youtube")
                if lost and not (about - lost and lost <= words.find(base[m.start():m.end()])):
                    continue
            if kind == "schedule" and "toi" in folded[m.start():m.end()] and script_language(base) == "vi" \
                    and "tối" not in base[m.start():m.end()].lower():
                continue  # "tăng ca tới 8h": "tới" (until), not "tối" (evening)
            # "មិនចង់រៀនអនឡាញទេ", "học online ko hiểu gì", "I don't want online": they want a real class
            refused = value == ("online",) and bool(_REFUSED_BEFORE.search(folded[max(0, m.start() - 24):m.start()])
                                                    or _REFUSED_AFTER.match(folded, m.end()))
            if not refused and _about_situation(kind, folded, m.start(), m.end(), story_told, base):
                continue
            take(kind, ("in_person", "blended") if refused else value, m)
    if not any(c.kind == "women" for c in constraints):
        # A Khmer woman's "yes" (ចាស; a man says បាទ), or "nữ" on its own as a chat form gives it ("sn 1998, nữ,").
        said = _SHE_SAYS.search(folded)
        if said and (said.group().startswith(("ចាស", "girl")) or base[said.start():said.end()].strip(" ,.;").lower()
                     in ("nữ", "nu", "girl", "female")):
            spans.append(said.span())
            constraints.append(Constraint("women", True, base[said.start():said.end()].strip(" ,.;")))
    if not any(c.kind == "women" for c in constraints):
        told = next((m for m in _WOMAN_TOLD.finditer(folded) if _husband(base, m)), None)
        if told:
            cue = "w" if told.group("w") else "i"
            spans.append(told.span(cue))
            constraints.append(Constraint("women", True, base[told.start(cue):told.end(cue)]))
        else:  # written for a girl or woman: "Any make-up course she could join?" (not "I … my mother, she …")
            for s, e in wished:
                m = _SHE.search(folded, s, e)
                if m and not _FIRST_PERSON.search(folded, s, e):
                    constraints.append(Constraint("women", True, base[m.start():m.end()]))
                    break
    if not any(c.kind == "schedule" for c in constraints):
        for m in _DAY_OFF.finditer(folded):
            take("schedule", ("weekends",), m)
            break
    if not any(c.kind == "schedule" for c in constraints):  # when they are free: "Free from 6pm", "t7 cn"
        for value, (s, e), told in free_times(folded, base):
            if not any(a < e and s < b for a, b in spans) \
                    and (told or not _about_situation("schedule", folded, s, e, story_told, base)):
                spans.append((s, e))
                constraints.append(Constraint("schedule", value, base[s:e].strip()))
                break
    if not any(c.kind == "delivery" for c in constraints):
        for m in _REMOTE_ONLY.finditer(folded):
            take("delivery", ("online",), m)
            break
    if not any(c.kind in ("free", "max_cost") for c in constraints) and not _CHEAP.search(folded):
        poor = _KH_POOR.search(folded)
        poor = poor if poor and "ក្រ" in words_of(folded, folded=True) else None  # segment only when needed
        if poor:  # ក្រ (poor) is a word of its own here, not the start of ក្រុម or ក្រណាត់
            spans.append(poor.span())
            constraints.append(Constraint("free", True, base[poor.start():poor.end()].strip(), implied=True))
        for m in [] if poor else _NO_MONEY.finditer(folded):
            cues = [(m.start(g), m.end(g)) for g in "abcde" if m.group(g)]
            if not any(s < e2 and s2 < e for s, e in spans for s2, e2 in cues):
                spans.extend(cues)  # the words between ("học phí khóa hàn cao quá") may be the topic
                constraints.append(Constraint("free", True, base[m.start():m.end()].strip(), implied=True))
            break
    places = [p for p in gaz.find(folded) if not any(s < p.end and p.start < e for s, e in spans)
              and (base is not clean or gaz.spelled_as(p.province, base[p.start:p.end].strip(),
                                                       gaz.introduced(folded, p.start)))]
    # Where they were ("Last year I went to Bình Dương …") is not where they are when they name that too;
    # a place named only in the past is still theirs ("I used to sell vegetables in Battambang").
    was = past(folded)
    now = [p for p in places if not any(s <= p.start < e for s, e in was)] or places
    if now:
        # Several places: the one in the request, not the one they come from ("from Prey Veng to Phnom
        # Penh"), the later one first ("làm ở Bình Dương ... về quê Đồng Tháp").
        place = max(now, key=lambda p: (p.start >= focus, not _ORIGIN.search(folded[max(0, p.start - 8):p.start]),
                                        p.start))
        constraints.append(Constraint("province", place.province.id, base[place.start:place.end].strip()))
    spans.extend((p.start, p.end) for p in places)  # every place name is a place, not a topic
    if any(c.kind == "province" for c in constraints):
        constraints = [c for c in constraints if c.kind != "country"]
    query = " " * focus + base[focus:]
    # What they refuse is not the request ("I don't want factory work any more. Maybe bakery?").
    for start, end in sorted([*spans, *others, *refusals(folded)], reverse=True):
        query = query[:start] + " " * (end - start) + query[end:]  # same length: spans may overlap
    for start, _end in spans:
        hanging = _DANGLING.search(query, 0, start)
        if hanging:
            query = query[:hanging.start()] + " " * (start - hanging.start()) + query[start:]
    # The wish itself, when the story goes on after it ("I want to learn to fix motorbikes. I am 19 …
    # I help my mother sell noodles"), or what they can already do is told ("My English is ok").
    request = "".join(ch if any(s <= i < e for s, e in wished) else " " for i, ch in enumerate(query))
    query, request = (re.sub(r"\s+", " ", q).strip(" ,.;:!?-") for q in (query, request))
    order = {c: i for i, c in enumerate(("free", "max_cost", "province", "country", "delivery", "schedule",
                                         "languages", "women", "age"))}
    constraints.sort(key=lambda c: order.get(c.kind, 99))
    unique: dict[tuple[str, str], Constraint] = {}  # the same condition said twice ("online, on my phone") is one
    for c in constraints:
        unique.setdefault((c.kind, repr(c.value)), c)
    constraints = list(unique.values())
    return ParsedGoal(text=clean, language=language, query=query, constraints=constraints, request=request,
                      story=bool(story_end or was))
