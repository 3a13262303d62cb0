"""Revocation through a W3C Bitstring Status List: each credential has an index in a list of 131,072
bits; a set bit means revoked. The list is itself a credential, signed like the others, so a verifier
can check it offline (``python -m bot status-list`` writes it; the web server will serve it).
The reason for a revocation is kept in the database and told to the learner; the list carries none."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.credentials.document import STATUS_LIST_SIZE, VC_CONTEXT, iso, status_list_url
from bot.credentials.keys import KeyStore
from bot.credentials.models import Credential
from bot.credentials.signing import Revocation, sign

VALIDITY = dt.timedelta(days=1)  # a status list is re-published at least daily


def encode(indices: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; bit 0 is the first byte's highest."""
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode("ascii").rstrip("=")


def is_set(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError("the encoded list must be multibase base64url ('u')")
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def list_document(public_url: str, number: int, revoked: Iterable[int], now: dt.datetime) -> dict[str, Any]:
    """The status list credential number ``number`` (1, 2, ...)."""
    url = status_list_url(public_url, (number - 1) * STATUS_LIST_SIZE)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": f"{public_url}/issuers/advisor",
        "validFrom": iso(now),
        "validUntil": iso(now + VALIDITY),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encode(i % STATUS_LIST_SIZE for i in revoked)},
    }


def signed_lists(session: Session, keys: KeyStore, public_url: str, now: dt.datetime) -> list[str]:
    """Every status list, signed (VC-JWT), one per 131,072 credentials issued."""
    last = session.scalar(select(Credential.id).order_by(Credential.id.desc()).limit(1)) or 0
    revoked = list(session.scalars(select(Credential.id).where(Credential.revoked_at.is_not(None))))
    kid, key = keys.signing_key(session)
    out = []
    for number in range(1, last // STATUS_LIST_SIZE + 2):
        low, high = (number - 1) * STATUS_LIST_SIZE, number * STATUS_LIST_SIZE
        out.append(sign(list_document(public_url, number, [i for i in revoked if low <= i < high], now), key, kid))
    return out


def status_list_problem(document: dict[str, Any], claims: dict[str, Any]) -> str | None:
    """What a status list credential lacks, if anything (for :func:`~bot.credentials.signing.verify`)."""
    if "BitstringStatusListCredential" not in (document.get("type") or []):
        return "type must include BitstringStatusListCredential"
    subject = document.get("credentialSubject") or {}
    if subject.get("statusPurpose") != "revocation" or not str(subject.get("encodedList", "")).startswith("u"):
        return "credentialSubject must be a revocation BitstringStatusList with an encodedList"
    if claims.get("jti") != document.get("id"):
        return "the jti claim must be the list's id"
    return None


def revoked_by_list(lists: dict[str, dict[str, Any]]) -> Callable[[dict[str, Any]], Revocation | None]:
    """A revocation lookup for :func:`~bot.credentials.signing.verify` from status list documents
    (already verified), by their URL: for checking a credential without our database."""
    def lookup(credential: dict[str, Any]) -> Revocation | None:
        status = credential.get("credentialStatus") or {}
        document = lists.get(str(status.get("statusListCredential")))
        if document is None:
            raise LookupError(f"no status list {status.get('statusListCredential')} was given")
        if is_set(document["credentialSubject"]["encodedList"], int(status["statusListIndex"])):
            return Revocation(at=None, reason=None)
        return None
    return lookup
