"""The CSV cell codec, both ways: the export writes with it and the read-back undoes it.

Cell encoding (a file with an `included` column; older files: see LEGACY below):
- RFC 4180 quoting (Python's csv module, `\\r\\n` between rows); UTF-8 with a byte-order mark,
  which LibreOffice's and Excel's CSV import take as "this is UTF-8".
- Lists (authors, affiliations, tags, sources) are joined with `; ` (what ASReview, Zotero's
  CSV and spreadsheet users expect). Only what would be ambiguous is escaped: a `;` inside
  an item is written `\\;`, and a `\\` is doubled only where it precedes `;`, `\\` or the
  item's end, so `C:\\data` or a tag without `;` shows as typed.
- Booleans `true`/`false`, dates ISO (YYYY-MM-DD), an empty cell for none.
- Sources: `file:line@hash imported_at` (the file name may hold `:`, `@` or spaces: a reader
  splits from the right).
- CSV injection (OWASP): a cell a spreadsheet would evaluate gets a leading `'`: one starting
  with `=`, or with `+`, `-`, `@`, tab or carriage return followed by anything but a plain
  number. Other cells show as typed, a leading `'` included; a text that is `'`s followed by
  a guarded text gets one more `'`, so the reader removes exactly one and every value
  round-trips.
- LEGACY: files written before the `included` column guarded every cell starting with
  `=+-@`, tab, CR or `'`; `unneutralise(cell, legacy=True)` reads them.
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
    # For screening tools and spreadsheets (ASReview reads `included`, `year`, `url`);
    # derived from the columns above, so the read-back ignores them.
    "included",
    "year",
    "url",
    # Identity across sources, read back by a restore (added after the columns above, so
    # a reader that takes columns by position still finds them where they were).
    "arxiv_id",
    "doi",
    "arxiv_version",
    "journal_ref",
)
LIST_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# A signed plain number is a number to a spreadsheet, not a formula: shown as typed.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

# `\\;` and `\\\\` are escapes; any other backslash is itself.
_ITEM = re.compile(r"\\([\\;])|(;) ?|([^\\;]+|\\)", re.DOTALL)
_ESCAPED_BACKSLASHES = re.compile(r"\\(?=[\\;]|\Z)")


def guarded(value: object) -> str | int | float:
    """A cell whatever the stored value's type: a number as it is, anything else as text
    with the formula guard (a store written before validation may hold text in a number
    column)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return neutralise("" if value is None else str(value))


def evaluated(text: str) -> bool:
    """Whether a spreadsheet would evaluate this cell as a formula (Excel: `=`, `+`, `-`,
    `@`; OWASP adds tab and CR, which some strip before evaluating)."""
    if not text or not text.startswith(FORMULA_PREFIXES):
        return False
    return text[0] == "=" or (len(text) > 1 and not _NUMBER.fullmatch(text))


def neutralise(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would evaluate (and to `'`s before such a cell)."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text if evaluated(text) else text
    if text.startswith("'") and evaluated(text.lstrip("'")):
        return "'" + text
    return text


def escape_item(item: str) -> str:
    if "\\" in item:
        item = _ESCAPED_BACKSLASHES.sub(r"\\\\", item)
    return item.replace(";", "\\;") if ";" in item else item


def join_items(items: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(escape_item(i) for i in items)


def source_cell(source: SourceRecord) -> str:
    tail = f" {source.imported_at}" if source.imported_at else ""
    return f"{source.file}:{source.line}@{source.content_hash}{tail}"


def unneutralise(cell: str, *, legacy: bool = False) -> str:
    """Undo `neutralise` (`legacy`: of a file written before the `included` column)."""
    if not cell.startswith("'"):
        return cell
    if legacy or evaluated(cell.lstrip("'")):
        return cell[1:]
    return cell


def split_items(cell: str) -> list[str]:
    """Inverse of `join_items` (`; `-separated, `\\;` and `\\\\` escaped); reads the older
    files too, which escaped every backslash."""
    if not cell:
        return []
    if "\\" not in cell:
        first, *rest = cell.split(";")
        return [first, *(part.removeprefix(" ") for part in rest)]
    items: list[str] = []
    current: list[str] = []
    for escaped, sep, plain in _ITEM.findall(cell):
        if sep:
            items.append("".join(current))
            current = []
        else:
            current.append(escaped or plain)
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
