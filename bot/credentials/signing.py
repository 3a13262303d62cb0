"""Signing a credential as a VC-JWT (compact JWS, RS256) and checking one, with PyJWT and cryptography.

Header: only ``alg`` (RS256), ``kid`` (a URI naming one public JWK) and ``typ`` (JWT). Claims: the
credential itself, plus ``iss`` = issuer id, ``jti`` = credential id, ``nbf``/``exp`` = validFrom /
validUntil, ``sub`` = the subject's id when it has one. Verification answers with one reason a person
can act on, in the order a verifier must check: the token's form and algorithm, the key, the
signature, the dates, the structure, then revocation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.credentials.document import (
    OB_CONTEXT,
    PHONE_IDENTITY,
    VC_CONTEXT,
    canonical_name,
    identity_hash,
    keyed_phone,
    phone_numbers,
)

ALGORITHM = "RS256"
HEADER_KEYS = {"alg", "kid", "typ"}
JWS_SHAPE = re.compile(r"^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}$")
LEEWAY = dt.timedelta(minutes=2)  # clocks differ a little between machines

# Why a credential is not valid, in the order they are checked.
MALFORMED = "malformed"
BAD_ALGORITHM = "bad_algorithm"
UNKNOWN_KEY = "unknown_key"
BAD_SIGNATURE = "bad_signature"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
BAD_STRUCTURE = "bad_structure"
REVOKED = "revoked"
VALID = "valid"


def seconds(moment: str) -> int:
    return int(dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp())


def sign(document: dict[str, Any], key: rsa.RSAPrivateKey, kid: str) -> str:
    """The compact JWS of ``document``."""
    claims = dict(document)
    issuer = document["issuer"]
    claims.update(iss=issuer["id"] if isinstance(issuer, dict) else issuer, jti=document["id"],
                  nbf=seconds(document["validFrom"]))
    if "validUntil" in document:
        claims["exp"] = seconds(document["validUntil"])
    subject_id = document["credentialSubject"].get("id")
    if subject_id and "OpenBadgeCredential" in document["type"]:
        claims["sub"] = subject_id
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid, "typ": "JWT"})


def part(document: dict[str, Any], key: str) -> dict[str, Any]:
    """``document[key]`` when it is an object, else empty (a document that failed a check may hold anything)."""
    value = document.get(key)
    return value if isinstance(value, dict) else {}


def unchecked_document(token: str) -> dict[str, Any]:
    """The credential a JWS carries, without checking it: only for credentials read from our own table."""
    document: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return document


@dataclass(frozen=True)
class Revocation:
    at: dt.datetime | None
    reason: str | None


@dataclass
class Verdict:
    """The answer to "is this credential valid?": ``reason`` is :data:`VALID` or why not."""

    reason: str
    detail: str = ""
    credential: dict[str, Any] | None = None
    kid: str | None = None
    revocation: Revocation | None = None
    holder_matches: bool | None = None  # issued to the name or number asked about, when one was
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.reason == VALID


def looks_like_jws(text: str) -> bool:
    return bool(JWS_SHAPE.match(text.strip()))


def structure_problem(credential: dict[str, Any], claims: dict[str, Any]) -> str | None:
    """What the credential lacks or gets wrong as an Open Badges 3.0 credential, if anything."""
    context = credential.get("@context")
    if not isinstance(context, list) or context[:2] != [VC_CONTEXT, OB_CONTEXT]:
        return "@context must start with the VC 2.0 and the Open Badges 3.0 contexts"
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types or not (
            {"OpenBadgeCredential", "AchievementCredential"} & set(types)):
        return "type must be a list with VerifiableCredential and OpenBadgeCredential"
    for name in ("id", "issuer", "validFrom", "credentialSubject"):
        if not credential.get(name):
            return f"{name} is missing"
    if not str(credential["id"]).startswith(("urn:uuid:", "http")):
        return "id must be a URI"
    issuer, subject = credential["issuer"], credential["credentialSubject"]
    if not isinstance(issuer, dict) or not issuer.get("id") or "Profile" not in (issuer.get("type") or []):
        return "issuer must be a Profile with an id"
    if not isinstance(subject, dict) or not (subject.get("id") or subject.get("identifier")):
        return "credentialSubject must have an id or an identifier"
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        return "credentialSubject.achievement is missing"
    for name in ("id", "type", "name", "description", "criteria"):
        if not achievement.get(name):
            return f"credentialSubject.achievement.{name} is missing"
    if claims.get("iss") != issuer["id"] or claims.get("jti") != credential["id"]:
        return "the iss and jti claims must be the issuer's id and the credential's id"
    try:
        if claims.get("nbf") != seconds(credential["validFrom"]) or (
                "validUntil" in credential and claims.get("exp") != seconds(credential["validUntil"])):
            return "the nbf and exp claims must be validFrom and validUntil"
    except (TypeError, ValueError):
        return "validFrom and validUntil must be dates with a time zone"
    return None


def holder_is(credential: dict[str, Any], who: str, identity_key: bytes | None = None) -> bool:
    """Whether the credential was issued to ``who``, a name or a phone number (compared through the
    salted hashes of its IdentityObjects; a phone number only with the advisor's ``identity_key``)."""
    phones = [keyed_phone(identity_key, n) for n in phone_numbers(who)] if identity_key else []
    candidates = {"name": [canonical_name(who)], PHONE_IDENTITY: phones}
    subject = credential.get("credentialSubject")
    for identity in (subject.get("identifier") if isinstance(subject, dict) else None) or []:
        if not isinstance(identity, dict) or not identity.get("hashed") or identity.get("salt") is None:
            continue
        for value in candidates.get(str(identity.get("identityType")), []):
            if identity.get("identityHash") == identity_hash(value, str(identity["salt"])):
                return True
    return False


def verify(token: str, *, keys: Mapping[str, dict[str, Any]], revoked: Callable[[dict[str, Any]], Revocation | None],
           now: dt.datetime, holder: str | None = None, identity_key: bytes | None = None,
           structure: Callable[[dict[str, Any], dict[str, Any]], str | None] = structure_problem) -> Verdict:
    """Check a VC-JWT against the public ``keys`` (kid → JWK) and the revocation lookup ``revoked``;
    ``structure`` says what is wrong with the decoded document (an Open Badges credential by default)."""
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:  # not a JWS, or a header PyJWT refuses (a kid that is not text)
        return Verdict(MALFORMED, "this is not a signed credential (a JWS in compact form)")
    if header.get("alg") != ALGORITHM:
        return Verdict(BAD_ALGORITHM, f"signed with {header.get('alg')!r}; only RS256 is accepted")
    if set(header) - HEADER_KEYS or (header.get("typ") not in (None, "JWT")):
        return Verdict(MALFORMED, "the JOSE header may only have alg, kid and typ (JWT)")
    kid = header.get("kid")
    jwk = keys.get(kid) if isinstance(kid, str) else None
    if jwk is None:
        return Verdict(UNKNOWN_KEY, f"signed with a key this issuer does not publish ({kid})", kid=kid)
    try:
        claims = _decode_at(token, jwt.PyJWK(jwk, algorithm=ALGORITHM).key, now)
    except jwt.InvalidSignatureError:
        return Verdict(BAD_SIGNATURE, "the signature does not match: it was changed after signing", kid=kid)
    except jwt.ImmatureSignatureError:
        return Verdict(NOT_YET_VALID, "this credential is not valid yet", kid=kid)
    except jwt.ExpiredSignatureError:
        return Verdict(EXPIRED, "this credential has expired", kid=kid)
    except (jwt.InvalidTokenError, ValueError) as exc:
        return Verdict(MALFORMED, f"the token cannot be read ({type(exc).__name__})", kid=kid)
    credential = {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "exp", "sub", "iat")}
    problem = structure(credential, claims)
    if problem:
        return Verdict(BAD_STRUCTURE, problem, credential=credential, kid=kid)
    verdict = Verdict(VALID, "", credential=credential, kid=kid)
    revocation = revoked(credential)
    if revocation is not None:
        verdict.reason, verdict.detail, verdict.revocation = REVOKED, "this credential was revoked", revocation
    if holder is not None:
        verdict.holder_matches = holder_is(credential, holder, identity_key)
        if identity_key is None and phone_numbers(holder):
            verdict.warnings.append("a phone number can only be checked with this advisor's database")
    return verdict


def _decode_at(token: str, key: Any, now: dt.datetime) -> dict[str, Any]:
    """Decode with the signature checked (RS256 only: "none" and HS256 never pass), and the dates
    checked against ``now``, the caller's clock, with a little leeway."""
    claims: dict[str, Any] = jwt.decode(token, key, algorithms=[ALGORITHM],
                                        options={"require": ["iss", "jti", "nbf"], "verify_nbf": False,
                                                 "verify_exp": False, "verify_aud": False})
    stamp = now.timestamp()
    if claims["nbf"] > stamp + LEEWAY.total_seconds():
        raise jwt.ImmatureSignatureError("not yet valid")
    if "exp" in claims and claims["exp"] < stamp - LEEWAY.total_seconds():
        raise jwt.ExpiredSignatureError("expired")
    return claims
