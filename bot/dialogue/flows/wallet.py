"""The wallet: the credentials a learner earned, each available as the signed file, a certificate
picture and a text to share. Callback prefix ``w``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.credentials.certificate import CertificateText
from bot.credentials.certificate import render as render_certificate
from bot.credentials.models import Credential
from bot.credentials.sharing import linkedin_url, verification_url
from bot.credentials.signing import holder_is, unchecked_document
from bot.dialogue.core import Attachment, Button, Flow, Int, Reply, Screen, Turn, command_data
from bot.dialogue.flows.courses import course_title
from bot.dialogue.flows.pathways import NEXT
from bot.dialogue.html import esc, excerpt
from bot.i18n import N_, Translator
from catalog.courses.schema import localized
from catalog.storage.models import Course, Provider

FLOW = Flow("w", "credentials")
CREDENTIAL = Int(1, 2**63 - 1)
FILE = FLOW.action("f", CREDENTIAL)
PICTURE = FLOW.action("c", CREDENTIAL)
SHARE = FLOW.action("s", CREDENTIAL)


@dataclass(frozen=True)
class Facts:
    """A credential as the learner reads about it, in their language."""

    id: int
    uuid: str
    course_id: int
    title: str
    provider: str
    issued_at: dt.datetime
    revoked: bool
    reason: str | None
    jws: str


def facts(session: Session, credential: Credential, lang: str) -> Facts:
    course = session.get(Course, credential.course_id)
    assert course is not None
    provider = session.get(Provider, course.provider_id)
    return Facts(credential.id, credential.uuid, course.id, course_title(course, lang),
                 (localized(provider.name, lang)[0] if provider else "") or "", credential.issued_at,
                 credential.revoked_at is not None, credential.revocation_reason, credential.jws)


def credential_buttons(t: Translator, credential_id: int) -> list[list[Button]]:
    _ = t.gettext
    return [[(_("📄 File"), FILE.data(credential_id)), (_("🖼 Picture"), PICTURE.data(credential_id))],
            [(_("🔗 Share"), SHARE.data(credential_id))]]


@dataclass
class Earned(Screen):
    """Sent when a completion is confirmed: the credential, and the way to what comes next."""

    credential: Facts | None = None
    next_courses: list[tuple[int, str]] = field(default_factory=list)  # (course id, title): what it stacks into

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        assert self.credential is not None
        c = self.credential
        lines = ["🎓 <b>" + esc(_("Congratulations! You completed {course}.").format(course=c.title)) + "</b>",
                 esc(_("{provider} confirmed it, and I have issued your certificate: a digital credential that "
                       "employers can check.").format(provider=c.provider))]
        if self.next_courses:
            lines.append("")
            lines.append(esc(_("It counts towards: {courses}").format(
                courses=", ".join(title for _, title in self.next_courses))))
        buttons = credential_buttons(t, c.id)
        buttons.append([(_("➡️ What next?"), NEXT.data(c.course_id))])
        return Reply("\n".join(lines), buttons)


@dataclass
class MyCredentials(Screen):
    items: list[Facts] = field(default_factory=list)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.items:
            return Reply(esc(_("You have no certificates yet. When a training provider confirms that you completed "
                               "a course, your certificate appears here.")),
                         [[(_("📚 My courses"), command_data("mycourses"))]])
        lines = ["🎓 <b>" + esc(t.ngettext("Your certificate ({n}):", "Your certificates ({n}):",
                                            len(self.items)).format(n=len(self.items))) + "</b>"]
        buttons: list[list[Button]] = []
        for n, c in enumerate(self.items, start=1):
            state = " ⛔ " + esc(_("revoked")) if c.revoked else ""
            lines.append(f"{n}. {esc(c.title)} – {esc(c.provider)} – {esc(t.date(c.issued_at.date()))}{state}")
            if not c.revoked:
                buttons.append([(f"📄 {n}", FILE.data(c.id)), (f"🖼 {n}", PICTURE.data(c.id)),
                                (f"🔗 {n}", SHARE.data(c.id))])
        return Reply("\n".join(lines), buttons)


@dataclass
class CredentialFile(Screen):
    credential: Facts | None = None

    def view(self, t: Translator) -> Reply:
        assert self.credential is not None
        c = self.credential
        caption = esc(t.gettext("{course}: your signed credential (Open Badges 3.0). Forward this file to an "
                                "employer; anyone can check it with /verify.").format(course=c.title))
        return Reply(excerpt(caption, 1000), attachment=Attachment(
            "document", f"credential-{c.uuid[:8]}.jwt", c.jws.encode("ascii")))


@dataclass
class CertificatePicture(Screen):
    credential: Facts | None = None
    png: bytes = b""

    def view(self, t: Translator) -> Reply:
        assert self.credential is not None
        caption = esc(t.gettext("{course}: your certificate. The QR code leads to its verification.").format(
            course=self.credential.title))
        return Reply(excerpt(caption, 1000), attachment=Attachment(
            "photo", f"certificate-{self.credential.uuid[:8]}.png", self.png))


@dataclass
class ShareText(Screen):
    credential: Facts | None = None
    verify_url: str = ""
    linkedin: str = ""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        assert self.credential is not None
        c = self.credential
        text = "\n".join([
            esc(_("Copy and send this to an employer:")), "",
            "<i>" + esc(_("I completed {course} at {provider} on {date}. You can check my certificate here: {url}")
                        .format(course=c.title, provider=c.provider, date=t.date(c.issued_at.date()),
                                url=self.verify_url)) + "</i>", "",
            esc(_("Credential ID: {id}").format(id=f"urn:uuid:{c.uuid}")),
        ])
        return Reply(text, [[(_("Add to LinkedIn"), "url:" + self.linkedin)]] if self.linkedin.startswith(
            "https://") else [])


@dataclass
class Revoked(Screen):
    """Told to the learner when a credential of theirs is revoked."""

    credential: Facts | None = None

    def view(self, t: Translator) -> Reply:
        assert self.credential is not None
        c = self.credential
        return Reply("⛔ " + esc(t.gettext("Your certificate for {course} was revoked. Reason: {reason}").format(
            course=c.title, reason=c.reason or "—")))


@dataclass
class NoSuchCredential(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("I cannot find this certificate among yours.")))


# -- behaviour ----------------------------------------------------------------------------------

def own(turn: Turn, credential_id: int) -> Credential | None:
    """The learner's credential with this id; None for anyone else's (or a forged id)."""
    credential = turn.session.get(Credential, credential_id)
    if credential is None or credential.learner_id is None or credential.learner_id != turn.learner.id:
        return None
    return credential


def usable(turn: Turn, credential_id: int) -> tuple[Credential | None, list[Screen]]:
    """The learner's credential to send or share, or what to say instead (not theirs; revoked: the
    buttons of the message that brought it stay, but a revoked credential is not handed out again)."""
    credential = own(turn, credential_id)
    if credential is None or turn.issuer is None:
        return None, [NoSuchCredential(turn.lang)]
    if credential.revoked_at is not None:
        return None, [Revoked(turn.lang, credential=facts(turn.session, credential, turn.lang))]
    return credential, []


@FLOW.command("mycredentials", N_("your certificates"), needs_consent=True, order=25)
def my_credentials(turn: Turn) -> list[Screen]:
    rows = turn.session.scalars(select(Credential).where(Credential.learner_id == turn.learner.id)
                                .order_by(Credential.issued_at, Credential.id)).all() if turn.learner.id else []
    return [MyCredentials(turn.lang, items=[facts(turn.session, c, turn.lang) for c in rows])]


@FILE.handles
def send_file(turn: Turn, credential_id: int) -> list[Screen]:
    credential, instead = usable(turn, credential_id)
    if credential is None:
        return instead
    return [CredentialFile(turn.lang, credential=facts(turn.session, credential, turn.lang))]


@PICTURE.handles
def send_picture(turn: Turn, credential_id: int) -> list[Screen]:
    credential, instead = usable(turn, credential_id)
    if credential is None or turn.issuer is None:
        return instead
    c = facts(turn.session, credential, turn.lang)
    # The name the credential was issued to (a later /name changes new certificates only).
    name = turn.learner.display_name
    if name and not holder_is(unchecked_document(c.jws), name):
        name = None
    t = turn.t
    text = CertificateText(
        heading=t.gettext("Certificate of completion"),
        awarded_to=t.gettext("awarded to {name}").format(name=name) if name else None,
        title=c.title, provider=c.provider, date=t.date(c.issued_at.date()), scan=t.gettext("Scan to verify"),
        verify_url=verification_url(turn.issuer.public_url, c.uuid), credential_id=f"urn:uuid:{c.uuid}")
    turn.release()  # drawing takes a moment: no transaction open meanwhile
    return [CertificatePicture(turn.lang, credential=c, png=render_certificate(text))]


@SHARE.handles
def share(turn: Turn, credential_id: int) -> list[Screen]:
    credential, instead = usable(turn, credential_id)
    if credential is None or turn.issuer is None:
        return instead
    c = facts(turn.session, credential, turn.lang)
    url = verification_url(turn.issuer.public_url, c.uuid)
    return [ShareText(turn.lang, credential=c, verify_url=url, linkedin=linkedin_url(
        title=c.title, organisation=c.provider, issued=c.issued_at, url=url, credential_id=f"urn:uuid:{c.uuid}"))]
