"""Export a scope of the library (all, a query, or given ids) in a named format."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

from triage_app.core.atomic_file import atomic_text_writer
from triage_app.core.export_formats import FORMATS
from triage_app.core.store import Library


def export_papers(
    library: Library,
    fmt: str,
    destination: str | Path | None,
    *,
    query: str | None = None,
    ids: Sequence[int] | None = None,
    stdout: IO[str] | None = None,
) -> int:
    """Write the papers (ranked for a query, listed order for ids, else by id)."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(sorted(FORMATS))}")
    if query is not None:
        from triage_app.core.search import search_ids

        ids = search_ids(library, query)
    papers = library.iter_papers(ids)
    writer = spec.load()
    if destination is None or str(destination) == "-":
        if stdout is None:
            raise ValueError("no destination")
        return writer(papers, stdout)
    with atomic_text_writer(destination, newline=spec.newline) as fh:
        return writer(papers, fh)
