"""What a new user met on the command line in the first hour (issue 20)."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.data import LISTINGS
from tests.test_support import SEED_FILES

AS_OF = ["--as-of", "2026-11-24"]


def imported(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    result = triage("import", *(str(LISTINGS / f) for f in SEED_FILES), *AS_OF, library=lib)
    assert result.returncode == 0, result.stderr
    return lib


def test_a_search_before_anything_was_imported(tmp_path: Path) -> None:
    for query in ("sparse", '"reward hacking" is:new', "steer* tag:x", "title:sae OR author:x"):
        result = triage("search", query, library=tmp_path / "lib")
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert result.stdout.splitlines()[-1] == "0 papers (sorted by relevance)"


def test_list_says_how_many_of_how_many_and_cuts_on_a_word(tmp_path: Path) -> None:
    lib = imported(tmp_path)
    result = triage("list", "--limit", "10", library=lib, env={"COLUMNS": "90"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "10 of 64 papers"
    rows = lines[1:-1]
    assert len(rows) == 10
    cut = [row for row in rows if row.endswith("…")]
    assert cut, rows  # titles longer than the terminal were cut...
    for row in rows:
        assert len(row) <= 90
    titles = {row[58:] for row in rows}
    for title in titles:
        if title.endswith("…"):
            # ...after a whole word
            assert not title[:-1].endswith(" ")
    full = triage("list", library=lib, env={"COLUMNS": "400"}).stdout
    for title in titles:
        if title.endswith("…"):
            assert re.search(re.escape(title[:-1]) + r"[ :,;·-]", full), title
    assert triage("list", library=lib).stdout.splitlines()[-1] == "64 papers"
    kept = triage("list", "--status", "kept", "--limit", "3", library=lib)
    assert kept.stdout.splitlines()[-1] == "0 papers"


def test_every_command_and_option_has_a_description() -> None:
    from triage_app.cli.main import build_parser

    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {c.dest: c.help for c in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helps.get(name):
                        missing.append(f"{path} {name}")
                    walk(sub, f"{path} {name}")
            elif not isinstance(action, argparse._HelpAction | argparse._VersionAction) and (
                not action.help
            ):
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "triage-app")
    assert missing == []


def test_a_json_file_that_is_not_our_export_is_refused(tmp_path: Path) -> None:
    lib = imported(tmp_path)
    # CSL-JSON, as Zotero and citation tools write it, with titles the library already has.
    listed = json.loads(triage("search", "sparse", "--json", library=lib).stdout)
    assert listed
    csl = [
        {
            "id": f"item-{p['id']}",
            "type": "article",
            "title": p["title"],
            "author": [{"family": "X", "given": "Y"}],
            "issued": {"date-parts": [[2025]]},
        }
        for p in listed
    ]
    path = tmp_path / "zotero.json"
    path.write_text(json.dumps(csl), encoding="utf-8")
    result = triage("import", str(path), library=lib)
    assert result.returncode == 2
    assert "merged" not in result.stdout
    problem = (result.stdout + result.stderr).strip().splitlines()[0]
    assert problem.startswith(f"triage-app: {path}: refused: not a triage-app JSON export")
    assert "author, issued, type" in problem

    # Our own export, and a hand-written list using our keys, still import.
    export = tmp_path / "papers.json"
    assert triage("export", "--format", "json", "-o", str(export), library=lib).returncode == 0
    again = triage("import", str(export), library=lib)
    assert again.returncode == 0, again.stdout + again.stderr
    hand = tmp_path / "hand.json"
    hand.write_text(json.dumps([{"title": "A hand-made entry", "tags": ["x"]}]), encoding="utf-8")
    made = triage("import", str(hand), library=lib)
    assert made.returncode == 0 and "1 new" in made.stdout


def test_list_for_you_gives_the_order_and_its_reasons(tmp_path: Path) -> None:
    lib = imported(tmp_path)
    assert triage("mark", "3", "5", "--star", library=lib).returncode == 0
    result = triage(
        "list", "--sort", "for-you", "--limit", "5", library=lib, env={"COLUMNS": "120"}
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "5 of 62 papers in the Inbox, most promising first"
    reasons = lines[2:-1:2]
    assert [r.split(" · ")[0].strip() for r in reasons] == [f"For you #{n}" for n in range(1, 6)]
    assert all(" · up: " in r for r in reasons), reasons


def test_demo_from_a_source_checkout(tmp_path: Path) -> None:
    """`python -m triage_app demo` run in the repository's root, where the package found first
    is the source tree (no `triage_app/resources`): the samples are found beside it."""
    lib = tmp_path / "demo"
    result = triage("demo", "--no-gui", library=lib)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1] == f"demo library: {lib} (64 papers)"


def test_demo_samples_without_the_resources_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an install mapping `triage_app.resources` (a bare checkout on sys.path), the
    samples are read from resources/ beside the package (the test above passes either way
    where an editable install maps it)."""
    from triage_app.core.ingest import demo

    def missing(name: str) -> None:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(demo, "files", missing)
    assert demo.demo_listing_names() == [
        "feed-sample-a.txt",
        "feed-sample-b.txt",
        "abstracts-sample.txt",
    ]
