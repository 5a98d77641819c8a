"""`triage-app search`, `similar` and `reindex`: full-text search from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from triage_app.cli.common import CommandError, open_library, parse_ids, run_command
from triage_app.core.search import QUERY_HELP

if TYPE_CHECKING:
    from triage_app.core.search import SearchService


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="search papers (words, phrases, fields, filters)",
        description="Search the library (the query language is below).",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", nargs="*", metavar="QUERY", help="the query (words are joined)")
    p.add_argument(
        "--limit",
        "-n",
        type=int,
        default=50,
        metavar="N",
        help="at most N papers (default 50; 0 for all)",
    )
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N")
    p.add_argument(
        "--sort",
        default="relevance",
        choices=("relevance", "date", "score", "rating"),
        help="order of the hits (default: relevance)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the papers as a JSON list (the keys of the JSON export)",
    )
    p.set_defaults(func=run_search)

    s = sub.add_parser("similar", help="papers most like a given one")
    s.add_argument("paper_id", metavar="ID", help="the paper to compare with")
    s.add_argument(
        "--limit", "-n", type=int, default=10, metavar="N", help="show N papers (default: 10)"
    )
    s.add_argument("--json", action="store_true", help="print the papers as a JSON list")
    s.set_defaults(func=run_similar)

    r = sub.add_parser("reindex", help="rebuild the search index from the library")
    r.add_argument("--quiet", "-q", action="store_true", help="print no progress")
    r.set_defaults(func=run_reindex)


def explain_query_error(query: str, exc: Exception) -> str:
    """The message with the query and a caret under the culprit."""
    position = getattr(exc, "position", 0)
    return f"bad query: {exc}\n  {query}\n  {' ' * position}^"


def report_repairs(service: SearchService) -> None:
    """One line for each time the search found its index damaged and rebuilt it."""
    for reason in service.repairs:
        reason = " ".join(reason.split())[:300]  # an exception's text may span lines
        print(
            f"triage-app: the search index was damaged ({reason}); rebuilt it from the library",
            file=sys.stderr,
        )


@run_command
def run_search(args: argparse.Namespace) -> int:
    from triage_app.core.search import QueryError, SearchService

    query = " ".join(args.query)
    if args.limit < 0 or args.offset < 0:
        raise CommandError("--limit and --offset must not be negative")
    with open_library(args, quick=True) as library, SearchService(library) as service:
        try:
            result = service.search(
                query, sort=args.sort, limit=args.limit or None, offset=args.offset
            )
        except QueryError as exc:
            raise CommandError(explain_query_error(query, exc)) from exc
        papers = library.get_papers(result.ids)
    report_repairs(service)
    if args.json:
        import json

        json.dump([p.to_json() for p in papers], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    from triage_app.cli.list_cmd import format_table

    print(format_table(papers))
    shown = (
        f"{args.offset + 1}-{args.offset + len(papers)} of " if len(papers) < result.total else ""
    )
    print(
        f"{shown}{result.total} paper{'s' if result.total != 1 else ''} (sorted by {result.sort})"
    )
    return 0


@run_command
def run_similar(args: argparse.Namespace) -> int:
    from triage_app.core.search import SearchService

    [paper_id] = parse_ids([args.paper_id])
    with open_library(args, quick=True) as library, SearchService(library) as service:
        try:
            hits = service.similar(paper_id, limit=args.limit)
        except KeyError as exc:
            raise CommandError(f"no paper with id {paper_id}") from exc
        papers = library.get_papers([pid for pid, _ in hits])
    report_repairs(service)
    if args.json:
        import json

        json.dump([p.to_json() for p in papers], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    from triage_app.cli.list_cmd import format_table

    print(format_table(papers))
    return 0


@run_command
def run_reindex(args: argparse.Namespace) -> int:
    from triage_app.cli.progress import progress_bar
    from triage_app.core.search import rebuild_index

    with (
        open_library(args) as library,
        progress_bar(None, description="indexing", enabled=not args.quiet) as bar,
    ):
        report = rebuild_index(library, progress=bar)
    if not args.quiet:
        print(f"indexed {report.indexed} paper{'s' if report.indexed != 1 else ''}")
    return 0
