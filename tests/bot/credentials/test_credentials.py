"""Issued credentials validate against the official schemas; forged, tampered, expired and revoked
ones are refused for the right reason; a rotation keeps old credentials valid."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
import stat
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.credentials import signing
from bot.credentials.document import phone_numbers
from bot.credentials.issuing import CredentialError, Issuer, public_keys, revoked_here, verify_here
from bot.credentials.keys import KeyStore, jwks
from bot.credentials.models import Credential
from bot.credentials.status import is_set, revoked_by_list, signed_lists, status_list_problem
from bot.dialogue.flows import admin
from bot.i18n import Catalogs
from bot.learners.models import Enrolment, EnrolmentEvent, Learner
from bot.learners.service import TransitionRefused, enrol, withdraw
from catalog.storage.models import Course
from tests.bot.credentials.conftest import PUBLIC_URL, problems

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
_ids = itertools.count(8_000_000)


def learner(session: Session, name: str | None = "Sokha Chan") -> Learner:
    row = Learner(channel="telegram", external_id=str(next(_ids)), language="km", display_name=name,
                  consented_at=NOW)
    session.add(row)
    session.flush()
    return row


def enrolled(session: Session, course: Course, name: str | None = "Sokha Chan") -> Enrolment:
    person = learner(session, name)
    enrol(session, person, course.id, NOW)
    session.flush()
    row = session.scalar(select(Enrolment).where(Enrolment.learner_id == person.id))
    assert row is not None
    return row


def payload(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def courses(session: Session) -> list[Course]:
    return list(session.scalars(select(Course).where(Course.active).order_by(Course.id)))


def test_every_credential_of_the_sample_validates(db: Session, issuer: Issuer, schemas: list[Any]) -> None:
    for course in courses(db)[::7] + courses(db)[:3]:  # every sector and provider, Khmer, Vietnamese, English
        issued = issuer.complete(db, enrolled(db, course), actor="operator", now=NOW)
        document = payload(issued.credential.jws)
        assert problems(schemas, document) == [], course.code
        header = jwt.get_unverified_header(issued.credential.jws)
        assert header == {"alg": "RS256", "kid": issued.credential.kid, "typ": "JWT"}
        assert header["kid"].startswith(PUBLIC_URL + "/keys/")
        assert document["iss"] == document["issuer"]["id"] and document["jti"] == document["id"]
        assert document["nbf"] == int(NOW.timestamp()) and document["id"].startswith("urn:uuid:")
        achievement = document["credentialSubject"]["achievement"]
        assert achievement["achievementType"] == "MicroCredential"
        assert achievement["inLanguage"] in ("km", "vi", "en") and "Notional workload" in achievement["criteria"][
            "narrative"]
        assert verify_here(db, issued.credential.jws, NOW).valid


def test_the_holder_is_a_salted_hash_never_a_name(db: Session, issuer: Issuer) -> None:
    course = courses(db)[0]
    issued = issuer.complete(db, enrolled(db, course, name="Sokha  Chan"), actor="operator", now=NOW)
    text = base64.urlsafe_b64decode(issued.credential.jws.split(".")[1] + "==").decode()
    assert "Sokha" not in text and "telegram" not in text.lower()
    [identity] = payload(issued.credential.jws)["credentialSubject"]["identifier"]
    assert identity["identityType"] == "name" and identity["hashed"] is True and identity["identityHash"].startswith(
        "sha256$")
    verdict = verify_here(db, issued.credential.jws, NOW, holder="Sokha Chan")
    assert verdict.valid and verdict.holder_matches is True
    assert verify_here(db, issued.credential.jws, NOW, holder="Dara Sok").holder_matches is False
    nameless = issuer.complete(db, enrolled(db, course, name=None), actor="operator", now=NOW)
    subject = payload(nameless.credential.jws)["credentialSubject"]
    assert "identifier" not in subject and subject["id"].startswith("urn:uuid:")


def test_a_shared_phone_number_is_a_second_identity(db: Session, issuer: Issuer, schemas: list[Any]) -> None:
    course = courses(db)[0]
    enrolment = enrolled(db, course, name="Sokha Chan")
    person = db.get(Learner, enrolment.learner_id)
    assert person is not None
    person.phone = "+85512345678"
    token = issuer.complete(db, enrolment, actor="operator", now=NOW).credential.jws
    document = payload(token)
    assert problems(schemas, document) == []
    assert "12345678" not in base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()
    name, phone = document["credentialSubject"]["identifier"]
    assert (name["identityType"], phone["identityType"]) == ("name", "ext:phoneNumber")
    assert name["salt"] != phone["salt"]  # one hash cannot be tested against the other's salt
    # However the employer writes the number: with or without the country code, spaces or dashes.
    key = issuer.keys.identity_key()
    for typed in ("+855 12 345 678", "012 345 678", "012-345-678", "85512345678", "Sokha Chan", "SOKHA  CHAN",
                  "Sokha\u200bChan".replace("\u200b", " \u200b")):
        assert verify_here(db, token, NOW, holder=typed, identity_key=key).holder_matches is True, typed
    for typed in ("012 345 679", "+84 12 345 678", "12", "Sokha", ""):
        assert verify_here(db, token, NOW, holder=typed, identity_key=key).holder_matches is False, typed
    # The number is keyed with the advisor's secret: without it, not even the right number can be tested
    # (so no one can recover it by trying every number either).
    offline = verify_here(db, token, NOW, holder="012 345 678")
    assert offline.holder_matches is False and offline.warnings


@pytest.mark.parametrize(("text", "numbers"), [
    ("012 345 678", ["+85512345678"]),  # a Cambodian mobile, written the local way
    ("0912 345 678", ["+84912345678"]),  # a Vietnamese one
    ("+66 81 234 5678", ["+66812345678"]),  # any country, written with its code
    ("(+855) 12-345-678", ["+85512345678"]),
    ("12345", []), ("Sok Dara", []), ("+855 12 345 678 ext 9", []), ("", []),
])
def test_phone_numbers(text: str, numbers: list[str]) -> None:
    assert phone_numbers(text) == numbers


def test_completion_is_recorded_once_and_illegal_transitions_change_nothing(db: Session, issuer: Issuer) -> None:
    course = courses(db)[1]
    enrolment = enrolled(db, course)
    first = issuer.complete(db, enrolment, actor="provider", actor_ref="kh-ntti", now=NOW)
    again = issuer.complete(db, enrolment, actor="admin", now=NOW)  # the same completion, confirmed twice
    assert first.created and not again.created and again.credential.id == first.credential.id
    assert db.scalar(select(func.count()).select_from(Credential).where(Credential.enrolment_id == enrolment.id)) == 1
    events = [(e.from_status, e.to_status, e.actor) for e in db.scalars(
        select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == enrolment.id).order_by(EnrolmentEvent.id))]
    assert events == [(None, "enrolled", "learner"), ("enrolled", "completed", "provider")]
    withdrawn = enrolled(db, course)
    person = db.get(Learner, withdrawn.learner_id)
    assert person is not None and withdraw(db, person, course.id, NOW)
    with pytest.raises(TransitionRefused):
        issuer.complete(db, withdrawn, actor="operator", now=NOW)
    assert withdrawn.status == "withdrawn"
    assert not withdraw(db, db.get(Learner, enrolment.learner_id), course.id, NOW)  # type: ignore[arg-type]

    # What the admin reads, in their language: each case in words, none an internal status code.
    results = admin.complete(db, issuer, course, [person.external_id, "404"], actor="admin", actor_ref="1", now=NOW)
    assert [r.outcome for r in results] == [admin.REFUSED, admin.NO_LEARNER]
    lines = [(r.external_id, r.outcome, r.detail) for r in results]
    for lang, withdrew in {"en": "withdrew", "km": "ដកឈ្មោះ", "vi": "hủy đăng ký"}.items():
        text = admin.Report(lang, lines=lines).render(Catalogs().translator(lang)).text
        assert withdrew in text.splitlines()[0] and "withdrawn" not in text


def resigned(token: str, key: rsa.RSAPrivateKey, kid: str, **changes: Any) -> str:
    claims = payload(token)
    claims.update(changes)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


def test_each_forgery_is_refused_for_the_right_reason(db: Session, issuer: Issuer, keystore: KeyStore) -> None:
    issued = issuer.complete(db, enrolled(db, courses(db)[2]), actor="operator", now=NOW)
    token, kid = issued.credential.jws, issued.credential.kid
    key = keystore.private_key(kid)
    head, body, sig = token.split(".")
    claims = payload(token)
    claims["credentialSubject"]["achievement"]["name"] = "Master Electrician"
    tampered = head + "." + base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=") + "." + sig
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    # The classic confusion attack: HS256 with the public key as the shared secret.
    hs256 = ".".join([base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": kid, "typ": "JWT"}).encode())
                      .decode().rstrip("="), body, ""])
    signature = hmac.new(public_pem, hs256[:-1].encode(), hashlib.sha256).digest()
    hs256 += base64.urlsafe_b64encode(signature).decode().rstrip("=")
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=") + "." + body + "."
    missing = payload(token)
    del missing["credentialSubject"]["achievement"]["criteria"]
    wrong_type = payload(token)
    wrong_type["type"] = ["VerifiableCredential"]
    cases = {
        signing.BAD_SIGNATURE: [tampered, resigned(token, stranger, kid)],  # changed; signed by a key not in the set
        signing.UNKNOWN_KEY: [resigned(token, stranger, PUBLIC_URL + "/keys/elsewhere")],
        signing.BAD_ALGORITHM: [none, hs256],
        signing.EXPIRED: [resigned(token, key, kid, exp=int((NOW - dt.timedelta(days=1)).timestamp()),
                                   validUntil=(NOW - dt.timedelta(days=1)).isoformat())],
        signing.NOT_YET_VALID: [resigned(token, key, kid, nbf=int((NOW + dt.timedelta(days=3)).timestamp()))],
        signing.BAD_STRUCTURE: [jwt.encode(missing, key, algorithm="RS256", headers={"kid": kid}),
                                jwt.encode(wrong_type, key, algorithm="RS256", headers={"kid": kid})],
        signing.MALFORMED: ["not.a.jws", "hello"],
    }
    for reason, tokens in cases.items():
        for forged in tokens:
            assert verify_here(db, forged, NOW).reason == reason, (reason, forged[:40])
    issuer.revoke(db, issued.credential.uuid, reason="issued to the wrong person", by="admin", now=NOW)
    verdict = verify_here(db, token, NOW)
    assert verdict.reason == signing.REVOKED and verdict.revocation is not None
    assert verdict.revocation.reason == "issued to the wrong person"
    with pytest.raises(CredentialError):
        issuer.revoke(db, issued.credential.uuid, reason="twice", by="admin", now=NOW)


def test_rotation_keeps_old_credentials_valid(db: Session, tmp_path: Any) -> None:
    keys = KeyStore(tmp_path / "keys", PUBLIC_URL, bits=2048)
    keys.ensure(db, NOW)
    issuer = Issuer(keys, PUBLIC_URL)
    before = issuer.complete(db, enrolled(db, courses(db)[3]), actor="operator", now=NOW)
    new_kid = keys.rotate(db, NOW)
    after = issuer.complete(db, enrolled(db, courses(db)[4]), actor="operator", now=NOW)
    assert after.credential.kid == new_kid != before.credential.kid
    assert verify_here(db, before.credential.jws, NOW).valid and verify_here(db, after.credential.jws, NOW).valid
    published = {k["kid"]: k for k in jwks(db)["keys"]}
    assert {before.credential.kid, new_kid} <= set(published)
    assert all("d" not in k and "p" not in k for k in published.values())  # never a private part
    for pem in (tmp_path / "keys").glob("*.pem"):
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert "BEGIN" not in repr(keys)


def test_the_status_list_is_signed_and_offline_verification_uses_it(db: Session, issuer: Issuer,
                                                                    keystore: KeyStore) -> None:
    good = issuer.complete(db, enrolled(db, courses(db)[5]), actor="operator", now=NOW)
    bad = issuer.complete(db, enrolled(db, courses(db)[6]), actor="operator", now=NOW)
    issuer.revoke(db, bad.credential.uuid, reason="assessment repeated", by="operator", now=NOW)
    [token] = signed_lists(db, keystore, PUBLIC_URL, NOW)
    keys = public_keys(db)
    listed = signing.verify(token, keys=keys, revoked=lambda c: None, now=NOW, structure=status_list_problem)
    assert listed.valid and listed.credential is not None and listed.credential["type"] == ["VerifiableCredential",
                                                                           "BitstringStatusListCredential"]
    encoded = listed.credential["credentialSubject"]["encodedList"]
    assert is_set(encoded, bad.credential.id) and not is_set(encoded, good.credential.id)
    offline = revoked_by_list({listed.credential["id"]: listed.credential})
    assert signing.verify(good.credential.jws, keys=keys, revoked=offline, now=NOW).valid
    assert signing.verify(bad.credential.jws, keys=keys, revoked=offline, now=NOW).reason == signing.REVOKED
    assert revoked_here(db)(payload(good.credential.jws)) is None
