"""An in-process fake of the Telegram Bot API for end-to-end tests and the terminal demo.

A real python-telegram-bot ``Application`` polls it over loopback HTTP exactly as it would poll
api.telegram.org (``.base_url(emu.api_url).base_file_url(emu.file_url)``), so request encoding,
handler dispatch, error mapping and rate limiting all run for real. The user side (:meth:`send_text`,
:meth:`press`, ...) plays the human, and :meth:`messages` shows what that human would see.

It is strict where Telegram is strict (HTML parsing, 4096-character texts, 64-byte callback data,
no-op edits, answering a query twice, unknown chats) because a lenient fake lets exactly those bugs
reach production. Scope: private chats, text and HTML messages, inline keyboards, callback queries,
documents, long polling and fault injection: what the bot, the demo and the tests use. Markdown parse
modes, webhooks, media other than documents and inline mode are absent.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import itertools
import json
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote

from aiohttp import web

from bot.dialogue.html import utf16_len

__all__ = [
    "BotApiEmulator",
    "BotMessage",
    "EntityParseError",
    "TgUser",
    "UploadedFile",
    "parse_html",
]

_log = logging.getLogger(__name__)

Params = dict[str, Any]

MAX_TEXT = 4096  # UTF-16 code units after entity parsing
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes of UTF-8
MAX_CALLBACK_ANSWER = 200
MAX_BUTTONS = 100
MAX_DOWNLOAD = 20_000_000  # what getFile lets a bot download
MAX_UPLOAD = 50_000_000
BLOCKED = "Forbidden: bot was blocked by the user"
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

# Form values arrive as strings; these are the ones PTB JSON-encodes and the handlers need typed.
# Everything else (text, caption, data, file_id, parse_mode, ...) must stay a string: a text of
# "123" is text, not a number.
_JSON_FIELDS = frozenset({
    "reply_markup", "allowed_updates", "entities", "caption_entities", "link_preview_options",
    "reply_parameters", "commands", "scope", "offset", "limit", "timeout", "chat_id", "message_id",
    "show_alert", "cache_time", "disable_notification", "protect_content", "drop_pending_updates",
    "menu_button", "message_thread_id", "user_id", "reply_to_message_id", "allow_sending_without_reply",
    "disable_web_page_preview", "disable_content_type_detection", "show_caption_above_media",
})
_BUTTON_ACTIONS = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_STATUS_TEXT = {
    400: "Bad Request: injected failure",
    403: BLOCKED,
    409: CONFLICT,
    500: "Internal Server Error",
    502: "Bad Gateway",
}


# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TgUser:
    """A simulated human. Only private chats exist here, so the chat id equals the user id."""

    id: int
    first_name: str = "Test"
    language_code: str | None = None
    username: str | None = None


@dataclass
class BotMessage:
    """A message the bot sent, as the human sees it now (after edits).

    ``buttons`` lists the inline keyboard as ``(label, callback_data)`` rows; a URL button appears
    as ``(label, "url:" + url)`` and other button kinds as ``(label, kind + ":" + value)``.
    ``reply_markup`` keeps the markup as sent, including reply keyboards, which have no ``buttons``.
    """

    message_id: int
    chat_id: int
    text: str
    html: str
    buttons: list[list[tuple[str, str]]]
    edits: int = 0
    date: int = 0
    document: dict[str, Any] | None = None
    photo: dict[str, Any] | None = None  # the largest size of a picture the bot sent
    reply_markup: dict[str, Any] | None = None

    def button_labels(self) -> list[str]:
        """All button labels, row by row."""
        return [label for row in self.buttons for label, _ in row]

    def find_button(self, label_part: str) -> tuple[str, str]:
        """The first button whose label contains ``label_part`` (so tests survive emoji prefixes)."""
        for row in self.buttons:
            for button in row:
                if label_part in button[0]:
                    return button
        raise LookupError(f"no button containing {label_part!r} on message {self.message_id}; "
                          f"buttons: {self.button_labels()}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as recorded in :attr:`BotApiEmulator.calls`."""

    filename: str | None
    mime_type: str | None
    content: bytes = field(repr=False)


# --------------------------------------------------------------------------------------------
# Telegram's HTML parse mode
# --------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    """Text that Telegram would refuse with ``Bad Request: can't parse entities: ...``."""


_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "a": "text_link",
    "code": "code", "pre": "pre", "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_SPACES = " \t\r\n\v\f"
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([a-zA-Z]*));?")
_PLAIN_RE = re.compile(r"[^<&]+")


