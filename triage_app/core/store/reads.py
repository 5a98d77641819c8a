"""Read queries shared by the library's methods: id listings and whole paper records."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from triage_app.core.records import PaperRecord, SourceRecord, stored_date, stored_score

if TYPE_CHECKING:  # also read through a LiteConnection (lite.py)
    from sqlalchemy import Connection


def id_filters(
    *,
    status: str | None,
    starred: bool | None,
    tag: str | None,
    category: str | None,
    batch_id: int | None,
    after_id: int | None,
    upto_id: int | None = None,
) -> tuple[str, dict[str, object]]:
    """The WHERE clause (with its leading space, or '') and parameters of an id listing."""
    where: list[str] = []
    params: dict[str, object] = {}
    if status:
        where.append("p.status = :status")
        params["status"] = status
    if starred is not None:
        where.append("p.starred = :starred")
        params["starred"] = int(starred)
    if tag:
        where.append(
            "p.id IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
            "WHERE t.name = :tag COLLATE NOCASE)"
        )
        params["tag"] = tag
    if category:
        where.append("p.category = :category")
        params["category"] = category
    if batch_id is not None:
        where.append("p.id IN (SELECT paper_id FROM source WHERE batch_id = :batch)")
        params["batch"] = batch_id
    if after_id is not None:
        where.append("p.id > :after")
        params["after"] = after_id
    if upto_id is not None:
        where.append("p.id <= :upto")
        params["upto"] = upto_id
    return (" WHERE " + " AND ".join(where) if where else ""), params


ORDERS = {
    "id": "p.id",
    "title": "p.title COLLATE NOCASE",
    "author": "json_extract(p.authors, '$[0]') COLLATE NOCASE",
    "category": "p.category",
    "date": "p.published",
    "published": "p.published",
    "score": "p.score",
    "rating": "p.rating",
    "starred": "p.starred",
    "status": "p.status",
    "has_code": "p.has_code",
    "updated": "p.updated_at",
}


def order_clause(order: str, descending: bool) -> str:
    column = ORDERS.get(order)
    if column is None:
        raise ValueError(f"unknown sort order {order!r}; one of {', '.join(ORDERS)}")
    direction = "DESC" if descending else "ASC"
    nulls = "NULLS LAST"  # papers without a score/date/rating never crowd the top
    return f"{column} {direction} {nulls}, p.id {direction}"


def chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json_list(text: str | None) -> tuple[str, ...]:
    # Most papers have no affiliations: skip the JSON parser for the empty list.
    return () if not text or text == "[]" else tuple(json.loads(text))


def load_tags(conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Tag names of at most 900 papers (SQLite's variable limit), sorted without case."""
    marks = ",".join("?" * len(ids))
    tags: dict[int, list[str]] = {}
    for pid, name in conn.exec_driver_sql(
        f"SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
        f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
        tuple(ids),
    ).fetchall():  # one call instead of one per row: exports stream 100k papers through here
        tags.setdefault(pid, []).append(name)
    return tags


def load_records(conn: Connection, ids: list[int], *, with_sources: bool) -> dict[int, PaperRecord]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    tags = load_tags(conn, ids)
    sources: dict[int, list[SourceRecord]] = {}
    if with_sources:
        for pid, fname, chash, line, at in conn.exec_driver_sql(
            f"SELECT paper_id, file_name, content_hash, line, imported_at FROM source "
            f"WHERE paper_id IN ({marks}) ORDER BY id",
            tuple(ids),
        ).fetchall():
            sources.setdefault(pid, []).append(SourceRecord(fname, chash, line, at))
    out: dict[int, PaperRecord] = {}
    for row in conn.exec_driver_sql(
        f"SELECT id, title, authors, et_al, affiliations, category, published, year_inferred, "
        f"score, has_code, abstract, status, starred, rating, note, created_at, updated_at, "
        f"decided_at, decisions_at, arxiv_id, doi, arxiv_version, journal_ref "
        f"FROM paper WHERE id IN ({marks})",
        tuple(ids),
    ).fetchall():
        pid = row[0]
        out[pid] = PaperRecord(
            id=pid,
            title=row[1],
            authors=_json_list(row[2]),
            et_al=bool(row[3]),
            affiliations=_json_list(row[4]),
            category=row[5],
            published=stored_date(row[6]),
            year_inferred=bool(row[7]),
            score=stored_score(row[8]),
            has_code=bool(row[9]),
            abstract=row[10] or "",
            status=row[11],
            starred=bool(row[12]),
            rating=row[13],
            note=row[14] or "",
            tags=tuple(tags.get(pid, ())),
            sources=tuple(sources.get(pid, ())),
            created_at=row[15] or "",
            updated_at=row[16] or "",
            decided_at=row[17],
            decisions_at=row[18],
            arxiv_id=row[19],
            doi=row[20],
            arxiv_version=row[21],
            journal_ref=row[22],
        )
    return out


class RecordReads:
    """Whole paper records by id, for a library whose `read()` gives a connection with
    `exec_driver_sql` (the Library, and the command line's LiteLibrary)."""

    if TYPE_CHECKING:

        def read(self) -> AbstractContextManager[Any]: ...

    def get_paper(self, paper_id: int) -> PaperRecord | None:
        found = self.get_papers([paper_id])
        return found[0] if found else None

    def get_papers(self, ids: Sequence[int], *, with_sources: bool = True) -> list[PaperRecord]:
        """Papers in the order of `ids` (unknown ids are left out)."""
        out: dict[int, PaperRecord] = {}
        with self.read() as conn:
            for chunk in chunks(list(ids), 900):
                out.update(load_records(conn, chunk, with_sources=with_sources))
        return [out[i] for i in ids if i in out]
