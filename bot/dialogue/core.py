"""The skeleton every conversation flow is written against: inputs, screens, the turn, flows with
their own callback prefix, and the router that sends each input to the flow that owns it.

A flow declares its commands and buttons; nothing central lists them. Callback data is one strict
codec: ``"<flow>.<action>"`` plus ``":<argument>"``, where the argument is checked against the
action's declared type (ASCII digits in a bounded range, one of a fixed set of words). Anything that
does not decode exactly, a forged or expired button, reaches the router's ``expired`` handler and
never a flow. A button can also run a command by name (``"/choose"``), so that flows do not need to
import each other to offer a way into another flow.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.i18n import Catalogs, Translator

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.accounts.service import Roles
    from bot.credentials.issuing import Issuer
    from bot.dialogue.models import Dialogue
    from bot.learners.models import Learner
    from catalog.retrieval.constraints import Filters
    from catalog.retrieval.recommender import Recommendation
    from catalog.settings import CatalogSettings

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback data
Button = tuple[str, str]  # (label, callback data), or (label, "url:" + a link to open); see below
# Buttons of the keyboard under the text field instead of inline ones (a message has one kind):
SHARE_CONTACT = "contact:"  # Telegram asks the learner to share their own phone number
SAY = "say:"  # sends its label as the learner's text ("Not now")
_NAME = re.compile(r"^[a-z]{1,3}$")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


# -- what comes in ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Visitor:
    """Who is talking, as the chat platform tells us (not yet a stored learner)."""

    external_id: str
    language_code: str | None = None


@dataclass(frozen=True)
class Start:
    payload: str | None = None


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Other:
    """A sticker, photo, voice note...: something the advisor cannot read."""


@dataclass(frozen=True)
class Press:
    data: str


@dataclass(frozen=True)
class Upload:
    """A file the learner sent, already downloaded (within the size the handler allows)."""

    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class TooLarge:
    """A file too large to download; nothing of it was read."""

    filename: str
    size: int


@dataclass(frozen=True)
class Contact:
    """A phone number shared from Telegram's contact button; ``own`` when it is the sender's own
    number (Telegram says whose it is), not a contact forwarded from their address book."""

    phone: str = field(repr=False)
    own: bool


Input = Start | Command | Text | Other | Press | Upload | TooLarge | Contact


# -- what goes out ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: ``kind`` "document" (any file) or "photo" (a picture Telegram shows)."""

    kind: str
    filename: str
    data: bytes = field(repr=False)


@dataclass
class Reply:
    text: str  # Telegram HTML (the caption, when there is an attachment)
    buttons: list[list[Button]] = field(default_factory=list)
    replace: bool = False  # edit the message whose button was pressed
    attachment: Attachment | None = None
    remove_keyboard: bool = False  # take away the keyboard a SHARE_CONTACT question put up


@dataclass
class Screen(ABC):
    """What a flow decided to show, as data; :meth:`render` turns it into localized HTML."""

    lang: str
    replace: bool = field(default=False, kw_only=True)

    def render(self, t: Translator) -> Reply:
        reply = self.view(t)
        reply.replace = self.replace
        return reply

    @abstractmethod
    def view(self, t: Translator) -> Reply:
        """The screen's text and buttons in the learner's language."""


# -- callback arguments -------------------------------------------------------------------------

class Arg(Protocol):
    def parse(self, raw: str) -> Any: ...

    def encode(self, value: Any) -> str: ...


_INVALID = object()  # what Arg.parse returns for anything it does not accept


