"""Bulk export rows built inside SQLite, for the formats that must reach 20,000 papers/s.

Building a PaperRecord per paper and serialising it in Python costs more than the rest of an
export. Here SQLite assembles each paper's JSON object (`json_object`) or CSV cells, tags
and sources included, and Python only writes them out. Both produce exactly what
`PaperRecord.to_json()` and `csv_table.paper_row()` produce; tests compare the two paths.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from triage_app.core.store import Library

if TYPE_CHECKING:
    from triage_app.core.records import PaperRecord

Tick = Callable[[int], None]  # called with the number of papers written so far
CHUNK = 2000

_BOOL = "json(CASE WHEN {} THEN 'true' ELSE 'false' END)"
_TAGS = (
    "(SELECT json_group_array(name) FROM (SELECT t.name FROM paper_tag pt "
    "JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = p.id ORDER BY t.name COLLATE NOCASE))"
)
_SOURCES_JSON = (
    "(SELECT json_group_array(json_object('file', s.file_name, 'content_hash', s.content_hash, "
    "'line', s.line, 'imported_at', s.imported_at)) "
    "FROM (SELECT * FROM source s WHERE s.paper_id = p.id ORDER BY s.id) s)"
)
_SOURCES_CELLS = (
    "(SELECT json_group_array(s.file_name || ':' || s.line || '@' || s.content_hash || "
    "CASE WHEN s.imported_at != '' THEN ' ' || s.imported_at ELSE '' END) "
    "FROM (SELECT * FROM source s WHERE s.paper_id = p.id ORDER BY s.id) s)"
)
# A stored date as the readers accept it (YYYY-MM-DD, a real day): a store written before
# validation may hold another shape, exported as none rather than as a file that no restore
# reads back (julianday() carries `2025-02-30` into March, so it differs from the text).
_PUBLISHED = (
    "CASE WHEN p.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "
    "AND p.published >= '0001' AND date(julianday(p.published)) = p.published "
    "THEN p.published END"
)
# Keys in paper_record.JSON_KEYS order, then the restore details to_json() adds. The score
# sits between two objects and is written by Python (`json_score`): SQLite writes a real
# with 15 significant digits, which changed some scores, and an infinity as no JSON at all.
JSON_HEAD_SQL = (
    "json_object('id', p.id, 'title', p.title, 'authors', json(p.authors), "
    f"'et_al', {_BOOL.format('p.et_al')}, 'affiliations', json(p.affiliations), "
    f"'category', p.category, 'published', {_PUBLISHED})"
)
JSON_TAIL_SQL = (
    f"json_object('has_code', {_BOOL.format('p.has_code')}, 'abstract', p.abstract, "
    f"'status', p.status, "
    f"'starred', {_BOOL.format('p.starred')}, 'rating', p.rating, 'tags', {_TAGS}, "
    f"'note', p.note, 'sources', {_SOURCES_JSON}, 'arxiv_id', p.arxiv_id, 'doi', p.doi, "
    "'arxiv_version', p.arxiv_version, 'journal_ref', p.journal_ref, "
    f"'year_inferred', {_BOOL.format('p.year_inferred')}, 'created_at', p.created_at, "
    "'updated_at', p.updated_at, 'decided_at', p.decided_at, 'decisions_at', p.decisions_at)"
)
JSON_SQL_COLUMNS = f"{JSON_HEAD_SQL}, p.score, {JSON_TAIL_SQL}"
CSV_SQL_COLUMNS = (
    f"p.title, p.authors, p.et_al, p.affiliations, p.category, {_PUBLISHED}, p.score, "
    f"p.has_code, p.status, p.starred, p.rating, {_TAGS}, p.note, p.abstract, {_SOURCES_CELLS}, "
    "p.arxiv_id, p.doi, p.arxiv_version, p.journal_ref"
)
_YEAR = re.compile(r"\d{4}-\d\d-\d\d")
# What the citation formats (BibTeX, RIS) use of a paper; sources and timestamps are not.
CITED_SQL_COLUMNS = (
    "p.title, p.authors, p.et_al, p.affiliations, p.category, p.published, p.abstract, "
    f"p.status, p.starred, p.rating, p.note, {_TAGS}, "
    "p.arxiv_id, p.doi, p.arxiv_version, p.journal_ref"
)


def _rows(library: Library, columns: str, ids: Sequence[int] | None) -> Iterator[tuple[Any, ...]]:
    """(id, *columns) for every paper by id, or for `ids` in their order; read on the DB-API
    cursor, whose plain tuples cost less than SQLAlchemy's rows."""
    if ids is None:
        last = 0
        while True:
            with library.read() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None  # a checked-out pooled connection is always open
                rows = driver.execute(
                    f"SELECT p.id, {columns} FROM paper p WHERE p.id > ? ORDER BY p.id LIMIT ?",
                    (last, CHUNK),
                ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]
            del rows  # not held while the next chunk is read
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        marks = ",".join("?" * len(chunk))
        with library.read() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            found = {
                row[0]: row
                for row in driver.execute(
                    f"SELECT p.id, {columns} FROM paper p WHERE p.id IN ({marks})", tuple(chunk)
                )
            }
        yield from (found[i] for i in chunk if i in found)
        del found


