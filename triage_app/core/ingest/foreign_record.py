"""A paper read from another tool's file (RIS, BibTeX, a screening tool's CSV, an arXiv
feed): its paper columns, and the decisions the file carries, mapped onto the app's.

The file's decisions have no clock the app can trust, so they only fill in: a status where
the paper is still new, a rating where it has none, a star, tags added, a note where it has
none (see `foreign_decisions`). `status` None means the file said nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from triage_app.core.ingest.foreign_text import author_list, one_line, strip_markup
from triage_app.core.ingest.rows import paper_row
from triage_app.core.triage import tag_key

MAX_TEXT = 1 << 20  # one field; a longer one is cut (a hostile or broken file)
MAX_VERSION = 10_000
MAX_JOURNAL_REF = 1000


@dataclass(frozen=True, slots=True)
class ForeignRecord:
    line: int
    row: dict[str, Any]
    status: str | None = None
    starred: bool = False
    rating: int | None = None
    note: str = ""
    tags: tuple[str, ...] = ()

    @property
    def has_decisions(self) -> bool:
        return bool(self.status or self.starred or self.rating or self.note or self.tags)


def make_record(
    line: int,
    *,
    title: str | None,
    authors: Iterable[str] = (),
    abstract: str | None = None,
    published: str | None = None,
    category: str | None = None,
    arxiv_id: str | None = None,
    doi: str | None = None,
    arxiv_version: int | None = None,
    journal_ref: str | None = None,
    affiliations: Iterable[str] = (),
    status: str | None = None,
    starred: bool = False,
    rating: int | None = None,
    note: str = "",
    tags: Iterable[str] = (),
    names_done: bool = False,
    et_al: bool = False,
) -> ForeignRecord:
    """Raises ValueError (the record is skipped) when it has neither title nor abstract."""
    title = one_line(title)[:MAX_TEXT] or None
    abstract = (abstract or "").strip()[:MAX_TEXT]
    if not title and not abstract:
        raise ValueError("a record needs a title or an abstract")
    if names_done:
        shown = tuple(a for a in (one_line(a) for a in authors) if a)
    else:
        shown, found_et_al = author_list(list(authors))
        et_al = et_al or found_et_al
    row = paper_row(
        title=title,
        authors=shown,
        et_al=et_al,
        affiliations=[a for a in (one_line(a) for a in affiliations) if a],
        category=category,
        published=published,
        year_inferred=False,
        score=None,
        has_code=False,
        abstract=abstract,
        arxiv_id=arxiv_id,
        doi=doi,
        # A version past any arXiv has given out is a broken file's, not a version.
        arxiv_version=arxiv_version if arxiv_version and arxiv_version <= MAX_VERSION else None,
        journal_ref=one_line(journal_ref)[:MAX_JOURNAL_REF] or None,
    )
    seen: dict[str, str] = {}  # in file order, one a key by the tag table's rule
    for tag in tags:
        name = one_line(tag)[:200]
        if name:
            seen.setdefault(tag_key(name), name)
    return ForeignRecord(
        line=line,
        row=row,
        status=status,
        starred=starred,
        rating=rating,
        note=note.strip()[:MAX_TEXT],
        tags=tuple(seen.values()),
    )


# ------------------------------------------------------------ decisions in notes
_ASREVIEW = re.compile(r"\bASReview_(relevant|irrelevant|not_seen)\b\.?", re.IGNORECASE)
_TRIAGE = re.compile(
    r"^\s*triage: (new|kept|dismissed)(?:; rating ([1-5]))?(; starred)?\s*$", re.IGNORECASE
)
# This app's RIS export marks an author list the listing cut short (export/ris.py).
_ET_AL = re.compile(r"^et al\.: the listing named only (?:these \d+ authors|this author)$")
_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{(?P<votes>[^}]*)\}")
_RAYYAN_VOTE = re.compile(r'"(?P<who>[^"]*)"\s*=>\s*"(?P<vote>[^"]*)"')
_RAYYAN_LABELS = re.compile(r"RAYYAN-LABELS:\s*(?P<labels>[^|]*)")
_RAYYAN_USER_NOTES = re.compile(r"USER-NOTES:\s*\{(?P<notes>.*)\}", re.DOTALL)
_RAYYAN_ANY = re.compile(r"\s*\|?\s*(RAYYAN-[A-Z-]+|USER-NOTES):")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*=>)?')  # a quoted text, or a name before =>


@dataclass
class NoteDecisions:
    status: str | None = None
    rating: int | None = None
    starred: bool = False
    tags: tuple[str, ...] = ()
    note: str = ""
    et_al: bool = False


def decisions_from_notes(notes: Iterable[str]) -> NoteDecisions:
    """Read the decisions tools write into notes: ASReview's labels, Rayyan's
    `RAYYAN-INCLUSION: {"Name"=>"Included"}` (with its labels and user notes), and the
    `triage: kept; rating 4; starred` and et al. lines of this app's own RIS export. What is left of
    the notes becomes the note."""
    found = NoteDecisions()
    kept_text: list[str] = []
    tags: list[str] = []
    for raw in notes:
        text = strip_markup(raw).strip()
        if not text:
            continue
        own = _TRIAGE.match(text)
        if own:
            found.status = own[1].lower() if own[1].lower() != "new" else found.status
            found.rating = int(own[2]) if own[2] else found.rating
            found.starred = found.starred or bool(own[3])
            continue
        if _ET_AL.match(text):
            found.et_al = True
            continue
        if "RAYYAN-" in text or "USER-NOTES:" in text:
            status, labels, user_notes = _rayyan(text)
            found.status = status or found.status
            tags += labels
            kept_text += user_notes
            continue
        label = _ASREVIEW.search(text)
        if label:
            kind = label[1].lower()
            if kind == "relevant":
                found.status = "kept"
            elif kind == "irrelevant":
                found.status = "dismissed"
            text = _ASREVIEW.sub(" ", text)
            text = one_line(text).strip(" .")
        if text:
            kept_text.append(text)
    found.tags = tuple(tags)
    found.note = "\n".join(dict.fromkeys(kept_text))
    return found


def _rayyan(text: str) -> tuple[str | None, list[str], list[str]]:
    status = None
    inclusion = _RAYYAN_INCLUSION.search(text)
    if inclusion:
        votes = {m["vote"].strip().lower() for m in _RAYYAN_VOTE.finditer(inclusion["votes"])}
        # Only a unanimous vote is a decision; a conflict or a "Maybe" stays undecided.
        if votes == {"included"}:
            status = "kept"
        elif votes == {"excluded"}:
            status = "dismissed"
    labels: list[str] = []
    found = _RAYYAN_LABELS.search(text)
    if found:
        labels = [one_line(t) for t in found["labels"].split(",") if one_line(t)]
    notes: list[str] = []
    user = _RAYYAN_USER_NOTES.search(text)
    if user:
        notes = [one_line(q) for q, name in _QUOTED.findall(user["notes"]) if not name]
        notes = [n for n in notes if n]
        notes = notes or [one_line(user["notes"])]
    return status, labels, notes
