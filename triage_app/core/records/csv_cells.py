"""The CSV cell codec, both ways: the export writes with it and the read-back undoes it.

Cell encoding:
- RFC 4180 quoting (Python's csv module, `\\r\\n` between rows); UTF-8, with a byte-order
  mark only when asked (`excel=True`, for Excel's sake).
- Lists (authors, affiliations, tags, sources) are joined with `; `; inside an item a `\\`
  is written `\\\\` and a `;` is written `\\;`, so any item survives.
- Booleans `true`/`false`, dates ISO (YYYY-MM-DD), an empty cell for none.
- Sources: `file:line@hash imported_at` (the file name may hold `:`, `@` or spaces: a reader
  splits from the right).
- CSV injection (OWASP): a text cell that starts with `=`, `+`, `-`, `@`, tab or carriage
  return gets a leading `'`, so spreadsheets show it as text; a cell that already starts with
  `'` gets one more, so the reader removes exactly one and every value round-trips.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from triage_app.core.records.paper_record import SourceRecord

CSV_COLUMNS = (
    "id",
    "title",
    "authors",
    "et_al",
    "affiliations",
    "category",
    "published",
    "score",
    "has_code",
    "status",
    "starred",
    "rating",
    "tags",
    "note",
    "abstract",
    "sources",
)
LIST_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = (*FORMULA_PREFIXES, "'")
BOM = "\ufeff"


_ITEM = re.compile(r"\\(.)|(;) ?|([^\\;]+)|(\\)$", re.DOTALL)


def guarded(value: object) -> str | int | float:
    """A cell whatever the stored value's type: a number as it is, anything else as text
    with the formula guard (a store written before validation may hold text in a number
    column)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return neutralise("" if value is None else str(value))


def neutralise(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would read as a formula (or that starts with `'`)."""
    return "'" + text if text.startswith(_NEUTRALISED) else text


def escape_item(item: str) -> str:
    if "\\" in item or ";" in item:
        return item.replace("\\", "\\\\").replace(";", "\\;")
    return item


def join_items(items: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(escape_item(i) for i in items)


def source_cell(source: SourceRecord) -> str:
    tail = f" {source.imported_at}" if source.imported_at else ""
    return f"{source.file}:{source.line}@{source.content_hash}{tail}"


def unneutralise(cell: str) -> str:
    """Undo `neutralise`: exactly one leading `'` is ours."""
    return cell[1:] if cell.startswith("'") else cell


def split_items(cell: str) -> list[str]:
    """Inverse of `join_items` (`; `-separated, `\\;` and `\\\\` escaped)."""
    if not cell:
        return []
    if "\\" not in cell:
        first, *rest = cell.split(";")
        return [first, *(part.removeprefix(" ") for part in rest)]
    items: list[str] = []
    current: list[str] = []
    for escaped, sep, plain, trailing in _ITEM.findall(cell):
        if sep:
            items.append("".join(current))
            current = []
        else:
            current.append(escaped or plain or trailing)
    items.append("".join(current))
    return items


def parse_source(cell: str) -> dict[str, Any]:
    """`file:line@hash[ imported_at]` (split from the right: file names may hold anything)."""
    head, at, tail = cell.rpartition("@")
    file, colon, line = head.rpartition(":")
    if not at or not colon or not line.strip().isdigit() or not tail:
        raise ValueError(f"source is not file:line@hash: {cell!r}")
    content_hash, _, imported_at = tail.partition(" ")
    source: dict[str, Any] = {"file": file, "line": int(line), "content_hash": content_hash}
    if imported_at:
        source["imported_at"] = imported_at
    return source
