"""`triage-app mark`: record decisions on papers by id or on every match of a query."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from triage_app.cli.common import (
    CommandError,
    open_library,
    parse_ids,
    run_command,
    sync_search_index,
)

if TYPE_CHECKING:
    from triage_app.core.triage import DecisionPatch


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mark",
        help="star, rate, tag, annotate, keep or dismiss papers",
        description="Change decisions on the given papers (ids) or on every paper matching "
        "--query. Starring or rating a new paper keeps it.",
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="the papers to change")
    p.add_argument("--query", "-q", metavar="Q", help="apply to every paper matching Q")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask before a --query change")
    star = p.add_mutually_exclusive_group()
    star.add_argument("--star", dest="star", action="store_const", const=True, help="star")
    star.add_argument(
        "--unstar", dest="star", action="store_const", const=False, help="remove the star"
    )
    rating = p.add_mutually_exclusive_group()
    rating.add_argument("--rating", type=int, choices=range(1, 6), metavar="N", help="1-5")
    rating.add_argument("--no-rating", action="store_true", help="clear the rating")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="add tag T (repeatable)")
    p.add_argument(
        "--untag", action="append", default=[], metavar="T", help="remove tag T (repeatable)"
    )
    p.add_argument("--note", metavar="TEXT", help="replace the note ('' clears it)")
    status = p.add_mutually_exclusive_group()
    status.add_argument("--keep", dest="status", action="store_const", const="kept", help="keep")
    status.add_argument(
        "--dismiss", dest="status", action="store_const", const="dismissed", help="dismiss"
    )
    status.add_argument(
        "--reset", dest="status", action="store_const", const="new", help="back to new"
    )
    p.set_defaults(func=run_mark, star=None, status=None)


def patch_from_args(args: argparse.Namespace) -> DecisionPatch:
    from triage_app.core.triage import UNSET, DecisionPatch

    rating: Any = UNSET  # an int, None (clear it) or UNSET (leave it)
    if args.no_rating:
        rating = None
    elif args.rating is not None:
        rating = args.rating
    try:
        return DecisionPatch(
            status=args.status if args.status else UNSET,
            starred=UNSET if args.star is None else args.star,
            rating=rating,
            note=UNSET if args.note is None else args.note,
            add_tags=tuple(args.tag),
            remove_tags=tuple(args.untag),
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


@run_command
def run_mark(args: argparse.Namespace) -> int:
    from triage_app.core.triage import DecisionPatch, mark

    patch = patch_from_args(args)
    if patch == DecisionPatch():
        raise CommandError("nothing to change: give --star, --rating, --tag, --keep, ...")
    if bool(args.ids) == bool(args.query):
        raise CommandError("give paper ids or --query (one of the two)")
    with open_library(args, quick=True) as library:
        if args.query:
            from triage_app.core.search import QueryError, search_ids

            try:
                ids = search_ids(library, args.query)
            except QueryError as exc:
                raise CommandError(str(exc)) from exc
            print(f"{len(ids)} paper{'s' if len(ids) != 1 else ''} match {args.query!r}.")
            if not ids:
                return 0
            if not args.yes and not _confirm(f"Change {len(ids)} papers?"):
                print("nothing changed")
                return 2
        else:
            ids = list(dict.fromkeys(parse_ids(args.ids)))
            known = {p.id for p in library.get_papers(ids, with_sources=False)}
            missing = [i for i in ids if i not in known]
            if missing:
                raise CommandError(f"no paper with id {', '.join(map(str, missing))}")
        change = mark(library, ids, patch, label="mark")
        sync_search_index(library)
    changed = sum(1 for b, a in zip(change.before, change.after, strict=True) if b != a)
    print(f"changed {changed} paper{'s' if changed != 1 else ''}")
    return 0


def _confirm(question: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(
            "refusing to change papers without --yes (standard input is not a terminal to ask on)"
        )
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")
