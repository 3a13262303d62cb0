import json
from importlib import resources

import pytest

from catalog.courses.schema import SECTORS
from catalog.language.concepts import Concept, Thesaurus, thesaurus
from catalog.retrieval.recommender import Recommender


def _raw() -> list[dict]:
    text = resources.files("catalog.language").joinpath("data/concepts.json").read_text(encoding="utf-8")
    return json.loads(text)["concepts"]


def test_file_is_well_formed():
    raw = _raw()
    ids = [c["id"] for c in raw]
    assert len(ids) == len(set(ids)) and len(ids) >= 150
    for c in raw:
        assert c["id"].split(".", 1)[0] in ("occ", "skill"), c["id"]
        assert c["km"] and c["vi"] and c["en"], c["id"]  # a label in every language
        assert set(c["related"]) <= set(ids), c["id"]
        assert set(c.get("broader") or ()) <= {i for i in ids if i.startswith("occ.")}, c["id"]
        assert set(c.get("neighbours") or ()) <= set(ids) - {c["id"]}, c["id"]
        assert set(c["fields"]) <= set(SECTORS), c["id"]


@pytest.mark.parametrize("text, concept", [
    ("ខ្ញុំចង់ក្លាយជាជាងអគ្គិសនី", "occ.electrician"),  # Khmer without spaces
    ("ចង់រៀនជាងភ្លេីង", "occ.electrician"),  # a frequent vowel misspelling
    ("i want to be an electrcian", "occ.electrician"),
    ("muon hoc nghe dien", "occ.electrician"),  # Vietnamese without tone marks
    ("Tôi muốn làm thợ điện", "occ.electrician"),
    ("my son plays online games all day, can he learn to make games instead?", "occ.programmer"),
    ("មានវគ្គបង្កើតហ្គេមឲ្យវារៀនទេ", "occ.programmer"),
    ("Tôi muốn cho nó học một khóa bếp ngắn hạn", "occ.cook"),
    ("we run a seafood stall, want learn more dishes", "occ.cook"),
])
def test_finds_a_concept_however_it_is_written(text, concept):
    assert concept in thesaurus().find(text)


def test_labels_match_whole_words_only():
    words = Thesaurus([Concept("occ.hair", (), {"en": ("hair",), "km": (), "vi": ()}, (), ())])
    assert words.find("cut hair") == {"occ.hair"}
    assert words.find("a new chair") == set()


def test_links_are_meant_both_ways():
    words = Thesaurus([
        Concept("occ.tailor", (), {"en": ("tailor",), "km": (), "vi": ()}, (), ("skill.sewing",)),
        Concept("skill.sewing", (), {"en": ("sewing",), "km": (), "vi": ()}, (), ()),
    ])
    assert words.related({"occ.tailor"}) == {"skill.sewing"}
    assert words.related({"skill.sewing"}) == {"occ.tailor"}


def test_every_sample_course_is_about_some_concept(sample: Recommender):
    """A course the thesaurus cannot place could only ever be matched by its words."""
    snap = sample.snapshot
    untagged = [snap.courses[row].code for row in range(len(snap.courses)) if not snap.concepts(row)]
    assert untagged == []
    fields = {snap.courses[row].sector for row in range(len(snap.courses))}
    known = {f for c in thesaurus().concepts.values() for f in c.fields}
    assert fields <= known, fields - known


def test_a_skill_many_occupations_share_relates_none_of_them():
    occupations = [Concept(f"occ.o{i}", (), {"en": (f"o{i}",), "km": (), "vi": ()}, (), ("skill.business",))
                   for i in range(9)]
    words = Thesaurus([*occupations, Concept("skill.business", (), {"en": ("business",), "km": (), "vi": ()}, (), ())])
    assert words.related({"occ.o1"}) == set()  # a hairdresser's goal does not reach every business course
    assert len(words.related({"skill.business"})) == 9


@pytest.mark.parametrize("text, about", [
    ("rice farmer", {"skill.rice"}),  # beside a narrower linked concept: the narrower one
    ("shrimp farming", {"skill.shrimp"}),  # part of a longer label
    ("motorbike mechanic", {"occ.motorbike_mechanic"}),
    ("I want to be a farmer", {"occ.farmer"}),
    ("ចង់ទៅធ្វើការថែទាំមនុស្សចាស់នៅជប៉ុន ត្រូវរៀនភាសាជប៉ុន", {"occ.elderly_caregiver", "skill.japanese", "skill.work_in_japan"}),
    ("ចងរៀនកាត់សក់ប្រុស បេីកហាងនៅភូមិ", {"occ.barber"}),  # running a shop: every trade needs it
])
def test_a_goal_is_about_its_most_specific_concepts(text, about):
    mentioned, found = thesaurus().find_specific(text)
    assert found == about and found <= mentioned


