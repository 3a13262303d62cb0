"""Wording shared by several flows' screens: prices, places, languages, schedules, the way into
guided discovery. Everything passes through gettext and Babel (see :mod:`bot.i18n`)."""

from __future__ import annotations

from bot.dialogue.core import Button, Reply, Screen, command_data
from bot.dialogue.html import esc
from bot.i18n import Translator
from catalog.language.places import gazetteer
from catalog.language.text import fold


def language_name(t: Translator, lang: str) -> str:
    _ = t.gettext
    return {"km": _("Khmer"), "vi": _("Vietnamese"), "en": _("English")}[lang]


def in_language(t: Translator, lang: str) -> str:
    """The marker shown next to text that exists only in another language."""
    return "<i>" + esc(t.gettext("(in {language})").format(language=language_name(t, lang))) + "</i>"


def money(t: Translator, amount: float, currency: str) -> str:
    return t.gettext("Free") if amount == 0 else t.money(amount, currency)


def place(t: Translator, delivery: str, province: str) -> str:
    if delivery == "online" or not province:
        return t.gettext("Online")
    if delivery == "blended":
        return t.gettext("{place} and online").format(place=province)
    return province


def where(lang: str, province_id: str, locality: str = "") -> str:
    """A course's province in the learner's language, after its town when it has one ("Vũng Tàu, TP.
    Hồ Chí Minh": since the 2025 merger a province alone can mean 100 km away)."""
    province = gazetteer().get(province_id) if province_id else None
    name = province.name(lang) if province else ""
    if locality and name and fold(locality) != fold(name):
        return f"{gazetteer().locality_name(province_id, locality, lang)}, {name}"
    return name


def schedule_name(t: Translator, name: str) -> str:
    _ = t.gettext
    return {"weekdays": _("weekdays"), "evenings": _("evenings"), "weekends": _("weekends"),
            "full_time": _("full time"), "self_paced": _("at your own pace")}[name]


def guide_button(t: Translator) -> Button:
    """"Help me choose": guided discovery, offered wherever a learner may not know what to type."""
    return (t.gettext("🧭 Help me choose"), command_data("choose"))


def my_courses_button(t: Translator) -> Button:
    return (t.gettext("📚 My courses"), command_data("mycourses"))


class Failure(Screen):
    """Something broke on our side; the learner should simply try again."""

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Sorry, something went wrong on my side. Please try again in a moment.")))


def condition_label(t: Translator, kind: str, value: object, province_name: str = "") -> str:
    """A condition understood from a goal, named the same way whatever the learner typed ("Weekends",
    "Women"), not as they wrote it ("toi la nu", "hoc toi")."""
    _ = t.gettext
    if kind == "free":
        # TRANSLATORS: a condition on a course: it costs nothing (not "freedom", not "free time").
        return _("Free")
    if kind == "max_cost" and isinstance(value, dict):
        # TRANSLATORS: a condition on a course's price, e.g. "Up to 60 USD".
        return _("Up to {amount}").format(amount=t.money(float(value.get("amount", 0)), str(value.get("currency"))))
    if kind == "province" or kind == "country":
        return province_name or str(value)
    if kind == "delivery" and isinstance(value, list | tuple):
        # TRANSLATORS: how a course is taught: over the internet, in a classroom or workshop, or both.
        names = {"online": _("Online"), "in_person": _("On site"), "blended": _("Online and on site")}
        if set(value) == {"in_person", "blended"}:  # a real class, wholly or partly: "On site" says it
            value = ("in_person",)
        return " / ".join(names.get(v, v) for v in value)
    if kind == "schedule" and isinstance(value, list | tuple):
        label = " / ".join(schedule_name(t, v) for v in value)
        return label[:1].upper() + label[1:]  # a label of its own, like "Free" ("Evenings")
    if kind == "languages" and isinstance(value, list | tuple):
        return _("Taught in {language}").format(language=" / ".join(language_name(t, v) for v in value))
    if kind == "women":
        # TRANSLATORS: a condition the learner stated: courses for women (a short label on a button).
        return _("Women")
    if kind == "age":
        return _("Age {n}").format(n=value)
    return str(value)
