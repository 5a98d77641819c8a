"""RIS files (Zotero, EndNote, Mendeley, Rayyan, ASReview, Scopus, Web of Science): one
record from `TY` to `ER`, each record's tags read by rispy.

The reader finds the records itself so that each keeps its line number and memory stays
one record long; rispy (a maintained RIS parser) maps the tags and joins continuation
lines. Tags written with odd spacing (`TY - JOUR`, `KW  -x`) are put in rispy's form
first; lines before the first `TY` (`1.`, a provider header) are ignored; unknown and
repeated tags are tolerated (the first title, abstract and date win).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from triage_app.core.ingest.entries import ParseProblem
from triage_app.core.ingest.foreign_record import (
    ForeignRecord,
    decisions_from_notes,
    make_record,
)
from triage_app.core.ingest.foreign_text import iso_day, one_line
from triage_app.core.ingest.identity import arxiv_version_of, ids_from

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])[ \t]{1,4}-(?:[ \t]?(.*))?$")
MAX_RECORD_LINES = 20_000

# Scopus and Web of Science put their export's bookkeeping in N1: not the researcher's note.
_BOOKKEEPING = re.compile(
    r"^(Export Date|References|Correspondence Address|Funding (?:details|text)|CODEN|"
    r"Cited By|Chemicals/CAS|Tradenames|Manufacturers|Molecular Sequence Numbers|Source|"
    r"Language of Original Document|Abbreviated Source Title|Document Type|"
    r"Publication Stage|Art\. No\.|PubMed ID|Conference code|Sponsors)\b",
    re.IGNORECASE,
)


def looks_like_ris(lines: list[str]) -> bool:
    """A `TY  - ` line among the first non-blank lines of the head."""
    for line in lines[:40]:
        match = _TAG_LINE.match(line.strip("\ufeff"))
        if match and match[1] == "TY":
            return True
    return False


def read_ris(lines: Iterable[str], name: str) -> Iterator[ForeignRecord | ParseProblem]:
    import rispy

    parser = rispy.RisParser()
    record: list[str] = []
    start = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if line[2:6] == "  - " and record and line[:2] not in ("TY", "ER"):
            record.append(line)  # the usual form: rispy reads it as it is
            continue
        match = _TAG_LINE.match(line)
        tag = match[1] if match else None
        if tag == "TY":
            if record:  # a record without its ER: read it all the same
                yield _one(parser, record, start)
            record = [f"TY  - {(match[2] or '').strip() if match else ''}"]
            start = number
            continue
        if not record:
            continue  # before the first record, or between ER and TY
        if tag == "ER":
            yield _one(parser, record, start)
            record = []
            continue
        if len(record) >= MAX_RECORD_LINES:
            yield ParseProblem(start, f"record longer than {MAX_RECORD_LINES} lines; skipped")
            record = []
            continue
        if match:
            record.append(f"{tag}  - {(match[2] or '').strip()}")
        elif line.strip():
            # A continuation line belongs to the value above it (rispy would make a list
            # item of it for a list tag such as N1).
            record[-1] = f"{record[-1]} {line.strip()}"
    if record:
        yield _one(parser, record, start)


def _one(parser: Any, lines: list[str], start: int) -> ForeignRecord | ParseProblem:
    try:
        parsed = parser.parse_lines(iter([*lines, "ER  - "]))
        if not parsed:
            return ParseProblem(start, "RIS record could not be read")
        return _to_record(parsed[0], start)
    except ValueError as exc:
        return ParseProblem(start, str(exc))
    except Exception as exc:  # rispy on a broken record: reported, never a traceback
        return ParseProblem(start, f"RIS record could not be read ({type(exc).__name__})")


def _first(record: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value.strip():
            return value
    return None


def _list(record: dict[str, Any], *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = record.get(key)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out += [v for v in value if isinstance(v, str)]
    return out


def _to_record(record: dict[str, Any], line: int) -> ForeignRecord:
    notes = _list(record, "notes", "research_notes")
    decisions = decisions_from_notes(n for n in notes if not _BOOKKEEPING.match(n.strip()))
    urls = _list(record, "urls", "file_attachments2", "file_attachments1")
    unknown = record.get("unknown_tag") or {}
    texts = [*urls, *(v for vs in unknown.values() for v in vs)]
    arxiv_id, doi = ids_from(_first(record, "doi"), *texts)
    # RIS has one author tag a person; A1 is the older spelling of AU.
    authors = _list(record, "authors", "first_authors") or _list(record, "translated_author")
    keywords = [one_line(k) for k in _list(record, "keywords")]
    return make_record(
        line,
        title=_first(record, "title", "primary_title", "translated_title", "short_title"),
        authors=authors,
        abstract=_first(record, "abstract", "notes_abstract"),
        published=iso_day(
            _first(record, "date"), _first(record, "year"), _first(record, "publication_year")
        ),
        arxiv_id=arxiv_id,
        doi=doi,
        # A versioned abs or pdf link (`.../abs/2309.08600v2`) gives the version seen.
        arxiv_version=arxiv_version_of(arxiv_id, *texts),
        affiliations=_list(record, "author_address")[:20],
        status=decisions.status,
        starred=decisions.starred,
        rating=decisions.rating,
        note=decisions.note,
        tags=[*keywords, *decisions.tags],
        et_al=decisions.et_al,
    )
