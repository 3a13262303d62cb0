""""Help me choose": sectors and the jobs in each, for learners who cannot yet name a goal.

A job's translated name doubles as the goal text sent to the recommender (with the sector as a hard
filter), so translators should use the words people in Cambodia and Vietnam search with.
"""

from __future__ import annotations

from bot.i18n import N_
from catalog.schema import SECTORS

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