@pytest.mark.parametrize("text, concept", [
    ("ចង់រៀនជាងម៉េកានិច", "occ.mechanic"),  # loanword spelled in Khmer script
    ("ចង់រៀនកែម៉ូតូ", "occ.motorbike_mechanic"),  # colloquial "fix"
    ("ចង់ធ្វើជាងឥដ្ធ", "occ.mason"),  # ដ្ធ typed for ដ្ឋ
    ("tôi muốn học sửa honda", "occ.motorbike_mechanic"),  # southern: a motorbike is a "honda"
    ("trồng bắp", "skill.maize"),  # bắp (south) / ngô (north)
    ("I want to fix motorbikes", "occ.motorbike_mechanic"),
    ("i want to be a electrican", "occ.electrician"),
    ("ចង់លក់ម្ហូបតាមផ្លូវ", "occ.street_food_vendor"),
    ("muốn làm công chức nhà nước", "occ.civil_servant"),  # no short course leads there
    ("ចង់រៀនខមភ្យូទ័រ", "skill.office_computer"),  # misspelt: ខ for ក, ភ for ព, ម for ំ
    ("ខ្ញុំចង់ទៅធ្វើការនៅអូស្ត្រាលី", "occ.migrant_worker"),  # a destination without a concept of its own
    ("housemaid training to work in Singapore", "occ.migrant_worker"),
    ("muốn sang Đức làm việc", "occ.migrant_worker"),
    ("I like teaching children", "occ.teacher"),
    ("I want to learn online marketing", "skill.digital_marketing"),
    ("កូនប្រុសខ្ញុំចូលចិត្តគូររូបណាស់", "occ.graphic_designer"),  # who likes drawing: graphic design
    ("he draw very good", "occ.graphic_designer"),
])
def test_finds_how_learners_say_it(text, concept):
    assert concept in thesaurus().find(text)


@pytest.mark.parametrize("text, concept", [
    ("ដាំការ៉ុត", "occ.tiler"),  # carrot is not ការ៉ូ (tiles)
    ("muốn đi học Hàn Quốc", "occ.welder"),  # học Hàn is Korean, not welding (hàn)
    ("I want to go fishing", "occ.fisher"),  # "fishing" stems to "fish": every fish farm
    ("AutoCAD layer management", "occ.lawyer"),
    ("thợ sửa máy tính", "occ.mechanic"),
    ("ការបង្ការអគ្គិភ័យ", "skill.shrimp"),  # បង្ការ (prevent) is not បង្គា (shrimp)
    ("water-saving irrigation", "skill.personal_finance"),
    ("Night market food stall, I want to learn new dishes", "skill.digital_marketing"),  # market ≠ marketing
    ("can someone teach me repair hand tractor", "occ.teacher"),  # teach me ≠ teaching
])
def test_an_everyday_word_is_not_a_concept(text, concept):
    assert concept not in thesaurus().find(text)


def test_text_typed_with_tone_marks_matches_only_the_same_tones():
    words = thesaurus()
    assert "occ.pharmacist" not in words.find("học kế toán trên điện thoại được không")  # được: can
    assert "occ.pharmacist" in words.find("học dược sĩ") and "occ.pharmacist" in words.find("hoc duoc si")
    assert "occ.cook" in words.find("Học Nấu Ăn")


def test_learning_to_weld_is_not_learning_korean():
    words = thesaurus()
    assert words.find_specific("muốn học hàn ở Vũng Tàu")[1] == {"occ.welder"}
    assert words.find_specific("con muốn học hàn quốc để đi làm")[1] == {"skill.korean"}


def test_courses_are_tagged_by_what_they_write_not_by_near_spellings():
    assert thesaurus().tag_course(["ខមភ្យូទ័រ"], [], []) == []  # a goal's slip is forgiven, a course's is not


def test_a_kind_of_work_named_anywhere_is_what_the_general_word_means():
    words = thesaurus()
    assert words.find_specific("truck driving licence C, I want to be a driver")[1] == {"occ.truck_driver"}
    assert words.find_specific("Where can I learn to drive excavator? the dam needs drivers")[1] == {
        "occ.heavy_equipment_operator"}
    assert words.find_specific("I want to be a driver")[1] == {"occ.driver"}


def test_a_trade_named_with_two_crafts_is_both():
    assert {"occ.electrician", "occ.plumber"} <= thesaurus().find_specific("muon hoc them nghe dien nuoc")[1]


@pytest.mark.parametrize("text, concept", [
    ("want to learn repair water pump", "occ.small_engine_mechanic"),  # label: "water pump repair"
    ("I want to install solar panel on houses", "skill.solar_installation"),  # "solar installation"
    ("raise the pigs at home", "skill.pig"),
    ("repair my moto", "occ.motorbike_mechanic"),  # a variant ("moto repair") turns round too
    ("how to become mechanic car", "occ.car_mechanic"),  # head first, as in ជាងឡាន / thợ sửa xe
    ("my mom sell noodle, i want help her business", "skill.small_business"),
    ("learn to take care old people", "occ.elderly_caregiver"),  # "old people care"
    ("tae khnhom chong jes jos jul moto", "occ.motorbike_mechanic"),  # ជួសជុល in Latin letters
])
def test_an_english_label_turned_round_is_the_same_concept(text, concept):
    assert thesaurus().find_specific(text)[1] == {concept}


def test_an_object_inside_a_two_word_label_still_names_it():
    words = thesaurus()
    assert "skill.online_selling" in words.find("I make coconut candy at home and want to sell it online")
    assert "skill.online_selling" in words.find("sell my cakes online")
    assert "skill.online_selling" not in words.find("I sell vegetables at the market, and online I watch videos")
    assert "skill.online_selling" not in words.find("sell vegetables and learn online")  # another phrase between
    # a label that starts where the gapped one would is what the text names
    assert thesaurus().tag_course(["Solar Water Pumping"], ["solar pump installation"], []) == ["skill.solar_pump"]


def test_neighbouring_trades_relate_their_courses_but_neither_is_broader():
    words = thesaurus()
    assert "occ.sewing_machine_operator" in words.related({"occ.tailor"})
    assert "occ.tailor" in words.related({"occ.sewing_machine_operator"})
    about = words.find_specific("learn repair industrial sewing machine (juki brand), i am helper for line mechanic")[1]
    assert "occ.sewing_machine_operator" in about and "occ.tailor" not in about

