"""Every screen, in every language: valid Telegram HTML, within length limits, buttons Telegram accepts."""

from __future__ import annotations

import pytest

from bot.demo.emulator import parse_html
from bot.dialogue.core import MAX_CALLBACK_BYTES, Screen
from bot.dialogue.flows import build_router
from bot.dialogue.flows.courses import Details, Enrolled, Gone, MyCourses, Withdrawn
from bot.dialogue.flows.discovery import JOBS, Jobs, Sectors
from bot.dialogue.flows.goals import Alternative, AskGoal, Item, ProvincePicker, Refinements, Results
from bot.dialogue.flows.help import Help, NotText, UnknownCommand
from bot.dialogue.flows.onboarding import AlreadyAgreed, ChooseLanguage, Declined, Privacy
from bot.dialogue.flows.privacy import ConfirmDelete, Deleted, KeptData
from bot.dialogue.html import MAX_MESSAGE, split_message, utf16_len
from bot.dialogue.views import Failure
from bot.i18n import Catalogs
from catalog.retrieval.constraints import Constraint

EVIL = "<b>Tom & Jerry</b> <script>x</script> &amp;"  # provider text must never be taken as markup


def item(n: int) -> Item:
    return Item(number=n, course_id=99_999_999 + n, title=f"{EVIL} {n}", title_lang="en", provider=EVIL,
                duration_hours=1.5, cost_amount=150000, cost_currency="KHR", delivery="blended",
                province="Battambang", language="vi", match=[EVIL])


ROUTER = build_router()
MENU = ROUTER.menu()


def screens(lang: str) -> list[Screen]:
    understood = [Constraint("max_cost", {"amount": 100, "currency": "USD"}, "under $100"),
                  Constraint("women", True, "for women")]
    details = Details(lang, course_id=2**40, title=EVIL, title_lang="km", provider=EVIL,
                      text={"description": (EVIL, "en"), "learning_outcomes": ([EVIL, EVIL], "vi"),
                            "assessment": (EVIL, lang)}, duration_hours=600, cost_amount=25.5,
                      cost_currency="USD", delivery="online", language_of_instruction="km",
                      schedule=["weekends", "self_paced"],
                      start_dates=["2027-03-15", "soon"], women_only=True, min_age=16, max_age=35,
                      stacks_into=[EVIL], url="https://example.org/?a=1&b=2", enrolled=True)
    return [
        ChooseLanguage(lang, current="km", welcome=True), ChooseLanguage(lang), Privacy(lang, ask=True),
        Privacy(lang), Declined(lang), *(AskGoal(lang, why=w) for w in ("ready", "welcome_back", "language_set",
                                                                        "consented", "empty", "expired")),
        Results(lang, goal=EVIL, understood=understood, refine=Refinements(True, True, True, "Kampong Speu"),
                items=[item(n) for n in range(45, 49)], page=11, has_more=True, eligible=4),
        Results(lang, goal=EVIL, sectors=("1013",), items=[], eligible=0),
        Results(lang, goal="", sectors=("0611",), items=[], eligible=9), Results(lang, goal="help", vague=True),
        Results(lang, goal=EVIL, understood=understood, items=[], eligible=3, alternatives=[
            Alternative("toggle:weekends", 2**40, EVIL),
            Alternative("place:Kampong Cham", 7, "Tailoring"),
            Alternative("drop:women", 8, EVIL)]),
        ProvincePicker(lang, options=[("banteay-meanchey", "Banteay Meanchey")] * 10, page=3, has_more=True),
        details, Details(lang, course_id=1, title="x", title_lang=lang, language_of_instruction="en", active=False),
        Enrolled(lang, course_id=2**40, title=EVIL, provider=EVIL, contact={"phone": EVIL, "email": "a@b"},
                 url="https://x"), Enrolled(lang, title=EVIL, created=False),
        Withdrawn(lang, course_id=2**40, title=EVIL), Withdrawn(lang, title=EVIL, changed=False),
        MyCourses(lang), MyCourses(lang, items=[(2**40, EVIL, EVIL)] * 12), ConfirmDelete(lang), Deleted(lang),
        KeptData(lang), Help(lang, menu=MENU), UnknownCommand(lang, menu=MENU), NotText(lang), Sectors(lang),
        AlreadyAgreed(lang),
        *(Jobs(lang, sector=s) for s in JOBS), Gone(lang), Failure(lang),
    ]


