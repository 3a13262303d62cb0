"""Callback data: short, stateless strings (``"e:17"``) that any worker can decode after a restart.

Telegram limits callback data to 64 bytes; every code here stays far below it and :func:`encode`
enforces the limit, so a long value fails in tests instead of on a learner's phone.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64

# action -> meaning (argument)
LANGUAGE = "l"      # set language (km|vi|en)
CONSENT = "c"       # privacy consent (y|n)
DETAILS = "d"       # course details (course id)
ENROL = "e"         # enrol (course id)
WITHDRAW = "w"      # withdraw (course id)
MORE = "m"          # results page (page number)
REFINE = "r"        # toggle a refinement (free|online|weekends)
PROVINCES = "pp"    # show the province picker (page of the picker)
PROVINCE = "p"      # pick a province (province id, "-" to clear)
DROP = "x"          # drop a constraint understood from the goal (its kind)
GUIDE = "g"         # "help me choose": sectors
SECTOR = "gs"       # jobs of a sector (sector)
JOB = "gj"          # recommend for a job (sector.index)
DELETE = "del"      # erase my data (y|n)
MY_COURSES = "my"   # list my courses
ACTIONS = frozenset({LANGUAGE, CONSENT, DETAILS, ENROL, WITHDRAW, MORE, REFINE, PROVINCES, PROVINCE, DROP, GUIDE,
                     SECTOR, JOB, DELETE, MY_COURSES})


@dataclass(frozen=True)
class Callback:
    action: str
    arg: str = ""

    @property
    def number(self) -> int:
        """The argument as a non-negative integer (course id, page); ValueError otherwise."""
        if not self.arg.isdigit():
            raise ValueError(f"callback {self.action!r} needs a number, got {self.arg!r}")
        return int(self.arg)


def encode(action: str, arg: str | int = "") -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown callback action {action!r}")
    data = f"{action}:{arg}" if arg != "" else action
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data; None for anything this bot did not produce (old or forged buttons)."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    action, _, arg = data.partition(":")
    if action not in ACTIONS:
        return None
    return Callback(action, arg)
