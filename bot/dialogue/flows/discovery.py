"""Guided discovery ("Help me choose"): kinds of work, then the jobs in each, for learners who cannot
yet name a goal. Callback prefix ``g``.

A job's translated name doubles as the goal text sent to the recommender (with the kind's fields of
training as a hard filter), so translators should use the words people in Cambodia and Vietnam search
with.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.core import Flow, Int, OneOf, Pair, Reply, Screen, Turn
from bot.dialogue.flows.goals import new_goal
from bot.dialogue.html import esc
from bot.i18n import N_, Translator
from catalog.courses.schema import SECTORS

# Kinds of work as learners think of them, each a set of ISCED-F fields of training (a field may be
# in two: cooking is food and hotels).
FAMILIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "agriculture": (N_("Farming and agriculture"), ("0811", "0812", "0821", "0831", "0841")),
    "automotive": (N_("Cars and motorbikes"), ("0716",)),
    "beauty": (N_("Beauty and hairdressing"), ("1012",)),
    "business": (N_("Business and office work"), ("0411", "0412", "0413", "0414", "0415")),
    "care": (N_("Care and health"), ("0921", "0922", "0923", "1011", "0912", "0913", "0915", "0916")),
    "construction": (N_("Construction"), ("0731", "0732")),
    "electrical": (N_("Electrical work"), ("0713",)),
    "electronics": (N_("Electronics and phone repair"), ("0714",)),
    "food": (N_("Cooking and food"), ("0721", "1013")),
    "garment": (N_("Sewing and garments"), ("0723", "0212")),
    "hospitality": (N_("Hotels and restaurants"), ("1013",)),
    "ict": (N_("Computers and IT"), ("0611", "0612", "0613", "0211")),
    "languages": (N_("Languages"), ("0231", "0232")),
    "logistics": (N_("Driving and logistics"), ("1041",)),
    "manufacturing": (N_("Factory and manufacturing"), ("0715", "0722", "0711")),
    "retail": (N_("Shops and sales"), ("0416", "0414")),
    "safety": (N_("Security and safety at work"), ("1032", "1022")),
    "tourism": (N_("Tourism"), ("1015",)),
    "skills": (N_("Skills for work and life"), ("0417", "0031", "0011")),
}

JOBS: dict[str, tuple[str, ...]] = {
    "agriculture": (N_("vegetable farming"), N_("raising chickens and pigs"), N_("fish farming")),
    "automotive": (N_("motorbike repair"), N_("car mechanic")),
    "beauty": (N_("hairdresser"), N_("nail and makeup artist")),
    "business": (N_("bookkeeping"), N_("starting a small business"), N_("office assistant")),
    "care": (N_("caregiver for elderly people"), N_("childcare"), N_("nursing assistant")),
    "construction": (N_("bricklayer"), N_("welder"), N_("plumber")),
    "electrical": (N_("electrician"), N_("solar panel installer")),
    "electronics": (N_("mobile phone repair"), N_("electronics technician")),
    "food": (N_("cook"), N_("baker")),
    "garment": (N_("sewing machine operator"), N_("tailor")),
    "hospitality": (N_("hotel receptionist"), N_("waiter"), N_("housekeeping")),
    "ict": (N_("basic computer skills"), N_("web design"), N_("social media marketing")),
    "languages": (N_("English for work"), N_("Korean for work"), N_("Japanese for work")),
    "logistics": (N_("driver"), N_("warehouse worker")),
    "manufacturing": (N_("factory machine operator"), N_("quality control")),
    "retail": (N_("sales assistant"), N_("selling online")),
    "safety": (N_("security guard"), N_("safety at work")),
    "tourism": (N_("tour guide"), N_("travel agent")),
    "skills": (N_("job interview skills"), N_("working abroad safely")),
}

assert set(FAMILIES) == set(JOBS), "every kind of work needs jobs"
assert {f for _, codes in FAMILIES.values() for f in codes} <= set(SECTORS), "families name ISCED-F fields"
KINDS = tuple(FAMILIES)

FLOW = Flow("g", "guided discovery")
SECTOR = FLOW.action("s", OneOf(KINDS))
BACK = FLOW.action("b")
JOB = FLOW.action("j", Pair(OneOf(KINDS), Int(0, max(len(jobs) for jobs in JOBS.values()) - 1)))


@dataclass
class Sectors(Screen):
    def view(self, t: Translator) -> Reply:
        options = [(t.gettext(FAMILIES[k][0]), SECTOR.data(k)) for k in KINDS]
        return Reply(esc(t.gettext("What kind of work interests you?")),
                     [options[i:i + 2] for i in range(0, len(options), 2)])


@dataclass
class Jobs(Screen):
    sector: str = ""

    def view(self, t: Translator) -> Reply:
        buttons = [[(t.gettext(job), JOB.data((self.sector, i)))] for i, job in enumerate(JOBS[self.sector])]
        buttons.append([(t.gettext("◀ Back"), BACK.data())])
        return Reply("<b>" + esc(t.gettext(FAMILIES[self.sector][0])) + "</b>\n"
                     + esc(t.gettext("Which of these would you like to do?")), buttons)


@FLOW.command("choose", N_("find a course step by step"), needs_consent=True, order=10)
def choose(turn: Turn) -> list[Screen]:
    return [Sectors(turn.lang)]


@BACK.handles
def back(turn: Turn) -> list[Screen]:
    return [Sectors(turn.lang, replace=True)]


@SECTOR.handles
def sector(turn: Turn, name: str) -> list[Screen]:
    return [Jobs(turn.lang, sector=name, replace=True)]


@JOB.handles
def job(turn: Turn, choice: tuple[str, int]) -> list[Screen]:
    name, index = choice
    if index >= len(JOBS[name]):
        return choose(turn)
    return [new_goal(turn, turn.t.gettext(JOBS[name][index]), FAMILIES[name][1])]
