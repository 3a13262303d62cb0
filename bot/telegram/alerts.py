"""Sending the alerts that are due (:mod:`bot.alerts.service`): one unit of work writes what was
announced and the messages, so an alert is sent once, after a restart too."""

from __future__ import annotations

from bot.alerts.service import matches
from bot.dialogue.flows.goals import NewCourses
from bot.i18n import DEFAULT_LANGUAGE
from bot.services import Services
from bot.telegram.updates import notify


def send_due(services: Services, bot_id: int) -> int:
    """Write the alerts due now into the outbox; returns how many learners get one."""
    now = services.clock()
    with services.unit_of_work() as uow:
        due = matches(uow.session, services.recommender.recommend, now)
        for match in due:
            lang = match.learner.language or DEFAULT_LANGUAGE
            notify(uow.session, services.translations, bot_id=bot_id, learner=match.learner,
                   screens=[NewCourses(lang, goal=match.goal, courses=match.courses)], now=now)
        uow.commit()
    return len(due)
