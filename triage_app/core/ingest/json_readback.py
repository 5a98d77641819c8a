"""Reading the JSON export back: a list of paper objects, decoded as a stream."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from triage_app.core.ingest.entries import ListingError, ParseProblem
from triage_app.core.ingest.readback_record import BackupRecord, record_from_json
from triage_app.core.records import JSON_KEYS

_SPACE = re.compile(r"[ \t\r\n]*")
# What our export writes besides JSON_KEYS (the restore details).
_EXPORT_EXTRAS = ("year_inferred", "created_at", "updated_at", "decided_at", "decisions_at")
_KNOWN_KEYS = frozenset((*JSON_KEYS, *_EXPORT_EXTRAS))


def check_export_object(obj: object) -> None:
    """Refuse a JSON list that another program wrote (CSL-JSON, an arXiv dump...): its papers
    would merge by title and change nothing. Ours, of any version, carry `status` and
    `sources`; a hand-written object using only our keys is welcome too."""
    if not isinstance(obj, dict):
        return  # reported per item
    if {"status", "sources"} <= obj.keys() or obj.keys() <= _KNOWN_KEYS:
        return
    foreign = sorted(k for k in obj if k not in _KNOWN_KEYS)
    shown = ", ".join(str(k) for k in foreign[:5]) + (", ..." if len(foreign) > 5 else "")
    raise ListingError(
        f"not a triage-app JSON export (its papers have keys triage-app does not write: "
        f"{shown}); import listings, or the JSON or CSV that triage-app exported"
    )


_NEXT_OBJECT = re.compile(r"\n[ \t\r]*[{\]]")


def read_json_backup(lines: Iterable[str], name: str) -> Iterator[BackupRecord | ParseProblem]:
    """Decode a top-level JSON list incrementally (memory flat in the file's size)."""
    decoder = json.JSONDecoder()
    buf = ""
    line_no = 0  # lines consumed into buf
    buf_start_line = 1
    pos = 0
    started = False
    source = iter(lines)
    exhausted = False

    def more() -> bool:
        nonlocal buf, line_no, exhausted
        try:
            buf += next(source) + "\n"
            line_no += 1
            return True
        except StopIteration:
            exhausted = True
            return False

    def skip_ws() -> None:
        nonlocal buf, pos, buf_start_line
        while True:
            pos = _SPACE.match(buf, pos).end()  # type: ignore[union-attr]  # `*` always matches
            if pos < len(buf):
                return
            # Only whitespace left: drop it, so a long blank stretch is not kept and recopied.
            buf_start_line += buf.count("\n")
            buf = ""
            pos = 0
            if not more():
                return

    skip_ws()
    if pos >= len(buf) or buf[pos] != "[":
        raise ListingError("JSON file is not a list of papers (a triage-app JSON export)")
    pos += 1
    started = True
    first = True
    while started:
        skip_ws()
        if pos < len(buf) and buf[pos] == "]":
            return
        if pos < len(buf) and buf[pos] == ",":
            pos += 1
            continue
        item_line = buf_start_line + buf.count("\n", 0, pos)
        undecodable = ""
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if not more():
                    raise ListingError(f"invalid JSON near line {item_line}: {exc.msg}") from exc
            except RecursionError:
                undecodable = "nested too deeply to read"
                break
            except ValueError as exc:  # an integer of thousands of digits
                undecodable = f"a value that cannot be read ({str(exc)[:80]})"
                break
        if undecodable:
            # Skip to the next line that starts a paper (an export writes one a line).
            yield ParseProblem(item_line, undecodable)
            while (found := _NEXT_OBJECT.search(buf, pos + 1)) is None:
                if not more():
                    return
            pos = found.start() + 1
            continue
        pos = end
        if first:
            check_export_object(obj)
            first = False
        try:
            yield record_from_json(obj, item_line)
        except ValueError as exc:
            yield ParseProblem(item_line, str(exc))
        # Drop what was consumed so the buffer stays one paper long.
        buf_start_line += buf.count("\n", 0, pos)
        buf = buf[pos:]
        pos = 0
