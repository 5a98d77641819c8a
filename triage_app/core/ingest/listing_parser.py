"""Parse listing lines (scored feed or abstract-only) into ListingEntry / ParseProblem.

The lines come as text: the importer decodes the file (sources.decode_lines) and decides its
format (sources.sniff, through read_format) before the parser sees it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import chain, islice
from typing import Literal

from triage_app.core.ingest.entries import ListingEntry, ListingError, ParseProblem
from triage_app.core.ingest.title_split import join_title_line, split_title_line

Format = Literal["scored", "abstracts"]

ABSTRACT_PREFIX = "Abstract:"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Lines longer than this are malformed (a listing line is a title or one abstract).
MAX_LINE_CHARS = 1_000_000
# How many non-blank lines decide the format.
SNIFF_LINES = 4

_HEADER = re.compile(
    r"(?P<score>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)?"
    r"(?P<cat>[A-Z]{2})"
    r"(?P<mon>" + "|".join(MONTHS) + r") (?P<day>\d{1,2})"
    r"(?:, (?P<year>\d{4}))?"
    r"(?P<code>Code)?",
    re.ASCII,
)
_BOM = "\ufeff"


def _clean(line: str) -> str:
    """Drop newline, trailing spaces and a BOM; listings tolerate all three."""
    return line.rstrip().lstrip(_BOM) if line.startswith(_BOM) else line.rstrip()


def _is_header(line: str) -> bool:
    return _HEADER.fullmatch(line) is not None


_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _has_undecodable(line: str) -> bool:
    """Lone surrogates: a caller decoded bytes that were not UTF-8 with surrogateescape."""
    return _UNDECODABLE.search(line) is not None


def _other_format(line: str) -> str | None:
    """Name a well-known non-listing format from its first line, for a clear refusal."""
    stripped = line.lstrip()
    if stripped.startswith("@") and "{" in stripped:
        return "a BibTeX file"
    if stripped[:1] in "{[":
        return "a JSON file"
    if stripped.startswith("<"):
        return "an XML/HTML file"
    if stripped.startswith("%PDF"):
        return "a PDF file"
    if stripped.startswith(("TY  -", "%0 ")):
        return "a RIS/EndNote file"
    if stripped.count(",") >= 2 and " " not in stripped.split(",", 1)[0]:
        return "a CSV file"
    if stripped.count("\t") >= 2:
        return "a TSV file"
    return None


def detect_format(first_lines: Sequence[str]) -> Format:
    """Decide the format from the first non-blank lines; ListingError if neither format.

    The first line decides; a stray first line is forgiven when one of the next few
    lines is a clear header or abstract line (the stray line is then reported).
    """
    lines = [_clean(x) for x in first_lines if x.strip()]
    if not lines:
        raise ListingError("not a listing: the file is empty")
    for line in lines:
        if "\x00" in line:
            raise ListingError("not a listing: binary data (NUL bytes)")
        if _has_undecodable(line):
            raise ListingError("not a listing: not UTF-8 text")
    for line in lines[:SNIFF_LINES]:
        if line.startswith(ABSTRACT_PREFIX):
            return "abstracts"
        if _is_header(line):
            return "scored"
    other = _other_format(lines[0])
    if other:
        raise ListingError(f"not a listing: looks like {other}")
    shown = lines[0][:60] + ("…" if len(lines[0]) > 60 else "")
    raise ListingError(
        f"not a listing: expected a feed header like '93.1CLMay 17Code' or 'Abstract:…', "
        f"got {shown!r}"
    )


def infer_date(month: int, day: int, as_of: date) -> date:
    """Most recent month/day not after as_of (Feb 29 -> the latest leap year that fits)."""
    for year in range(as_of.year, as_of.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= as_of:
            return candidate
    raise ValueError(f"no date {month}/{day} before {as_of}")


def _parse_header(line: str, as_of: date) -> tuple[str, date, bool, float | None, bool] | str:
    """Header fields, or a reason string when the header is malformed."""
    m = _HEADER.fullmatch(line)
    if m is None:
        return "expected an entry header like '93.1CLMay 17Code'"
    month = MONTHS.index(m["mon"]) + 1
    day = int(m["day"])
    try:
        published = date(int(m["year"]), month, day) if m["year"] else infer_date(month, day, as_of)
    except ValueError:
        return f"invalid date {m['mon']} {m['day']}" + (f", {m['year']}" if m["year"] else "")
    score = float(m["score"]) if m["score"] else None
    if score is not None and not math.isfinite(score):
        return "invalid score"
    return m["cat"], published, m["year"] is not None, score, m["code"] is not None


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(1-based number, cleaned line), skipping blank lines."""
    for number, raw in enumerate(lines, 1):
        if not isinstance(raw, str):  # defensive: a caller passing bytes gets a problem
            raw = str(raw)
        line = _clean(raw)
        if line:
            yield number, line


