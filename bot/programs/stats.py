"""A programme's results: how far the learners of its campaigns came, by week they started, and for
women and for young people, with no number small enough to point at a person.

Stages (each learner counts once in every stage they reached): started, chose a language, stated a
goal, got courses, enrolled, completed, earned a credential. Learners who erased their data still
count (:class:`~bot.programs.models.ErasedCount`, written when they erase).

Disclosure control, the way statistics offices publish small tables:
- a count below :data:`THRESHOLD` is shown as "<10" (primary suppression);
- in every group of cells that add up to a shown total (the weeks of a stage, the groups of a
  breakdown), hidden cells are never alone: if one is hidden, the next smallest are hidden too until
  the hidden ones together are at least :data:`THRESHOLD`, or the total is hidden as well
  (secondary suppression), so that no small group can be had by subtraction.
Breakdowns are given for all weeks together only (weeks × groups would be a second dimension to
subtract along).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.credentials.models import Credential
from bot.learners.models import Enrolment, Learner
from bot.learners.service import COMPLETED
from bot.programs.models import ErasedCount

THRESHOLD = 10
STAGES = ("started", "language", "goal", "recommended", "enrolled", "completed", "credential")
GENDERS = ("woman", "man", "other", "unsaid")
AGE_BANDS = ("15-17", "18-24", "25-34", "35+", "unsaid")
YOUTH = ("15-17", "18-24")  # the ages youth programmes report on (to 24, as the UN counts youth)
# A hidden cell: None when it is under 10, MASKED when it is hidden only so that a small one cannot
# be worked out from it (it may be large: it must not be labelled "<10").
MASKED = -1


def week_of(moment: dt.datetime | dt.date) -> dt.date:
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Person:
    """One learner as the statistics see them: no id, no name."""

    campaign: str
    week: dt.date
    gender: str
    age_band: str
    stages: frozenset[str]


def stages_of(session: Session, learner: Learner) -> frozenset[str]:
    """The stages one learner reached."""
    reached = {"started"}
    if learner.language:
        reached.add("language")
    if learner.goal_at:
        reached.add("goal")
    if learner.recommended_at:
        reached.add("recommended")
    if learner.id is not None:
        statuses = set(session.scalars(select(Enrolment.status).where(Enrolment.learner_id == learner.id)))
        if statuses:
            reached.add("enrolled")
        if COMPLETED in statuses:
            reached.add("completed")
        if session.scalar(select(func.count()).select_from(Credential).where(
                Credential.learner_id == learner.id, Credential.revoked_at.is_(None))):
            reached.add("credential")
    return frozenset(reached)


def remember_erased(session: Session, learner: Learner) -> None:
    """Before a learner of a campaign is erased: add how far they came to the anonymous counts."""
    if not learner.source:
        return
    week = week_of(learner.created_at or dt.datetime.now(dt.UTC))
    gender, band = learner.gender or "unsaid", learner.age_band or "unsaid"
    for stage in stages_of(session, learner):
        row = session.scalar(select(ErasedCount).where(
            ErasedCount.campaign == learner.source, ErasedCount.week == week, ErasedCount.gender == gender,
            ErasedCount.age_band == band, ErasedCount.stage == stage))
        if row is None:
            session.add(ErasedCount(campaign=learner.source, week=week, gender=gender, age_band=band, stage=stage,
                                    count=1))
        else:
            row.count += 1
    session.flush()


def people(session: Session, campaigns: Iterable[str]) -> tuple[list[Person], Counter[tuple[str, ...]]]:
    """The living learners of these campaigns, and the erased ones' counts by (campaign, week,
    gender, age band, stage)."""
    codes = list(campaigns)
    if not codes:
        return [], Counter()
    living = [Person(lr.source or "", week_of(lr.created_at), lr.gender or "unsaid", lr.age_band or "unsaid",
                     stages_of(session, lr))
              for lr in session.scalars(select(Learner).where(Learner.source.in_(codes)))]
    erased: Counter[tuple[str, ...]] = Counter()
    for row in session.scalars(select(ErasedCount).where(ErasedCount.campaign.in_(codes))):
        erased[(row.campaign, row.week.isoformat(), row.gender, row.age_band, row.stage)] += row.count
    return living, erased


@dataclass
class Table:
    """Counts per stage (rows) and column (a week, or a group); ``None`` where hidden."""

    columns: list[str]
    cells: dict[str, dict[str, int | None]] = field(default_factory=dict)  # stage → column → count
    totals: dict[str, int | None] = field(default_factory=dict)  # stage → all columns


def _suppress_group(values: dict[str, int], total: int) -> tuple[dict[str, int | None], int | None]:
    """One additive group: hide small cells, then enough others that none can be subtracted out."""
    if total == 0:
        return dict.fromkeys(values, 0), 0
    if total < THRESHOLD:
        return {k: None for k in values}, None
    small = {k for k, v in values.items() if 0 < v < THRESHOLD}
    masked: set[str] = set()
    if small:  # with a total of 10 or more, hiding every cell reaches 10: the loop always ends there
        shown_left = sorted((v, k) for k, v in values.items() if k not in small and v > 0)
        while sum(values[k] for k in small | masked) < THRESHOLD:
            masked.add(shown_left.pop(0)[1])
    return {k: None if k in small else MASKED if k in masked else v for k, v in values.items()}, total


def table(counts: dict[str, Counter[str]], columns: list[str]) -> Table:
    """Counts per stage and column, with the disclosure control of the module docstring."""
    out = Table(columns)
    for stage in STAGES:
        values = {c: counts.get(stage, Counter())[c] for c in columns}
        out.cells[stage], out.totals[stage] = _suppress_group(values, sum(values.values()))
    return out


@dataclass
class Results:
    weeks: Table
    genders: Table
    ages: Table
    women: dict[str, int | None]  # stage → women (shown or hidden), for the headline
    youth: dict[str, int | None]


def results(session: Session, campaigns: Iterable[str]) -> Results:
    living, erased = people(session, campaigns)
    by_week: dict[str, Counter[str]] = {s: Counter() for s in STAGES}
    by_gender: dict[str, Counter[str]] = {s: Counter() for s in STAGES}
    by_age: dict[str, Counter[str]] = {s: Counter() for s in STAGES}
    for p in living:
        for stage in p.stages:
            by_week[stage][p.week.isoformat()] += 1
            by_gender[stage][p.gender] += 1
            by_age[stage][p.age_band] += 1
    for (_, week, gender, band, stage), n in erased.items():
        by_week[stage][week] += n
        by_gender[stage][gender] += n
        by_age[stage][band] += n
    weeks = sorted({w for c in by_week.values() for w in c})
    genders, ages = table(by_gender, list(GENDERS)), table(by_age, list(AGE_BANDS))
    youth = {s: union(by_age[s], ages.cells[s], YOUTH) for s in STAGES}
    return Results(table(by_week, weeks), genders, ages, {s: genders.cells[s]["woman"] for s in STAGES}, youth)


def _safe(n: int) -> bool:
    return n == 0 or n >= THRESHOLD


def union(counts: Counter[str], cells: dict[str, int | None], members: Iterable[str]) -> int | None:
    """The sum of some columns of a suppressed row (young people: two age bands), shown only when it
    gives nothing away: neither it nor what is left is small, and it does not split the hidden cells
    into a small part."""
    members = set(members)
    n = sum(counts[m] for m in members)
    total = sum(counts[c] for c in cells)
    hidden = [c for c, v in cells.items() if v is None or v == MASKED]
    inside = sum(counts[c] for c in hidden if c in members)
    outside = sum(counts[c] for c in hidden if c not in members)
    if n == 0:
        return 0
    if n < THRESHOLD or not _safe(total - n) or not _safe(inside) or not _safe(outside):
        return None
    return n


def hidden(value: int | None) -> bool:
    return value is None or value == MASKED


def shown(value: int | None) -> str:
    """A cell as the CSV export writes it ("<10", "–" or the number)."""
    return f"<{THRESHOLD}" if value is None else "–" if value == MASKED else str(value)
