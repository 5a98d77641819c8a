"""The paper list's columns, and what one paper shows in each: its text, icon and tooltip.

Also the small conversions the list, the reader and the decisions share: a record's
decision state, a record with another state, the title shown for a paper without one.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from triage_app.core.records import DecisionState, PaperRecord
from triage_app.gui import icons

PLACEHOLDER_WORDS = 12


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    order: str | None  # Library.list_ids order, None when not sortable
    width: int
    tip: str


COLUMNS: tuple[Column, ...] = (
    Column("status", "", "status", 26, "Status: new, kept or dismissed"),
    Column("star", "", "starred", 26, "Starred"),
    Column("rating", "Rating", "rating", 64, "Your rating, 1-5"),
    Column("title", "Title", "title", 520, "Title (italic: no title in the listing)"),
    Column("author", "First author", "author", 150, "First author"),
    Column("category", "Cat.", "category", 48, "Category"),
    Column("date", "Date", "published", 92, "Publication date"),
    Column("score", "Score", "score", 56, "Feed score"),
    Column("code", "Code", "has_code", 44, "The listing says code is available"),
    Column("tags", "Tags", None, 160, "Tags"),
)
COL = {c.key: i for i, c in enumerate(COLUMNS)}


def state_of(record: PaperRecord) -> DecisionState:
    return DecisionState(
        record.id,
        record.status,
        record.starred,
        record.rating,
        record.note,
        record.tags,
        record.decided_at,
    )


def with_state(record: PaperRecord, state: DecisionState) -> PaperRecord:
    return replace(
        record,
        status=state.status,
        starred=state.starred,
        rating=state.rating,
        note=state.note,
        tags=state.tags,
        decided_at=state.decided_at,
    )


def placeholder_title(record: PaperRecord) -> str:
    words = record.abstract.split()
    head = " ".join(words[:PLACEHOLDER_WORDS])
    return f"[no title] {head}…" if len(words) > PLACEHOLDER_WORDS else f"[no title] {head}"


def changed_fields(old: PaperRecord, new: PaperRecord, *, content: bool = False) -> list[str]:
    fields = [
        f
        for f in ("status", "starred", "rating", "tags", "note")
        if getattr(old, f) != getattr(new, f)
    ]
    if content and (
        old.title,
        old.authors,
        old.category,
        old.published,
        old.score,
        old.has_code,
    ) != (new.title, new.authors, new.category, new.published, new.score, new.has_code):
        fields.append("status")  # every column
    return fields


def cell_text(record: PaperRecord, key: str) -> str | None:
    if key == "title":
        return record.title or placeholder_title(record)
    if key == "author":
        return record.first_author + (" et al." if record.et_al or len(record.authors) > 1 else "")
    if key == "category":
        return record.category or ""
    if key == "date":
        return record.published.isoformat() if record.published else ""
    if key == "score":
        return "" if record.score is None else f"{record.score:g}"
    if key == "rating":
        return "★" * record.rating if record.rating else ""
    if key == "tags":
        return ", ".join(record.tags)
    if key == "code":  # a word: the code-braces glyph read as a literal "{}"
        return "yes" if record.has_code else ""
    return None


_STATUS_ICONS = {"new": "new", "kept": "keep", "dismissed": "dismiss"}


def cell_icon(record: PaperRecord, key: str) -> object:
    if key == "status":
        return icons.cell_icon(_STATUS_ICONS.get(record.status, "new"))
    if key == "star" and record.starred:
        return icons.cell_icon("star")
    return None


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed: Qt renders a tooltip that looks like markup as
    rich text, so a title holding `<b>` or `<img>` is escaped inside a plain paragraph."""
    if "<" not in text and "&" not in text:
        return text
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False) + "</p>"


def cell_tooltip(record: PaperRecord, key: str) -> str | None:
    if key == "title":
        return record.title or "No title in the listing"
    if key == "author":
        return record.author_line
    if key == "status":
        return record.status
    return None
