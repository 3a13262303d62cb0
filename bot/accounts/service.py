"""Requesting, deciding and checking roles. Every update loads :class:`Roles` afresh, so an account
that is removed stops working with the next message."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.models import APPROVED, PENDING, PROGRAM, PROVIDER, REFUSED, REMOVED, Account
from bot.learners.models import Learner
from catalog.language.text import fold, normalize, script_language
from catalog.storage.models import Provider

MAX_ORGANISATION = 200


@dataclass(frozen=True)
class Roles:
    """What the person behind one update may do."""

    admin: bool = False
    provider_ids: frozenset[int] = field(default_factory=frozenset)  # catalog providers they act for
    program_ids: frozenset[int] = field(default_factory=frozenset)  # their approved programme accounts
    provider_accounts: frozenset[int] = field(default_factory=frozenset)  # their approved provider accounts

    @property
    def provider(self) -> bool:
        return bool(self.provider_ids)

    @property
    def program(self) -> bool:
        return bool(self.program_ids)


def roles_of(session: Session, learner: Learner, *, admin: bool) -> Roles:
    if learner.id is None:
        return Roles(admin=admin)
    rows = session.execute(select(Account.id, Account.kind, Account.provider_id).where(
        Account.learner_id == learner.id, Account.status == APPROVED)).all()
    providers = [(i, p) for i, k, p in rows if k == PROVIDER and p is not None]
    return Roles(admin=admin, provider_ids=frozenset(p for _, p in providers),
                 program_ids=frozenset(i for i, k, _ in rows if k == PROGRAM),
                 provider_accounts=frozenset(i for i, _ in providers))


class AccountError(Exception):
    """A request or decision that cannot be made (the reason is a kind the dialogue words)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def request(session: Session, learner: Learner, kind: str, organisation: str, contact: str,
            now: dt.datetime) -> Account:
    """A new request (or the pending one, updated): one open request per person and kind."""
    open_one = session.scalar(select(Account).where(Account.learner_id == learner.id, Account.kind == kind,
                                                    Account.status.in_((PENDING, APPROVED))))
    if open_one is not None and open_one.status == APPROVED and kind == PROVIDER and open_one.provider_id is None:
        open_one.status = REMOVED  # its provider was deleted from the catalog: a new request starts over
        open_one = None
    if open_one is not None and open_one.status == APPROVED:
        raise AccountError("approved_already")
    row = open_one or Account(learner_id=learner.id, kind=kind, status=PENDING)
    row.organisation, row.contact = normalize(organisation)[:MAX_ORGANISATION], normalize(contact)[:200]
    row.requested_at = now
    if open_one is None:
        session.add(row)
    session.flush()
    return row


def slug(name: str) -> str:
    """A provider code made from an organisation's name: "Trường Nghề Cần Thơ" → "truong-nghe-can-tho"."""
    words = re.findall(r"[a-z0-9]+", fold(name))  # Khmer script has no Latin letters: a neutral code
    return "-".join(words)[:32].strip("-") or "org"


def same_name(session: Session, account: Account) -> Provider | None:
    """A catalog provider whose name (in any language) is the one the request gives: the admin may link
    the account to it, explicitly, after checking who asks (a name alone proves nothing)."""
    key = fold(account.organisation)
    for provider in session.scalars(select(Provider).order_by(Provider.id)):
        if any(fold(name) == key for name in (provider.name or {}).values()):
            return provider
    return None


def _new_provider(session: Session, account: Account) -> Provider:
    """A new catalog provider for an approved account, made from the organisation's name (so that
    nobody has to write a file describing their organisation first)."""
    base, n = slug(account.organisation), 1
    code = base if len(base) >= 2 else f"p-{base}"
    while session.scalar(select(Provider.id).where(Provider.code == code)) is not None:
        n += 1
        code = f"{base}-{n}"
    lang = script_language(account.organisation) or "en"
    contact = {"email" if "@" in account.contact else "phone": account.contact}
    provider = Provider(code=code, name={lang: account.organisation}, country="", url="", contact=contact)
    session.add(provider)
    session.flush()
    return provider


def decide(session: Session, account_id: int, *, approve: bool, admin_ref: str, now: dt.datetime,
           link: bool = False) -> Account:
    """Approve or refuse a pending request. An approved provider account gets a new catalog provider,
    or, when the admin chose ``link``, the existing one of the same name."""
    account = session.get(Account, account_id)
    if account is None:
        raise AccountError("no_account")
    if account.status != PENDING:
        raise AccountError("decided_already")
    existing = same_name(session, account) if link else None
    if link and existing is None:
        raise AccountError("no_account")
    account.status, account.decided_at, account.decided_by = (APPROVED if approve else REFUSED), now, admin_ref
    if approve and account.kind == PROVIDER:
        account.provider_id = (existing or _new_provider(session, account)).id
    return account


def remove(session: Session, account_id: int, *, admin_ref: str, now: dt.datetime) -> Account:
    account = session.get(Account, account_id)
    if account is None or account.status != APPROVED:
        raise AccountError("no_account")
    account.status, account.decided_at, account.decided_by = REMOVED, now, admin_ref
    return account


def accounts(session: Session, *, statuses: tuple[str, ...] = (PENDING, APPROVED), limit: int = 40) -> list[Account]:
    """Open requests first, then approved accounts, newest first."""
    query = select(Account).where(Account.status.in_(statuses)).order_by(
        (Account.status != PENDING), Account.requested_at.desc(), Account.id.desc()).limit(limit)
    return list(session.scalars(query))
