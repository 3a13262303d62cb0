from catalog.language.text import fold, guess_language, has_khmer, normalize


def test_normalize_removes_invisible_characters_and_composes():
    assert normalize("ជាង\u200bភ្លើង") == "ជាងភ្លើង"
    assert normalize("Ti\u0301n ho\u0323c") == "Tín học"
    assert normalize("  a\u00a0 b \n") == "a b"


def test_normalize_repairs_khmer_typing_variants():
    assert normalize("សិទិ្ធ") == "សិទ្ធិ"  # vowel typed before the subscript
    assert normalize("ស្រ្ត") == "ស្ត្រ"  # subscript RO goes last
    assert normalize("\u1780\u17c1\u17b8") == "\u1780\u17be"  # េ + ី → ើ
    assert normalize("\u1780\u17c1\u17b6") == "\u1780\u17c4"  # េ + ា → ោ
    assert normalize("\u17a3") == "\u17a2"  # deprecated independent vowel


def test_normalize_is_idempotent():
    for s in ("ខ្ញុំចង់រៀនជួសជុលម៉ូតូ", "Tôi muốn học sửa xe máy", "សិទិ្ធ ស្រ្ត"):
        assert normalize(normalize(s)) == normalize(s)


def test_fold_removes_vietnamese_tone_marks_and_d_stroke():
    assert fold("Tôi muốn học sửa xe máy ở Đà Nẵng") == "toi muon hoc sua xe may o da nang"


def test_fold_merges_khmer_coeng_da_and_ta_and_digits():
    assert fold("បណ្ដុះបណ្ដាល") == fold("បណ្តុះបណ្តាល")
    assert fold("អាយុ ១៨") == "អាយុ 18"
    assert has_khmer(fold("ជាង"))  # Khmer vowel signs survive folding


def test_guess_language_by_script():
    assert guess_language("ខ្ញុំចង់រៀន") == "km"
    assert guess_language("học nấu ăn") == "vi"
    assert guess_language("hotel job") == "en"
    assert guess_language("123 !") is None


def test_vowel_u_typed_for_triisap_is_the_same_text():
    assert normalize("ម៉ាសុីនត្រជាក់") == normalize("ម៉ាស៊ីនត្រជាក់")
    assert normalize("ស៊ី") == "ស\u17ca\u17b8" and normalize("សុ") == "ស\u17bb"  # u alone is a vowel