@pytest.mark.parametrize("lang", ["km", "vi", "en"])
def test_every_screen_renders_valid_html_and_buttons(lang: str) -> None:
    t = Catalogs().translator(lang)
    for screen in screens(lang):
        reply = screen.render(t)
        for part in split_message(reply.text):
            plain, _ = parse_html(part)  # raises like Telegram's "can't parse entities"
            assert plain.strip() and utf16_len(plain) <= MAX_MESSAGE
            assert "<script>" not in part and "Tom & Jerry" not in part
        for row in reply.buttons:
            assert 1 <= len(row) <= 3, f"{type(screen).__name__}: rows must fit a phone screen"
            for label, data in row:
                assert label.strip()
                assert len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES
                assert data.startswith("url:https://") or ROUTER.decode(data) is not None, data


def test_provider_text_is_shown_literally() -> None:
    reply = Enrolled("en", title=EVIL, provider="A&B").render(Catalogs().translator("en"))
    plain, _ = parse_html(reply.text)
    assert EVIL in plain and "(A&B)" in plain


def test_long_text_is_split_cleanly() -> None:
    paragraph = "<b>Title</b>\n" + "ក" * 1500 + "\n" + "word &amp; " * 700
    parts = split_message(paragraph, limit=1000)
    assert len(parts) > 3
    for part in parts:
        assert utf16_len(part) <= 1000
        parse_html(part)
    assert "".join(p.replace("\n", "") for p in parts).replace(" ", "") == paragraph.replace("\n", "").replace(" ", "")
    assert split_message("short") == ["short"]


def test_nothing_fits_names_the_condition_in_the_way() -> None:
    """"Nothing fits; without 'weekends' there is Tailoring", with the course one tap away and the
    condition removable in one tap (its toggle)."""
    t = Catalogs().translator("en")
    screen = Results("en", goal="sewing at weekends", refine=Refinements(weekends=True), items=[], eligible=3,
                     alternatives=[
        Alternative("toggle:weekends", 7, "Tailoring")])
    reply = screen.view(t)
    assert "No course fits all of these conditions." in reply.text
    assert "Without “weekends”: Tailoring" in reply.text
    data = [d for row in reply.buttons for _, d in row]
    assert "c.d:7" in data and not any(d.startswith("c.e:") for d in data)
    assert any(label == "☑ Weekends" for row in reply.buttons for label, _ in row)


def test_a_vague_goal_gets_a_question_not_a_list() -> None:
    reply = Results("vi", goal="giúp tôi", vague=True).view(Catalogs().translator("vi"))
    assert "“may mặc”" in reply.text and "c.d:" not in str(reply.buttons)
    assert len(reply.buttons) == 1  # guided choice only


@pytest.mark.parametrize("lang, matches, related", [("en", "✓ Matches: phone repair", "↪ Related: electronics repair"),
                                                     ("km", "ត្រូវនឹងពាក្យ៖", "ពាក់ព័ន្ធនឹង៖"),
                                                     ("vi", "Khớp với:", "Liên quan đến:")])
def test_a_related_course_is_not_called_a_match(lang: str, matches: str, related: str) -> None:
    strong = Item(number=1, course_id=1, title="Smartphone Repair", title_lang="en", provider="NTTI", duration_hours=90,
                  cost_amount=600000, cost_currency="KHR", delivery="in_person", province="Phnom Penh",
                  language="km", match=["phone repair"])
    weak = Item(number=2, course_id=2, title="E-Motorbike Maintenance", title_lang="en", provider="GESC",
                duration_hours=120, cost_amount=80, cost_currency="USD", delivery="in_person",
                province="Phnom Penh", language="km", match=["electronics repair"], related=True)
    text = Results(lang, goal="fix my phone", items=[strong, weak], eligible=2).view(Catalogs().translator(lang)).text
    first, second = text.split("2. ")
    assert matches in first and related not in first
    assert related in second and matches.split(":")[0].split("៖")[0] not in second
