"""Verification, for anyone (an employer need not be a learner): a credential file forwarded to the
bot, or its text pasted, is checked (signature, key, dates, structure, revocation) and the answer says
what it is, who issued it and when, or exactly why it is not valid; then, optionally, whether it was
issued to the person in front of them. Callback prefix ``v``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.credentials import signing
from bot.credentials.document import PHONE_IDENTITY, phone_numbers
from bot.credentials.issuing import verify_here
from bot.credentials.signing import Verdict, holder_is, looks_like_jws, part
from bot.dialogue.core import Flow, Int, Reply, Screen, Turn, Upload
from bot.dialogue.html import esc, excerpt
from bot.i18n import N_, Translator

FLOW = Flow("v", "verification")
CHECK_HOLDER = FLOW.action("h", Int(0, 10**6), needs_consent=False)  # which verification it belongs to
MAX_FILE = 64 * 1024  # a credential is a few kilobytes
CHECKABLE = {"name": "name", PHONE_IDENTITY: "phone"}  # IdentityObject type → what an employer types


@dataclass
class VerifyPrompt(Screen):
    stale: bool = False  # after a holder check button of an earlier verification

    def view(self, t: Translator) -> Reply:
        text = esc(t.gettext("Forward me the credential file (.jwt), or paste its text, and I will check it: who "
                             "issued it, to whom, and whether it is still valid."))
        return Reply(esc(t.gettext("That button is out of date.")) + "\n" + text if self.stale else text)


@dataclass
class Result(Screen):
    reason: str = signing.VALID
    title: str = ""
    issuer: str = ""
    issued: dt.date | None = None
    revoked_at: dt.date | None = None
    revocation_reason: str | None = None
    named: tuple[str, ...] = ()  # what the holder can be checked by ("name", "phone"): salted hashes
    check: int = 0  # the number of this verification in the chat, for its holder check button

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        what = {"title": self.title, "issuer": self.issuer, "date": t.date(self.issued) if self.issued else "—"}
        if self.reason == signing.VALID:
            text = "✅ <b>" + esc(_("Valid credential")) + "</b>\n" + esc(
                _("{title}, issued by {issuer} on {date}. The signature is the issuer's and nothing was changed "
                  "since.").format(**what))
            label = _("👤 Check the holder's name") if self.named == ("name",) else _("👤 Check the holder")
            buttons = [[(label, CHECK_HOLDER.data(self.check))]] if self.named else []
            return Reply(text, buttons)
        if self.reason == signing.REVOKED:
            when = t.date(self.revoked_at) if self.revoked_at else "—"
            return Reply("⛔ <b>" + esc(_("Revoked")) + "</b>\n" + esc(
                _("{title}, issued by {issuer} on {date}, was revoked on {when}. Reason: {reason}").format(
                    when=when, reason=self.revocation_reason or "—", **what)))
        reasons = {
            signing.MALFORMED: _("This is not a credential file I can read."),
            signing.BAD_ALGORITHM: _("It is not signed the way this advisor signs credentials: do not trust it."),
            signing.UNKNOWN_KEY: _("It is signed with a key this advisor does not use: it was not issued here."),
            signing.BAD_SIGNATURE: _("The signature does not match: the credential was changed after it was "
                                     "issued, or it is forged."),
            signing.NOT_YET_VALID: _("It is not valid yet."),
            signing.EXPIRED: _("It has expired."),
            signing.BAD_STRUCTURE: _("It is signed, but it is not a complete Open Badges credential."),
        }
        return Reply("❌ <b>" + esc(_("Not valid")) + "</b>\n" + esc(reasons.get(self.reason, reasons[
            signing.MALFORMED])))


@dataclass
class AskHolder(Screen):
    by: tuple[str, ...] = ("name",)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if "phone" not in self.by:
            return Reply(esc(_("Type the name of the person who showed you this credential, as on their ID card.")))
        if "name" not in self.by:
            return Reply(esc(_("Type the phone number of the person who showed you this credential.")))
        return Reply(esc(_("Type the name of the person who showed you this credential, as on their ID card, or "
                           "their phone number.")))


@dataclass
class HolderAnswer(Screen):
    name: str = ""  # or the phone number typed
    phone: bool = False
    matches: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.matches:
            return Reply("✅ " + esc(_("Yes: this credential was issued to {name}.").format(name=self.name)))
        if self.phone:
            return Reply("❌ " + esc(_("No: this credential was not issued to the person with the number "
                                       "{number}.").format(number=self.name)))
        return Reply("❌ " + esc(_("No: this credential was not issued to {name} (check the spelling on the ID "
                                   "card).").format(name=self.name)))


# -- behaviour ----------------------------------------------------------------------------------

def _result(turn: Turn, verdict: Verdict) -> list[Screen]:
    # Only a valid credential is described; anything else signed with our keys (a status list) is
    # not a credential, and its fields may be of any shape.
    credential: dict[str, Any] = verdict.credential or {} if verdict.valid or verdict.revocation else {}
    subject = part(credential, "credentialSubject")
    achievement = part(subject, "achievement")
    issuer = part(credential, "issuer")
    issued = credential.get("validFrom") if isinstance(credential.get("validFrom"), str) else None
    listed = subject.get("identifier")
    identities = [i for i in listed if isinstance(i, dict) and i.get("identityType") in CHECKABLE] \
        if isinstance(listed, list) else []
    check = (int(turn.state.get("check") or 0) + 1) % 10**6
    turn.state["check"] = check
    turn.state.pop("holder", None)
    if verdict.valid and identities:  # kept to answer "was it issued to ...?", nothing personal
        turn.state["holder"] = identities
    revoked = verdict.revocation.at if verdict.revocation else None
    return [Result(
        turn.lang, reason=verdict.reason, title=excerpt(str(achievement.get("name") or ""), 200),
        issuer=excerpt(str(issuer.get("name") or issuer.get("id") or ""), 200),
        issued=dt.datetime.fromisoformat(str(issued).replace("Z", "+00:00")).date() if issued else None,
        revoked_at=revoked.date() if revoked else None,
        revocation_reason=verdict.revocation.reason if verdict.revocation else None,
        named=_kinds(identities) if verdict.valid else (), check=check)]


def _kinds(identities: list[dict[str, Any]]) -> tuple[str, ...]:
    types = {i.get("identityType") for i in identities}
    return tuple(kind for identity_type, kind in CHECKABLE.items() if identity_type in types)


@FLOW.command("verify", N_("check a credential someone showed you"), order=28)
def prompt(turn: Turn) -> list[Screen]:
    turn.step = "verify"
    return [VerifyPrompt(turn.lang)]


@FLOW.on_text_matching(looks_like_jws)
def verify_text(turn: Turn, text: str) -> list[Screen]:
    return _result(turn, verify_here(turn.session, text, turn.now))


def _is_credential_file(filename: str, data: bytes) -> bool:
    return len(data) <= MAX_FILE and (filename.lower().endswith((".jwt", ".jws")) or looks_like_jws(
        data[:MAX_FILE].decode("ascii", errors="replace")))


@FLOW.on_upload(_is_credential_file)
def verify_file(turn: Turn, upload: Upload) -> list[Screen]:
    return _result(turn, verify_here(turn.session, upload.data.decode("ascii", errors="replace"), turn.now))


@CHECK_HOLDER.handles
def check_holder(turn: Turn, check: int) -> list[Screen]:
    if not turn.state.get("holder") or check != turn.state.get("check"):
        return [VerifyPrompt(turn.lang, stale=True)]
    if turn.step != "verify_name":  # tapped twice: still one question, and back to where they were
        turn.state["resume"] = turn.step
    turn.step = "verify_name"
    return [AskHolder(turn.lang, by=_kinds(turn.state["holder"]))]


@FLOW.on_step_text("verify_name")
def holder_name(turn: Turn, text: str) -> list[Screen]:
    identities = turn.state.get("holder") or []  # kept: the employer may check another name or number
    turn.step = turn.state.pop("resume", None) or "ready"
    name = " ".join(text.split())[:80]
    key = turn.issuer.keys.identity_key() if turn.issuer is not None else None
    return [HolderAnswer(turn.lang, name=name, phone=bool(phone_numbers(name)),
                         matches=holder_is({"credentialSubject": {"identifier": identities}}, name, key))]
