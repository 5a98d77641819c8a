"""The README documents what the program does: generated tables and the CI test command."""

from __future__ import annotations

import re

from tests.conftest import REPO
from triage_app.core.triage.reference import keys_markdown, query_markdown

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_keys_table_is_the_action_table() -> None:
    assert keys_markdown() in README


def test_query_help_is_the_parser_help() -> None:
    assert query_markdown() in README


def test_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", setup)
    assert len(commands) == 2
    install_and_run, test_command = commands
    assert install_and_run.endswith("triage-app demo")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci
