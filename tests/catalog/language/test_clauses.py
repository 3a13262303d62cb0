import pytest

from catalog.language.clauses import wish_start
from catalog.language.text import fold


@pytest.mark.parametrize("goal, wish", [
    ("I lost my leg two years ago. Before that I was a moto taxi driver. Now I want to learn bookkeeping.",
     "Now I want to learn bookkeeping."),
    ("My friends went to Thailand but I do not want to go. I want to learn a skill here.",
     "I want to learn a skill here."),  # a negated wish is not the request
    ("Mình bán xôi ở chợ vào cuối tuần, muốn học làm bánh", "muốn học làm bánh"),
    ("I want to learn welding", "I want to learn welding"),  # one clause: all of it
    ("I want to learn, sewing maybe", "I want to learn, sewing maybe"),  # the wish first: all of it
    ("ខ្ញុំធ្វើការរោងចក្រ ប្តីខ្ញុំនៅថៃ ខ្ញុំចង់រៀនកាត់សក់", "ខ្ញុំចង់រៀនកាត់សក់"),  # a Khmer space ends a clause
    ("ខ្ញុំធ្វើការរោងចក្រ។ ខ្ញុំចង់រៀនកាត់សក់", "ខ្ញុំចង់រៀនកាត់សក់"),
])
def test_the_request_starts_at_the_first_wish_after_a_story(goal, wish):
    assert goal[wish_start(fold(goal)):].strip() == wish


def test_what_a_story_tells_about_others_is_found():
    from catalog.language.clauses import about_others

    goal = fold("I failed the exam. My friends went to Thailand, but I do not want to go. I want a skill here.")
    assert [goal[s:e].strip() for s, e in about_others(goal, len(goal))] == ["my friends went to thailand"]
    khmer = fold("ឪពុកខ្ញុំស្លាប់ហើយ ម្ដាយធ្វើស្រែម្នាក់ឯង។ ខ្ញុំចង់ជួយម្ដាយរកលុយ")
    assert [khmer[s:e] for s, e in about_others(khmer, len(khmer))] == [fold("ឪពុកខ្ញុំស្លាប់ហើយ"),
                                                                         fold("ម្ដាយធ្វើស្រែម្នាក់ឯង")]


@pytest.mark.parametrize("goal, wished", [
    ("I want to learn fix motorbike. I am 19. I help my mother sell noodles.", ["i want to learn fix motorbike"]),
    ("muon hoc them nghe phu nhu nuoi ga, nuoi ca de co them thu nhap",  # a wish goes on after a comma
     ["muon hoc them nghe phu nhu nuoi ga, nuoi ca de co them thu nhap"]),
    ("ខ្ញុំជាស្ត្រី ចង់រៀនធ្វើក្រចក និងផាត់មុខ", [fold("ចង់រៀនធ្វើក្រចក និងផាត់មុខ")]),  # and a Khmer list
    ("Cleaner in a hotel for 5 years. Now want to move to front desk. My English is ok.",
     ["now want to move to front desk"]),
    ("នាងខ្ញុំអាយុ៣៤ឆ្នាំធ្វើការរោងចក្រកាត់ដេរនៅបាវិតជាង១០ឆ្នាំ ខ្ញុំលែងចង់ធ្វើរោងចក្រទៀតហើយ ចង់រៀនធ្វើនំលក់នៅផ្ទះ",
     [fold("ចង់រៀនធ្វើនំលក់នៅផ្ទះ")]),  # no longer wanting is no wish
    ("នាងខ្ញុំអាយុ៣៤ឆ្នាំធ្វើការរោងចក្រកាត់ដេរនៅបាវិតជាង១០ឆ្នាំហើយចង់រៀនធ្វើនំ", [fold("ចង់រៀនធ្វើនំ")]),  # one run
    ("Thợ hàn muốn đi Hàn Quốc cần chứng chỉ gì?", [fold("Thợ hàn muốn đi Hàn Quốc cần chứng chỉ gì")]),
    ("ឥឡូវនៅផ្ទះ អត់ការងារធ្វើ។ ចង់រៀនជាងភ្លើង ឬ ជាងផ្សារដែក", [fold("ចង់រៀនជាងភ្លើង ឬ ជាងផ្សារដែក")]),  # "or" goes on
])
def test_the_sentences_that_say_what_is_wanted(goal, wished):
    from catalog.language.clauses import wishes

    folded = fold(goal)
    assert [folded[s:e].strip() for s, e in wishes(folded)] == wished


def test_what_the_learner_refuses():
    from catalog.language.clauses import refusals

    folded = fold("I don't want factory work any more. Not interested in security guard again. "
                  "I don't know what I want, maybe bakery?")
    assert [folded[s:e].strip() for s, e in refusals(folded)] == [
        "i don't want factory work any more", "not interested in security guard again"]


def test_the_past_is_a_clause_that_says_so():
    from catalog.language.clauses import past

    folded = fold("Before, I was a receptionist in Nha Trang. Now I stay in Hue, want to learn English")
    assert [folded[s:e].strip() for s, e in past(folded)] == ["before, i was a receptionist in nha trang"]
    assert past(fold("muon mo tiem nho truoc nha")) == []  # in front of the house
    assert past(fold("trước Tết em muốn học nấu ăn")) == []  # before New Year
    vi = fold("năm ngoái em lên Bình Dương làm công nhân, giờ về quê")
    assert [vi[s:e] for s, e in past(vi)] == [fold("năm ngoái em lên Bình Dương làm công nhân")]


@pytest.mark.parametrize("goal, learn", [
    ("ve que e muon hoc may quan ao tho cam de ban cho khach du lich", "ve que e muon hoc may quan ao tho cam"),
    ("learn sewing to sell to tourists, weekends", "learn sewing , weekends"),
    ("រៀនបោះពុម្ពអាវយឺត ដើម្បីរកស៊ីខ្លួនឯង", "រៀនបោះពុម្ពអាវយឺត"),
    ("em muốn học trồng rau và nuôi dê", "em muốn học trồng rau và nuôi dê"),  # dê: goats, no purpose
])
def test_what_the_learning_is_for_is_set_aside(goal, learn):
    from catalog.language.clauses import without_purposes

    assert " ".join(without_purposes(goal).split()) == learn
