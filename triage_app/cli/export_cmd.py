"""`triage-app export`: write papers as JSON, CSV, BibTeX or RIS to a file or stdout."""

from __future__ import annotations

import argparse
import sys

from triage_app.cli.common import CommandError, open_library, run_command
from triage_app.core.export import FORMATS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export papers and decisions")
    p.add_argument(
        "--format", "-f", required=True, choices=sorted(FORMATS), help="the file type to write"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="destination (default: stdout)")
    p.add_argument("--query", "-q", metavar="Q", help="only papers matching Q, in rank order")
    p.add_argument(
        "--excel",
        action="store_true",
        help="CSV only: start with a byte-order mark so Excel reads UTF-8",
    )
    p.set_defaults(func=run_export)


@run_command
def run_export(args: argparse.Namespace) -> int:
    from triage_app.cli.progress import progress_bar
    from triage_app.core.export import export_papers

    # No bar over papers written to the same terminal (they would scroll through it).
    to_terminal = args.output in (None, "-") and sys.stdout.isatty()
    with open_library(args) as library:
        try:
            with progress_bar(None, description="exporting", enabled=not to_terminal) as bar:
                count = export_papers(
                    library,
                    args.format,
                    args.output,
                    query=args.query,
                    stdout=sys.stdout,
                    excel=args.excel,
                    progress=bar if bar.drawn else None,
                )
        except BrokenPipeError:
            raise  # `export | head`: ends quietly (cli.main)
        except (OSError, ValueError) as exc:
            if args.output in (None, "-") and isinstance(exc, OSError):
                raise  # the output itself failed (a full device): one line from cli.main
            raise CommandError(f"export failed: {exc}") from exc
    if args.output:
        print(f"wrote {count} paper{'s' if count != 1 else ''} to {args.output}", file=sys.stderr)
    return 0
