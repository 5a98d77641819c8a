"""`triage-app list`: a readable table of papers, filtered by status."""

from __future__ import annotations

import argparse
import shutil

from triage_app.cli.common import open_library, run_command
from triage_app.core.records import STATUSES, PaperRecord


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list papers as a table")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--limit", type=int, default=None, metavar="N")
    p.add_argument(
        "--sort", default="id", choices=("id", "date", "score", "rating", "title", "author")
    )
    p.set_defaults(func=run_list)


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (ESC sequences, BEL, CR, line breaks)
    become `\\xNN`-style escapes, so a title cannot move the cursor, ring or recolour."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def format_table(papers: list[PaperRecord], width: int | None = None) -> str:
    """One line a paper: id, flags, rating, category, date, first author, title."""
    width = width or shutil.get_terminal_size((120, 20)).columns
    lines = [
        f"{'id':>6}  {'st':2} {'★':1} {'rating':6} {'cat':3} {'date':10}  "
        f"{'first author':20}  title"
    ]
    marks = {"new": "·", "kept": "✓", "dismissed": "✗"}
    for p in papers:
        title = printable(p.title or "(no title) " + p.abstract[:60])
        more = " +" if p.et_al or len(p.authors) > 1 else ""
        author = printable(p.first_author + more)
        row = (
            f"{p.id:>6}  {marks[p.status]:2} {'★' if p.starred else ' '} "
            f"{('*' * (p.rating or 0)):6} {printable(p.category or ''):3} "
            f"{p.published.isoformat() if p.published else '':10}  "
            f"{author[:20]:20}  "
            f"{title}"
        )
        lines.append(row[: max(width, 60)])
    return "\n".join(lines)


@run_command
def run_list(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        desc = args.sort in ("date", "score", "rating")
        ids = library.list_ids(
            status=args.status, order=args.sort, descending=desc, limit=args.limit
        )
        papers = library.get_papers(ids, with_sources=False)
    print(format_table(papers))
    print(f"{len(papers)} paper{'s' if len(papers) != 1 else ''}")
    return 0
