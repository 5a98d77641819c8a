"""The export formats by name: each writes papers to a text stream and returns the count."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from triage_app.core.paper_record import PaperRecord

Writer = Callable[[Iterable[PaperRecord], IO[str]], int]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    suffix: str
    description: str
    load: Callable[[], Writer]  # imported on use: each writer pulls in its own helpers
    newline: str | None = None  # passed to open(); CSV writes its own \r\n


def _json() -> Writer:
    from triage_app.core.json_backup import write_json

    return write_json


FORMATS: dict[str, ExportFormat] = {
    "json": ExportFormat("json", ".json", "backup that triage-app imports back", _json),
}
