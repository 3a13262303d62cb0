"""Guided discovery: kinds of work, jobs, and a job's courses (kept to the kind's fields of training)."""

from __future__ import annotations

from typing import Any

from bot.dialogue.flows.discovery import JOBS, Jobs, Sectors
from bot.dialogue.flows.goals import Results
from tests.support import Talk


def test_sectors_jobs_and_results_in_the_sector(talk: Talk, db: Any) -> None:
    talk.agree()
    [sectors] = talk.press("/choose")  # the "Help me choose" button runs the command
    assert isinstance(sectors, Sectors) and not sectors.replace
    [jobs] = talk.press("g.s:electrical")
    assert isinstance(jobs, Jobs) and jobs.replace and jobs.sector == "electrical"
    [back] = talk.press("g.b")
    assert isinstance(back, Sectors) and back.replace
    [results] = talk.press("g.j:electrical.0")
    assert isinstance(results, Results) and results.sectors == ("0713",) and results.goal == JOBS["electrical"][0]
    assert results.items and all(db[1].courses[i.course_id - 1].sector == "0713" for i in results.items)


def test_a_job_that_does_not_exist_shows_the_sectors(talk: Talk) -> None:
    talk.agree()
    assert len(JOBS["tourism"]) == 2
    [sectors] = talk.press("g.j:tourism.2")  # within the codec's range, beyond this sector's jobs
    assert isinstance(sectors, Sectors)
