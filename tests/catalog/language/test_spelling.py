import pytest

from catalog.language.spelling import Speller, english_speller


@pytest.mark.parametrize("typed, mended", [
    ("learn web developement", "learn web development"),
    ("barrista training", "barista training"),
    ("I want to be an electrition", "I want to be an electrician"),  # two slips in a long word
])
def test_slips_are_mended_towards_thesaurus_words(typed, mended):
    assert english_speller().correct(typed) == mended


@pytest.mark.parametrize("typed", ["weldng", "muon hoc nghe", "housekeeping", "I love my mother"])
def test_short_known_and_vietnamese_words_are_left_as_typed(typed):
    assert english_speller().correct(typed) == typed


def test_a_word_the_catalog_knows_is_not_mended_and_the_first_letter_is_kept():
    speller = Speller(["tailoring"])
    assert speller.correct("tailorin course") == "tailoring course"
    assert speller.correct("tailorin course", known=lambda w: w == "tailorin") == "tailorin course"
    assert speller.correct("failoring") == "failoring"  # a slip rarely changes the first letter
