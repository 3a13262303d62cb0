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


def test_khmer_sound_keeps_the_consonant_frame_of_common_misspellings():
    from catalog.language.text import khmer_sound
    assert khmer_sound("បាត់តំបង") == khmer_sound("បាត់ដំបង")  # ត for ដ
    assert khmer_sound("ខមភ្យូទ័រ") == khmer_sound("កុំព្យូទ័រ")  # ខ for ក, ភ for ព, ម for ំ
    assert khmer_sound("ជាងភ្លើង") != khmer_sound("ជាងដែក")


def test_khmer_near_forgives_slips_but_not_other_words():
    from catalog.language.text import KhmerNear
    near = KhmerNear([("បាត់ដំបង", "bb"), ("កុំព្យូទ័រ", "pc"), ("សៀមរាប", "sr"), ("ធ្វើការកូរ៉េ", "kr")])
    assert [v for _i, _j, v in near.find("ចិញ្ចឹមមាន់នៅបាត់តំបង")] == ["bb"]
    assert [v for _i, _j, v in near.find("ចង់រៀនខមភ្យូទ័រ")] == ["pc"]
    assert near.find("សម្រាប់រៀនធ្វើម្ហូប") == []  # "for" is one vowel from សៀមរាប, in a short frame
    assert near.find("ធ្វើការការិយាល័យ") == []  # same frame as ធ្វើការកូរ៉េ, three other vowels
    assert near.find("នៅបាត់ដំបង") == []  # written as the label: found by exact matching, not here
