"""`triage-app demo`: load the bundled sample listings and open the window on them."""

from __future__ import annotations

import argparse

from triage_app.cli.common import open_library, run_command, sync_search_index
from triage_app.core.store import resolve_library_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="load the bundled sample listings and open the window",
        description="Load the bundled sample listings into the library (the default one, or "
        "a separate demo library beside it when the default already holds papers, so nothing "
        "of yours is touched) and open the window.",
    )
    p.add_argument("--no-gui", action="store_true", help="only load the samples")
    p.set_defaults(func=run_demo)


@run_command
def run_demo(args: argparse.Namespace) -> int:
    from triage_app.core.ingest import demo_target, load_demo

    if not args.library:
        args.library = str(demo_target(resolve_library_dir(None)))
    with open_library(args) as library:
        for report in load_demo(library):
            print(report.summary())
        sync_search_index(library)
        print(f"demo library: {library.folder} ({library.count()} papers)")
    if args.no_gui:
        return 0
    from triage_app.cli.gui_cmd import run_gui

    return run_gui(args)
