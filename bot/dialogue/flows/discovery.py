"""Guided discovery ("Help me choose"): sectors, then the jobs in each, for learners who cannot yet
name a goal. Callback prefix ``g``.

A job's translated name doubles as the goal text sent to the recommender (with the sector as a hard
filter), so translators should use the words people in Cambodia and Vietnam search with.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.core import Flow, Int, OneOf, Pair, Reply, Screen, Turn
from bot.dialogue.flows.goals import new_goal
from bot.dialogue.html import esc
from bot.i18n import N_, Translator
from catalog.courses.schema import SECTORS

SECTOR_NAMES: dict[str, str] = {
    "agriculture": N_("Farming and agriculture"),
    "automotive": N_("Cars and motorbikes"),
    "beauty": N_("Beauty and hairdressing"),
    "business": N_("Business and office work"),
    "care": N_("Care and health"),
    "construction": N_("Construction"),
    "electrical": N_("Electrical work"),
    "electronics": N_("Electronics and phone repair"),
    "food": N_("Cooking and food"),
    "garment": N_("Sewing and garments"),
    "hospitality": N_("Hotels and restaurants"),
    "ict": N_("Computers and IT"),
    "languages": N_("Languages"),
    "logistics": N_("Driving and logistics"),
    "manufacturing": N_("Factory and manufacturing"),
    "retail": N_("Shops and sales"),
    "tourism": N_("Tourism"),
}

JOBS: dict[str, tuple[str, ...]] = {
    "agriculture": (N_("vegetable farming"), N_("raising chickens and pigs"), N_("fish farming")),
    "automotive": (N_("motorbike repair"), N_("car mechanic")),
    "beauty": (N_("hairdresser"), N_("nail and makeup artist")),
    "business": (N_("bookkeeping"), N_("starting a small business"), N_("office assistant")),
    "care": (N_("caregiver for elderly people"), N_("childcare")),
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
    "tourism": (N_("tour guide"), N_("travel agent")),
}

assert set(SECTOR_NAMES) == set(SECTORS) == set(JOBS), "every catalog sector needs a name and jobs"

FLOW = Flow("g", "guided discovery")
SECTOR = FLOW.action("s", OneOf(SECTORS))
BACK = FLOW.action("b")
JOB = FLOW.action("j", Pair(OneOf(SECTORS), Int(0, max(len(jobs) for jobs in JOBS.values()) - 1)))


@dataclass
class Sectors(Screen):
    def view(self, t: Translator) -> Reply:
        options = [(t.gettext(SECTOR_NAMES[s]), SECTOR.data(s)) for s in SECTORS]
        return Reply(esc(t.gettext("What kind of work interests you?")),
                     [options[i:i + 2] for i in range(0, len(options), 2)])


@dataclass
class Jobs(Screen):
    sector: str = ""

    def view(self, t: Translator) -> Reply:
        buttons = [[(t.gettext(job), JOB.data((self.sector, i)))] for i, job in enumerate(JOBS[self.sector])]
        buttons.append([(t.gettext("◀ Back"), BACK.data())])
        return Reply("<b>" + esc(t.gettext(SECTOR_NAMES[self.sector])) + "</b>\n"
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
    return [new_goal(turn, turn.t.gettext(JOBS[name][index]), sector=name)]
