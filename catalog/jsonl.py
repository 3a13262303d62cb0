"""JSON Lines input (batch goals, evaluation sets): one reader, one set of error messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from catalog.errors import InputError


def read_jsonl(path: str | Path, *, limit: int | None = None) -> list[tuple[int, Any]]:
    """(line number, decoded value) for every non-blank line of ``path`` (``-`` reads stdin).
    Raises :class:`InputError` naming ``file:line`` for the first line that is not JSON."""
    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    out: list[tuple[int, Any]] = []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if limit is not None and len(out) >= limit:
            raise InputError(f"{path}: more than {limit:,} lines; split the file")
        try:
            out.append((no, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{no}: not JSON ({exc.msg})") from None
    return out
