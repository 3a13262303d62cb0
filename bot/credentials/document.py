"""The credential document: an Open Badges 3.0 ``OpenBadgeCredential`` (VC Data Model 2.0) for one
completed course, built from plain data so it can be read and tested on its own.

Every property is a term the VC 2.0 or the Open Badges 3.0.3 context defines (a conformant validator
rejects undefined terms). The EU micro-credential elements go into Open Badges' own fields where they
exist (title, issuer and its country, date, learning outcomes, language) and, where Open Badges has no
field of its own (workload, level, assessment, form of participation, quality assurance), into the
criteria narrative, the human-readable statement of what the learner did; ``docs/credentials.md`` has
the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from catalog.language.text import normalize

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
COUNTRY_NAMES = {"KH": "Cambodia", "VN": "Viet Nam"}
FRAMEWORKS = {"KH": "Cambodia Qualifications Framework (CQF)", "VN": "Vietnamese Qualifications Framework (VQF)"}
DELIVERY_NAMES = {"in_person": "on site", "online": "online", "blended": "blended (online and on site)"}
STATUS_LIST_SIZE = 131_072  # bits per status list: the Bitstring Status List's minimum, for privacy
PHONE_IDENTITY = "ext:phoneNumber"  # Open Badges has no phone identifier type; "ext:" names one
PHONE_REGIONS = ("KH", "VN")  # how a number written without its country code is read
_PHONE_TEXT = re.compile(r"^[\d\s().+-]{6,32}$")


@dataclass(frozen=True)
class Award:
    """What a credential says, gathered from the catalog and the enrolment."""

    credential_uuid: str
    status_index: int
    public_url: str
    provider_code: str
    provider_name: str
    provider_url: str
    provider_country: str
    course_code: str
    lang: str  # the language the achievement is written in
    title: str
    description: str
    learning_outcomes: list[str]
    assessment: str
    quality_assurance: str
    duration_hours: float
    level: int
    delivery: str
    skills: list[str]
    other_languages: list[str]
    stacks_into: list[str]
    issued_at: dt.datetime
    valid_until: dt.datetime | None = None
    holder_name: str | None = None  # hashed with a salt; never in clear
    holder_phone: str | None = None  # keyed (:func:`keyed_phone`), only when the learner shared it; hashed too
    salt: str = field(default_factory=lambda: secrets.token_hex(8))
    phone_salt: str = field(default_factory=lambda: secrets.token_hex(8))


def identity_hash(identifier: str, salt: str) -> str:
    """``sha256$<hex>`` of the identifier followed by the salt, UTF-8 (the IdentityObject rule)."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def canonical_name(name: str) -> str:
    """How a holder's name is stored, hashed and compared: Unicode-normalised (NFC, invisible
    characters removed, as Khmer keyboards insert them), single spaces, case-folded ("SOKHA CHAN" on
    an ID card is "Sokha Chan")."""
    return normalize(name).casefold()


def keyed_phone(identity_key: bytes, e164: str) -> str:
    """What stands for a phone number in a credential: its HMAC under the advisor's identity key. A
    plain salted hash would not hide it (there are only about 10^8 mobile numbers to try); this one
    only the advisor can test."""
    return hmac.new(identity_key, e164.encode("ascii"), hashlib.sha256).hexdigest()


def phone_numbers(text: str) -> list[str]:
    """The E.164 numbers ``text`` can mean: as written with its country code, else as a local number in
    Cambodia or Viet Nam ("012 345 678" is +85512345678). Only valid numbers; none for other text."""
    raw = text.strip()
    if not _PHONE_TEXT.match(raw):
        return []
    digits = re.sub(r"\D", "", raw)
    attempts: list[tuple[str, str | None]] = [] if digits.startswith("0") else [("+" + digits, None)]
    attempts += [(raw, region) for region in PHONE_REGIONS]
    found: list[str] = []
    for candidate, region in attempts:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in found:
                found.append(e164)
    return found


