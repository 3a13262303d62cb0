"""Sending the alerts that are due (:mod:`bot.alerts.service`): the ranking first, with no
transaction open; then, per learner, one unit of work that records what was announced and writes the
message, so an alert is sent once, after a restart too."""

from __future__ import annotations

from bot.alerts import service
from bot.dialogue.flows.goals import NewCourses
from bot.i18n import DEFAULT_LANGUAGE
from bot.services import Services
from bot.telegram.updates import notify


def send_due(services: Services, bot_id: int) -> int:
    """Write the alerts due now into the outbox; returns how many learners get one."""
    version = services.recommender.snapshot.version
    with services.catalog.sessions() as session:
        items = service.due(session, version)
    sent = 0
    for item in items:
        courses = service.found(item, services.recommender.recommend)
        with services.unit_of_work() as uow:
            match = service.record(uow.session, item, courses, version, services.clock())
            if match is not None:
                lang = match.learner.language or DEFAULT_LANGUAGE
                notify(uow.session, services.translations, bot_id=bot_id, learner=match.learner,
                       screens=[NewCourses(lang, goal=match.goal, courses=match.courses)], now=services.clock())
                sent += 1
            uow.commit()
    return sent
