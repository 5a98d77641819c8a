"""Limits on what a researcher writes, shared by the note editor, the CLI, every export and
every restore, so that whatever one of them accepts the others carry whole.

A note of up to `NOTE_MAX_CHARS` characters is saved by the window and `mark --note`,
exported by every format, and restored from a JSON or CSV export; a longer one is refused
where it is written (the editor stops at the limit), and a restore file holding one reports
that paper and restores the rest. NUL characters are refused in text: a CSV export holding
one would be taken for a binary file and never read back.
"""

from __future__ import annotations

NOTE_MAX_CHARS = 100_000
TAG_MAX_CHARS = 200
# A restore reads one JSON object a line (and a CSV cell across lines): a record within the
# limits above and a listing's (lines of 1 MiB), whatever its characters' JSON escapes (six
# bytes for a control character), fits within this many bytes a line.
RESTORE_LINE_BYTES = 16 << 20


def text_problem(value: str, what: str, limit: int | None = None) -> str:
    """'' when `value` may be stored as `what`; else the reason it may not."""
    if limit is not None and len(value) > limit:
        return f"{what} is longer than {limit:,} characters ({len(value):,})"
    if "\x00" in value:
        return f"{what} holds a NUL character"
    return ""
