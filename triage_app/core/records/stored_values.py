"""Reading values back from a store that older versions (or a hand edit) may have filled
with what today's validation refuses: a text score, an infinite score, a week date.

Restores validate every value before it is written, but a library written before that may
still hold `score = 'abc'` or `published = '2025-W01-1'`. Whatever reads the store for
display, search or export treats such a value as missing instead of failing on it.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def stored_score(value: object) -> int | float | None:
    """A finite number, else None (text, infinities and NaN read as no score)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def stored_date(value: object) -> date | None:
    """A YYYY-MM-DD calendar date, else None."""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def stored_day_number(value: object) -> int:
    """'2025-03-07' -> 20250307; a missing or malformed date -> -1."""
    day = stored_date(value)
    return -1 if day is None else day.year * 10000 + day.month * 100 + day.day


def json_score(value: object) -> str:
    """The JSON text of a stored score: the shortest text that reads back as the same
    number (SQLite's own JSON keeps 15 digits, which changed some scores), `null` for none."""
    return json.dumps(stored_score(value), allow_nan=False)
