"""A paper read back from one of our own exports (JSON or CSV), validated field by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from triage_app.core.ingest.rows import backup_row
from triage_app.core.records import STATUSES


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
    for key in ("title", "abstract", "category", "note"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValueError(f"{key} must be text, not {obj[key]!r:.60}")
    score = obj.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ValueError(f"score must be a number or null, not {score!r:.60}")
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
            date.fromisoformat(published)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"published is not an ISO date: {published!r}") from exc
    for key in ("authors", "affiliations", "tags"):
        value = obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{key} must be a list of strings")
    sources = []
    for src in obj.get("sources") or []:
        if not isinstance(src, dict) or not {"file", "content_hash", "line"} <= src.keys():
            raise ValueError("each source needs file, content_hash and line")
        sources.append(src)
    pid = obj.get("id")
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
        created_at=obj.get("created_at") or None,
        # Exports before `decisions_at` existed: their last change is the best clock there is.
        decisions_at=obj.get("decisions_at") or obj.get("updated_at") or None,
        decided_at=obj.get("decided_at") or (None if status == "new" else obj.get("updated_at")),
    )
