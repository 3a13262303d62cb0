"""What the advisor decided to show, as plain data: the dialogue logic (:mod:`bot.advisor`) produces
screens, :mod:`bot.render` turns them into localized text and buttons. Keeping them apart lets the
logic be tested without Telegram and the wording without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.constraints import Constraint


@dataclass
class Screen:
    lang: str
    replace: bool = field(default=False, kw_only=True)  # edit the message whose button was pressed


@dataclass
class ChooseLanguage(Screen):
    current: str | None = None
    welcome: bool = False


@dataclass
class Privacy(Screen):
    ask: bool = False  # show the consent buttons


@dataclass
class Declined(Screen):
    pass


@dataclass
class AskGoal(Screen):
    why: str = "ready"  # ready | welcome_back | language_set | consented | kept


@dataclass
class Item:
    number: int
    course_id: int
    title: str
    title_lang: str
    provider: str
    duration_hours: float
    cost_amount: float
    cost_currency: str
    delivery: str
    province: str  # display name in the learner's language, "" when online
    language: str  # of instruction
    match: list[str]


@dataclass
class Refinements:
    free: bool = False
    online: bool = False
    weekends: bool = False
    province: str | None = None  # display name


@dataclass
class Results(Screen):
    goal: str = ""
    sector: str | None = None
    understood: list[Constraint] = field(default_factory=list)  # removable with one tap
    refine: Refinements = field(default_factory=Refinements)
    items: list[Item] = field(default_factory=list)
    page: int = 0
    has_more: bool = False
    eligible: int = 0
    relaxable: bool = False  # nothing fits, but the goal alone finds courses: offer to drop conditions


@dataclass
class ProvincePicker(Screen):
    options: list[tuple[str, str]] = field(default_factory=list)  # (id, display name)
    page: int = 0
    has_more: bool = False


@dataclass
class Details(Screen):
    course_id: int = 0
    title: str = ""
    title_lang: str = ""
    provider: str = ""
    text: dict[str, Any] = field(default_factory=dict)  # field -> (value, language it is written in)
    duration_hours: float = 0
    cost_amount: float = 0
    cost_currency: str = "USD"
    delivery: str = ""
    province: str = ""
    language_of_instruction: str = ""
    schedule: list[str] = field(default_factory=list)
    start_dates: list[str] = field(default_factory=list)
    women_only: bool = False
    min_age: int | None = None
    max_age: int | None = None
    stacks_into: list[str] = field(default_factory=list)
    url: str = ""
    active: bool = True
    enrolled: bool = False


@dataclass
class Enrolled(Screen):
    course_id: int = 0
    title: str = ""
    provider: str = ""
    contact: dict[str, str] = field(default_factory=dict)
    url: str = ""
    created: bool = True


@dataclass
class Withdrawn(Screen):
    course_id: int = 0
    title: str = ""
    changed: bool = True


@dataclass
class MyCourses(Screen):
    items: list[tuple[int, str, str]] = field(default_factory=list)  # (course id, title, provider)


@dataclass
class ConfirmDelete(Screen):
    pass


@dataclass
class Deleted(Screen):
    pass


@dataclass
class KeptData(Screen):
    pass


@dataclass
class Help(Screen):
    pass


@dataclass
class UnknownCommand(Screen):
    pass


@dataclass
class NotText(Screen):
    pass


@dataclass
class Sectors(Screen):
    pass


@dataclass
class Jobs(Screen):
    sector: str = ""


@dataclass
class Gone(Screen):
    """A button for a course that no longer exists or is no longer offered."""


@dataclass
class Failure(Screen):
    """Something broke on our side; the learner should simply try again."""
