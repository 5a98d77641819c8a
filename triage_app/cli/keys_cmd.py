"""`triage-app keys`: every key of the window, with remappings from the settings file."""

from __future__ import annotations

import argparse

from triage_app.cli.common import CommandError, run_command


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keys", help="list the window's keyboard shortcuts")
    p.add_argument("--markdown", action="store_true", help="as a Markdown table")
    p.set_defaults(func=run_keys)


@run_command
def run_keys(args: argparse.Namespace) -> int:
    from triage_app.core.triage import (
        KeymapError,
        keys_file,
        keys_markdown,
        keys_text,
        load_actions,
    )

    try:
        actions = load_actions()
    except KeymapError as exc:
        raise CommandError(f"{keys_file()}: {exc}") from exc
    print(keys_markdown(actions) if args.markdown else keys_text(actions))
    return 0
