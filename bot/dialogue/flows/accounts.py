"""Accounts for training providers and outreach programmes: /provider and /program ask for the
organisation and a contact, admins approve or refuse with one tap, and /accounts lets them see and
remove accounts. An approved account's tools are in the provider and program flows. Prefix ``ac``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.accounts import service as accounts
from bot.accounts.models import APPROVED, PENDING, PROGRAM, PROVIDER, Account
from bot.dialogue.core import Flow, Int, Reply, Screen, Turn
from bot.dialogue.flows import help
from bot.dialogue.html import esc
from bot.i18n import Translator
from bot.learners.models import Learner
from catalog.language.text import normalize
from catalog.storage.models import Course, Provider

FLOW = Flow("ac", "accounts")
# An admin decides whether or not they agreed to a learner's privacy notice (their role is the check).
APPROVE = FLOW.action("y", Int(1), needs_consent=False)
REFUSE = FLOW.action("n", Int(1), needs_consent=False)
REMOVE = FLOW.action("x", Int(1), needs_consent=False)
LINK = FLOW.action("l", Int(1), needs_consent=False)  # approve, acting for the existing provider of that name
KINDS = (PROVIDER, PROGRAM)


@dataclass
class AskOrganisation(Screen):
    kind: str = PROVIDER

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.kind == PROVIDER:
            text = _("Training providers keep their courses up to date here and confirm their learners' "
                     "completions. Which school or centre do you work for? Type its name as learners know it.")
        else:
            text = _("Outreach programmes share their own link to this bot and see what their campaigns achieved, "
                     "in totals only. Which programme or organisation do you work for? Type its name.")
        return Reply(esc(text))


@dataclass
class AskContact(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("And a phone number or e-mail address where an admin can reach you to check "
                                   "the request?")))


@dataclass
class RequestSent(Screen):
    pending: bool = False  # asked again while a request is open

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.pending:
            return Reply("⏳ " + esc(_("Your request is waiting for an admin. I will tell you here when it is "
                                       "decided.")))
        return Reply("✅ " + esc(_("Thank you. An admin will check your request; I will tell you here when it "
                                   "is decided.")))


@dataclass
class RequestForAdmin(Screen):
    """Sent to every admin: who asks for what, with one-tap decisions."""

    account_id: int = 0
    kind: str = PROVIDER
    organisation: str = ""
    contact: str = ""
    requester: str = ""  # their Telegram id
    existing: tuple[str, int] | None = None  # a provider of the same name: (code, active courses)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        what = _("New request for a provider account") if self.kind == PROVIDER else _(
            "New request for a programme account")
        lines = ["🆕 <b>" + esc(what) + f" #{self.account_id}</b>", "🏫 " + esc(self.organisation),
                 "📞 " + esc(self.contact), esc(_("Telegram ID: {id}").format(id=self.requester))]
        buttons = [[(_("✅ Approve"), APPROVE.data(self.account_id)), (_("✖ Refuse"), REFUSE.data(self.account_id))]]
        if self.existing:
            code, courses = self.existing
            lines.append("⚠️ " + esc(_("A provider with this name exists: {code}, {n} courses. “Approve” makes a new "
                                       "one; link only after checking with that provider that this person works "
                                       "for them: they would see its learners.").format(code=code,
                                                                                         n=t.number(courses))))
            buttons.append([(_("🔗 Approve for {code}").format(code=code), LINK.data(self.account_id))])
        return Reply("\n".join(lines), buttons)


@dataclass
class Decided(Screen):
    """The admin's message after deciding (it replaces the request)."""

    account_id: int = 0
    approved: bool = False
    organisation: str = ""
    provider_code: str = ""
    problem: str = ""  # an AccountError kind

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.problem == "decided_already":
            return Reply(esc(_("Request #{id} was decided already.").format(id=self.account_id)))
        if self.problem:
            return Reply(esc(_("There is no request #{id}.").format(id=self.account_id)))
        if not self.approved:
            return Reply("✖ " + esc(_("Request #{id} ({name}) refused.").format(id=self.account_id,
                                                                                name=self.organisation)))
        line = _("Request #{id} ({name}) approved.").format(id=self.account_id, name=self.organisation)
        if self.provider_code:
            line += " " + _("Their provider code: {code}.").format(code=self.provider_code)
        return Reply("✅ " + esc(line))


@dataclass
class Verdict(Screen):
    """Told to the person who asked."""

    kind: str = PROVIDER
    approved: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.approved:
            return Reply(esc(_("Your request for an account was not approved. If you think this is a mistake, "
                               "contact the team that gave you this bot's link.")))
        if self.kind == PROVIDER:
            return Reply("🎉 " + esc(_("Your provider account is ready. Send /provider to upload your courses and "
                                       "see your learners.")))
        return Reply("🎉 " + esc(_("Your programme account is ready. Send /program to make a campaign link and "
                                   "see your results.")))


@dataclass
class AccountList(Screen):
    rows: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # id, kind, status, org, code

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.rows:
            return Reply(esc(_("No accounts yet.")))
        labels = {PENDING: _("waiting"), APPROVED: _("approved")}
        lines, buttons = ["<b>" + esc(_("Accounts")) + "</b>"], []
        for account_id, kind, status, organisation, code in self.rows:
            role = _("provider") if kind == PROVIDER else _("programme")
            lines.append(f"#{account_id} · {esc(role)} · {esc(organisation)}"
                         + (f" · {esc(code)}" if code else "") + f" · {esc(labels.get(status, status))}")
            if status == PENDING:
                buttons.append([(_("✅ Approve #{id}").format(id=account_id), APPROVE.data(account_id)),
                                (_("✖ Refuse #{id}").format(id=account_id), REFUSE.data(account_id))])
            else:
                buttons.append([(_("Remove #{id}").format(id=account_id), REMOVE.data(account_id))])
        return Reply("\n".join(lines), buttons)


