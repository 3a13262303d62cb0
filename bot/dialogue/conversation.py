"""The dialogue as a service: one input from one person in, screens out, inside the caller's unit of
work. It loads (or adds) the learner and their dialogue, lets the router pick the flow, and writes
the step, working state and last-seen time when the flow returns, on every kind of input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.accounts.service import roles_of
from bot.clock import utcnow
from bot.credentials.issuing import Issuer
from bot.credentials.models import Credential
from bot.dialogue.core import Input, Recommends, Router, Screen, Text, Turn, Visitor
from bot.dialogue.models import Dialogue
from bot.i18n import DEFAULT_LANGUAGE, Catalogs, negotiate
from bot.learners import service as learners
from bot.learners.models import Learner
from bot.programs import stats
from catalog.language.text import script_language
from catalog.settings import CatalogSettings

CHANNEL = "telegram"


@dataclass
class Outcome:
    screens: list[Screen]
    lang: str  # the learner's language after this input (for an error reply, should sending fail)
    erased: bool = False  # the learner's data was erased: forget anything else of theirs too
    notices: list[tuple[Learner, Screen]] = field(default_factory=list)  # messages to other people
    catalog_changed: bool = False  # a provider's upload was applied: refresh the recommender now


class Conversation:
    def __init__(self, router: Router, translations: Catalogs, recommender: Recommends, *,
                 admins: frozenset[str] = frozenset(), issuer: Issuer | None = None, channel: str = CHANNEL,
                 clock: Callable[[], dt.datetime] = utcnow, catalog_settings: CatalogSettings | None = None) -> None:
        self.router = router
        self.translations = translations
        self.recommender = recommender
        self.admins = admins  # external ids of the people who may complete and revoke
        self.issuer = issuer
        self.channel = channel
        self.clock = clock
        self.catalog_settings = catalog_settings
        self.bot_username = ""  # set when the bot has started and knows its own name (getMe)

    def handle(self, session: Session, visitor: Visitor, inp: Input, *, release: Callable[[], None]) -> Outcome:
        """Answer ``inp``. Writes nothing before the flow has done its thinking (see ``release``)."""
        learner, created = learners.get_or_add_learner(session, self.channel, visitor.external_id)
        dialogue = None if created else session.get(Dialogue, learner.id)
        if dialogue is None:
            dialogue = Dialogue(learner=learner, step="new", state={})
            session.add(dialogue)
        step, state = dialogue.step, dict(dialogue.state or {})
        script = script_language(inp.text) if isinstance(inp, Text) else None
        answering = step in self.router.step_texts  # e.g. the name to check on a credential, any script
        if learner.language is None and (step == "new" or script) and not answering:
            # Until the learner picks a language, preselect it from what they write (a Khmer reader
            # may run Telegram in English), else from Telegram's app language.
            state["guess"] = script or negotiate(visitor.language_code) or DEFAULT_LANGUAGE
            step = "language"
        lang = learner.language or state.get("guess") or negotiate(visitor.language_code) or DEFAULT_LANGUAGE
        turn = Turn(session=session, visitor=visitor, learner=learner, dialogue=dialogue, lang=lang,
                    translations=self.translations, recommender=self.recommender, now=self.clock(),
                    release=release, step=step, state=state, admins=self.admins, issuer=self.issuer,
                    roles=roles_of(session, learner, admin=visitor.external_id in self.admins),
                    catalog_settings=self.catalog_settings, bot_username=self.bot_username)
        screens = self.router.dispatch(turn, inp)
        if turn.erased:
            return Outcome(screens, turn.lang, erased=True, notices=turn.notices, catalog_changed=turn.catalog_changed)
        if turn.step != dialogue.step or turn.state != (dialogue.state or {}):
            dialogue.step, dialogue.state, dialogue.updated_at = turn.step, turn.state, turn.now
        learner.last_seen_at = turn.now
        return Outcome(screens, turn.lang, notices=turn.notices, catalog_changed=turn.catalog_changed)



def forget(turn: Turn) -> None:
    """Erase the person: learner, dialogue and enrolments (nothing of them is written afterwards).
    Their credentials stay verifiable where they were given (the row keeps the revocation status),
    but this advisor keeps no copy linking them to anyone."""
    if turn.learner.id is not None:
        stats.remember_erased(turn.session, turn.learner)  # a campaign's totals keep them, without the person
        turn.session.execute(update(Credential).where(Credential.learner_id == turn.learner.id)
                             .values(jws="", learner_id=None))
    for row in (turn.dialogue, turn.learner):
        if row in turn.session.new:
            turn.session.expunge(row)
        else:
            turn.session.delete(row)
    turn.erased = True
