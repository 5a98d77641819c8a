"""Read a CSV export back into backup records (streaming), undoing its cell encoding.

Columns are found by header name, so a spreadsheet that reordered them still imports;
unknown columns are ignored (`included`, `year` and `url` are derived from the others).
Besides CSV_COLUMNS the reader accepts the JSON backup's extra
keys (`year_inferred`, `created_at`, `updated_at`, `decided_at`) when a column carries them.
A CSV export has no `updated_at`, so its decisions fill new papers but never overwrite
decisions a library already holds for the same paper (their age is unknown).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from triage_app.core.ingest.entries import ListingError, ParseProblem
from triage_app.core.ingest.readback_record import BackupRecord, record_from_json
from triage_app.core.records import CSV_COLUMNS, parse_source, split_items, unneutralise

LIST_COLUMNS = ("authors", "affiliations", "tags", "sources")
BOOL_COLUMNS = ("et_al", "has_code", "starred", "year_inferred")
TEXT_COLUMNS = (
    "title",
    "category",
    "note",
    "abstract",
    "published",
    "status",
    "created_at",
    "updated_at",
    "decided_at",
    "arxiv_id",
    "doi",
    "journal_ref",
)
MAX_CELL = 16 << 20
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


def _bool(value: str, column: str) -> bool:
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"{column} must be true or false, not {value!r}")


def _number(value: str, column: str, kind: type, legacy: bool) -> Any:
    value = unneutralise(value.strip(), legacy=legacy)
    if not value:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        raise ValueError(f"{column} is not a number: {value!r}") from exc


def row_to_object(cells: dict[str, str], *, legacy: bool = False) -> dict[str, Any]:
    """The JSON-backup object of one CSV row (raises ValueError on a bad cell); `legacy`
    for a file written before the `included` column, whose formula guard differed."""
    obj: dict[str, Any] = {}
    for column, value in cells.items():
        if column in LIST_COLUMNS:
            obj[column] = split_items(unneutralise(value, legacy=legacy))
        elif column in BOOL_COLUMNS:
            obj[column] = _bool(value, column)
        elif column in TEXT_COLUMNS:
            obj[column] = unneutralise(value, legacy=legacy) or None
        elif column == "score":
            obj[column] = _number(value, column, float, legacy)
        elif column in ("id", "rating", "arxiv_version"):
            obj[column] = _number(value, column, int, legacy)
    obj["note"] = obj.get("note") or ""
    obj["abstract"] = obj.get("abstract") or ""
    obj["sources"] = [parse_source(s) for s in obj.get("sources", [])]
    return obj


def _with_ends(lines: Iterable[str]) -> Iterator[str]:
    # The importer may hand lines with or without their terminator; csv needs them.
    for line in lines:
        yield line if line.endswith("\n") else line + "\n"


def read_csv_backup(lines: Iterable[str], name: str) -> Iterator[BackupRecord | ParseProblem]:
    """Yield one record (or problem) per CSV row; memory is one row long."""
    # A note or abstract may exceed the csv module's default 128 KiB cell limit.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    reader = csv.reader(_with_ends(lines), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ListingError(f"{name}: empty CSV file") from None
    except csv.Error as exc:
        raise ListingError(f"{name}: unreadable CSV header: {exc}") from exc
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    if header[:3] != list(CSV_COLUMNS[:3]):
        raise ListingError(f"{name}: not a triage-app CSV export (header {header[:3]})")
    width = len(header)
    legacy = "included" not in header  # written before the codec's current formula guard
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ParseProblem(start, f"malformed CSV: {exc}")
            return  # the rest of the file cannot be trusted to line up with rows
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            yield ParseProblem(start, f"expected {width} cells, found {len(row)}")
            continue
        try:
            yield record_from_json(
                row_to_object(dict(zip(header, row, strict=True)), legacy=legacy), start
            )
        except ValueError as exc:
            yield ParseProblem(start, str(exc))
