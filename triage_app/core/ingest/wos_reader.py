"""Web of Science "plain text" exports (`FN` / `VR 1.0` header, two-letter tags, records
ending in `ER`, the file in `EF`), read by wosfile.

wosfile (maintained, standard library only, one record in memory) gathers each record's
tags and joins continuation lines (`AU`, `AF`, `C1` one item a line; others one text);
this module maps them: `TI` title, `AF` (else `AU`) authors as `Family, Given`, `AB`
abstract, `PY` + `PD` date, `DI` DOI, `DE` author keywords as tags (as RIS `KW`), `C1`
addresses as affiliations. WoS carries no decisions. Each record keeps the line it starts
on; a record that does not end within MAX_RECORD_LINES lines stops the reading there.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator

from triage_app.core.ingest.entries import ListingError, ParseProblem
from triage_app.core.ingest.foreign_record import ForeignRecord, make_record
from triage_app.core.ingest.foreign_text import iso_day, one_line, split_tags
from triage_app.core.ingest.identity import ids_from

MAX_RECORD_LINES = 20_000


def looks_like_wos(lines: list[str]) -> bool:
    """`FN ...` then `VR ...` as the first two non-blank lines."""
    heads = [line.strip().lstrip("\ufeff") for line in lines[:20] if line.strip()][:2]
    return len(heads) == 2 and heads[0].startswith("FN ") and heads[1].startswith("VR ")


class _TooLong(Exception):
    pass


class _Lines:
    """The file's lines for wosfile, numbered: where each record starts."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.number = 0
        self.start = 0
        self._waiting = True
        self._since = 0

    def next_record(self) -> None:
        self.start = 0
        self._waiting = True
        self._since = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        if self.number == 1:
            line = line.lstrip("\ufeff")
        if self._waiting and line.strip():
            self.start = self.number
            self._waiting = False
        self._since += 1
        if self._since > MAX_RECORD_LINES:
            raise _TooLong
        return line


def read_wos(lines: Iterable[str], name: str) -> Iterator[ForeignRecord | ParseProblem]:
    from wosfile.read import PlainTextReader, ReadError

    numbered = _Lines(lines)
    try:
        reader = PlainTextReader(numbered)
    except (ReadError, ValueError, StopIteration) as exc:
        raise ListingError(f"not a Web of Science plain text file ({exc})") from None
    while True:
        numbered.next_record()
        try:
            with warnings.catch_warnings():
                # wosfile warns of each tag it does not know; unknown tags are fine here.
                # The filter is process-wide: the window imports in a child process.
                warnings.simplefilter("ignore")
                fields = next(reader)
        except StopIteration:
            return
        except ReadError as exc:
            yield ParseProblem(numbered.start or numbered.number, str(exc)[:200])
            return
        except _TooLong:
            yield ParseProblem(
                numbered.start,
                f"a record longer than {MAX_RECORD_LINES:,} lines (no ER): the rest was skipped",
            )
            return
        except ValueError:  # a tag without a value: the record cannot be split into fields
            yield ParseProblem(numbered.start, "a line holds a tag without a value")
            continue
        yield _record(fields, numbered.start)


def _record(fields: dict[str, str], line: int) -> ForeignRecord | ParseProblem:
    try:
        authors = fields.get("AF") or fields.get("AU") or ""
        _, doi = ids_from(fields.get("DI"))
        return make_record(
            line,
            title=fields.get("TI"),
            authors=[a for a in authors.split("; ") if a.strip()],
            abstract=fields.get("AB"),
            published=iso_day(fields.get("PY"), month=fields.get("PD")),
            doi=doi,
            affiliations=_affiliations(fields.get("C1")),
            tags=split_tags(fields.get("DE"), ";"),
        )
    except ValueError as exc:
        return ParseProblem(line, str(exc))


_AUTHORS_OF = re.compile(r"^\[[^\]]*\]\s*")


def _affiliations(text: str | None) -> list[str]:
    """C1's addresses once each, in the file's order: `[Authors] Address; [...] ...` (the
    authors dropped) or bare addresses, one a line (wosfile joins the lines with `; `)."""
    if not text:
        return []
    parts = re.split(r";\s*(?=\[)", text) if text.lstrip().startswith("[") else text.split("; ")
    return list(dict.fromkeys(a for a in (one_line(_AUTHORS_OF.sub("", p)) for p in parts) if a))
