"""Verification, for anyone (an employer need not be a learner): a credential file forwarded to the
bot, or its text pasted, is checked (signature, key, dates, structure, revocation) and the answer says
what it is, who issued it and when, or exactly why it is not valid; then, optionally, whether it was
issued to the person in front of them. Callback prefix ``v``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.credentials import signing
from bot.credentials.issuing import verify_here
from bot.credentials.signing import Verdict, holder_is, looks_like_jws
from bot.dialogue.core import Flow, Reply, Screen, Turn, Upload
from bot.dialogue.html import esc, excerpt
from bot.i18n import N_, Translator

FLOW = Flow("v", "verification")
CHECK_HOLDER = FLOW.action("h", needs_consent=False)
MAX_FILE = 64 * 1024  # a credential is a few kilobytes


@dataclass
class VerifyPrompt(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Forward me the credential file (.jwt), or paste its text, and I will check "
                                   "it: who issued it, to whom, and whether it is still valid.")))


@dataclass
class Result(Screen):
    reason: str = signing.VALID
    title: str = ""
    issuer: str = ""
    issued: dt.date | None = None
    revoked_at: dt.date | None = None
    revocation_reason: str | None = None
    named: bool = False  # the credential names its holder (by a salted hash): they can be checked

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        what = {"title": self.title, "issuer": self.issuer, "date": t.date(self.issued) if self.issued else "—"}
        if self.reason == signing.VALID:
            text = "✅ <b>" + esc(_("Valid credential")) + "</b>\n" + esc(
                _("{title}, issued by {issuer} on {date}. The signature is the issuer's and nothing was changed "
                  "since.").format(**what))
            buttons = [[(_("👤 Check the holder's name"), CHECK_HOLDER.data())]] if self.named else []
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
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Type the name of the person who showed you this credential, as on their ID "
                                   "card.")))


@dataclass
class HolderAnswer(Screen):
    name: str = ""
    matches: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.matches:
            return Reply("✅ " + esc(_("Yes: this credential was issued to {name}.").format(name=self.name)))
        return Reply("❌ " + esc(_("No: this credential was not issued to {name} (check the spelling on the ID "
                                   "card).").format(name=self.name)))


# -- behaviour ----------------------------------------------------------------------------------

def _result(turn: Turn, verdict: Verdict) -> list[Screen]:
    credential: dict[str, Any] = verdict.credential or {}
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    issuer = credential.get("issuer") or {}
    issued = credential.get("validFrom")
    identities = [i for i in subject.get("identifier") or [] if i.get("identityType") == "name"]
    if verdict.valid and identities:  # kept to answer "was it issued to ...?", nothing personal
        turn.state["holder"] = identities
    revoked = verdict.revocation.at if verdict.revocation else None
    return [Result(
        turn.lang, reason=verdict.reason, title=excerpt(str(achievement.get("name") or ""), 200),
        issuer=excerpt(str(issuer.get("name") or issuer.get("id") or ""), 200),
        issued=dt.datetime.fromisoformat(str(issued).replace("Z", "+00:00")).date() if issued else None,
        revoked_at=revoked.date() if revoked else None,
        revocation_reason=verdict.revocation.reason if verdict.revocation else None, named=bool(identities))]


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
def check_holder(turn: Turn) -> list[Screen]:
    if not turn.state.get("holder"):
        return [VerifyPrompt(turn.lang)]
    turn.state["resume"] = turn.step
    turn.step = "verify_name"
    return [AskHolder(turn.lang)]


@FLOW.on_step_text("verify_name")
def holder_name(turn: Turn, text: str) -> list[Screen]:
    identities = turn.state.pop("holder", None) or []
    turn.step = turn.state.pop("resume", None) or "ready"
    name = " ".join(text.split())[:80]
    return [HolderAnswer(turn.lang, name=name,
                         matches=holder_is({"credentialSubject": {"identifier": identities}}, name))]
