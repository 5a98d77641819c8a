"""The RIS export for Zotero, EndNote, Rayyan and ASReview: one TY..ER record a paper.

Record layout (every value on one line, runs of whitespace written as one space):
    TY  - UNPB                      (a preprint: unpublished work)
    ID  - 42                        (the paper's id in the library)
    AU  - Family, Given             (one line an author; an organisation as it is)
    TI  - title
    AB  - abstract
    PY  - 2025
    DA  - 2025/11/03/
    KW  - tag                       (one line a tag)
    AD  - affiliation; affiliation
    N1  - triage: kept; rating 4; starred   (always the first N1: status, then the rating
                                             and the star when set)
    N1  - ASReview_relevant         (kept; `ASReview_irrelevant` when dismissed: the labels
                                     ASReview reads from a RIS file's notes)
    N1  - the researcher's note     (when there is one)
    ER  -
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO

from triage_app.core.export.author_names import split_name
from triage_app.core.records import PaperRecord

ASREVIEW_LABELS = {"kept": "ASReview_relevant", "dismissed": "ASReview_irrelevant"}
_DECISIONS = re.compile(r"^triage: (new|kept|dismissed)(?:; rating ([1-5]))?(; starred)?$")


def one_line(text: str) -> str:
    return " ".join(text.split())


def ris_author(name: str) -> str:
    person = split_name(name)
    if person.corporate or not person.given:
        return one_line(person.family)
    tail = f", {person.suffix}" if person.suffix else ""
    return f"{person.family}, {person.given}{tail}"


def decisions_note(paper: PaperRecord) -> str:
    text = f"triage: {paper.status}"
    if paper.rating:
        text += f"; rating {paper.rating}"
    if paper.starred:
        text += "; starred"
    return text


def parse_decisions_note(text: str) -> tuple[str, int | None, bool] | None:
    """(status, rating, starred) from a `triage: ...` note, None for any other note."""
    found = _DECISIONS.match(text.strip())
    if not found:
        return None
    return found[1], int(found[2]) if found[2] else None, bool(found[3])


def record_lines(paper: PaperRecord) -> list[tuple[str, str]]:
    lines = [("TY", "UNPB"), ("ID", str(paper.id))]
    lines += [("AU", ris_author(a)) for a in paper.authors if a.strip()]
    if paper.title and paper.title.strip():
        lines.append(("TI", one_line(paper.title)))
    if paper.abstract.strip():
        lines.append(("AB", one_line(paper.abstract)))
    if paper.published:
        day = paper.published
        lines.append(("PY", str(day.year)))
        lines.append(("DA", f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"))
    lines += [("KW", one_line(t)) for t in paper.tags if t.strip()]
    affiliations = [one_line(a) for a in paper.affiliations if a.strip()]
    if affiliations:
        lines.append(("AD", "; ".join(affiliations)))
    lines.append(("N1", decisions_note(paper)))
    if paper.status in ASREVIEW_LABELS:
        lines.append(("N1", ASREVIEW_LABELS[paper.status]))
    if paper.note.strip():
        lines.append(("N1", one_line(paper.note)))
    return lines


def write_ris(papers: Iterable[PaperRecord], out: IO[str]) -> int:
    """Stream one record a paper, records separated by a blank line."""
    count = 0
    for paper in papers:
        body = "".join(f"{tag}  - {value}\n" for tag, value in record_lines(paper))
        out.write(f"{body}ER  - \n\n")
        count += 1
    return count
