"""When learners say they are free, read as the course schedules that fit (and only then)."""

import pytest

from catalog.language.places import gazetteer
from catalog.retrieval.constraints import parse_goal


def schedule(goal: str) -> tuple[str, ...] | None:
    return next((c.value for c in parse_goal(goal, gazetteer()).constraints if c.kind == "schedule"), None)


@pytest.mark.parametrize(("goal", "expected"), [
    ("Free from 6pm every day. Accounting course in Phnom Penh?", ("evenings",)),
    ("6h chieu tro di e moi ranh, co lop pha che nao ko", ("evenings",)),
    ("sau 9h tối mới xong việc, có lớp nào không", ("evenings",)),
    ("ខ្ញុំរត់តុកតុកពេលថ្ងៃ យប់ទំនេរ ចង់រៀនភាសាកូរ៉េ", ("evenings",)),
    ("e chi hoc buoi sang dc thoi, muon hoc sua may lanh", ("weekdays",)),
    ("I can only study in the morning, want to learn baking", ("weekdays",)),
    ("minh chi ranh t7 cn thoi, co khoa sua dien lanh ko", ("weekends",)),
    ("ខ្ញុំធ្វើការ៦ថ្ងៃ ឈប់តែអាទិត្យ ចង់រៀនដេរខោអាវ", ("weekends",)),
    ("ខ្ញុំធ្វើការនៅហាងកាហ្វេ ឈប់សម្រាកតែថ្ងៃពុធ ចង់រៀនធ្វើនំខេក", ("weekdays",)),
    ("ម៉ោង៧យប់ដល់៩យប់ខ្ញុំទំនេររាល់ថ្ងៃ មានវគ្គអីរៀនម៉ោងនឹងទេ?", ("evenings",)),  # a range of free hours
    ("Em làm công nhân may, tăng ca tới 8h tối, chủ nhật được nghỉ. Muốn học tiếng Hàn", ("weekends",)),
    ("e chi di hoc dc toi thu 2 4 6 thoi, muon hoc tieng Nhat N5", ("evenings",)),
])
def test_free_time_said_in_passing_is_a_schedule(goal, expected):
    assert schedule(goal) == expected


@pytest.mark.parametrize("goal", [
    "Tôi làm bảo vệ ca đêm, muốn học nấu ăn",  # when they work is their situation
    "ខ្ញុំធ្វើការពេលថ្ងៃ ចង់រៀនជួសជុលទូរស័ព្ទ",
    "lam ca 3 tu 10h dem den 6h sang, muon hoc excel",  # the hours of a shift, not "from 10pm on"
    "trua 11h30 toi 1h30 dc nghi, muon hoc tieng nhat",  # "tới", until, not "tối"
    "ចង់រៀនដំឡើងកាមេរ៉ាសុវត្ថិភាព ព្រោះយប់ៗចោរច្រើនណាស់ក្នុងភូមិ",  # night, but not when they study
    "ខ្ញុំធ្វើការនៅភ្នំពេញពី២០ឆ្នាំមុន ចង់រៀនជាងឈើ",  # a number is no hour
    "Em muốn học làm đồ handmade để bán ở phiên chợ cuối tuần Đà Lạt",  # the weekend market
    "a chay grab gio giac tu do, hoc sang chieu toi gi cung dc. muon hoc sua dien thoai",  # any time
])
def test_times_that_are_not_when_they_study(goal):
    assert schedule(goal) is None


def test_free_until_a_time_is_not_that_time():
    assert schedule("morning 5-8 i sell noodles, after that free until evening. want learn sewing") != ("evenings",)
