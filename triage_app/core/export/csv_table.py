"""The CSV export: one row a paper, safe to open in a spreadsheet, readable back losslessly.

The cells are encoded by `records.csv_cells`, which the read-back shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from triage_app.core.export.paper_links import paper_url
from triage_app.core.records import (
    BOM,
    CSV_COLUMNS,
    PaperRecord,
    guarded,
    join_items,
    neutralise,
    source_cell,
)

# ASReview's label: kept 1, dismissed 0, undecided empty (asreview/data/record.py).
INCLUDED = {"kept": "1", "dismissed": "0"}


def _cell(value: str | int | float) -> str:
    if not isinstance(value, str):
        return str(value)
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def csv_line(cells: Sequence[str | int | float]) -> str:
    """One row exactly as `csv.writer(lineterminator="\r\n")` writes it (QUOTE_MINIMAL).

    Faster than the csv module on abstract-sized cells, which dominate a big export; tests
    hold the two equal on generated rows.
    """
    return ",".join([_cell(c) for c in cells]) + "\r\n"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def paper_row(paper: PaperRecord) -> list[str | int | float]:
    """The cells of one paper, in CSV_COLUMNS order."""
    return [
        paper.id,
        neutralise(paper.title or ""),
        neutralise(join_items(paper.authors)),
        _bool(paper.et_al),
        neutralise(join_items(paper.affiliations)),
        neutralise(paper.category or ""),
        paper.published.isoformat() if paper.published else "",
        guarded(paper.score),
        _bool(paper.has_code),
        guarded(paper.status),
        _bool(paper.starred),
        guarded(paper.rating),
        neutralise(join_items(paper.tags)),
        neutralise(paper.note),
        neutralise(paper.abstract),
        neutralise(join_items([source_cell(s) for s in paper.sources])),
        INCLUDED.get(paper.status, ""),
        paper.published.year if paper.published else "",
        paper_url(paper.arxiv_id, paper.title, paper.abstract),
        guarded(paper.arxiv_id),
        guarded(paper.doi),
        guarded(paper.arxiv_version),
        neutralise(paper.journal_ref or ""),
    ]


def write_csv(papers: Iterable[PaperRecord], out: IO[str], *, excel: bool = False) -> int:
    """Stream papers as CSV rows under a header; returns how many were written.

    `out` must be opened with `newline=""`: rows end in `\\r\\n` themselves. `excel` starts
    it with the byte-order mark by which LibreOffice and Excel recognise UTF-8 (the export
    service asks for it for every file).
    """
    if excel:
        out.write(BOM)
    out.write(csv_line(CSV_COLUMNS))
    count = 0
    for paper in papers:
        out.write(csv_line(paper_row(paper)))
        count += 1
    return count