def _decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``pos`` the way the Bot API does, or None to keep ``&``.

    Like Telegram (and unlike a browser) the ``;`` is optional and an unknown name is not an error:
    the ``&`` simply stays literal.
    """
    match = _ENTITY_RE.match(source, pos)
    if match is None:  # pragma: no cover - the pattern matches any "&"
        return None
    hexa, dec, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return (char, match.end()) if char else None
    digits = (hexa if hexa is not None else dec).lstrip("0")
    if not digits or len(digits) > 7:
        return None
    code = int(digits, 16 if hexa is not None else 10)
    if code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


@dataclass
class _OpenTag:
    tag: str
    begin: int  # UTF-16 offset in the output
    arg: str = ""  # href, custom emoji id, spoiler class, code language or "expandable"


class _HtmlParser:
    """A port of the Bot API server's HTML rules (tag set, attribute syntax, error wording)."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        src, n = self.src, len(self.src)
        while self.pos < n:
            if (plain := _PLAIN_RE.match(src, self.pos)) is not None:
                self._emit(plain.group())
                self.pos = plain.end()
            elif src[self.pos] == "&":
                decoded = _decode_entity(src, self.pos)
                piece, self.pos = decoded if decoded else ("&", self.pos + 1)
                self._emit(piece)
            elif src.startswith("</", self.pos):
                self._close_tag()
            else:
                self._open_tag()
        if self.stack:
            raise self._error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _emit(self, piece: str) -> None:
        self.out.append(piece)
        self.length += utf16_len(piece)

    def _error(self, detail: str) -> EntityParseError:
        return EntityParseError(f"can't parse entities: {detail}")

    def _at(self, pos: int) -> str:
        return f"at byte offset {len(self.src[:pos].encode('utf-8', 'surrogatepass'))}"

    def _skip_spaces(self, i: int) -> int:
        while i < len(self.src) and self.src[i] in _SPACES:
            i += 1
        return i

    def _open_tag(self) -> None:
        src, n, begin = self.src, len(self.src), self.pos
        i = begin + 1
        while i < n and src[i] not in _SPACES and src[i] != ">":
            i += 1
        if i >= n:
            raise self._error(f"Unclosed start tag {self._at(begin)}")
        tag = src[begin + 1:i].lower()
        if tag not in _TAG_ENTITY:
            raise self._error(f'Unsupported start tag "{tag}" {self._at(begin)}')
        arg = ""
        while True:
            i = self._skip_spaces(i)
            if i >= n:
                raise self._error(f"Unclosed start tag {self._at(begin)}")
            if src[i] == ">":
                break
            name_start = i
            while i < n and src[i] not in _SPACES and src[i] not in "=>":
                i += 1
            name = src[name_start:i].lower()
            if not name:
                raise self._error(f'Empty attribute name in the tag "{tag}" {self._at(begin)}')
            i = self._skip_spaces(i)
            if i >= n or src[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    arg = "expandable"
                    continue
                raise self._error(f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                                  f"{self._at(begin)}")
            value, i = self._attribute_value(self._skip_spaces(i + 1), begin)
            arg = _tag_argument(tag, name, value, arg)
        self.pos = i + 1
        if tag == "span" and arg != "spoiler":
            raise self._error(f'Tag "span" must have class "tg-spoiler" {self._at(begin)}')
        if tag == "tg-emoji" and not arg:
            raise self._error(f'Tag "tg-emoji" must have attribute "emoji-id" {self._at(begin)}')
        self.stack.append(_OpenTag(tag, self.length, arg))

    def _attribute_value(self, i: int, begin: int) -> tuple[str, int]:
        src, n = self.src, len(self.src)
        if i >= n:
            raise self._error(f"Unclosed start tag {self._at(begin)}")
        if src[i] not in "'\"":  # an unquoted name token, case-insensitive
            start = i
            while i < n and ((src[i].isascii() and src[i].isalnum()) or src[i] in ".-"):
                i += 1
            return src[start:i].lower(), i
        quote, chars = src[i], []
        i += 1
        while i < n and src[i] != quote:
            decoded = _decode_entity(src, i) if src[i] == "&" else None
            char, i = decoded if decoded else (src[i], i + 1)
            chars.append(char)
        if i >= n:
            raise self._error(f"Unclosed start tag {self._at(begin)}")
        return "".join(chars), i + 1

    def _close_tag(self) -> None:
        src, n, begin = self.src, len(self.src), self.pos
        i = begin + 2
        while i < n and src[i] not in _SPACES and src[i] != ">":
            i += 1
        name = src[begin + 2:i].lower()
        i = self._skip_spaces(i)
        if i >= n or src[i] != ">":
            raise self._error(f"Unclosed end tag {self._at(begin)}")
        if not self.stack:
            raise self._error(f"Unexpected end tag {self._at(begin)}")
        top = self.stack.pop()
        if name and name != top.tag:
            raise self._error(f'Unmatched end tag {self._at(begin)}, expected "</{top.tag}>", found "</{name}>"')
        self.pos = i + 1
        self._finish(top)

    def _finish(self, top: _OpenTag) -> None:
        length = self.length - top.begin
        if length == 0:
            return
        entity: dict[str, Any] = {"type": _TAG_ENTITY[top.tag], "offset": top.begin, "length": length}
        if top.tag == "a":
            if not top.arg:
                return
            entity["url"] = top.arg
        elif top.tag == "tg-emoji":
            entity["custom_emoji_id"] = top.arg
        elif top.tag == "blockquote" and top.arg:
            entity["type"] = "expandable_blockquote"
        elif top.tag == "code" and top.arg and self.stack and self.stack[-1].tag == "pre":
            self.stack[-1].arg = top.arg  # <pre><code class="language-x"> is one pre entity with a language
        elif top.tag == "pre" and top.arg:
            entity["language"] = top.arg
            self.entities = [e for e in self.entities
                             if not (e["type"] == "code" and e["offset"] == top.begin and e["length"] == length)]
        self.entities.append(entity)


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "expandable"
    return current


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Apply Telegram's ``parse_mode="HTML"``: the plain text and its entities (UTF-16 offsets).

    Raises :class:`EntityParseError` where the Bot API answers 400 (unsupported or unbalanced tag,
    a bare ``<``). The text is not yet stripped of surrounding whitespace; see :func:`_strip`.
    """
    return _HtmlParser(source).parse()


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Drop leading/trailing whitespace as Telegram does, keeping entity offsets right."""
    left = text.lstrip()
    body = left.rstrip()
    if body == text:
        return text, entities
    shift, size = utf16_len(text[: len(text) - len(left)]), utf16_len(body)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return body, kept


# --------------------------------------------------------------------------------------------
# Internal state
# --------------------------------------------------------------------------------------------


class _ApiError(Exception):
    """An error answer; the HTTP status is the error code because PTB maps exceptions by status."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def _bad(detail: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {detail}")


@dataclass
class _Sent:
    view: BotMessage
    raw: dict[str, Any]  # the Message object the API returns (and callback queries carry)


@dataclass
class _Chat:
    info: dict[str, Any]
    next_message_id: int = 1
    bot_messages: dict[int, _Sent] = field(default_factory=dict)
    user_messages: set[int] = field(default_factory=set)
    keyboard: dict[str, Any] | None = None  # the reply keyboard under the text field, until removed


@dataclass
class _Queued:
    update: dict[str, Any]
    sticky: bool  # a re-pushed old id: deliver it once even if the offset already confirmed that id

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass
class _Fault:
    method: str | None  # lower-case; None = any method but getUpdates
    remaining: int
    error: _ApiError


@dataclass(frozen=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes = field(repr=False)
    file_name: str | None = None
    mime_type: str | None = None

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                               "file_size": len(self.content)}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc


_CONFLICTED, _STOPPED, _WOKEN = "conflict", "stopped", "woken"


def _now() -> int:
    return int(time.time())


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _user_dict(user: TgUser) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    if user.language_code:
        data["language_code"] = user.language_code
    if user.username:
        data["username"] = user.username
    return data


def _private_chat(user: TgUser) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": user.id, "type": "private", "first_name": user.first_name}
    if user.username:
        chat["username"] = user.username
    return chat


def _update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate ``reply_markup`` like Telegram; returns it normalised (empty inline rows dropped)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
            raise _bad("can't parse reply keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise _bad("reply markup is too long")
    for row in rows:
        for button in row:
            _check_button(button)
    return {**markup, "inline_keyboard": [row for row in rows if row]}


def _check_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise _bad(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise _bad(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise _bad("BUTTON_TEXT_INVALID")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise _bad(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _bad(prefix + f"exactly one of the optional fields must be used, got {', '.join(actions)}")
    data = button.get("callback_data")
    if "callback_data" in button and (
            not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA):
        raise _bad("BUTTON_DATA_INVALID")
    url = button.get("url")
    if "url" in button and (not isinstance(url, str) or not url or any(c in _SPACES for c in url)):
        raise _bad("BUTTON_URL_INVALID")


def _buttons(markup: dict[str, Any] | None) -> list[list[tuple[str, str]]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    rows = []
    for row in markup["inline_keyboard"]:
        shown = []
        for button in row:
            kind = next(key for key in _BUTTON_ACTIONS if key in button)
            value = button[kind]
            if kind == "callback_data":
                shown.append((button["text"], value))
            else:
                shown.append((button["text"], f"{kind}:{value if isinstance(value, str) else json.dumps(value)}"))
        rows.append(shown)
    return rows


def _snapshot(view: BotMessage) -> BotMessage:
    """A copy the caller may keep: later edits change the emulator's record, not this one."""
    return replace(view, buttons=[list(row) for row in view.buttons])


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a markup Telegram echoes in Message.reply_markup (inline keyboards only)."""
    return markup if markup and "inline_keyboard" in markup else None


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------


class BotApiEmulator:
    """A Bot API server on 127.0.0.1 plus a user side to drive it.

    Everything runs on the caller's event loop; the only await that holds state is a long poll.
    """

    def __init__(self, token: str = "123456:TEST-TOKEN", *, bot_username: str = "advisor_test_bot",
                 bot_name: str = "Advisor") -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.errors: list[tuple[str, int, str]] = []  # (method, error_code, description) of every error answer
        self.downloads: list[str] = []  # file paths fetched from the file endpoint
        self.rejected_429 = 0
        self._chats: dict[int, _Chat] = {}
        self._blocked: set[int] = set()
        self._queue: list[_Queued] = []
        # Telegram starts update ids at an arbitrary value; so does this, so a bot that remembers
        # handled ids (de-duplication) never mistakes a new emulator session's updates for old ones.
        self._next_update_id = random.randrange(10_000, 2**31 - 2**20)
        self._allowed_updates: set[str] | None = None
        self._poller: asyncio.Future[str] | None = None
        self._watchers: set[asyncio.Future[None]] = set()
        self._faults: list[_Fault] = []
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, str] = {}
        self._open_queries: set[str] = set()  # callback queries not yet answered
        self._commands: dict[tuple[str, str], list[Any]] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closed = False
        self._bot_user = {"id": self.bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username}
        methods: dict[str, Callable[[Params], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p: self._commands.get(self._commands_key(p), []),
        }
        self._methods = {name.lower(): (name, handler) for name, handler in methods.items()}

    # ---- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a random loopback port (so parallel test runs never collide)."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        app = web.Application(client_max_size=MAX_UPLOAD + 1_000_000)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._runner, self._port, self._closed = runner, runner.addresses[0][1], False

    async def stop(self) -> None:
        """Stop serving; a pending long poll answers ``[]`` first so no client hangs."""
        self._closed = True
        self._settle_poller(_STOPPED)
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    @property
    def username(self) -> str:
        """The bot's @username (what getMe answers; campaign links name it)."""
        return str(self._bot_user["username"])

    @property
    def api_url(self) -> str:
        """PTB's ``base_url`` (the token is appended by PTB)."""
        return f"{self._origin()}/bot"

    @property
    def file_url(self) -> str:
        """PTB's ``base_file_url``."""
        return f"{self._origin()}/file/bot"

    def _origin(self) -> str:
        if self._runner is None:
            raise RuntimeError("start() the emulator before asking for its URL")
        return f"http://127.0.0.1:{self._port}"

    # ---- user side ------------------------------------------------------------------------

    def send_text(self, user: TgUser, text: str) -> int:
        """The user types ``text``; a leading ``/word`` gets the bot_command entity CommandHandler needs."""
        if not text.strip():
            raise ValueError("a Telegram user cannot send an empty message")
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        return self._enqueue({"message": self._user_message(user, content)})

    def press(self, user: TgUser, message: BotMessage | int, data: str) -> int:
        """The user taps the inline button carrying ``data``; only buttons currently shown can be tapped."""
        message_id = message if isinstance(message, int) else message.message_id
        if isinstance(message, BotMessage) and message.chat_id != user.id:
            raise ValueError(f"message {message_id} is in chat {message.chat_id}, not in {user.id}'s chat")
        chat = self._chats.get(user.id)
        sent = chat.bot_messages.get(message_id) if chat else None
        if chat is None or sent is None:
            raise ValueError(f"chat {user.id} has no bot message {message_id} to press a button on")
        markup = sent.raw.get("reply_markup") or {}
        pressable = [b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row]
        if data not in pressable:
            raise ValueError(f"message {message_id} has no button with callback_data {data!r}; "
                             f"it shows {sent.view.buttons}")
        chat.info = _private_chat(user)
        query_id = str(4_000_000_000 + next(self._ids))
        self._open_queries.add(query_id)
        query = {"id": query_id, "from": _user_dict(user), "chat_instance": f"ci-{user.id}",
                 "data": data, "message": copy.deepcopy(sent.raw)}
        return self._enqueue({"callback_query": query})

    def send_document(self, user: TgUser, filename: str, content: bytes, mime_type: str = "text/csv",
                      caption: str | None = None) -> int:
        """The user uploads a file; the bot can fetch it through getFile and the file endpoint."""
        stored = self._store_file(content, "documents", PurePosixPath(filename).suffix, filename, mime_type)
        message: dict[str, Any] = {"document": stored.document()}
        if caption:
            message["caption"] = caption
        return self._enqueue({"message": self._user_message(user, message)})

    def keyboard(self, user_id: int) -> list[list[str]]:
        """The labels of the reply keyboard the bot put under the user's text field (none: [])."""
        chat = self._chats.get(user_id)
        rows = chat.keyboard["keyboard"] if chat is not None and chat.keyboard else []
        return [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]

    def tap_keyboard(self, user: TgUser, label: str, phone_number: str = "+85512345678") -> int:
        """The user taps a reply-keyboard button: its label is sent as text, or, for a
        ``request_contact`` button, the user's own contact with ``phone_number`` (as Telegram does)."""
        chat = self._chats.get(user.id)
        buttons = [b for row in (chat.keyboard or {}).get("keyboard", []) for b in row] if chat else []
        button = next((b for b in buttons if (b["text"] if isinstance(b, dict) else b) == label), None)
        if button is None:
            raise ValueError(f"chat {user.id} shows no keyboard button {label!r}; it shows {self.keyboard(user.id)}")
        if isinstance(button, dict) and button.get("request_contact"):
            return self.send_contact(user, phone_number.lstrip("+"), user_id=user.id)
        return self.send_text(user, label)

    def send_contact(self, user: TgUser, phone_number: str, *, user_id: int | None = None,
                     first_name: str = "Contact") -> int:
        """The user sends a contact card: their own (``user_id`` = theirs, what the contact button
        sends) or one from their address book (another id, or none)."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if user_id is not None:
            contact["user_id"] = user_id
        return self._enqueue({"message": self._user_message(user, {"contact": contact})})

    def send_sticker(self, user: TgUser) -> int:
        """The user sends a sticker (content a text-only bot must cope with)."""
        stored = self._store_file(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "stickers", ".webp")
        sticker = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "🙂",
                   "file_size": len(stored.content)}
        return self._enqueue({"message": self._user_message(user, {"sticker": sticker})})

    def send_photo(self, user: TgUser) -> int:
        """The user sends a photo (two sizes, as Telegram sends at least a thumbnail and the original)."""
        sizes = []
        for width, height in ((90, 68), (800, 600)):
            stored = self._store_file(b"\xff\xd8\xff\xe0" + bytes(width), "photos", ".jpg")
            sizes.append({"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                          "width": width, "height": height, "file_size": len(stored.content)})
        return self._enqueue({"message": self._user_message(user, {"photo": sizes})})

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (odd shapes, duplicates); an already-used update_id is delivered again once."""
        update = copy.deepcopy(update)
        self._adopt_chat(update)
        return self._enqueue(update)

    def raw_update(self, update_id: int) -> dict[str, Any]:
        """A copy of an update not yet confirmed by the bot, as Telegram would deliver it."""
        for queued in self._queue:
            if queued.update_id == update_id:
                return copy.deepcopy(queued.update)
        raise LookupError(f"update {update_id} is not waiting to be delivered")

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: every send or edit to the chat now fails with 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """The user unblocks the bot."""
        self._blocked.discard(chat_id)

    def fail_next(self, method: str | None, count: int = 1, *, status: int = 429, retry_after: int = 1,
                  description: str | None = None) -> None:
        """Make the next ``count`` calls of ``method`` (None: any but getUpdates) fail with ``status``."""
        if count < 1:
            raise ValueError("count must be at least 1")
        if status == 429:
            error = _ApiError(429, description or f"Too Many Requests: retry after {retry_after}", retry_after)
        else:
            error = _ApiError(status, description or _STATUS_TEXT.get(status, f"Error {status}"))
        self._faults.append(_Fault(method.lower() if method else None, count, error))

    # ---- what the human sees ------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[BotMessage]:
        """Snapshots of the bot's live messages in the chat, in send order."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [_snapshot(s.view) for s in chat.bot_messages.values()]

    def message(self, chat_id: int, message_id: int) -> BotMessage:
        """A snapshot of one bot message."""
        chat = self._chats.get(chat_id)
        if chat is None or message_id not in chat.bot_messages:
            raise LookupError(f"chat {chat_id} has no bot message {message_id}")
        return _snapshot(chat.bot_messages[message_id].view)

    def last_message_id(self, chat_id: int) -> int:
        """The newest message id in the chat (user's or bot's), 0 if none: a watermark for :meth:`replies`."""
        chat = self._chats.get(chat_id)
        return chat.next_message_id - 1 if chat else 0

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Decoded params of every call of ``method`` (case-insensitive), in order."""
        wanted = method.lower()
        return [params for name, params in self.calls if name.lower() == wanted]

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._queue)

    def file_bytes(self, file_id: str) -> bytes:
        """Content of a stored file (e.g. a document the bot sent)."""
        return self._files[file_id].content

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds; it is re-checked after every API call and user action."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout:g}s\n{self._describe()}")
            waiter: asyncio.Future[None] = loop.create_future()
            self._watchers.add(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                pass
            finally:
                self._watchers.discard(waiter)

    async def replies(self, chat_id: int, after: int, count: int = 1, timeout: float = 10.0) -> list[BotMessage]:
        """Wait for ``count`` bot messages newer than message id ``after`` and return exactly the first ``count``."""

        def fresh() -> list[_Sent]:
            chat = self._chats.get(chat_id)
            live = chat.bot_messages.values() if chat else ()
            return [s for s in live if s.view.message_id > after]

        try:
            await self.wait_for(lambda: len(fresh()) >= count, timeout)
        except TimeoutError:
            raise TimeoutError(f"expected {count} bot message(s) in chat {chat_id} after #{after} within "
                               f"{timeout:g}s, got {len(fresh())}\n{self._describe()}") from None
        return [_snapshot(s.view) for s in fresh()[:count]]

    def _describe(self) -> str:
        """State summary for timeout messages: what the bot said, what failed, what it called."""
        lines = []
        for chat_id, chat in self._chats.items():
            live = [s.view for s in chat.bot_messages.values()]
            lines.append(f"chat {chat_id}: {len(live)} bot message(s)")
            lines += [f"  #{m.message_id}: {m.text[:100]!r} buttons={m.button_labels()}" for m in live[-3:]]
        if self.errors:
            lines.append("recent API errors: " + "; ".join(f"{m} {c} {d}" for m, c, d in self.errors[-5:]))
        lines.append(f"recent calls: {[m for m, _ in self.calls if m != 'getUpdates'][-10:]}")
        lines.append(f"pending updates: {len(self._queue)}")
        return "\n".join(lines)

    # ---- state helpers ------------------------------------------------------------------------

    def _notify(self) -> None:
        for waiter in self._watchers:
            if not waiter.done():
                waiter.set_result(None)

    def _settle_poller(self, outcome: str) -> None:
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(outcome)

    def _enqueue(self, update: dict[str, Any]) -> int:
        update_id = _as_int(update.get("update_id"))
        sticky = update_id is not None and update_id < self._next_update_id
        if update_id is None:
            update_id = update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, update_id + 1)
        bisect.insort(self._queue, _Queued(update, sticky), key=lambda q: q.update_id)
        self._settle_poller(_WOKEN)
        self._notify()
        return update_id

    def _user_message(self, user: TgUser, content: dict[str, Any]) -> dict[str, Any]:
        chat = self._chats.setdefault(user.id, _Chat(_private_chat(user)))
        chat.info = _private_chat(user)
        message_id = chat.next_message_id
        chat.next_message_id += 1
        chat.user_messages.add(message_id)
        return {"message_id": message_id, "date": _now(), "chat": dict(chat.info), "from": _user_dict(user),
                **content}

    def _adopt_chat(self, update: dict[str, Any]) -> None:
        """Make chats and queries in a raw update known, so the bot may answer them as on Telegram."""
        query = update.get("callback_query")
        message = next((update[k] for k in ("message", "edited_message") if isinstance(update.get(k), dict)), None)
        if isinstance(query, dict):
            message = query.get("message") if isinstance(query.get("message"), dict) else None
            # A redelivered query that was already answered stays answered, as on Telegram.
            if "id" in query and str(query["id"]) not in self.callback_answers:
                self._open_queries.add(str(query["id"]))
        if message is None or not isinstance(message.get("chat"), dict):
            return
        chat_id = _as_int(message["chat"].get("id"))
        if chat_id is None:
            return
        chat = self._chats.setdefault(chat_id, _Chat(dict(message["chat"])))
        message_id = _as_int(message.get("message_id"))
        if message_id is not None:
            chat.next_message_id = max(chat.next_message_id, message_id + 1)
            if not (message.get("from") or {}).get("is_bot"):
                chat.user_messages.add(message_id)

    def _store_file(self, content: bytes, folder: str, suffix: str, name: str | None = None,
                    mime_type: str | None = None) -> _StoredFile:
        n = next(self._ids)
        stored = _StoredFile(f"{folder.removesuffix('s')}-{n}", f"uniq-{n}", f"{folder}/file_{n}{suffix}",
                             content, name, mime_type)
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored.file_id
        return stored

    # ---- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = unquote(request.rel_url.raw_path)  # PTB quotes the token's ":" in file URLs
        if path.startswith("/file/bot"):
            token, _, file_path = path.removeprefix("/file/bot").partition("/")
            if token != self.token:
                return _error_response(_ApiError(401, "Unauthorized"))
            file_id = self._file_paths.get(file_path)
            if file_id is None:
                return _error_response(_ApiError(404, "Not Found"))
            self.downloads.append(file_path)
            return web.Response(body=self._files[file_id].content, content_type="application/octet-stream")
        if not path.startswith("/bot"):
            return _error_response(_ApiError(404, "Not Found"))
        token, _, method = path.removeprefix("/bot").partition("/")
        if token != self.token:
            return _error_response(_ApiError(401, "Unauthorized"))
        return await self._call(method, request)

    async def _call(self, method: str, request: web.Request) -> web.Response:
        name, handler = self._methods.get(method.lower(), (method, None))
        try:
            params = await _read_params(request)
        except _ApiError as exc:
            return self._failure(name, exc)
        self.calls.append((name, params))  # before fault injection, so tests can see retries
        self._notify()
        try:
            if handler is None:
                raise _ApiError(404, "Not Found")
            self._inject_fault(name)
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except _ApiError as exc:
            response = self._failure(name, exc)
        except Exception:  # an emulator bug must show up as a failed call, not a hung test
            _log.exception("emulator failed on %s", name)
            response = self._failure(name, _ApiError(500, "Internal Server Error"))
        else:
            response = web.json_response({"ok": True, "result": result}, dumps=_dumps)
        self._notify()
        return response

    def _failure(self, method: str, exc: _ApiError) -> web.Response:
        self.errors.append((method, exc.code, exc.description))
        return _error_response(exc)

    def _inject_fault(self, method: str) -> None:
        wanted = method.lower()
        for fault in self._faults:
            if fault.method == wanted or (fault.method is None and wanted != "getupdates"):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                if fault.error.code == 429:
                    self.rejected_429 += 1
                raise fault.error

    # ---- API methods --------------------------------------------------------------------------

    def _get_me(self, _: Params) -> dict[str, Any]:
        return {**self._bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def _delete_webhook(self, params: Params) -> bool:
        if params.get("drop_pending_updates") is True:
            self._queue.clear()
        return True

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        """Long polling with Telegram's confirm-by-offset semantics; a newer poll evicts an older one."""
        self._settle_poller(_CONFLICTED)
        offset = _as_int(params.get("offset")) or 0
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        timeout = params.get("timeout") or 0
        if not isinstance(timeout, int | float):
            raise _bad("wrong parameter timeout")
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = set(allowed) if isinstance(allowed, list) and allowed else None
        if offset < 0:  # Telegram: keep only the last -offset updates
            self._queue = self._queue[offset:]
            offset = 0
        elif offset > 0:
            self._queue = [q for q in self._queue if q.update_id >= offset or q.sticky]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            batch = self._take(offset, limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closed:
                return batch
            waiter: asyncio.Future[str] = loop.create_future()
            self._poller = waiter
            try:
                outcome = await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                outcome = _WOKEN
            finally:
                if self._poller is waiter:
                    self._poller = None
            if outcome == _CONFLICTED:
                raise _ApiError(409, CONFLICT)
            if outcome == _STOPPED:
                return []

    def _take(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self._allowed_updates is not None:
            self._queue = [q for q in self._queue if _update_type(q.update) in self._allowed_updates]
        batch = [q for q in self._queue if q.update_id >= offset or q.sticky][:limit]
        for queued in batch:
            queued.sticky = False
        return [queued.update for queued in batch]

    def _chat(self, params: Params) -> _Chat:
        """The target chat of a send or edit: it must exist and must not have blocked the bot."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat_id = _as_int(raw)
        chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat_id is None or chat is None:
            raise _bad("chat not found")
        if chat_id in self._blocked:
            raise _ApiError(403, BLOCKED)
        return chat

    def _formatted(self, params: Params, key: str, limit: int) -> tuple[str, list[dict[str, Any]]]:
        """Text or caption after parse_mode, as Telegram would store it; enforces emptiness and length."""
        raw = params.get(key)
        source = "" if raw is None else str(raw)
        explicit = params.get("caption_entities" if key == "caption" else "entities")
        mode = str(params.get("parse_mode") or "").lower()
        if isinstance(explicit, list):
            text, entities = source, [dict(e) for e in explicit if isinstance(e, dict)]
        elif mode == "html":
            try:
                text, entities = parse_html(source)
            except EntityParseError as exc:
                raise _bad(str(exc)) from None
        elif mode == "":
            text, entities = source, []
        else:
            raise _bad("unsupported parse_mode")
        text, entities = _strip(text, entities)
        if key == "text" and not text:
            raise _bad("message text is empty")
        if utf16_len(text) > limit:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return text, entities

    def _check_reply(self, chat: _Chat, params: Params) -> None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict) or reply.get("allow_sending_without_reply") is True:
            return
        if reply.get("chat_id") not in (None, chat.info["id"]):
            return
        target = _as_int(reply.get("message_id"))
        live = target in chat.user_messages or (
            target in chat.bot_messages)
        if not live:
            raise _bad("message to be replied not found")

    def _store(self, chat: _Chat, content: dict[str, Any], html: str, markup: dict[str, Any] | None) -> dict[str, Any]:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        raw: dict[str, Any] = {"message_id": message_id, "from": dict(self._bot_user), "chat": dict(chat.info),
                               "date": _now(), **content}
        if inline := _inline(markup):
            raw["reply_markup"] = inline
        elif markup is not None and "keyboard" in markup:
            chat.keyboard = markup
        elif markup is not None and markup.get("remove_keyboard"):
            chat.keyboard = None
        view = BotMessage(message_id=message_id, chat_id=chat.info["id"],
                          text=content.get("text", content.get("caption", "")), html=html,
                          buttons=_buttons(inline), date=raw["date"], document=content.get("document"),
                          photo=(content.get("photo") or [None])[-1], reply_markup=markup)
        chat.bot_messages[message_id] = _Sent(view, raw)
        return raw

    def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params)
        text, entities = self._formatted(params, "text", MAX_TEXT)
        markup = _check_markup(params.get("reply_markup"))
        self._check_reply(chat, params)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._store(chat, content, str(params["text"]), markup)

    def _upload(self, params: Params, key: str) -> _StoredFile:
        chat_file = params.get(key)
        if isinstance(chat_file, UploadedFile):
            if not chat_file.content:
                raise _bad("file must be non-empty")
            folder = "photos" if key == "photo" else "documents"
            return self._store_file(chat_file.content, folder, PurePosixPath(chat_file.filename or "").suffix,
                                    chat_file.filename, chat_file.mime_type)
        if isinstance(chat_file, str) and chat_file in self._files:
            return self._files[chat_file]
        if chat_file is None or chat_file == "":
            raise _bad(f"there is no {key} in the request")
        raise _bad("wrong file identifier/HTTP URL specified")

    def _send_photo(self, params: Params) -> dict[str, Any]:
        """A picture: Telegram shows it, and refuses what is not an image (PNG here)."""
        chat = self._chat(params)
        stored = self._upload(params, "photo")
        if stored.content[:8] != b"\x89PNG\r\n\x1a\n" or len(stored.content) < 24:
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = (int.from_bytes(stored.content[i:i + 4], "big") for i in (16, 20))
        caption, entities = self._formatted(params, "caption", MAX_CAPTION)
        markup = _check_markup(params.get("reply_markup"))
        photo = [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": width,
                  "height": height, "file_size": len(stored.content)}]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._store(chat, content, str(params.get("caption") or ""), markup)

    def _send_document(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params)
        stored = self._upload(params, "document")
        caption, entities = self._formatted(params, "caption", MAX_CAPTION)
        markup = _check_markup(params.get("reply_markup"))
        self._check_reply(chat, params)
        content: dict[str, Any] = {"document": stored.document()}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._store(chat, content, str(params.get("caption") or ""), markup)

    def _edited(self, params: Params) -> _Sent:
        if "inline_message_id" in params and "chat_id" not in params:
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = _as_int(params.get("message_id"))
        sent = chat.bot_messages.get(message_id) if message_id is not None else None
        if sent is None:
            if message_id in chat.user_messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return sent

    def _edit_message_text(self, params: Params) -> dict[str, Any]:
        sent = self._edited(params)
        if "text" not in sent.raw:
            raise _bad("there is no text in the message to edit")
        text, entities = self._formatted(params, "text", MAX_TEXT)
        markup = _check_markup(params.get("reply_markup"))
        if markup is not None and _inline(markup) is None:
            raise _bad("inline keyboard expected")
        if (text, entities, markup) == (sent.raw["text"], sent.raw.get("entities", []), sent.raw.get("reply_markup")):
            raise _bad(NOT_MODIFIED)
        sent.raw["text"] = text
        sent.view.text, sent.view.html = text, str(params["text"])
        if entities:
            sent.raw["entities"] = entities
        else:
            sent.raw.pop("entities", None)
        return self._apply_markup(sent, markup)

    def _apply_markup(self, sent: _Sent, markup: dict[str, Any] | None) -> dict[str, Any]:
        """Finish an edit; an edit without reply_markup removes the keyboard, as on Telegram."""
        if markup is None:
            sent.raw.pop("reply_markup", None)
        else:
            sent.raw["reply_markup"] = markup
        sent.raw["edit_date"] = _now()
        sent.view.buttons, sent.view.reply_markup = _buttons(markup), markup
        sent.view.edits += 1
        return sent.raw

    def _answer_callback_query(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise _bad(QUERY_INVALID)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers[query_id] = dict(params)
        return True

    def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.content), "file_path": stored.file_path}

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: Params) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        self._commands[self._commands_key(params)] = commands
        return True


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _error_response(exc: _ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.code)


async def _read_params(request: web.Request) -> Params:
    """Query string plus a form, multipart or JSON body, with the known JSON-typed fields decoded."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise _bad("JSON object expected")
            params.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    params[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    params[key] = value
    for key in _JSON_FIELDS.intersection(params):
        if isinstance(params[key], str):
            with contextlib.suppress(ValueError):  # e.g. chat_id="@channel" is meant as a string
                params[key] = json.loads(params[key])
    return params
