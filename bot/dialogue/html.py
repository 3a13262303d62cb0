"""Telegram HTML that Telegram accepts: escaping, safe excerpts of what learners typed, and splitting
long texts into messages under 4,096 UTF-16 units without ever cutting a tag or an ``&entity;``."""

from __future__ import annotations

import html
import re
import unicodedata

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units after entity parsing
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-z-]+)")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram offset and limit."""
    return len(text.encode("utf-16-le")) // 2


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def _is_mark(ch: str) -> bool:
    """Combining marks, including Khmer vowel signs and the coeng: never start a piece with one."""
    return unicodedata.category(ch).startswith("M") or ch == "\u17d2"


def _cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` so the head has at most ``limit`` UTF-16 units: after the last space
    that fits, else between two characters that do not belong to one written syllable."""
    end = 0
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            break
        end = i + 1
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", 0, end + 1)
    if space > 0:
        return space
    while 0 < end < len(text) and (_is_mark(text[end]) or text[end - 1] == "\u17d2"):
        end -= 1
    return max(end, 1)


def excerpt(text: str, limit: int = 120) -> str:
    """At most ``limit`` characters of plain ``text`` (what a learner typed), cut at a word or
    syllable boundary with an ellipsis: for echoing a goal back without flooding the screen."""
    text = " ".join(text.split())
    if utf16_len(text) <= limit:
        return text
    return text[:_cut_point(text, limit - 1)].rstrip() + "…"


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML into messages under ``limit``: at line breaks first; a single line that is still
    too long is cut between tags and entities, closing the open tags at the end of one message and
    opening them again at the start of the next, so every part is valid on its own."""
    if utf16_len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = [line] if utf16_len(line) <= limit else _cut_line(line, limit)
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if utf16_len(candidate) <= limit:
                current = candidate
                continue
            if current.strip():
                parts.append(current)
            current = piece
    if current.strip():
        parts.append(current)
    return parts


def _cut_line(line: str, limit: int) -> list[str]:
    out: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written), innermost last
    current = ""

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def flush() -> None:
        nonlocal current
        if current != "".join(tag for _, tag in open_tags):
            out.append(current + closing())
        current = "".join(tag for _, tag in open_tags)

    for token in _TOKEN.findall(line):
        tag = _TAG.match(token) if token.startswith("<") and token.endswith(">") else None
        if tag is not None or token.startswith("&"):  # tags and entities are never cut
            if utf16_len(current) + utf16_len(token) + utf16_len(closing()) > limit:
                flush()
            current += token
            if tag is not None and tag.group(1):
                if open_tags and open_tags[-1][0] == tag.group(2):
                    open_tags.pop()
            elif tag is not None:
                open_tags.append((tag.group(2), token))
            continue
        while token:
            room = limit - utf16_len(current) - utf16_len(closing())
            if utf16_len(token) <= room:
                current += token
                break
            cut = _cut_point(token, room)
            if utf16_len(token[:cut]) > room:  # not even one character fits: start a new message
                flush()
                continue
            current += token[:cut]
            token = token[cut:].lstrip(" ")
            flush()
    flush()
    return out
