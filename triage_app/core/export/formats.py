"""The export formats by name: each writes papers to a text stream and returns the count."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from triage_app.core.records import PaperRecord

Writer = Callable[[Iterable[PaperRecord], IO[str]], int]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    suffix: str
    description: str
    load: Callable[[], Writer]  # imported on use: each writer pulls in its own helpers
    newline: str | None = None  # passed to open(); CSV writes its own \r\n
    # Writers that need facts about the whole library (BibTeX's stable citation keys) are
    # built from it: `load_for_library(library)` is used instead of `load()` when set.
    load_for_library: Callable[[Any], Writer] | None = None
    # Bulk formats stream rows assembled by SQLite instead of PaperRecords (export_rows);
    # `stream(library, ids_or_None, out, tick, excel=...)` is used when set.
    stream: Callable[..., int] | None = None


def _json() -> Writer:
    from triage_app.core.export.json_list import write_json

    return write_json


def _csv() -> Writer:
    from triage_app.core.export.csv_table import write_csv

    return write_csv


def _stream_json(*args: Any, **kw: Any) -> int:
    from triage_app.core.export.rows import stream_json

    return stream_json(*args, **kw)


def _stream_csv(*args: Any, **kw: Any) -> int:
    from triage_app.core.export.rows import stream_csv

    return stream_csv(*args, **kw)


def _stream_bibtex(*args: Any, **kw: Any) -> int:
    from triage_app.core.export.rows import stream_bibtex

    return stream_bibtex(*args, **kw)


def _stream_ris(*args: Any, **kw: Any) -> int:
    from triage_app.core.export.rows import stream_ris

    return stream_ris(*args, **kw)


def _bibtex() -> Writer:
    from triage_app.core.export.bibtex import write_bibtex

    return write_bibtex


def _bibtex_for(library: Any) -> Writer:
    from triage_app.core.export.bibtex import bibtex_writer_for

    return bibtex_writer_for(library)


def _ris() -> Writer:
    from triage_app.core.export.ris import write_ris

    return write_ris


FORMATS: dict[str, ExportFormat] = {
    "json": ExportFormat(
        "json", ".json", "backup that triage-app imports back", _json, stream=_stream_json
    ),
    "csv": ExportFormat(
        "csv",
        ".csv",
        "spreadsheet, one row a paper; imports back",
        _csv,
        newline="",
        stream=_stream_csv,
    ),
    "bibtex": ExportFormat(
        "bibtex",
        ".bib",
        "BibTeX/biblatex for LaTeX, JabRef, Zotero",
        _bibtex,
        load_for_library=_bibtex_for,
        stream=_stream_bibtex,
    ),
    "ris": ExportFormat(
        "ris", ".ris", "RIS for Zotero, EndNote, Rayyan, ASReview", _ris, stream=_stream_ris
    ),
}
