"""A paper read back from one of our own exports (JSON or CSV), validated field by field."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from triage_app.core.ingest.foreign_record import MAX_JOURNAL_REF, MAX_VERSION
from triage_app.core.ingest.identity import checked_arxiv_id, checked_doi
from triage_app.core.ingest.rows import backup_row
from triage_app.core.records import NOTE_MAX_CHARS, STATUSES, TAG_MAX_CHARS, text_problem

MAX_ID = 2**63 - 1  # SQLite's largest integer
# A decision clock this far ahead of ours is not trusted: it would make a restored record win
# over every later decision, and a genuine backup could never bring those back.
CLOCK_SKEW = timedelta(days=1)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class BackupRecord:
    line: int
    id: int | None
    row: dict[str, Any]
    status: str
    starred: bool
    rating: int | None
    note: str
    tags: tuple[str, ...]
    sources: tuple[dict[str, Any], ...]
    created_at: str | None
    decisions_at: str | None
    decided_at: str | None


def record_from_json(obj: Any, line: int) -> BackupRecord:
    """Raises ValueError with a short reason for anything that is not a paper object."""
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object for a paper")
    if not obj.get("title") and not obj.get("abstract"):
        raise ValueError("a paper needs a title or an abstract")
    for key in _TEXT_KEYS:
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValueError(f"{key} must be text, not {obj[key]!r:.60}")
    score = obj.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ValueError(f"score must be a number or null, not {score!r:.60}")
    if score is not None and not _finite(score):
        raise ValueError(f"score must be a finite number, not {score!s:.60}")
    if isinstance(score, int) and not -MAX_ID - 1 <= score <= MAX_ID:
        raise ValueError(f"score {score!s:.40} is too large a whole number to store")
    _check_text(obj)
    # Identity across sources (identity.py): a restore keeps it, so a later feed or BibTeX
    # import of the same paper merges into it; stored in the normalised form.
    obj["arxiv_id"] = checked_arxiv_id(obj.get("arxiv_id"))
    obj["doi"] = checked_doi(obj.get("doi"))
    version = obj.get("arxiv_version")
    if version in ("", None):
        obj["arxiv_version"] = None
    elif isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"arxiv_version must be a whole number or null, not {version!r:.60}")
    elif not 1 <= version <= MAX_VERSION:
        raise ValueError(f"arxiv_version must be 1 to {MAX_VERSION:,}, not {version!s:.40}")
    elif not obj["arxiv_id"]:
        raise ValueError("arxiv_version without an arxiv_id")
    journal_ref = obj.get("journal_ref")
    if journal_ref and (problem := text_problem(journal_ref, "journal_ref", MAX_JOURNAL_REF)):
        raise ValueError(problem)
    status = obj.get("status") or "new"
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    rating = obj.get("rating")
    if rating in ("", None):
        rating = None
    elif isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValueError(f"rating must be 1-5 or null, not {rating!r}")
    published = obj.get("published")
    if published:
        try:
            if not isinstance(published, str) or not _ISO_DAY.fullmatch(published):
                raise ValueError(published)
            date.fromisoformat(published)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"published is not a YYYY-MM-DD date: {published!r:.60}") from exc
    starred = obj.get("starred")
    if starred not in (None, True, False, 0, 1):
        raise ValueError(f"starred must be true or false, not {starred!r:.60}")
    for key in _LIST_KEYS:
        value = obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{key} must be a list of strings")
    sources = []
    listed = obj.get("sources") or []
    if not isinstance(listed, list):
        raise ValueError(f"sources must be a list, not {listed!r:.40}")
    for src in listed:
        if not isinstance(src, dict) or not {"file", "content_hash", "line"} <= src.keys():
            raise ValueError("each source needs file, content_hash and line")
        line_no = src["line"]
        if isinstance(line_no, bool) or not isinstance(line_no, int) or not 0 < line_no <= MAX_ID:
            raise ValueError(
                f"a source's line must be a positive whole number, not {line_no!r:.40}"
            )
        if not isinstance(src["file"], str) or not isinstance(src["content_hash"], str):
            raise ValueError("a source's file and content_hash must be text")
        if src.get("imported_at") is not None:
            _timestamp(src, "imported_at")
        sources.append(src)
    stamps = {key: _timestamp(obj, key) for key in _STAMPS}
    pid = obj.get("id")
    if isinstance(pid, int) and not isinstance(pid, bool) and not 0 < pid <= MAX_ID:
        raise ValueError(f"id must be a whole number from 1 to {MAX_ID}, not {pid!s:.40}")
    return BackupRecord(
        line=line,
        id=pid if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 else None,
        row=backup_row(obj),
        status=status,
        starred=bool(obj.get("starred")),
        rating=rating,
        note=str(obj.get("note") or ""),
        tags=tuple(t for t in (obj.get("tags") or []) if t.strip()),
        sources=tuple(sources),
        created_at=stamps["created_at"],
        # Exports before `decisions_at` existed: their last change is the best clock there is.
        decisions_at=_trusted(stamps["decisions_at"] or stamps["updated_at"]),
        decided_at=stamps["decided_at"] or (None if status == "new" else stamps["updated_at"]),
    )


_STAMPS = ("created_at", "updated_at", "decided_at", "decisions_at")
_TEXT_KEYS = ("title", "abstract", "category", "note", "arxiv_id", "doi", "journal_ref")
_LIST_KEYS = ("authors", "affiliations", "tags")


def _finite(number: int | float) -> bool:
    try:
        return math.isfinite(float(number))
    except OverflowError:  # an integer too large for a float
        return False


def _check_text(obj: dict[str, Any]) -> None:
    """Text SQLite can store: a lone surrogate (from a `\\ud800` escape) cannot be."""
    values = [obj.get(k) for k in _TEXT_KEYS]
    for key in _LIST_KEYS:
        if isinstance(obj.get(key), list):
            values += obj[key]
    for value in values:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError("text holds a lone surrogate (not a character)") from exc
            if "\x00" in value:
                raise ValueError("text holds a NUL character")
    note = obj.get("note")
    if isinstance(note, str) and (problem := text_problem(note, "the note", NOTE_MAX_CHARS)):
        raise ValueError(problem)
    tags = obj.get("tags")
    for tag in tags if isinstance(tags, list) else ():
        if isinstance(tag, str) and (problem := text_problem(tag, "a tag", TAG_MAX_CHARS)):
            raise ValueError(problem)


def _timestamp(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{key} is not an ISO date and time: {value!r:.60}") from exc
    return value


def _trusted(clock: str | None) -> str | None:
    """A decision clock ahead of ours (beyond a small skew) is treated as unknown: the
    record's decisions then fill a new paper but never replace a library's own."""
    if clock is None:
        return None
    stamp = datetime.fromisoformat(clock)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return None if stamp > datetime.now(UTC) + CLOCK_SKEW else clock