@dataclass
class Removed(Screen):
    account_id: int = 0
    done: bool = True

    def view(self, t: Translator) -> Reply:
        if not self.done:
            return Reply(esc(t.gettext("There is no account #{id} to remove.").format(id=self.account_id)))
        return Reply(esc(t.gettext("Account #{id} removed: it stops working with its next message.").format(
            id=self.account_id)))


# -- behaviour ----------------------------------------------------------------------------------

def ask(turn: Turn, kind: str) -> list[Screen]:
    """/provider or /program for someone without that role: their open request, or a new one."""
    open_request = turn.session.scalar(select(Account.id).where(
        Account.learner_id == turn.learner.id, Account.kind == kind, Account.status == PENDING)) \
        if turn.learner.id is not None else None
    if open_request is not None:
        return [RequestSent(turn.lang, pending=True)]
    turn.step, turn.state["account_kind"] = "account_organisation", kind
    return [AskOrganisation(turn.lang, kind=kind)]


@FLOW.on_step_text("account_organisation")
def organisation(turn: Turn, text: str) -> list[Screen]:
    name = normalize(text)[:accounts.MAX_ORGANISATION]
    if not name or name.startswith("/"):
        return [AskOrganisation(turn.lang, kind=turn.state.get("account_kind", PROVIDER))]
    turn.state["account_organisation"] = name
    turn.step = "account_contact"
    return [AskContact(turn.lang)]


@FLOW.on_step_text("account_contact")
def contact(turn: Turn, text: str) -> list[Screen]:
    kind = turn.state.pop("account_kind", PROVIDER)
    name = turn.state.pop("account_organisation", "")
    turn.step = "ready"
    if kind not in KINDS or not name:
        return help.unknown(turn)
    try:
        account = accounts.request(turn.session, turn.learner, kind, name, text, turn.now)
    except accounts.AccountError:
        return [RequestSent(turn.lang, pending=True)]
    existing = accounts.same_name(turn.session, account) if kind == PROVIDER else None
    twin = (existing.code, turn.session.scalar(select(func.count()).select_from(Course).where(
        Course.provider_id == existing.id, Course.active)) or 0) if existing else None
    for admin in admin_learners(turn):
        turn.notify(admin, RequestForAdmin(admin.language or turn.lang, account_id=account.id, kind=kind,
                                           organisation=account.organisation, contact=account.contact,
                                           requester=turn.visitor.external_id, existing=twin))
    return [RequestSent(turn.lang)]


def admin_learners(turn: Turn) -> list[Learner]:
    """The admins who have a chat with the bot (one can only write to people who started it)."""
    if not turn.admins:
        return []
    return list(turn.session.scalars(select(Learner).where(Learner.channel == turn.learner.channel,
                                                           Learner.external_id.in_(turn.admins))))


def _decide(turn: Turn, account_id: int, approve: bool, link: bool = False) -> list[Screen]:
    if not turn.admin:
        return help.unknown(turn)
    try:
        account = accounts.decide(turn.session, account_id, approve=approve, admin_ref=turn.visitor.external_id,
                                  now=turn.now, link=link)
    except accounts.AccountError as exc:
        return [Decided(turn.lang, account_id=account_id, problem=exc.kind, replace=True)]
    person = turn.session.get(Learner, account.learner_id)
    if person is not None:
        turn.notify(person, Verdict(person.language or turn.lang, kind=account.kind, approved=approve))
    provider = turn.session.get(Provider, account.provider_id) if account.provider_id else None
    return [Decided(turn.lang, account_id=account_id, approved=approve, organisation=account.organisation,
                    provider_code=provider.code if provider else "", replace=True)]


@APPROVE.handles
def approve(turn: Turn, account_id: int) -> list[Screen]:
    return _decide(turn, account_id, True)


@REFUSE.handles
def refuse(turn: Turn, account_id: int) -> list[Screen]:
    return _decide(turn, account_id, False)


@LINK.handles
def approve_linked(turn: Turn, account_id: int) -> list[Screen]:
    return _decide(turn, account_id, True, link=True)


@FLOW.command("accounts")
def account_list(turn: Turn) -> list[Screen]:
    if not turn.admin:
        return help.unknown(turn)
    rows = []
    for account in accounts.accounts(turn.session):
        provider = turn.session.get(Provider, account.provider_id) if account.provider_id else None
        rows.append((account.id, account.kind, account.status, account.organisation, provider.code if provider else ""))
    return [AccountList(turn.lang, rows=rows)]


@REMOVE.handles
def remove(turn: Turn, account_id: int) -> list[Screen]:
    if not turn.admin:
        return help.unknown(turn)
    try:
        accounts.remove(turn.session, account_id, admin_ref=turn.visitor.external_id, now=turn.now)
    except accounts.AccountError:
        return [Removed(turn.lang, account_id=account_id, done=False)]
    return [Removed(turn.lang, account_id=account_id)]
