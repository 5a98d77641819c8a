"""CSV files of screening and reference tools (ASReview, Rayyan, Zotero, Scopus...),
mapped by their column names.

Known names (case, spaces and underscores folded) for each field are listed in COLUMNS;
a file needs a title or an abstract column, and one without either is refused with a
message naming the columns it can read. Decisions: ASReview's `included` /
`label_included` (1 kept, 0 dismissed, -1 or empty unseen), Rayyan's
`RAYYAN-INCLUSION: {"Name"=>"Included"}` in its `notes` column (with its labels and
notes); keywords become tags and other notes the note.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterable, Iterator

from triage_app.core.ingest.entries import ListingError, ParseProblem
from triage_app.core.ingest.foreign_record import (
    ForeignRecord,
    decisions_from_notes,
    make_record,
)
from triage_app.core.ingest.foreign_text import arxiv_category, iso_day, split_tags
from triage_app.core.ingest.identity import ids_from

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "primary title", "ti", "article title", "document title", "t1"),
    "abstract": ("abstract", "ab", "abstract note", "notes abstract", "n2", "summary"),
    "authors": ("authors", "author", "au", "first authors", "a1"),
    # Web of Science writes both `AU` (`Owen-Smith, J`) and `AF` (`Owen-Smith, Jason`).
    "full_authors": ("af", "author full names"),
    "year": ("year", "publication year", "py", "pub year", "date", "published", "y1", "da"),
    "month": ("month", "pd", "publication date"),
    "doi": ("doi", "do", "di"),
    "url": ("url", "urls", "link", "ur"),
    "arxiv": ("arxiv id", "arxiv", "eprint"),
    "category": ("primary category", "category"),
    "keywords": ("keywords", "kw", "manual tags", "author keywords", "tags", "de"),
    "label": ("included", "label included", "final included", "asreview label", "label"),
    # Not `note`: ASReview writes RIS's M1 (a number) there.
    "notes": ("notes", "n1", "user notes"),
}
_KNOWN = {name: field for field, names in COLUMNS.items() for name in names}
MAX_CELL = 16 << 20
_POSITIVE = {"1", "1.0", "true", "yes", "y", "included", "include", "relevant", "kept"}
_NEGATIVE = {"0", "0.0", "false", "no", "n", "excluded", "exclude", "irrelevant", "dismissed"}


def fold(name: str) -> str:
    return " ".join(re.split(r"[\s_\-.]+", name.strip().lstrip("\ufeff").strip('"').lower()))


def delimiter_of(header: str) -> str:
    return max(",;\t", key=header.count)


def looks_like_header(line: str) -> bool:
    """A first line of short, name-like cells with a delimiter: a table's header."""
    delim = delimiter_of(line)
    if line.count(delim) < 1:
        return False
    try:
        cells = next(csv.reader([line], delimiter=delim))
    except (csv.Error, StopIteration):
        return False
    if len(cells) < 2 or not all(0 < len(c.strip()) <= 60 for c in cells):
        return False
    if any(fold(c) in _KNOWN for c in cells):
        return True
    # Unknown names still make a table (whose reader then names the columns it needs),
    # but a line of prose with a comma does not.
    return len(cells) >= 3 and not any(c.strip().endswith(".") for c in cells)


def read_tool_csv(lines: Iterable[str], name: str) -> Iterator[ForeignRecord | ParseProblem]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    source = (line if line.endswith("\n") else line + "\n" for line in lines)
    first = next(source, "")
    delim = delimiter_of(first)
    try:
        header = next(csv.reader([first], delimiter=delim))
    except (csv.Error, StopIteration) as exc:
        raise ListingError(f"unreadable CSV header ({exc})") from exc
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = _KNOWN.get(fold(cell))
        if field and field not in columns:
            columns[field] = index
    if "title" not in columns and "abstract" not in columns:
        shown = ", ".join(h.strip() for h in header[:12]) + (", ..." if len(header) > 12 else "")
        raise ListingError(
            "CSV columns not recognised: a table needs a `title` or an `abstract` column "
            "(also read: authors, year, doi, url, keywords, notes, included or "
            f"label_included); this file has: {shown}"
        )
    reader = csv.reader(source, delimiter=delim)
    line = 1
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ParseProblem(start, f"malformed CSV: {exc}")
            return
        line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        try:
            yield _record({f: row[i] for f, i in columns.items() if i < len(row)}, start)
        except ValueError as exc:
            yield ParseProblem(start, str(exc))


def _authors(cell: str) -> list[str]:
    cell = cell.strip()
    if cell.startswith("[") and cell.endswith("]"):
        try:  # ASReview writes Python lists: ['Marx, Karl', 'Lindgren, Astrid']
            value = ast.literal_eval(cell)
            if isinstance(value, list):
                return [str(v) for v in value]
        except (ValueError, SyntaxError):
            pass
    if ";" in cell:
        return [p for p in cell.split(";") if p.strip()]
    if " and " in cell:
        return [p for p in cell.split(" and ") if p.strip()]
    parts = [p.strip() for p in cell.split(",")]
    # `Family, Given` is one person; `Given Family, Given Family` a list.
    if len(parts) > 2 or (len(parts) == 2 and " " in parts[0] and " " in parts[1]):
        return parts
    return [cell] if cell else []


def _label(cell: str | None) -> str | None:
    value = (cell or "").strip().lower()
    if value in _POSITIVE:
        return "kept"
    if value in _NEGATIVE:
        return "dismissed"
    return None


def _record(cells: dict[str, str], line: int) -> ForeignRecord:
    decisions = decisions_from_notes([cells["notes"]] if cells.get("notes") else [])
    arxiv_id, doi = ids_from(cells.get("doi"), cells.get("arxiv"), cells.get("url"))
    keywords = cells.get("keywords", "")
    if keywords.strip().startswith("["):
        tags = _authors(keywords)
    else:
        tags = split_tags(keywords, ";," if ";" not in keywords else ";")
    return make_record(
        line,
        title=cells.get("title"),
        authors=_authors(cells.get("full_authors") or cells.get("authors", "")),
        abstract=cells.get("abstract"),
        published=iso_day(cells.get("year"), month=cells.get("month")),
        category=arxiv_category(cells.get("category")),
        arxiv_id=arxiv_id,
        doi=doi,
        status=_label(cells.get("label")) or decisions.status,
        starred=decisions.starred,
        rating=decisions.rating,
        note=decisions.note,
        tags=[*tags, *decisions.tags],
    )