@dataclass(frozen=True)
class Int:
    """A whole number written in ASCII digits, without sign or leading zeros, within [lo, hi]."""

    lo: int = 0
    hi: int = 2**31 - 1

    def parse(self, raw: str) -> Any:
        if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(self.hi)) or (len(raw) > 1 and raw[0] == "0"):
            return _INVALID
        value = int(raw)
        return value if self.lo <= value <= self.hi else _INVALID

    def encode(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int) or not self.lo <= value <= self.hi:
            raise ValueError(f"{value!r} is not a whole number in [{self.lo}, {self.hi}]")
        return str(value)


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of words."""

    values: tuple[str, ...]

    def parse(self, raw: str) -> Any:
        return raw if raw in self.values else _INVALID

    def encode(self, value: Any) -> str:
        if value not in self.values:
            raise ValueError(f"{value!r} is not one of {self.values}")
        return str(value)


@dataclass(frozen=True)
class Pair:
    """Two arguments joined by a dot (``ict.2``)."""

    first: Arg
    second: Arg

    def parse(self, raw: str) -> Any:
        head, dot, tail = raw.partition(".")
        a, b = self.first.parse(head), self.second.parse(tail)
        return (a, b) if dot and a is not _INVALID and b is not _INVALID else _INVALID

    def encode(self, value: Any) -> str:
        a, b = value
        return f"{self.first.encode(a)}.{self.second.encode(b)}"


# -- the turn -----------------------------------------------------------------------------------

def _no_roles() -> Roles:
    from bot.accounts.service import Roles

    return Roles()


class Recommends(Protocol):
    """What flows need from the recommender (a fake in flow tests, :class:`~catalog.retrieval.
    recommender.Recommender` in the bot)."""

    def recommend(self, goal: str, filters: Filters | None = None, *, exclude: Iterable[int] = (), top_k: int = 5,
                  lang: str | None = None, ignore: frozenset[str] = frozenset(),
                  home: str | None = None) -> Recommendation: ...

    def place_counts(self) -> Any: ...


@dataclass
class Turn:
    """One input from one learner, with everything a flow may use. Flows change ``step``/``state``
    and the learner; the conversation writes them when the flow returns. Slow work goes through
    :meth:`recommend`, which first ends the read-only part of the unit of work: think, then write."""

    session: Session
    visitor: Visitor
    learner: Learner
    dialogue: Dialogue
    lang: str
    translations: Catalogs
    recommender: Recommends
    now: dt.datetime
    release: Callable[[], None]
    step: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    erased: bool = False
    menu: list[tuple[str, str]] = field(default_factory=list)  # the commands, for /help
    args: tuple[str, ...] = ()  # the words after a command
    roles: Roles = field(default_factory=lambda: _no_roles())  # loaded afresh for every update
    admins: frozenset[str] = frozenset()  # ADVISOR_ADMIN_IDS (requests for accounts go to them)
    issuer: Issuer | None = None  # issues credentials (None: ADVISOR_PUBLIC_URL is not set)
    catalog_settings: CatalogSettings | None = None  # for checking a provider's upload
    bot_username: str = ""  # for campaign links (t.me/<bot>?start=...), known once the bot has started
    catalog_changed: bool = False  # set by a flow that changed the catalog: every recommender refreshes
    notices: list[tuple[Learner, Screen]] = field(default_factory=list)  # messages to other people
    # A step's text handler sets this when the text was not its answer after all (a goal typed
    # instead of tapping "Not now"): the router then also reads it as ordinary text.
    pass_text_on: bool = False

    def notify(self, learner: Learner, screen: Screen) -> None:
        """Send ``screen`` to another learner (written with this turn's unit of work)."""
        self.notices.append((learner, screen))

    @property
    def t(self) -> Translator:
        return self.translations.translator(self.lang)

    @property
    def admin(self) -> bool:
        return self.roles.admin

    @property
    def consented(self) -> bool:
        return self.learner.consented_at is not None

    def recommend(self, goal: str, filters: Filters | None = None, **kwargs: Any) -> Recommendation:
        self.release()
        return self.recommender.recommend(goal, filters, **kwargs)


Handler = Callable[..., list[Screen]]
T = TypeVar("T")


@dataclass
class Action(Generic[T]):
    """A button of a flow: its callback data and the handler that answers a press."""

    flow: str
    name: str
    arg: Arg | None = None
    needs_consent: bool = True
    handler: Handler | None = None

    @property
    def key(self) -> str:
        return f"{self.flow}.{self.name}"

    def data(self, value: T | None = None) -> str:
        """The callback data for pressing this button with ``value``; checked, never over 64 bytes."""
        if (value is None) != (self.arg is None):
            raise ValueError(f"{self.key}: argument {value!r} does not match {self.arg!r}")
        data = self.key if self.arg is None else f"{self.key}:{self.arg.encode(value)}"
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    def handles(self, fn: Handler) -> Handler:
        """Decorator: ``fn(turn[, value]) -> list[Screen]`` answers a press of this button."""
        self.handler = fn
        return fn


def command_data(name: str) -> str:
    """Callback data for a button that runs ``/name`` (any flow's command, by name)."""
    if not _COMMAND.match(name):
        raise ValueError(f"not a command name: {name!r}")
    return "/" + name


@dataclass
class CommandSpec:
    name: str
    handler: Handler
    description: str | None  # for /help and Telegram's command menu; None keeps it out of the menu
    needs_consent: bool
    order: int


class Flow:
    """One conversation flow: a callback prefix, its buttons and commands, optionally the handler of
    free text, of the start command or of unreadable messages. Declared in its own module."""

    def __init__(self, prefix: str, title: str) -> None:
        if not _NAME.match(prefix):
            raise ValueError(f"flow prefix must be 1-3 lower-case letters, got {prefix!r}")
        self.prefix, self.title = prefix, title
        self.actions: dict[str, Action[Any]] = {}
        self.commands: dict[str, CommandSpec] = {}
        self.text_handler: Handler | None = None
        self.step_handlers: dict[str, Handler] = {}
        self.pattern_handlers: list[tuple[Callable[[str], bool], Handler]] = []
        self.upload_handlers: list[tuple[Callable[[str, bytes], bool], Handler]] = []
        self.contact_handler: Handler | None = None
        self.too_large_handler: Handler | None = None
        self.other_handler: Handler | None = None

    def action(self, name: str, arg: Arg | None = None, *, needs_consent: bool = True) -> Action[Any]:
        if not _NAME.match(name) or name in self.actions:
            raise ValueError(f"{self.prefix}: bad or duplicate action name {name!r}")
        action: Action[Any] = Action(self.prefix, name, arg, needs_consent)
        self.actions[name] = action
        return action

    def command(self, name: str, description: str | None = None, *, needs_consent: bool = False,
                order: int = 100) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.commands[name] = CommandSpec(name, fn, description, needs_consent, order)
            return fn
        return register

    def on_text(self, fn: Handler) -> Handler:
        """Free text from a learner who agreed to the privacy notice (a goal): one flow has it."""
        self.text_handler = fn
        return fn

    def on_step_text(self, step: str) -> Callable[[Handler], Handler]:
        """Text sent while the dialogue is at ``step`` (an answer to this flow's question)."""
        def register(fn: Handler) -> Handler:
            self.step_handlers[step] = fn
            return fn
        return register

    def on_text_matching(self, test: Callable[[str], bool]) -> Callable[[Handler], Handler]:
        """Text that is recognisably this flow's, whatever the step (a pasted credential)."""
        def register(fn: Handler) -> Handler:
            self.pattern_handlers.append((test, fn))
            return fn
        return register

    def on_upload(self, test: Callable[[str, bytes], bool]) -> Callable[[Handler], Handler]:
        """A file this flow reads (by its name and content)."""
        def register(fn: Handler) -> Handler:
            self.upload_handlers.append((test, fn))
            return fn
        return register

    def on_too_large(self, fn: Handler) -> Handler:
        """A file too large to be downloaded (:class:`TooLarge`); one flow at most explains it."""
        self.too_large_handler = fn
        return fn

    def on_contact(self, fn: Handler) -> Handler:
        """A shared phone number (:class:`Contact`); one flow at most asks for it."""
        self.contact_handler = fn
        return fn

    def on_other(self, fn: Handler) -> Handler:
        self.other_handler = fn
        return fn


class Router:
    """Sends each input to the flow that owns it. ``gate(turn, input)`` answers whatever needs
    consent before the learner gave it, ``expired(turn)`` a button that does not decode, and
    ``unknown(turn)`` a command nobody declared."""

    def __init__(self, flows: Sequence[Flow], *, gate: Handler, expired: Handler, unknown: Handler) -> None:
        self.flows = list(flows)
        self.gate, self.expired, self.unknown = gate, expired, unknown
        self.actions: dict[str, Action[Any]] = {}
        self.commands: dict[str, CommandSpec] = {}
        texts = [f.text_handler for f in flows if f.text_handler is not None]
        others = [f.other_handler for f in flows if f.other_handler]
        if len({f.prefix for f in flows}) != len(flows) or len(texts) != 1 or len(others) != 1:
            raise ValueError("flow prefixes must be unique, and exactly one flow reads text and one the rest")
        self.text, self.other = texts[0], others[0]
        contacts = [f.contact_handler for f in flows if f.contact_handler is not None]
        if len(contacts) > 1:
            raise ValueError("only one flow may read shared phone numbers")
        self.contact = contacts[0] if contacts else None
        large = [f.too_large_handler for f in flows if f.too_large_handler is not None]
        if len(large) > 1:
            raise ValueError("only one flow may answer files that are too large")
        self.too_large = large[0] if large else None
        self.step_texts: dict[str, Handler] = {}
        self.patterns = [p for f in flows for p in f.pattern_handlers]
        self.uploads = [u for f in flows for u in f.upload_handlers]
        for flow in flows:
            for step, handler in flow.step_handlers.items():
                if step in self.step_texts:
                    raise ValueError(f"two flows answer text at step {step!r}")
                self.step_texts[step] = handler
            for action in flow.actions.values():
                if action.handler is None:
                    raise ValueError(f"{action.key} has no handler")
                self.actions[action.key] = action
            for name, spec in flow.commands.items():
                if name in self.commands:
                    raise ValueError(f"/{name} is declared by two flows")
                self.commands[name] = spec
        if "start" not in self.commands:
            raise ValueError("one flow must handle /start")

    def menu(self) -> list[tuple[str, str]]:
        """(command, description) in menu order, for /help and Telegram's command list."""
        specs = sorted((s for s in self.commands.values() if s.description), key=lambda s: (s.order, s.name))
        return [(s.name, s.description or "") for s in specs]

    def decode(self, data: str) -> tuple[Action[Any] | CommandSpec, Any] | None:
        """The button pressed and its argument, or None for anything this bot did not produce."""
        if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            return None
        if data.startswith("/"):
            spec = self.commands.get(data[1:])
            return (spec, None) if spec is not None else None
        key, colon, raw = data.partition(":")
        action = self.actions.get(key)
        if action is None or bool(colon) != (action.arg is not None):
            return None
        if action.arg is None:
            return action, None
        value = action.arg.parse(raw)
        return None if value is _INVALID else (action, value)

    def dispatch(self, turn: Turn, inp: Input) -> list[Screen]:
        turn.menu = self.menu()
        if isinstance(inp, Start | Command) and turn.step in self.step_texts:
            turn.step = "ready" if turn.consented else turn.step  # a command leaves an open question
        if isinstance(inp, Start):
            return self._command(turn, self.commands["start"], inp, inp.payload)
        if isinstance(inp, Command):
            spec = self.commands.get(inp.name)
            turn.args = inp.args
            return self.unknown(turn) if spec is None else self._command(turn, spec, inp)
        if isinstance(inp, Text):
            for test, handler in self.patterns:
                if test(inp.text):
                    return handler(turn, inp.text)
            answered: list[Screen] = []
            if turn.step in self.step_texts:  # the answer to a question a flow asked
                answered = self.step_texts[turn.step](turn, inp.text)
                if not turn.pass_text_on:
                    return answered
            return answered + (self.gate(turn, inp) if not turn.consented else self.text(turn, inp.text))
        if isinstance(inp, Upload):
            for test, handler in self.uploads:
                if test(inp.filename, inp.data):
                    return handler(turn, inp)
            return self.other(turn)
        if isinstance(inp, Contact):
            if not turn.consented:
                return self.gate(turn, inp)
            return self.other(turn) if self.contact is None else self.contact(turn, inp)
        if isinstance(inp, TooLarge) and self.too_large is not None:
            return self.too_large(turn, inp)
        if isinstance(inp, Other | TooLarge):
            return self.other(turn)
        decoded = self.decode(inp.data)
        if decoded is None:
            return self.expired(turn)
        target, value = decoded
        if isinstance(target, CommandSpec):
            return self._command(turn, target, inp)
        if target.needs_consent and not turn.consented:
            return self.gate(turn, inp)
        assert target.handler is not None
        return target.handler(turn) if target.arg is None else target.handler(turn, value)

    def _command(self, turn: Turn, spec: CommandSpec, inp: Input, *args: Any) -> list[Screen]:
        if spec.needs_consent and not turn.consented:
            return self.gate(turn, inp)
        return spec.handler(turn, *args)
