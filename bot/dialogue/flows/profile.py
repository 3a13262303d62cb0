"""The learner's profile: what their certificates can be checked against. The name they show is
optional, asked once (after the first enrolment) with the reason, and changed with /name; their own
phone number, only if they share it through Telegram's contact button (/phone adds or removes it).
Either goes into a credential only as a salted hash. Callback prefix ``u``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.credentials.document import phone_numbers
from bot.dialogue.core import SAY, SHARE_CONTACT, Contact, Flow, OneOf, Reply, Screen, Turn
from bot.dialogue.html import esc
from bot.i18n import N_, Translator
from catalog.language.text import normalize

FLOW = Flow("u", "profile")
SET_NAME = FLOW.action("s")
SKIP_NAME = FLOW.action("n")
ADD_PHONE = FLOW.action("p")
REMOVE_PHONE = FLOW.action("r")
GENDERS = ("woman", "man", "other", "unsaid")
AGE_BANDS = ("15-17", "18-24", "25-34", "35+", "unsaid")
AGE_RANGES = {"15-17": (15, 17), "18-24": (18, 24), "25-34": (25, 34), "35+": (35, 100)}
GENDER = FLOW.action("g", OneOf(GENDERS))
AGE = FLOW.action("a", OneOf(AGE_BANDS))
MAX_NAME = 80


def name_question(t: Translator) -> tuple[str, list[list[tuple[str, str]]]]:
    """The question, asked once (after the first enrolment), and its two buttons."""
    _ = t.gettext
    return (_("One question, only once: which name should your certificates show? An employer can then check "
              "that a certificate is yours. Certificates work without a name too."),
            [[(_("✍️ Add my name"), SET_NAME.data()), (_("Skip"), SKIP_NAME.data())]])


@dataclass
class AskName(Screen):
    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        return Reply(esc(_("Type the name your certificates should show, as on your ID card.")),
                     [[(_("Skip"), SKIP_NAME.data())]])


def _offer_phone(t: Translator) -> list[list[tuple[str, str]]]:
    return [[(t.gettext("📱 Add my phone number"), ADD_PHONE.data())]]


@dataclass
class NameSaved(Screen):
    name: str | None = None
    offer_phone: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        buttons = _offer_phone(t) if self.offer_phone else []
        if not self.name:
            return Reply(esc(_("OK, your certificates will not show a name. Send /name to add one later.")), buttons)
        return Reply(esc(_("Your certificates will show: {name}. Send /name to change it (for new "
                           "certificates).").format(name=self.name)), buttons)


@dataclass
class AskPhone(Screen):
    """Telegram's contact button shares the learner's own number, as Telegram knows it: nothing to type."""

    again: bool = False  # they shared somebody else's contact

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if self.again:
            text = _("That is someone else's contact. Only your own number can be checked on your certificates: "
                     "tap “📱 Share my phone number” below.")
        else:
            text = _("If you like, an employer can also check your certificates with your phone number: they "
                     "type it and I answer yes or no. The certificate never shows the number, only a scrambled "
                     "code made from it. Tap “📱 Share my phone number” below, or “Not now”.")
        return Reply(esc(text), [[(_("📱 Share my phone number"), SHARE_CONTACT)], [(_("Not now"), SAY)]])


@dataclass
class PhoneSaved(Screen):
    ending: str = ""

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Saved: certificates issued from now on can also be checked with your number "
                                   "ending in {digits}. Send /phone to remove it.").format(digits=self.ending)),
                     remove_keyboard=True)


@dataclass
class NoPhone(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("OK, no phone number. Send /phone if you change your mind.")),
                     remove_keyboard=True)


@dataclass
class PhoneShown(Screen):
    ending: str = ""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        return Reply(esc(_("Certificates issued since you shared it can be checked with your number ending in "
                           "{digits}.").format(digits=self.ending)),
                     [[(_("Remove my number"), REMOVE_PHONE.data())]])


@dataclass
class PhoneRemoved(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Removed. New certificates will not carry your number; those issued before "
                                   "still can be checked with it.")))


# -- behaviour ----------------------------------------------------------------------------------

def ask_name_once(turn: Turn) -> bool:
    """Whether to ask for the name on certificates now: after a first enrolment, once."""
    if turn.learner.name_asked_at is not None or turn.learner.display_name:
        return False
    turn.learner.name_asked_at = turn.now
    return True


@FLOW.command("name", N_("the name on your certificates"), needs_consent=True, order=26)
def ask_name(turn: Turn) -> list[Screen]:
    turn.learner.name_asked_at = turn.learner.name_asked_at or turn.now
    turn.step = "name"
    return [AskName(turn.lang)]


@SET_NAME.handles
def set_name(turn: Turn) -> list[Screen]:
    return ask_name(turn)


@FLOW.on_step_text("name")
def save_name(turn: Turn, text: str) -> list[Screen]:
    name = " ".join(normalize(text).split())[:MAX_NAME]
    if not name or name.startswith("/"):
        return [AskName(turn.lang)]
    turn.learner.display_name = name
    turn.step = "ready"
    return [NameSaved(turn.lang, name=name, offer_phone=turn.learner.phone is None)]


@SKIP_NAME.handles
def skip_name(turn: Turn) -> list[Screen]:
    # Pressed under "type your name" that prompt is done with; pressed under the enrolment
    # confirmation, that message (the provider's contacts) must stay.
    asking = turn.step == "name"
    if asking:
        turn.step = "ready"
    return [NameSaved(turn.lang, name=turn.learner.display_name, offer_phone=turn.learner.phone is None,
                      replace=asking)]


def _ending(phone: str) -> str:
    return "…" + phone[-3:]


@FLOW.command("phone", N_("your phone number on certificates"), needs_consent=True, order=26)
def phone(turn: Turn) -> list[Screen]:
    if turn.learner.phone:
        return [PhoneShown(turn.lang, ending=_ending(turn.learner.phone))]
    return ask_phone(turn)


@ADD_PHONE.handles
def ask_phone(turn: Turn) -> list[Screen]:
    turn.step = "phone"
    return [AskPhone(turn.lang)]


@FLOW.on_contact
def shared(turn: Turn, contact: Contact) -> list[Screen]:
    numbers = phone_numbers(contact.phone)
    if not contact.own or not numbers:  # a forwarded contact, or a number that cannot be anybody's
        turn.step = "phone"
        return [AskPhone(turn.lang, again=True)]
    turn.learner.phone = numbers[0]
    turn.step = "ready"
    return [PhoneSaved(turn.lang, ending=_ending(numbers[0]))]


@FLOW.on_step_text("phone")
def not_now(turn: Turn, text: str) -> list[Screen]:
    """"Not now", or anything typed instead of tapping a button (then also read as usual)."""
    turn.step = "ready"
    turn.pass_text_on = normalize(text) != normalize(turn.t.gettext("Not now"))
    return [NoPhone(turn.lang)]


@REMOVE_PHONE.handles
def remove_phone(turn: Turn) -> list[Screen]:
    turn.learner.phone = None
    return [PhoneRemoved(turn.lang, replace=True)]


# -- gender and age band, optional (/about) -------------------------------------------------------

@dataclass
class AskGender(Screen):
    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        text = _("Two optional questions. Some courses are only for women, or for certain ages: if you tell me, I "
                 "show you the ones that are for you. Outreach programmes also count how many women and young "
                 "people they reach, only as totals, never who. You are…")
        return Reply(esc(text), [[(_("a woman"), GENDER.data("woman")), (_("a man"), GENDER.data("man"))],
                                 [(_("other"), GENDER.data("other")), (_("prefer not to say"), GENDER.data("unsaid"))]])


@dataclass
class AskAge(Screen):
    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        return Reply(esc(_("And your age?")), [
            [("15–17", AGE.data("15-17")), ("18–24", AGE.data("18-24")), ("25–34", AGE.data("25-34"))],
            [(_("35 or older"), AGE.data("35+")), (_("prefer not to say"), AGE.data("unsaid"))]])


@dataclass
class AboutSaved(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Thank you. Send /about to change it, or to take it back.")))


@FLOW.command("about", N_("courses only for women or some ages"), needs_consent=True, order=27)
def about(turn: Turn) -> list[Screen]:
    return [AskGender(turn.lang)]


@GENDER.handles
def gender(turn: Turn, value: str) -> list[Screen]:
    turn.learner.gender = value
    return [AskAge(turn.lang, replace=True)]


@AGE.handles
def age(turn: Turn, value: str) -> list[Screen]:
    turn.learner.age_band = value
    return [AboutSaved(turn.lang, replace=True)]


def eligibility(turn: Turn) -> dict[str, object]:
    """The filters the learner's answers imply (nothing for "prefer not to say")."""
    out: dict[str, object] = {}
    if turn.learner.gender == "woman":
        out["is_woman"] = True
    if turn.learner.age_band in AGE_RANGES:
        out["ages"] = AGE_RANGES[turn.learner.age_band]
    return out