def _ticking(rows: Iterator[tuple[Any, ...]], tick: Tick | None) -> Iterator[tuple[Any, ...]]:
    if tick is None:
        yield from rows
        return
    for done, row in enumerate(rows):
        if done % 1000 == 0:
            tick(done)
        yield row


def stream_json(
    library: Library, ids: Sequence[int] | None, out: IO[str], tick: Tick | None = None
) -> int:
    """The JSON export (see json_backup.write_json for the shape), one object a line."""
    from triage_app.core.records import json_score

    count = 0
    out.write("[")
    for _, head, score, tail in _ticking(_rows(library, JSON_SQL_COLUMNS, ids), tick):
        out.write(",\n" if count else "\n")
        out.write(f'{head[:-1]},"score":{json_score(score)},{tail[1:]}')
        count += 1
    out.write("\n]\n")
    return count


def stream_csv(
    library: Library,
    ids: Sequence[int] | None,
    out: IO[str],
    tick: Tick | None = None,
    *,
    excel: bool = False,
) -> int:
    """The CSV export (see records.csv_cells for the cell encoding; `excel`: the BOM)."""
    from triage_app.core.export.csv_table import INCLUDED, csv_line
    from triage_app.core.export.paper_links import paper_url
    from triage_app.core.records import (
        BOM,
        CSV_COLUMNS,
        escape_item,
        guarded,
        neutralise,
        stored_score,
    )

    loads = json.loads
    tf = ("false", "true")
    is_date = _YEAR.fullmatch

    def joined(text: str | None) -> str:
        if not text or text == "[]":
            return ""
        return neutralise("; ".join(escape_item(item) for item in loads(text)))

    if excel:
        out.write(BOM)
    out.write(csv_line(CSV_COLUMNS))
    count = 0
    batch: list[str] = []
    for (
        pid,
        title,
        authors,
        et_al,
        affiliations,
        category,
        published,
        score,
        has_code,
        status,
        starred,
        rating,
        tags,
        note,
        abstract,
        sources,
        arxiv_id,
        doi,
        arxiv_version,
        journal_ref,
    ) in _ticking(_rows(library, CSV_SQL_COLUMNS, ids), tick):
        batch.append(
            csv_line(
                (
                    pid,
                    neutralise(title or ""),
                    joined(authors),
                    tf[et_al],
                    joined(affiliations),
                    neutralise(category or ""),
                    guarded(published),
                    guarded(stored_score(score)),
                    tf[has_code],
                    guarded(status),
                    tf[starred],
                    guarded(rating),
                    joined(tags),
                    neutralise(note or ""),
                    neutralise(abstract or ""),
                    joined(sources),
                    INCLUDED.get(status, ""),
                    # A year only from a date (a corrupt store's text stays in `published`).
                    int(published[:4]) if published and is_date(published) else "",
                    paper_url(arxiv_id, title, abstract),
                    guarded(arxiv_id),
                    guarded(doi),
                    guarded(arxiv_version),
                    neutralise(journal_ref or ""),
                )
            )
        )
        if len(batch) >= 500:
            out.write("".join(batch))
            count += len(batch)
            batch.clear()
    out.write("".join(batch))
    return count + len(batch)


def cited_records(
    library: Library, ids: Sequence[int] | None, tick: Tick | None = None
) -> Iterator[PaperRecord]:
    """PaperRecords with what BibTeX and RIS write (no sources, score or timestamps), read
    in SQLite-sized chunks: cheaper than Library.iter_papers for a whole-library export."""
    from datetime import date

    from triage_app.core.records import PaperRecord

    loads = json.loads
    for (
        pid,
        title,
        authors,
        et_al,
        affiliations,
        category,
        published,
        abstract,
        status,
        starred,
        rating,
        note,
        tags,
        arxiv_id,
        doi,
        arxiv_version,
        journal_ref,
    ) in _ticking(_rows(library, CITED_SQL_COLUMNS, ids), tick):
        yield PaperRecord(
            id=pid,
            title=title,
            authors=() if not authors or authors == "[]" else tuple(loads(authors)),
            et_al=bool(et_al),
            affiliations=()
            if not affiliations or affiliations == "[]"
            else tuple(loads(affiliations)),
            category=category,
            published=date.fromisoformat(published) if published else None,
            year_inferred=False,
            score=None,
            has_code=False,
            abstract=abstract or "",
            status=status,
            starred=bool(starred),
            rating=rating,
            note=note or "",
            tags=tuple(loads(tags)) if tags and tags != "[]" else (),
            arxiv_id=arxiv_id,
            doi=doi,
            arxiv_version=arxiv_version,
            journal_ref=journal_ref,
        )


def stream_bibtex(
    library: Library, ids: Sequence[int] | None, out: IO[str], tick: Tick | None = None
) -> int:
    """The BibTeX export, keys decided over the whole library (see bibtex.py)."""
    from triage_app.core.export.bibtex import write_bibtex
    from triage_app.core.export.bibtex_keys import library_keys

    keys = library_keys(library)
    return write_bibtex(cited_records(library, ids, tick), out, keys=keys)


def stream_ris(
    library: Library, ids: Sequence[int] | None, out: IO[str], tick: Tick | None = None
) -> int:
    """The RIS export (see ris.py)."""
    from triage_app.core.export.ris import write_ris

    return write_ris(cited_records(library, ids, tick), out)
