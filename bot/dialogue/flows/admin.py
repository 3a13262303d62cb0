"""Admin commands in the chat, for the people in ADVISOR_ADMIN_IDS: confirm completions (which issues
the credentials and tells the learners) and revoke credentials. To anyone else these commands do not
exist. The same functions serve ``python -m bot complete`` and ``revoke``. Callback prefix ``a``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.alerts import service as alerts
from bot.credentials.issuing import CredentialError, Issuer, find
from bot.dialogue.core import Flow, OneOf, Reply, Screen, Turn
from bot.dialogue.flows import help
from bot.dialogue.flows.pathways import stack_titles
from bot.dialogue.flows.wallet import Earned, Revoked, facts
from bot.dialogue.html import esc
from bot.i18n import DEFAULT_LANGUAGE, Translator
from bot.learners import service as learners
from bot.learners.models import Enrolment, Learner
from catalog.storage.models import Course, Provider

FLOW = Flow("a", "admin")
BROADCAST = FLOW.action("b", OneOf(("y", "n")))
MAX_ANNOUNCEMENT = 3500

# What happened to each learner named in a completion.
DONE, ALREADY, NOT_ENROLLED, REFUSED, NO_LEARNER = "done", "already", "not_enrolled", "refused", "no_learner"


@dataclass
class Completion:
    external_id: str
    outcome: str
    detail: str = ""
    learner: Learner | None = None
    notice: Screen | None = None  # what to tell the learner


def find_course(session: Session, key: str) -> Course | None:
    """A course by ``PROVIDER:CODE``."""
    provider_code, _, code = key.partition(":")
    return session.scalar(select(Course).join(Provider).where(Provider.code == provider_code, Course.code == code))


def complete(session: Session, issuer: Issuer, course: Course, external_ids: list[str], *, actor: str,
             actor_ref: str | None, now: dt.datetime) -> list[Completion]:
    """Confirm the completion of ``course`` for each learner (by Telegram id): the credential is issued
    and an :class:`Earned` notice prepared, in the learner's language. Nothing changes for a learner
    who is not enrolled, withdrew, or was confirmed before (then the credential issued then stands)."""
    out = []
    for external_id in external_ids:
        learner = learners.find_learner(session, "telegram", external_id)
        enrolment = learners.find_enrolment(session, learner, course.id) if learner else None
        if learner is None:
            out.append(Completion(external_id, NO_LEARNER))
            continue
        if enrolment is None:
            out.append(Completion(external_id, NOT_ENROLLED, learner=learner))
            continue
        out.append(complete_enrolment(session, issuer, learner, enrolment, course, actor=actor, actor_ref=actor_ref,
                                      now=now))
    return out


def complete_enrolment(session: Session, issuer: Issuer, learner: Learner, enrolment: Enrolment, course: Course, *,
                       actor: str, actor_ref: str | None, now: dt.datetime) -> Completion:
    """One completion: the credential issued (once), and the notice that tells the learner."""
    try:
        issued = issuer.complete(session, enrolment, actor=actor, actor_ref=actor_ref, now=now)
    except learners.TransitionRefused as exc:
        return Completion(learner.external_id, REFUSED, exc.current or "", learner)
    lang = learner.language or DEFAULT_LANGUAGE
    screen = Earned(lang, credential=facts(session, issued.credential, lang),
                    next_courses=stack_titles(session, learner, course, lang)) if issued.created else None
    return Completion(learner.external_id, DONE if issued.created else ALREADY, issued.credential.uuid, learner,
                      screen)


@dataclass
class Report(Screen):
    lines: list[tuple[str, str, str]] = field(default_factory=list)  # (who, outcome, detail)
    error: str = ""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.error:
            return Reply(esc(self.error))
        words = {DONE: _("completed, credential issued"), ALREADY: _("already completed; nothing changed"),
                 NOT_ENROLLED: _("not enrolled in this course"),
                 NO_LEARNER: _("no learner with this Telegram ID"), "revoked": _("revoked; the learner was told")}
        refused = {learners.WITHDRAWN: _("refused: the learner withdrew from this course"),
                   learners.NOT_COMPLETED: _("refused: this enrolment was marked as not completed")}
        lines = []
        for who, outcome, detail in self.lines:
            said = refused.get(detail, words[NOT_ENROLLED]) if outcome == REFUSED else words[outcome]
            lines.append(f"{esc(who)}: {esc(said)}")
        return Reply("\n".join(lines))


def _refuse(turn: Turn) -> list[Screen]:
    return help.unknown(turn)  # to anyone but an admin, admin commands do not exist


@FLOW.command("complete")
def complete_command(turn: Turn) -> list[Screen]:
    """/complete PROVIDER:CODE TELEGRAM_ID [TELEGRAM_ID ...]"""
    if not turn.admin:
        return _refuse(turn)
    if turn.issuer is None:
        return [Report(turn.lang, error=turn.t.gettext("Credentials cannot be issued: ADVISOR_PUBLIC_URL is not "
                                                       "set."))]
    if len(turn.args) < 2:
        return [Report(turn.lang, error=turn.t.gettext("Use: /complete PROVIDER:CODE TELEGRAM_ID …"))]
    course = find_course(turn.session, turn.args[0])
    if course is None:
        return [Report(turn.lang, error=turn.t.gettext("No course {key}.").format(key=turn.args[0]))]
    results = complete(turn.session, turn.issuer, course, list(turn.args[1:]), actor="admin",
                       actor_ref=turn.visitor.external_id, now=turn.now)
    for result in results:
        if result.learner is not None and result.notice is not None:
            turn.notify(result.learner, result.notice)
    return [Report(turn.lang, lines=[(r.external_id, r.outcome, r.detail) for r in results])]


def revoke(session: Session, issuer: Issuer, credential_id: str, reason: str, *, by: str,
           now: dt.datetime) -> tuple[str, Learner | None, Screen | None]:
    """Revoke a credential; the learner (if their data still exists) is told, in their language."""
    credential = issuer.revoke(session, credential_id, reason=reason, by=by, now=now)
    learner = session.get(Learner, credential.learner_id) if credential.learner_id else None
    if learner is None:
        return credential.uuid, None, None
    lang = learner.language or DEFAULT_LANGUAGE
    return credential.uuid, learner, Revoked(lang, credential=facts(session, credential, lang))


@FLOW.command("revoke")
def revoke_command(turn: Turn) -> list[Screen]:
    """/revoke CREDENTIAL_ID REASON"""
    if not turn.admin:
        return _refuse(turn)
    if turn.issuer is None or len(turn.args) < 2:
        return [Report(turn.lang, error=turn.t.gettext("Use: /revoke CREDENTIAL_ID REASON"))]
    if find(turn.session, turn.args[0]) is None:
        return [Report(turn.lang, error=turn.t.gettext("No credential {id}.").format(id=turn.args[0]))]
    try:
        uuid, learner, notice = revoke(turn.session, turn.issuer, turn.args[0], " ".join(turn.args[1:]),
                                       by=f"admin:{turn.visitor.external_id}", now=turn.now)
    except CredentialError:
        return [Report(turn.lang, error=turn.t.gettext("This credential was revoked already."))]
    if learner is not None and notice is not None:
        turn.notify(learner, notice)
    return [Report(turn.lang, lines=[(uuid, "revoked", "")])]


# -- announcements -------------------------------------------------------------------------------

@dataclass
class ConfirmAnnouncement(Screen):
    text: str = ""
    recipients: int = 0

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        return Reply(esc(_("Send this to {n} learners? It goes out within Telegram's limits (about 30 a second); "
                           "people who blocked the bot are skipped.").format(n=t.number(self.recipients)))
                     + "\n\n" + esc(self.text),
                     [[(_("📣 Send"), BROADCAST.data("y")), (_("✖ Cancel"), BROADCAST.data("n"))]])


@dataclass
class Announcement(Screen):
    """What every learner receives: the admin's words, as written."""

    text: str = ""

    def view(self, t: Translator) -> Reply:
        return Reply("📣 " + esc(self.text))


