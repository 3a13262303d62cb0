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
    ("ខ្ញុំធ្វើការរោងចក្រ ប្តីខ្ញុំនៅថៃ ខ្ញុំចង់រៀនកាត់សក់", "ខ្ញុំធ្វើការរោងចក្រ ប្តីខ្ញុំនៅថៃ ខ្ញុំចង់រៀនកាត់សក់"),
    ("ខ្ញុំធ្វើការរោងចក្រ។ ខ្ញុំចង់រៀនកាត់សក់", "ខ្ញុំចង់រៀនកាត់សក់"),
])
def test_the_request_starts_at_the_first_wish_after_a_story(goal, wish):
    assert goal[wish_start(fold(goal)):].strip() == wish
