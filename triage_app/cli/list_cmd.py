"""`triage-app list`: a readable table of papers, filtered by status."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any

from triage_app.cli.common import CommandError, open_library, run_command
from triage_app.core.records import STATUSES, PaperRecord


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "list",
        help="list papers as a table",
        description="List papers. `--sort for-you` lists the Inbox most promising first, "
        "each paper with the words that ranked it (like the window's For you view).",
    )
    p.add_argument("--status", choices=STATUSES, help="only the papers with this status")
    p.add_argument(
        "--limit", type=int, default=None, metavar="N", help="show at most N papers (default: all)"
    )
    p.add_argument(
        "--sort",
        default="id",
        choices=("id", "date", "score", "rating", "title", "author", "for-you"),
        help="order of the rows (date, score and rating: highest first; for-you: the Inbox, "
        "most promising first, each paper with why; default: id)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the papers as a JSON list (the keys of the JSON export; with --sort "
        "for-you each also has `for_you`: rank, score, up, down, feed, reasons)",
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
    return format_rows(
        [
            (
                p.id,
                p.status,
                p.starred,
                p.rating,
                p.category,
                p.published.isoformat() if p.published else None,
                p.first_author,
                p.et_al or len(p.authors) > 1,
                p.title or "(no title) " + p.abstract[:200],
            )
            for p in papers
        ],
        width,
    )


_MARKS = {"new": "·", "kept": "✓", "dismissed": "✗"}
_HEADER = (
    f"{'id':>6}  {'st':2} {'★':1} {'rating':6} {'cat':3} {'date':10}  {'first author':20}  title"
)


def _head(pid: int, status: str, starred: Any, rating: Any, category: Any, published: Any) -> str:
    """A row up to the first author (`LiteLibrary.table_lines` writes the same in SQL)."""
    return (
        f"{pid:>6}  {_MARKS[status]:2} {'★' if starred else ' '} "
        f"{('*' * (rating or 0)):6} {printable(category or ''):3} "
        f"{published or '':10}  "
    )


def format_rows(rows: Sequence[tuple[Any, ...]], width: int | None = None) -> str:
    """The table of `format_table` from (id, status, starred, rating, category, ISO date,
    first author, more authors, title) rows, as `LiteLibrary.table_rows` reads them."""
    return format_lines(
        [(_head(*row[:6]), row[6] + " +" if row[7] else row[6], row[8]) for row in rows],
        width,
    )


def format_lines(
    lines: Sequence[tuple[str, str, str]],
    width: int | None = None,
    *,
    raw: Callable[[int], tuple[Any, ...]] | None = None,
    header: bool = True,
) -> str:
    """The table from (the row up to the first author, first author, title) triples, as
    `LiteLibrary.table_lines` reads them; `raw(id)` is that paper's `table_rows` row, for a
    head with a character a terminal must not get (SQL does not know which)."""
    width = max(width or shutil.get_terminal_size((120, 20)).columns, 60)
    out = [_HEADER] if header else []
    append = out.append
    for head, author, title in lines:
        if raw is not None and not head.isprintable():
            head = _head(*raw(int(head.split(None, 1)[0]))[:6])
        if len(author) > 20 or not author.isprintable():
            author = clip(printable(author), 20)
        row = f"{head}{author:20}  "
        room = width - len(row)
        if room < TITLE_MIN:
            room = TITLE_MIN
        if len(title) > room or not title.isprintable():
            title = clip(printable(title), room)
        append(row + title)
    return "\n".join(out)


def count_line(shown: int, total: int) -> str:
    """`10 of 400 papers` when a limit cut the list, else `400 papers`."""
    noun = "paper" if total == 1 else "papers"
    return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"


@run_command
def run_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise CommandError("--limit must not be negative")
    if args.sort == "for-you":
        return _list_for_you(args)
    order = {"status": args.status, "order": args.sort, "limit": args.limit}
    order["descending"] = args.sort in ("date", "score", "rating")
    with open_library(args, quick=True) as library:
        quick_lines = getattr(library, "table_lines", None)  # a LiteLibrary reads them in SQL
        if quick_lines is not None and not args.json:
            if args.sort == "id" and args.limit is None:  # every paper: two cores may help
                from triage_app.cli.list_halves import list_in_halves

                written = list_in_halves(library, args.status, format_lines)
                if written is not None:
                    print(count_line(written, written))
                    return 0
            lines = quick_lines(**order)
            table = format_lines(lines, raw=library.table_row)  # type: ignore[attr-defined]
            shown = len(lines)
        else:
            papers = library.get_papers(library.list_ids(**order), with_sources=args.json)
            if args.json:
                _print_json([p.to_json() for p in papers])
                return 0
            table, shown = format_table(papers), len(papers)
        # Without a limit the rows are all there are (a count by status reads the table).
        total = shown if args.limit is None else library.count(args.status)
    print(table)
    print(count_line(shown, total))
    return 0


def _list_for_you(args: argparse.Namespace) -> int:
    """The Inbox in the For-you order; each paper's reasons on the line below it."""
    if args.status not in (None, "new"):
        raise CommandError("--sort for-you orders the Inbox (new papers) only")
    from triage_app.core.triage import explain, rank_inbox

    with open_library(args, quick=True) as library:
        ranked = rank_inbox(library, limit=args.limit)
        ids = [r.paper_id for r in ranked]
        quick_rows = getattr(library, "table_rows_of", None)  # a LiteLibrary reads rows in SQL
        rows = quick_rows(ids) if quick_rows is not None and not args.json else None
        papers = library.get_papers(ids, with_sources=args.json) if rows is None else []
        inbox = library.count("new")
    if args.json:
        _print_json(
            [
                {
                    **p.to_json(),
                    "for_you": {
                        "rank": i,
                        "score": r.score,
                        "up": list(r.up),
                        "down": list(r.down),
                        "feed": r.feed,
                        "by_feed_only": r.by_feed_only,
                        "reasons": r.reasons,
                    },
                }
                for i, (p, r) in enumerate(zip(papers, ranked, strict=True), start=1)
            ]
        )
        return 0
    table = (format_rows(rows) if rows is not None else format_table(papers)).split("\n")
    lines = [table[0]]
    for i, (row, r) in enumerate(zip(table[1:], ranked, strict=True), start=1):
        lines.append(row)
        lines.append(f"{'':8}{printable(explain(i, r))}")
    print("\n".join(lines))
    shown = len(rows) if rows is not None else len(papers)
    print(count_line(shown, inbox) + " in the Inbox, most promising first")
    return 0


def _print_json(items: list[dict]) -> None:
    import json  # only when printing JSON: --help does without it

    json.dump(items, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
