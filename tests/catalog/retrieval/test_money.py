"""Budgets as learners state them: before the amount, after it, as a range, in chat units."""

import pytest

from catalog.language.places import gazetteer
from catalog.retrieval.constraints import parse_goal
from catalog.retrieval.money import money, number


def budget(goal: str) -> dict | None:
    return next((c.value for c in parse_goal(goal, gazetteer()).constraints if c.kind == "max_cost"), None)


@pytest.mark.parametrize(("goal", "amount", "currency"), [
    ("ខ្ញុំចង់រៀនជួសជុលទូរស័ព្ទ តែមានលុយតែ៥០ដុល្លារ បានទេ?", 50, "USD"),
    ("ថវិកាខ្ញុំមាន៣សែនរៀល ចង់រៀនធ្វើនំ", 300_000, "KHR"),
    ("ខ្ញុំលក់បន្លែ បង់បានខែ២ម៉ឺនរៀល ចង់រៀនកុំព្យូទ័រ", 20_000, "KHR"),
    ("តម្លៃ២០$ទៅ៣០$ល្មមហើយ ចង់រៀនតរោមភ្នែក", 30, "USD"),  # a range: its upper end
    ("tui co khoang 500k thoi, hoc duoc khoa gi", 500_000, "VND"),
    ("Hoc phi tam 3-5 trieu e lo duoc, muon hoc cat toc nam", 5_000_000, "VND"),
    ("co lop tieng Han nao re re ko, tam 1 cu do lai thoi", 1_000_000, "VND"),
    ("khoa hoc photoshop gia bao nhieu, e chi co 50 do thoi", 50, "USD"),
    ("Trên 10 triệu là em chịu, muốn học spa chăm sóc da", 10_000_000, "VND"),
    ("hoc lai xe nang mat bao nhieu, toi chi co tam 3tr5", 3_500_000, "VND"),
    ("around 100 dollar is ok for me. eyelash extension course", 100, "USD"),
    ("price not more than 20$, want learn Canva design", 20, "USD"),
    ("I just have 200 thousand riel, enough for mushroom growing course?", 200_000, "KHR"),
    ("លុយខ្ញុំមានត្រឹម៥ម៉ឺនរៀលទេ ចង់រៀនត្បាញកន្ត្រក", 50_000, "KHR"),
    ("ខ្ញុំជាខ្មែរក្រោមនៅឃ្លាំង ចង់រៀនអ៊ុតសក់ មានលុយប្រហែល៣លានដុង", 3_000_000, "VND"),
    ("ប្រហែល៥០ដុល្លាខ្ញុំអាចចាយបាន ចង់រៀនធ្វើសាប៊ូ", 50, "USD"),
])
def test_budgets(goal, amount, currency):
    assert budget(goal) == {"amount": amount, "currency": currency}


@pytest.mark.parametrize("goal", [
    "I get 200$ a month only and send most to parents. want learn electrical wiring",  # income
    "nha co 2 con bo, ban di cung chi dc 20tr. muon hoc lai xe tai",  # money they had
    "lớp này chỉ có 2 người à",
    "toi lam tho xay 10 nam, do khong co bang nen luong thap",  # "do" is "because"
])
def test_money_that_is_no_budget(goal):
    assert budget(goal) is None


def test_units():
    assert number("1.500.000") == 1_500_000 and number("1.5") == 1.5
    assert money(3, None, "សែន", "km") == (300_000, "KHR")
    assert money(2, None, "cu", "vi") == (2_000_000, "VND")
    assert money(40, None, "ពាន់", "km", "រៀល") == (40_000, "KHR")