def _line_problem(line: str) -> str | None:
    """A reason when a single line cannot belong to any entry."""
    if len(line) > MAX_LINE_CHARS:
        return f"line longer than {MAX_LINE_CHARS} characters"
    if "\x00" in line:
        return "NUL byte in line"
    if _has_undecodable(line):
        return "line is not valid UTF-8"
    return None


def _head_format(head: list[tuple[int, str]]) -> Format:
    return detect_format([text[:MAX_LINE_CHARS] for _, text in head])


def read_format(lines: Iterable[str]) -> Format:
    """The format of listing lines as parse_listing would decide it (ListingError if none);
    reads only up to the first SNIFF_LINES non-blank lines."""
    return _head_format(list(islice(_numbered(lines), SNIFF_LINES)))


def parse_listing(
    lines: Iterable[str], *, as_of: date, fmt: Format | None = None
) -> Iterator[ListingEntry | ParseProblem]:
    """Stream entries from listing lines (with or without newlines), memory flat.

    `fmt` is the format the importer's sniffer already read from these lines; without it the
    first lines decide, and ListingError (before anything is yielded) refuses a non-listing.
    A malformed entry yields ParseProblem and parsing resumes at the next header line.
    """
    rows = _numbered(lines)
    # The head is read ahead whether or not the format is given, so where a stream stands
    # at each entry (progress, the importer's gap rule) does not depend on who decided it.
    head = list(islice(rows, SNIFF_LINES))
    if fmt is None:
        fmt = _head_format(head)
    rows = chain(head, rows)
    if fmt == "abstracts":
        yield from _parse_abstracts(rows)
    else:
        yield from _parse_scored(rows, as_of)


def _parse_abstracts(rows: Iterator[tuple[int, str]]) -> Iterator[ListingEntry | ParseProblem]:
    for number, line in rows:
        problem = _line_problem(line)
        if problem:
            yield ParseProblem(number, problem)
            continue
        if not line.startswith(ABSTRACT_PREFIX):
            yield ParseProblem(number, f"expected a line starting with {ABSTRACT_PREFIX!r}")
            continue
        text = line[len(ABSTRACT_PREFIX) :].strip()
        if not text:
            yield ParseProblem(number, "empty abstract")
            continue
        yield ListingEntry(
            line=number,
            title=None,
            authors=(),
            et_al=False,
            affiliations=(),
            category=None,
            published=None,
            year_in_listing=False,
            score=None,
            has_code=False,
            abstract=text,
        )


def _parse_scored(
    rows: Iterator[tuple[int, str]], as_of: date
) -> Iterator[ListingEntry | ParseProblem]:
    """Entries are header / title+authors / abstract; blank lines anywhere are ignored."""
    pending: tuple[int, str] | None = None  # a header line already read ahead
    resyncing = False
    while True:
        if pending is not None:
            number, line = pending
            pending = None
        else:
            item = next(rows, None)
            if item is None:
                return
            number, line = item
        bad = _line_problem(line)
        header = None if bad else _parse_header(line, as_of)
        if bad or isinstance(header, str):
            # Report once, then skip to the next header line (a header-shaped line with
            # a bad date starts a new broken entry, so it is reported too).
            if not resyncing or (not bad and _is_header(line)):
                yield ParseProblem(number, bad or str(header))
            resyncing = True
            continue
        resyncing = False
        assert not isinstance(header, str) and header is not None
        category, published, year_shown, score, has_code = header

        body: list[str] = []
        problem: ParseProblem | None = None
        for role in ("title line", "abstract line"):
            item = next(rows, None)
            if item is None:
                problem = ParseProblem(number, f"truncated entry: missing {role}")
                break
            sub_number, sub_line = item
            if _is_header(sub_line):
                problem = ParseProblem(number, f"missing {role} (next header at {sub_number})")
                pending = item
                break
            sub_bad = _line_problem(sub_line)
            if sub_bad:
                problem = ParseProblem(sub_number, sub_bad)
                resyncing = True
                break
            body.append(sub_line)
        if problem is not None:
            yield problem
            continue

        split = split_title_line(body[0])
        yield ListingEntry(
            line=number,
            title=split.title,
            authors=split.authors,
            et_al=split.et_al,
            affiliations=split.affiliations,
            category=category,
            published=published,
            year_in_listing=year_shown,
            score=score,
            has_code=has_code,
            abstract=body[1].strip(),
        )


# --------------------------------------------------------------------------- render


def render_entry(entry: ListingEntry) -> str:
    """Render an entry back as listing text of its own format (newline-terminated)."""
    if entry.title is None:
        return f"{ABSTRACT_PREFIX}{entry.abstract}\n"
    if entry.published is None or entry.category is None:
        raise ValueError("a scored entry needs a category and a published date")
    header = ""
    if entry.score is not None:
        header += repr(float(entry.score))
    header += f"{entry.category}{MONTHS[entry.published.month - 1]} {entry.published.day}"
    if entry.year_in_listing:
        header += f", {entry.published.year}"
    if entry.has_code:
        header += "Code"
    line2 = join_title_line(entry.title, entry.authors, entry.et_al, entry.affiliations)
    return f"{header}\n{line2}\n{entry.abstract}\n"
