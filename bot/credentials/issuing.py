"""Completing an enrolment issues its credential, in the caller's unit of work; revoking one marks it.

Both take the session and never commit: the unit of work that confirms a completion also writes the
message that tells the learner, so the two happen together or not at all, and a completion confirmed
again returns the credential already issued instead of a second one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.credentials.document import Award, keyed_phone, open_badge
from bot.credentials.keys import KeyStore
from bot.credentials.models import Credential, SigningKey
from bot.credentials.signing import Revocation, Verdict, sign, verify
from bot.learners.models import Enrolment, Learner
from bot.learners.service import COMPLETED, change_status
from catalog.courses.queries import stack_targets
from catalog.courses.schema import LANGUAGES, localized
from catalog.storage.models import Course, Provider


@dataclass(frozen=True)
class Issued:
    credential: Credential
    created: bool  # False: the completion had been confirmed before; this is the credential issued then


class CredentialError(Exception):
    """A credential operation that cannot be done (unknown id, revoked already); nothing changed."""


def _text(values: Any, lang: str) -> str:
    value = localized(values, lang)[0]
    return value if isinstance(value, str) else ""


def award_for(session: Session, credential: Credential, enrolment: Enrolment, public_url: str,
              identity_key: bytes | None) -> Award:
    """What the credential of ``enrolment`` says: the course in its language of instruction (or the
    language it is written in, when the provider gave no text in that one)."""
    course = session.get(Course, enrolment.course_id)
    assert course is not None
    provider = session.get(Provider, course.provider_id)
    learner = session.get(Learner, enrolment.learner_id)
    assert provider is not None and learner is not None
    original = course.original or {}
    titles = original.get("title") or course.title
    title, lang = localized(titles, course.language_of_instruction)
    outcomes = localized(original.get("learning_outcomes") or course.learning_outcomes, lang)[0] or []
    targets = [_text((t.original or {}).get("title") or t.title, lang) or t.code
               for t in stack_targets(session, course)]
    return Award(
        credential_uuid=credential.uuid, status_index=credential.id, public_url=public_url,
        provider_code=provider.code, provider_name=_text(provider.name, lang) or provider.code,
        provider_url=provider.url, provider_country=provider.country or course.country, course_code=course.code,
        lang=lang, title=title or course.code, description=_text(original.get("description") or course.description,
                                                                 lang),
        learning_outcomes=list(outcomes), assessment=_text(original.get("assessment") or course.assessment, lang),
        quality_assurance=_text(original.get("quality_assurance") or course.quality_assurance, lang),
        duration_hours=course.duration_hours, level=course.level, delivery=course.delivery,
        skills=list(course.skills or []), other_languages=[x for x in LANGUAGES if x != lang and titles.get(x)],
        stacks_into=targets, issued_at=credential.issued_at, holder_name=learner.display_name,
        holder_phone=keyed_phone(identity_key, learner.phone) if learner.phone and identity_key else None)


class Issuer:
    """Issues and revokes the advisor's credentials (signing with :class:`KeyStore`)."""

    def __init__(self, keys: KeyStore, public_url: str) -> None:
        self.keys, self.public_url = keys, public_url

    def complete(self, session: Session, enrolment: Enrolment, *, actor: str, now: dt.datetime,
                 actor_ref: str | None = None) -> Issued:
        """Confirm the completion of ``enrolment`` and issue its credential. Refused (nothing changes)
        for an enrolment that is withdrawn or not completed; idempotent for one already completed."""
        existing = session.scalar(select(Credential).where(Credential.enrolment_id == enrolment.id))
        if existing is not None and enrolment.status == COMPLETED:
            return Issued(existing, created=False)
        change_status(session, enrolment, COMPLETED, actor=actor, now=now, actor_ref=actor_ref)
        credential = Credential(uuid=str(uuid.uuid4()), enrolment_id=enrolment.id, learner_id=enrolment.learner_id,
                                course_id=enrolment.course_id, kid="", jws="", issued_at=now)
        session.add(credential)
        session.flush()  # its id is its place in the status list
        kid, key = self.keys.signing_key(session)
        credential.kid = kid
        award = award_for(session, credential, enrolment, self.public_url, self.keys.identity_key())
        credential.jws = sign(open_badge(award), key, kid)
        return Issued(credential, created=True)

    def revoke(self, session: Session, credential_id: str, *, reason: str, by: str, now: dt.datetime) -> Credential:
        """Revoke a credential (by ``urn:uuid:...`` or its uuid); :class:`CredentialError` if unknown or
        revoked already."""
        credential = find(session, credential_id)
        if credential is None:
            raise CredentialError(f"no credential {credential_id!r} was issued here")
        if credential.revoked_at is not None:
            raise CredentialError(f"credential {credential_id!r} was revoked already")
        credential.revoked_at, credential.revocation_reason, credential.revoked_by = now, reason.strip()[:500], by
        return credential


def find(session: Session, credential_id: str) -> Credential | None:
    return session.scalar(select(Credential).where(Credential.uuid == credential_id.strip().removeprefix("urn:uuid:")))


def public_keys(session: Session) -> dict[str, dict[str, Any]]:
    return {row.kid: row.public_jwk for row in session.scalars(select(SigningKey))}


def revoked_here(session: Session) -> Callable[[dict[str, Any]], Revocation | None]:
    """A revocation lookup against this advisor's own records (with the reason)."""
    def lookup(credential: dict[str, Any]) -> Revocation | None:
        row = find(session, str(credential.get("id", "")))
        if row is None or row.revoked_at is None:
            return None
        return Revocation(at=row.revoked_at, reason=row.revocation_reason)
    return lookup


def verify_here(session: Session, token: str, now: dt.datetime, holder: str | None = None,
                identity_key: bytes | None = None) -> Verdict:
    """Verify a credential with this advisor's keys and revocations."""
    return verify(token, keys=public_keys(session), revoked=revoked_here(session), now=now, holder=holder,
                  identity_key=identity_key)
