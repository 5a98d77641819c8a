"""The paper columns an import writes, built one way for listing entries and read-back papers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from triage_app.core.ingest.entries import ListingEntry
from triage_app.core.ingest.normalize import abstract_key, title_key

# The paper columns an import writes or fills in; decisions are never among them.
META_COLUMNS = (
    "title",
    "title_key",
    "abstract_key",
    "authors",
    "et_al",
    "affiliations",
    "category",
    "published",
    "year_inferred",
    "score",
    "has_code",
    "abstract",
    "arxiv_id",
    "doi",
    "arxiv_version",
    "journal_ref",
)


def paper_row(
    *,
    title: str | None,
    authors: Iterable[str],
    et_al: bool,
    affiliations: Iterable[str],
    category: str | None,
    published: str | None,
    year_inferred: bool,
    score: float | None,
    has_code: bool,
    abstract: str,
    arxiv_id: str | None = None,
    doi: str | None = None,
    arxiv_version: int | None = None,
    journal_ref: str | None = None,
) -> dict[str, Any]:
    """The META_COLUMNS of one paper; the keys that de-duplication matches on are derived here."""
    return {
        "title": title or None,
        "title_key": title_key(title),
        "abstract_key": abstract_key(abstract),
        "authors": _json_list(authors),
        "et_al": bool(et_al),
        "affiliations": _json_list(affiliations),
        "category": category or None,
        "published": published or None,
        "year_inferred": bool(year_inferred),
        "score": score,
        "has_code": bool(has_code),
        "abstract": abstract or "",
        # Identity across files and versions (see identity.py): versionless, lower-case DOI.
        "arxiv_id": arxiv_id or None,
        "doi": doi or None,
        # Only with an arXiv id: the version of that id.
        "arxiv_version": arxiv_version if arxiv_id and arxiv_version else None,
        "journal_ref": journal_ref or None,
    }


# json.dumps(..., ensure_ascii=False) builds an encoder a call; one serves every row.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _json_list(items: Iterable[str]) -> str:
    listed = list(items)
    return _ENCODE(listed) if listed else "[]"


def entry_to_row(entry: ListingEntry) -> dict[str, Any]:
    """Paper columns from a parsed listing entry."""
    return paper_row(
        title=entry.title,
        authors=entry.authors,
        et_al=entry.et_al,
        affiliations=entry.affiliations,
        category=entry.category,
        published=entry.published.isoformat() if entry.published else None,
        year_inferred=bool(entry.published) and not entry.year_in_listing,
        score=entry.score,
        has_code=entry.has_code,
        abstract=entry.abstract,
    )


def backup_row(record: dict[str, Any]) -> dict[str, Any]:
    """Paper columns from a JSON-export object (see paper_record.JSON_KEYS)."""
    return paper_row(
        title=record.get("title"),
        authors=record.get("authors") or [],
        et_al=bool(record.get("et_al")),
        affiliations=record.get("affiliations") or [],
        category=record.get("category"),
        published=record.get("published"),
        year_inferred=bool(record.get("year_inferred", False)),
        score=record.get("score"),
        has_code=bool(record.get("has_code")),
        abstract=record.get("abstract") or "",
        arxiv_id=_text(record.get("arxiv_id")),
        doi=_text(record.get("doi")),
        arxiv_version=record.get("arxiv_version"),
        journal_ref=_text(record.get("journal_ref")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
