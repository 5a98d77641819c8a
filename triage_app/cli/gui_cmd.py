"""Opening the window: what `triage-app` does with no command."""

from __future__ import annotations

import argparse

from triage_app.cli.common import fail
from triage_app.core.store import resolve_library_dir


def run_gui(args: argparse.Namespace) -> int:
    try:
        from triage_app.gui.app import run_app
    except ImportError as exc:
        return fail(f"the window cannot start: {exc}")
    return run_app(resolve_library_dir(args.library))
