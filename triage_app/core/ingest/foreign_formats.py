"""Other tools' file formats: which one a head of text is, and the reader for each.

`sniff` in sources.py asks `foreign_kind` after the app's own exports and before the
listings; a table that is neither a listing nor our CSV is a tool's CSV (`table_kind`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal, get_args

from triage_app.core.ingest.entries import ParseProblem
from triage_app.core.ingest.foreign_record import ForeignRecord

ForeignKind = Literal["ris", "bibtex", "feed", "toolcsv", "wos"]
FOREIGN_KINDS: tuple[ForeignKind, ...] = get_args(ForeignKind)
FOREIGN_NAMES = {
    "ris": "RIS file",
    "bibtex": "BibTeX file",
    "feed": "feed",
    "toolcsv": "table",
    "wos": "Web of Science file",
}


def foreign_kind(text: str) -> ForeignKind | None:
    """RIS, BibTeX, Web of Science or an XML feed, told from the head of a file."""
    from triage_app.core.ingest.atom_reader import looks_like_feed
    from triage_app.core.ingest.bibtex_reader import looks_like_bibtex
    from triage_app.core.ingest.ris_reader import looks_like_ris
    from triage_app.core.ingest.wos_reader import looks_like_wos

    if looks_like_feed(text):
        return "feed"
    lines = [line for line in text.splitlines()[:400] if line.strip()]
    if looks_like_bibtex(lines):
        return "bibtex"
    if looks_like_ris(lines):
        return "ris"
    if looks_like_wos(lines):
        return "wos"
    return None


def table_kind(text: str) -> ForeignKind | None:
    from triage_app.core.ingest.tool_csv_reader import looks_like_header

    first = text.lstrip().split("\n", 1)[0].rstrip("\r")
    return "toolcsv" if looks_like_header(first) else None


def read_foreign(
    kind: str, lines: Iterable[str], name: str
) -> Iterator[ForeignRecord | ParseProblem]:
    if kind == "ris":
        from triage_app.core.ingest.ris_reader import read_ris

        return read_ris(lines, name)
    if kind == "bibtex":
        from triage_app.core.ingest.bibtex_reader import read_bibtex

        return read_bibtex(lines, name)
    if kind == "feed":
        from triage_app.core.ingest.atom_reader import read_feed

        return read_feed(lines, name)
    if kind == "wos":
        from triage_app.core.ingest.wos_reader import read_wos

        return read_wos(lines, name)
    from triage_app.core.ingest.tool_csv_reader import read_tool_csv

    return read_tool_csv(lines, name)