@dataclass
class AnnouncementSent(Screen):
    recipients: int = 0
    cancelled: bool = False

    def view(self, t: Translator) -> Reply:
        if self.cancelled:
            return Reply(esc(t.gettext("Cancelled: nothing was sent.")))
        return Reply(esc(t.gettext("Sending to {n} learners.").format(n=t.number(self.recipients))))


@FLOW.command("broadcast")
def broadcast(turn: Turn) -> list[Screen]:
    """/broadcast TEXT (admins): asks to confirm, with how many will receive it."""
    if not turn.admin:
        return _refuse(turn)
    text = " ".join(turn.args)[:MAX_ANNOUNCEMENT]
    if not text:
        return [Report(turn.lang, error=turn.t.gettext("Use: /broadcast TEXT"))]
    turn.state["announcement"] = text
    recipients = [p for p in alerts.audience(turn.session) if p.id != turn.learner.id]
    return [ConfirmAnnouncement(turn.lang, text=text, recipients=len(recipients))]


@BROADCAST.handles
def send_broadcast(turn: Turn, answer: str) -> list[Screen]:
    text = turn.state.pop("announcement", None)
    if not turn.admin or answer != "y" or not text:
        return [AnnouncementSent(turn.lang, cancelled=True, replace=True)]
    audience = [p for p in alerts.audience(turn.session) if p.id != turn.learner.id]
    for person in audience:
        turn.notify(person, Announcement(person.language or DEFAULT_LANGUAGE, text=text))
    alerts.announce(turn.session, text, turn.visitor.external_id, len(audience), turn.now)
    return [AnnouncementSent(turn.lang, recipients=len(audience), replace=True)]
