"""Plain, immutable views of a paper that cross threads and feed every exporter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The JSON export's keys, in order. Later versions may add keys, never rename or drop them.
JSON_KEYS = (
    "id",
    "title",
    "authors",
    "et_al",
    "affiliations",
    "category",
    "published",
    "score",
    "has_code",
    "abstract",
    "status",
    "starred",
    "rating",
    "tags",
    "note",
    "sources",
    # Identity across sources (versionless arXiv id, lower-cased DOI): a restore keeps it.
    "arxiv_id",
    "doi",
    # What arXiv says besides: the latest version seen, where the paper was published.
    "arxiv_version",
    "journal_ref",
)

# What a paper can be: not yet decided, kept or dismissed.
STATUSES = ("new", "kept", "dismissed")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    file: str
    content_hash: str
    line: int
    imported_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "content_hash": self.content_hash,
            "line": self.line,
            "imported_at": self.imported_at,
        }


@dataclass(frozen=True, slots=True)
class PaperRecord:
    id: int
    title: str | None
    authors: tuple[str, ...]
    et_al: bool
    affiliations: tuple[str, ...]
    category: str | None
    published: date | None
    year_inferred: bool
    score: float | None
    has_code: bool
    abstract: str
    status: str
    starred: bool
    rating: int | None
    note: str
    tags: tuple[str, ...] = ()
    sources: tuple[SourceRecord, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    decided_at: str | None = None
    decisions_at: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    arxiv_version: int | None = None
    journal_ref: str | None = None

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else ""

    @property
    def author_line(self) -> str:
        shown = ", ".join(self.authors)
        return f"{shown} et al." if self.et_al else shown

    def to_json(self) -> dict[str, Any]:
        """The JSON export/backup object (see JSON_KEYS); extra keys carry restore details."""
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "et_al": self.et_al,
            "affiliations": list(self.affiliations),
            "category": self.category,
            "published": self.published.isoformat() if self.published else None,
            "score": self.score,
            "has_code": self.has_code,
            "abstract": self.abstract,
            "status": self.status,
            "starred": self.starred,
            "rating": self.rating,
            "tags": list(self.tags),
            "note": self.note,
            "sources": [s.to_json() for s in self.sources],
            "arxiv_id": self.arxiv_id,
            "doi": self.doi,
            "arxiv_version": self.arxiv_version,
            "journal_ref": self.journal_ref,
            "year_inferred": self.year_inferred,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "decided_at": self.decided_at,
            "decisions_at": self.decisions_at,
        }


@dataclass(frozen=True, slots=True)
class DecisionState:
    """The researcher's decisions on one paper: what undo and redo restore."""

    paper_id: int
    status: str
    starred: bool
    rating: int | None
    note: str
    tags: tuple[str, ...]
    decided_at: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """A committed change to decisions; applying `before` undoes it, `after` redoes it."""

    label: str
    before: tuple[DecisionState, ...]
    after: tuple[DecisionState, ...] = field(default=())

    @property
    def paper_ids(self) -> tuple[int, ...]:
        return tuple(s.paper_id for s in self.before)

    @property
    def changed(self) -> bool:
        return self.before != self.after
