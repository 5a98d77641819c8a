"""`triage-app fetch` and `triage-app feeds add|remove|list|daily`: arXiv categories and
feed URLs kept in the library, fetched politely and imported like files."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from triage_app.cli.common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, fail, open_library, run_command

if TYPE_CHECKING:
    from triage_app.core.ingest import FeedReport


def register(sub: argparse._SubParsersAction) -> None:
    fetch = sub.add_parser(
        "fetch",
        help="fetch the library's feeds (arXiv categories, feed URLs) and import them",
        description="Fetch every subscribed feed (or those named) and import what is new. "
        "HTTP caching (ETag, Last-Modified) makes an unchanged feed cost nothing; requests to "
        "one host are at least 3 s apart. A failing source is reported in one line; what the "
        "others brought is kept. Exit 0 all fetched, 1 some failed, 2 none fetched.",
    )
    fetch.add_argument("names", nargs="*", metavar="FEED", help="only these subscriptions")
    fetch.add_argument(
        "--if-due",
        action="store_true",
        help="only when the daily fetch is on and not yet done today",
    )
    fetch.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    fetch.set_defaults(func=run_fetch)

    feeds = sub.add_parser(
        "feeds",
        help="list, add or remove feed subscriptions",
        description="Subscriptions are arXiv categories (cs.CL, math.CO...: arXiv's daily "
        "Atom feed) or http(s) URLs of Atom, RSS, RIS or BibTeX; they are kept in the library.",
    )
    actions = feeds.add_subparsers(dest="feeds_action", metavar="ACTION")
    add = actions.add_parser("add", help="subscribe to categories or URLs")
    add.add_argument(
        "specs", nargs="+", metavar="CATEGORY_OR_URL", help="arXiv categories (cs.CL) or feed URLs"
    )
    remove = actions.add_parser("remove", help="unsubscribe")
    remove.add_argument(
        "specs", nargs="+", metavar="CATEGORY_OR_URL", help="subscriptions as `feeds list` shows"
    )
    actions.add_parser("list", help="list the subscriptions and their last result")
    daily = actions.add_parser("daily", help="fetch once a day at start-up (on or off)")
    daily.add_argument("state", choices=("on", "off"), help="on: fetch once a day; off: never")
    feeds.set_defaults(func=run_feeds)


@run_command
def run_feeds(args: argparse.Namespace) -> int:
    from triage_app.core.ingest import (
        add_subscription,
        daily_enabled,
        load_subscriptions,
        remove_subscription,
        set_daily,
    )

    action = args.feeds_action or "list"
    with open_library(args) as library:
        if action == "add":
            for spec in args.specs:
                try:
                    sub = add_subscription(library, spec)
                except ValueError as exc:
                    return fail(str(exc))
                print(f"subscribed: {sub.name} ({sub.url})")
        elif action == "remove":
            missing = [s for s in args.specs if not remove_subscription(library, s)]
            for spec in missing:
                print(f"triage-app: no subscription {spec!r}", file=sys.stderr)
            if missing:
                return EXIT_PARTIAL if len(missing) < len(args.specs) else EXIT_USAGE
        elif action == "daily":
            set_daily(library, args.state == "on")
            print(f"daily fetch at start-up: {args.state}")
        else:
            subs = load_subscriptions(library)
            for sub in subs:
                last = f" - {sub.last_result}" if sub.last_result else ""
                print(f"{sub.name}  {sub.url}{last}")
            state = "on" if daily_enabled(library) else "off"
            print(f"{len(subs)} subscriptions; daily fetch at start-up: {state}")
    return EXIT_OK


@run_command
def run_fetch(args: argparse.Namespace) -> int:
    from triage_app.cli.common import sync_search_index
    from triage_app.cli.progress import progress_bar
    from triage_app.core.ingest import daily_fetch_due, fetch_feeds, load_subscriptions

    with open_library(args) as library:
        subs = load_subscriptions(library)
        if not subs:
            return fail("no feeds to fetch: add one with `triage-app feeds add cs.CL`")
        if args.if_due and not daily_fetch_due(library):
            if not args.quiet:
                print("the daily fetch is off or already done today")
            return EXIT_OK

        total = len(args.names) if args.names else len(subs)
        with progress_bar(
            total, unit=" feeds", description="fetching", enabled=not args.quiet
        ) as bar:

            def show(report: FeedReport) -> None:
                for problem in report.problems:
                    print(problem, file=sys.stderr)
                failed = report.failure or (report.import_report and report.import_report.refused)
                if failed:
                    print(f"triage-app: {report.line()}", file=sys.stderr)
                elif not args.quiet:
                    print(report.line(), flush=True)
                bar.advance(1)

            reports = fetch_feeds(library, only=args.names, on_report=show)
        if args.names and not reports:
            return fail(f"no subscription named {', '.join(args.names)}")
        sync_search_index(library, show_progress=not args.quiet)
    failed = [r for r in reports if r.failure or (r.import_report and r.import_report.refused)]
    if failed and len(failed) == len(reports):
        return EXIT_USAGE
    return EXIT_PARTIAL if failed else EXIT_OK