def identities(award: Award) -> list[dict[str, Any]]:
    """The holder's IdentityObjects: salted hashes an employer can test a name or number against."""
    out = []
    if award.holder_name:
        out.append({"type": "IdentityObject", "identityType": "name", "hashed": True,
                    "identityHash": identity_hash(canonical_name(award.holder_name), award.salt),
                    "salt": award.salt})
    if award.holder_phone:
        out.append({"type": "IdentityObject", "identityType": PHONE_IDENTITY, "hashed": True,
                    "identityHash": identity_hash(award.holder_phone, award.phone_salt), "salt": award.phone_salt})
    return out


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def status_list_url(public_url: str, index: int) -> str:
    return f"{public_url}/status/{index // STATUS_LIST_SIZE + 1}"


def achievement_url(public_url: str, provider: str, code: str, lang: str) -> str:
    """The stable address of a course's achievement, one per language edition."""
    return f"{public_url}/achievements/{provider}/{code}/{lang}"


def criteria_narrative(award: Award) -> str:
    """What the holder did, in Markdown: the learning outcomes and the EU micro-credential elements
    that Open Badges has no field of its own for."""
    hours = f"{award.duration_hours:g}"
    lines = []
    if award.learning_outcomes:
        lines.append("Learning outcomes:")
        lines.extend(f"- {outcome}" for outcome in award.learning_outcomes)
    lines.append(f"Notional workload: {hours} hours.")
    framework = FRAMEWORKS.get(award.provider_country, "the national qualifications framework")
    lines.append(f"Level: {award.level} of the {framework}.")
    lines.append(f"Form of participation: {DELIVERY_NAMES.get(award.delivery, award.delivery)}.")
    if award.assessment:
        lines.append(f"Type of assessment: {award.assessment}")
    if award.quality_assurance:
        lines.append(f"Quality assurance: {award.quality_assurance}")
    if award.stacks_into:
        lines.append("Stackable into: " + "; ".join(award.stacks_into) + ".")
    return "\n".join(lines)


def open_badge(award: Award) -> dict[str, Any]:
    """The credential as a JSON-LD document (unsigned)."""
    issuer: dict[str, Any] = {"id": f"{award.public_url}/issuers/{award.provider_code}", "type": ["Profile"],
                              "name": award.provider_name}
    if award.provider_url:
        issuer["url"] = award.provider_url
    if award.provider_country:
        issuer["address"] = {"type": ["Address"], "addressCountryCode": award.provider_country,
                             "addressCountry": COUNTRY_NAMES.get(award.provider_country, award.provider_country)}
    achievement: dict[str, Any] = {
        "id": achievement_url(award.public_url, award.provider_code, award.course_code, award.lang),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": award.title,
        "description": award.description or award.title,
        "criteria": {"narrative": criteria_narrative(award)},
        "inLanguage": award.lang,
        "humanCode": award.course_code,
    }
    if award.skills:
        achievement["tag"] = list(award.skills)
    if award.other_languages:
        achievement["related"] = [
            {"id": achievement_url(award.public_url, award.provider_code, award.course_code, lang),
             "type": ["Related"], "inLanguage": lang} for lang in award.other_languages]
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": achievement}
    holder = identities(award)
    if holder:
        subject["identifier"] = holder
    else:  # no name or number was given: an identifier that says nothing about the person
        subject["id"] = f"urn:uuid:{uuid.uuid4()}"
    list_url = status_list_url(award.public_url, award.status_index)
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{award.credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.title,
        "issuer": issuer,
        "validFrom": iso(award.issued_at),
        "awardedDate": iso(award.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {"id": f"{list_url}#{award.status_index % STATUS_LIST_SIZE}",
                             "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                             "statusListIndex": str(award.status_index % STATUS_LIST_SIZE),
                             "statusListCredential": list_url},
    }
    if award.valid_until is not None:
        document["validUntil"] = iso(award.valid_until)
    return document
