"""`triage-app`: with no command it opens the window; commands serve scripts and tools.

Heavy modules (Qt, Whoosh) are imported inside the commands that need them so that
`triage-app --help` answers at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

# Command modules, each with `register(subparsers)`; order is the order in --help.
COMMAND_MODULES = (
    "triage_app.cli.import_cmd",
    "triage_app.cli.fetch_cmd",
    "triage_app.cli.watch_cmd",
    "triage_app.cli.list_cmd",
    "triage_app.cli.mark_cmd",
    "triage_app.cli.export_cmd",
    "triage_app.cli.search_cmd",
    "triage_app.cli.backup_cmd",
    "triage_app.cli.demo_cmd",
    "triage_app.cli.keys_cmd",
)


# The short commands (`list --sort for-you`, a ranking of the whole Inbox, is not one).
# Their numpy does no matrix work worth a thread pool (sorting, indexing and sums, not BLAS),
# and OpenBLAS starts one thread per core when numpy is imported. The objects they make
# (modules, rows) mostly live until they exit, so the cyclic collector's many
# young-generation passes over them find little.
SHORT_COMMANDS = frozenset({"search", "similar", "list", "mark"})
SHORT_GC_THRESHOLD = (10_000, 10, 10)  # Python's default first threshold is 700


def _tune_short_command() -> None:
    """One OpenBLAS thread (unless the user set a number) and fewer collector passes."""
    import gc
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.set_threshold(*SHORT_GC_THRESHOLD)


class _VersionAction(argparse.Action):
    """`--version`: the package metadata is read only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import triage_app

        print(f"triage-app {triage_app.__version__}")  # on stdout, as argparse's own
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triage-app",
        description="Triage new papers: import listings, decide, search, export. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="library folder (default: $TRIAGE_APP_LIBRARY, else the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command whose module is not part of this build
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["--worker"]:  # a child process of the window (see triage_app.workers)
        from triage_app.workers import main as worker_main

        return worker_main(words[1:])
    parser = build_parser()
    args = parser.parse_args(words)
    if args.command is None:
        from triage_app.cli.gui_cmd import run_gui

        return run_gui(args)
    if args.command in SHORT_COMMANDS and getattr(args, "sort", None) != "for-you":
        _tune_short_command()
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a full device shows here, not as a traceback at exit
        return code
    except BrokenPipeError:  # `triage-app list | head`: the reader has all it wanted
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # writing the output: `list > /dev/full`
        _quiet_stdout()
        print(f"triage-app: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 2


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
