"""The unit of work of one Telegram update, run in a worker thread: the dialogue's answer, the
replies it renders into the outbox and the inbox row it finishes, committed together. Nothing here
talks to Telegram, so it can be tested with a database alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.accounts.service import roles_of
from bot.dialogue.conversation import Outcome
from bot.dialogue.core import Input, Reply, Screen, Visitor
from bot.dialogue.flows.verify import MAX_FILE as CREDENTIAL_FILE
from bot.dialogue.html import esc
from bot.dialogue.views import Failure
from bot.i18n import DEFAULT_LANGUAGE, Catalogs, negotiate
from bot.learners import service as learners
from bot.learners.models import Learner
from bot.services import Services
from bot.telegram import inbox, outbox
from bot.telegram.models import GroupNotice, OutboxMessage


@dataclass(frozen=True)
class Incoming:
    """What a handler parsed from an update: who, where, and what they did."""

    bot_id: int
    update_id: int
    chat_id: int
    visitor: Visitor
    input: Input
    pressed_message_id: int | None = None  # the message whose button was pressed
    message_id: int | None = None  # the message that brought the update (the learner's, or the pressed one)


def answer(services: Services, incoming: Incoming) -> Outcome:
    """Answer one update: dialogue, replies into the outbox, inbox row finished; one commit."""
    with services.unit_of_work() as uow:
        outcome = services.conversation.handle(uow.session, incoming.visitor, incoming.input, release=uow.release)
        replies = [screen.render(services.translations.translator(screen.lang)) for screen in outcome.screens]
        now = services.clock()
        if outcome.erased:
            _forget_chat(uow.session, incoming.bot_id, incoming.chat_id)
        outbox.enqueue(uow.session, bot_id=incoming.bot_id, chat_id=incoming.chat_id, replies=replies, now=now,
                       edit_message_id=incoming.pressed_message_id, after_message_id=incoming.message_id,
                       update_id=incoming.update_id,
                       fallback=_failure_text(services, outcome.lang))
        for learner, screen in outcome.notices:
            notify(uow.session, services.translations, bot_id=incoming.bot_id, learner=learner, screens=[screen],
                   now=now)
        inbox.finish(uow.session, incoming.bot_id, incoming.update_id, now)
        uow.commit()
    return outcome


def upload_limit(services: Services, external_id: str) -> int:
    """How large a file this person may send: a course list for providers (and admins), otherwise a
    credential to check (a few kilobytes): nothing larger is downloaded."""
    if external_id in services.conversation.admins:
        return services.settings.catalog.max_upload_bytes
    with services.catalog.sessions() as session:
        learner = learners.find_learner(session, "telegram", external_id)
        roles = roles_of(session, learner, admin=False) if learner is not None else None
    return services.settings.catalog.max_upload_bytes if roles and roles.provider else CREDENTIAL_FILE


def notify(session: Session, translations: Catalogs, *, bot_id: int, learner: Learner, screens: list[Screen],
           now: dt.datetime) -> None:
    """Write messages to a learner other than the one who sent the update (a completion confirmed by an
    admin, a revocation), in their language; nothing for a learner who blocked the bot."""
    if learner.blocked_at is not None or learner.channel != "telegram":
        return
    lang = learner.language or DEFAULT_LANGUAGE
    replies = [screen.render(translations.translator(screen.lang)) for screen in screens]
    fallback = Failure(lang).render(translations.translator(lang)).text
    outbox.enqueue(session, bot_id=bot_id, chat_id=int(learner.external_id), replies=replies, now=now,
                   fallback=fallback)


def _forget_chat(session: Session, bot_id: int, chat_id: int) -> None:
    """After erasing a learner: what they typed (inbox) and what was shown to them (sent outbox rows)."""
    inbox.scrub_chat(session, bot_id, chat_id)
    session.execute(delete(OutboxMessage).where(OutboxMessage.bot_id == bot_id, OutboxMessage.chat_id == chat_id,
                                                OutboxMessage.sent_at.is_not(None)))


def _failure_text(services: Services, lang: str) -> str:
    return Failure(lang).render(services.translations.translator(lang)).text


def answer_failure(services: Services, *, bot_id: int, update_id: int, chat_id: int | None,
                   external_id: str | None, language_code: str | None, message_id: int | None = None) -> None:
    """The update could not be handled: tell the learner, in their language, and finish it."""
    with services.unit_of_work() as uow:
        stored = learners.find_learner(uow.session, "telegram", external_id) if external_id else None
        lang = (stored.language if stored else None) or negotiate(language_code) or DEFAULT_LANGUAGE
        now = services.clock()
        if chat_id is not None:
            text = _failure_text(services, lang)
            outbox.enqueue(uow.session, bot_id=bot_id, chat_id=chat_id, replies=[Reply(text)], now=now,
                           after_message_id=message_id, update_id=update_id)
        inbox.finish(uow.session, bot_id, update_id, now)
        uow.commit()


def retry_later(services: Services, *, bot_id: int, update_id: int, delay: dt.timedelta) -> int:
    """Count a transient failure; returns how many attempts the update has had."""
    with services.unit_of_work() as uow:
        attempts = inbox.retry_later(uow.session, bot_id, update_id, delay, services.clock())
        uow.commit()
    return attempts


def finish_silently(services: Services, *, bot_id: int, update_id: int) -> None:
    """An update with nothing to answer (an edit, a channel post, a member change...)."""
    with services.unit_of_work() as uow:
        inbox.finish(uow.session, bot_id, update_id, services.clock())
        uow.commit()


def tell_group(services: Services, *, bot_id: int, update_id: int, chat_id: int, language_code: str | None) -> bool:
    """In a group, say once that the advisor talks to each person privately; True when it did."""
    with services.unit_of_work() as uow:
        told = uow.session.scalar(select(GroupNotice).where(GroupNotice.bot_id == bot_id,
                                                             GroupNotice.chat_id == chat_id)) is not None
        now = services.clock()
        if not told:
            t = services.translations.translator(negotiate(language_code) or DEFAULT_LANGUAGE)
            text = esc(t.gettext("I advise each person privately, so that nobody else sees their goals or "
                                 "courses. Open a private chat with me and send /start."))
            outbox.enqueue(uow.session, bot_id=bot_id, chat_id=chat_id, replies=[Reply(text)], now=now,
                           update_id=update_id)
            uow.session.add(GroupNotice(bot_id=bot_id, chat_id=chat_id, told_at=now))
        inbox.finish(uow.session, bot_id, update_id, now)
        uow.commit()
    return not told
