"""Plain records that a listing parser yields: parsed entries and per-entry problems."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class ListingError(Exception):
    """A whole file is refused (not a listing: binary, empty, another format)."""


@dataclass(frozen=True, slots=True)
class ListingEntry:
    """One entry as the listing shows it; `line` is the 1-based line where it starts."""

    line: int
    title: str | None
    authors: tuple[str, ...]
    et_al: bool
    affiliations: tuple[str, ...]
    category: str | None
    published: date | None
    year_in_listing: bool
    score: float | None
    has_code: bool
    abstract: str


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A malformed entry that was skipped; reported as `FILE:LINE: reason`."""

    line: int
    reason: str
