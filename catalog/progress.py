"""Progress bars on stderr for long work (embedding a catalog), so stdout stays machine-readable."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm


@contextmanager
def progress_bar(desc: str, unit: str = "course") -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr fed by ``(done_increment, total)`` callbacks; silent when nothing to do."""
    bar: tqdm[Any] | None = None

    def update(step: int, total: int) -> None:
        nonlocal bar
        if bar is None and total:
            bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=True, dynamic_ncols=True)
        if bar is not None:
            bar.update(step)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
