"""Time in UTC, the one way moments are stored (see :class:`catalog.storage.models.UTCDateTime`)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

