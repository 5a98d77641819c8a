"""The RIS export for Zotero, EndNote, Rayyan and ASReview: one TY..ER record a paper.

Record layout (values on one line, runs of whitespace written as one space, except the
note):
    TY  - MANSCPT                   (Zotero: manuscript; EndNote: Manuscript; `UNPB` is
                                     not in Zotero's import map and became journalArticle)
    ID  - 42                        (the paper's id in the library)
    AU  - Family, Given             (one line an author; an organisation as it is)
    TI  - title                     (an abstract-only paper: `[its first words…]`)
    AB  - abstract
    PY  - 2025
    DA  - 2025/11/03/
    M3  - Preprint                  (Zotero: manuscript type; EndNote: type of work)
    UR  - https://arxiv.org/abs/ID  (the link the window opens: the abstract page when the
                                     arXiv id is known, else the arXiv search)
    DO  - 10.1000/xyz               (the DOI, where known: rispy, ASReview and Zotero read it)
    KW  - tag                       (one line a tag, a `;` inside it kept)
    AD  - affiliation; affiliation  (RIS's author address, where Scopus and EndNote put
                                     affiliations; one line, as rispy keeps only one)
    N1  - triage: kept; rating 4; starred   (always the first N1: status, then the rating
                                             and the star when set)
    N1  - ASReview_relevant         (kept; `ASReview_irrelevant` when dismissed: the labels
                                     ASReview reads from a RIS file's notes)
    N1  - et al.: the listing named only these 3 authors   (when it said et al.)
    N1  - the researcher's note     (its later lines follow as continuation lines, which
          second line                Zotero joins with line breaks and rispy lists as
                                     further notes; a line that would read as a tag is
                                     indented one space)
    ER  -
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import IO

from triage_app.core.export.author_names import split_name
from triage_app.core.export.cited_title import cited_title
from triage_app.core.export.paper_links import paper_url
from triage_app.core.records import PaperRecord

RECORD_TYPE = "MANSCPT"
ASREVIEW_LABELS = {"kept": "ASReview_relevant", "dismissed": "ASReview_irrelevant"}
_DECISIONS = re.compile(r"^triage: (new|kept|dismissed)(?:; rating ([1-5]))?(; starred)?$")
# A line a RIS reader takes for a tag (Zotero: `^[A-Z][A-Z0-9] {1,2}-`; rispy: any two
# upper-case characters, the first a letter, then `  -`).
_TAG_LIKE = re.compile(r"[A-Z][A-Z0-9] {1,2}-|..  -")


def one_line(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=16384)  # names recur across a library; bounded, so memory stays flat
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


def et_al_note(authors: int) -> str:
    named = f"these {authors} authors" if authors != 1 else "this author"
    return f"et al.: the listing named only {named}"


def note_lines(note: str) -> list[str]:
    """The note's lines, trailing spaces and empty edges dropped; a tag-like line indented."""
    lines = [line.rstrip() for line in note.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return [" " + line if _TAG_LIKE.match(line) else line for line in lines]


def record_lines(paper: PaperRecord) -> list[tuple[str, str]]:
    lines = [("TY", RECORD_TYPE), ("ID", str(paper.id))]
    authors = [ris_author(a) for a in paper.authors if a.strip()]
    lines += [("AU", a) for a in authors]
    title = cited_title(paper.title, paper.abstract)
    if title:
        lines.append(("TI", title))
    if paper.abstract.strip():
        lines.append(("AB", one_line(paper.abstract)))
    if paper.published:
        day = paper.published
        lines.append(("PY", str(day.year)))
        lines.append(("DA", f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"))
    lines.append(("M3", "Preprint"))
    lines.append(("UR", paper_url(paper.arxiv_id, paper.title, paper.abstract)))
    if paper.doi:
        lines.append(("DO", one_line(paper.doi)))
    lines += [("KW", one_line(t)) for t in paper.tags if t.strip()]
    affiliations = [one_line(a) for a in paper.affiliations if a.strip()]
    if affiliations:
        lines.append(("AD", "; ".join(affiliations)))
    lines.append(("N1", decisions_note(paper)))
    if paper.status in ASREVIEW_LABELS:
        lines.append(("N1", ASREVIEW_LABELS[paper.status]))
    if paper.et_al and authors:
        lines.append(("N1", et_al_note(len(authors))))
    note = note_lines(paper.note)
    if note:
        lines.append(("N1", note[0].lstrip() + "".join("\n" + line for line in note[1:])))
    return lines


def write_ris(papers: Iterable[PaperRecord], out: IO[str]) -> int:
    """Stream one record a paper, records separated by a blank line."""
    count = 0
    batch: list[str] = []  # a few hundred records a write: a write call costs per call
    for paper in papers:
        batch.extend(f"{tag}  - {value}\n" for tag, value in record_lines(paper))
        batch.append("ER  - \n\n")
        count += 1
        if len(batch) >= 4096:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
    return count
