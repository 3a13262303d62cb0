from catalog.language.text import fold
from catalog.language.tokens import strip_stop_phrases, tokenize, tokenize_goal


def test_khmer_goal_is_segmented_and_boilerplate_removed():
    assert tokenize_goal("ខ្ញុំចង់ក្លាយជាជាងអគ្គិសនី") == ["ជាង", "អគ្គិសនី"]


def test_khmer_prefix_compounds_also_yield_their_stem():
    tokens = tokenize("ការតម្លើងប្រព័ន្ធអគ្គិសនី")
    assert "ការតម្លើង" in tokens and "តម្លើង" in tokens


def test_vietnamese_with_and_without_tone_marks_give_the_same_tokens():
    assert tokenize_goal("Tôi muốn học sửa xe máy") == tokenize_goal("toi muon hoc sua xe may")
    assert "xe_may" in tokenize_goal("muon hoc sua xe may")


def test_english_stop_phrases_and_light_stemming():
    assert tokenize_goal("I want to become an electrician") == ["electrician"]
    assert "weld" in tokenize("welding courses")
    assert strip_stop_phrases(fold("tôi muốn học nấu ăn")).split() == ["hoc", "nau", "an"]


def test_the_khmer_segmenter_leaves_no_copy_of_its_model_in_the_temp_folder():
    import os
    import sys

    assert tokenize("ខ្ញុំចង់រៀនកាត់ដេរ") == ["កាត់ដេរ"]
    copy = sys.modules["khmernltk.word_tokenize"].crf_model.modelfile
    assert copy.auto and not os.path.exists(copy.name)
