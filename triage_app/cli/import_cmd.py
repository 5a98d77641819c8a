"""`triage-app import FILE...`: listings, JSON or CSV backups; exit 0, 1 (skipped) or 2."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from triage_app.cli.common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, open_library, run_command


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import listing files (or JSON/CSV exports) into the library",
        description="Import listing files (scored feed or abstract-only), or a JSON/CSV export "
        "of triage-app to restore decisions. `-` reads standard input. Duplicates merge into "
        "the existing paper; re-importing a file changes nothing.",
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="listing files or JSON/CSV exports; - reads stdin"
    )
    p.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="reference date for dates shown without a year (default: today)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=run_import)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from exc


@run_command
def run_import(args: argparse.Namespace) -> int:
    from triage_app.cli.common import sync_search_index
    from triage_app.cli.progress import progress_bar
    from triage_app.core.ingest import import_path

    reports = []
    with open_library(args) as library:
        for name in args.files:
            label = "standard input" if name == "-" else Path(name).name
            with progress_bar(
                None, unit="B", unit_scale=True, description=label, enabled=not args.quiet
            ) as bar:
                report = import_path(library, name, as_of=args.as_of, progress=bar)
            reports.append(report)
            for problem in report.problems:
                print(problem, file=sys.stderr)
            if report.refused:
                print(f"triage-app: {report.summary()}", file=sys.stderr)
            elif not args.quiet:
                print(report.summary())
        sync_search_index(library, show_progress=not args.quiet)
    if len(reports) > 1 and not args.quiet:
        total = {
            k: sum(getattr(r, k) for r in reports) for k in ("new", "merged", "known", "skipped")
        }
        print(
            f"total: {total['new']} new, {total['merged']} merged, "
            f"{total['known']} already known, {total['skipped']} skipped"
        )
    imported = sum(r.new + r.merged + r.known for r in reports)
    if all(r.refused for r in reports) or (imported == 0 and any(r.skipped for r in reports)):
        return EXIT_USAGE
    if any(r.refused or r.skipped for r in reports):
        return EXIT_PARTIAL
    return EXIT_OK
