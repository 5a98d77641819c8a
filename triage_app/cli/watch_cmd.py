"""`triage-app watch`: a folder whose new files are imported once each (in the window
while it runs, or here with `--run`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from triage_app.cli.common import EXIT_OK, EXIT_PARTIAL, fail, open_library, run_command


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "watch",
        help="set the watched folder whose new files are imported, or import them now",
        description="`watch DIR` sets the folder (kept in the library), `watch --off` clears "
        "it, `watch` shows it. The window imports files dropped there while it runs; "
        "`watch --run` does it here until interrupted, `watch --run --once` once. A file is "
        "read only when its size and time stopped changing (a half-written file waits).",
    )
    p.add_argument(
        "folder", nargs="?", type=Path, metavar="DIR", help="the folder to watch (none: show it)"
    )
    p.add_argument("--off", action="store_true", help="stop watching")
    p.add_argument("--run", action="store_true", help="import the folder's new files here")
    p.add_argument("--once", action="store_true", help="with --run: one pass, then stop")
    p.add_argument("--interval", type=float, default=5.0, metavar="S", help=argparse.SUPPRESS)
    p.set_defaults(func=run_watch)


@run_command
def run_watch(args: argparse.Namespace) -> int:
    from triage_app.core.ingest import (
        FolderWatch,
        import_path,
        set_watched_folder,
        watched_folder,
    )

    with open_library(args) as library:
        if args.off:
            set_watched_folder(library, None)
            print("no folder is watched")
            return EXIT_OK
        if args.folder is not None:
            if not args.folder.is_dir():
                return fail(f"{args.folder}: not a folder")
            set_watched_folder(library, args.folder)
        folder = watched_folder(library)
        if not args.run:
            print(f"watched folder: {folder}" if folder else "no folder is watched")
            return EXIT_OK
        watch = FolderWatch.for_library(library)
        if watch is None:
            return fail("no folder is watched: `triage-app watch DIR` first")
        code = EXIT_OK
        first = True
        imported = False
        while True:
            ready = watch.ready()
            imported = imported or bool(ready)
            for path in ready:
                report = import_path(library, path)
                for problem in report.problems:
                    print(problem, file=sys.stderr)
                print(report.summary(), file=sys.stderr if report.refused else sys.stdout)
                if report.refused or report.skipped:
                    code = EXIT_PARTIAL
            watch.done(library, ready)
            if args.once and not first:
                break
            first = False
            time.sleep(watch.settle if args.once else args.interval)
        if imported:
            from triage_app.cli.common import sync_search_index

            sync_search_index(library)
    return code
