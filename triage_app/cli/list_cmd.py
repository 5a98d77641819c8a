"""`triage-app list`: a readable table of papers, filtered by status."""

from __future__ import annotations

import argparse
import shutil

from triage_app.cli.common import open_library, run_command
from triage_app.core.records import STATUSES, PaperRecord


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list papers as a table")
    p.add_argument("--status", choices=STATUSES, help="only the papers with this status")
    p.add_argument(
        "--limit", type=int, default=None, metavar="N", help="show at most N papers (default: all)"
    )
    p.add_argument(
        "--sort",
        default="id",
        choices=("id", "date", "score", "rating", "title", "author"),
        help="order of the rows (date, score and rating: highest first; default: id)",
    )
    p.add_argument(
        "--for-you",
        action="store_true",
        help="the Inbox, most promising first, each paper with why (the window's For you)",
    )
    p.set_defaults(func=run_list)


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (ESC sequences, BEL, CR, line breaks)
    become `\\xNN`-style escapes, so a title cannot move the cursor, ring or recolour."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


TITLE_MIN = 30  # a narrow terminal still shows this much of a title (the line wraps)


def clip(text: str, width: int) -> str:
    """`text` in at most `width` characters: cut after a whole word, with an ellipsis."""
    if len(text) <= width:
        return text
    head = text[: width - 1]
    cut = head.rfind(" ")
    if cut > 0:  # after the last whole word; a first word longer than the room is cut
        head = head[:cut]
    return head.rstrip(" ,;:·-") + "…"


def format_table(papers: list[PaperRecord], width: int | None = None) -> str:
    """One line a paper: id, flags, rating, category, date, first author, title."""
    width = width or shutil.get_terminal_size((120, 20)).columns
    lines = [
        f"{'id':>6}  {'st':2} {'★':1} {'rating':6} {'cat':3} {'date':10}  "
        f"{'first author':20}  title"
    ]
    marks = {"new": "·", "kept": "✓", "dismissed": "✗"}
    for p in papers:
        title = printable(p.title or "(no title) " + p.abstract)
        more = " +" if p.et_al or len(p.authors) > 1 else ""
        author = printable(p.first_author + more)
        row = (
            f"{p.id:>6}  {marks[p.status]:2} {'★' if p.starred else ' '} "
            f"{('*' * (p.rating or 0)):6} {printable(p.category or ''):3} "
            f"{p.published.isoformat() if p.published else '':10}  "
            f"{clip(author, 20):20}  "
        )
        lines.append(row + clip(title, max(width - len(row), TITLE_MIN)))
    return "\n".join(lines)


def count_line(shown: int, total: int) -> str:
    """`10 of 400 papers` when a limit cut the list, else `400 papers`."""
    noun = "paper" if total == 1 else "papers"
    return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"


@run_command
def run_list(args: argparse.Namespace) -> int:
    if args.for_you:
        return _list_for_you(args)
    with open_library(args) as library:
        desc = args.sort in ("date", "score", "rating")
        ids = library.list_ids(
            status=args.status, order=args.sort, descending=desc, limit=args.limit
        )
        papers = library.get_papers(ids, with_sources=False)
        total = library.count(args.status)
    print(format_table(papers))
    print(count_line(len(papers), total))
    return 0


def _list_for_you(args: argparse.Namespace) -> int:
    from triage_app.core.triage import rank_with_reasons

    with open_library(args) as library:
        ranking = rank_with_reasons(library)
        ranked = ranking if isinstance(ranking, list) else ranking.ids
        ids = ranked[: args.limit] if args.limit is not None else ranked
        papers = library.get_papers(ids, with_sources=False)
    lines = format_table(papers).splitlines()
    print(lines[0])
    for paper, line in zip(papers, lines[1:], strict=True):
        print(line)
        why = None if isinstance(ranking, list) else ranking.explain(paper.id)
        print(f"{'':8}{printable(why or 'by feed score')}")
    print(count_line(len(papers), len(ranked)) + " in the Inbox, most promising first")
    return 0
