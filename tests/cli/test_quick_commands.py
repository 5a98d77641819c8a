"""The short commands on the quick path (no SQLAlchemy), the day's first command still
taking the daily backup, and `list --sort for-you` with its reasons (text and JSON)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.run import REPO, triage
from tests.data import LISTINGS
from triage_app.core.store import open_library
from triage_app.core.triage import explain, rank_inbox

AS_OF = ("--as-of", "2026-11-24")
SEEDS = ("002_e1e6b264440ae296.txt", "003_fa884e0c8d87af1f.txt", "004_b89f686bb3a49483.txt")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lib = tmp_path_factory.mktemp("quick") / "lib"
    files = [str(LISTINGS / name) for name in SEEDS]
    assert triage("import", *files, *AS_OF, library=lib).returncode == 0
    assert triage("mark", "3", "4", "7", "--keep", "--star", library=lib).returncode == 0
    assert triage("mark", "5", "9", "--dismiss", library=lib).returncode == 0
    return lib


@pytest.fixture
def lib(template: Path, tmp_path: Path) -> Path:
    shutil.copytree(template, tmp_path / "lib")
    return tmp_path / "lib"


def heavy_after(lib: Path, *args: str) -> tuple[int, list[str]]:
    code = (
        "import io, sys, contextlib\n"
        "from triage_app.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['--library', {str(lib)!r}, *{list(args)!r}])\n"
        "heavy = {'sqlalchemy', 'sqlmodel', 'scipy', 'tqdm'}\n"
        "print(code, ' '.join(sorted({m.split('.')[0] for m in sys.modules} & heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    code_text, _, loaded = out.stdout.strip().partition(" ")
    return int(code_text), loaded.split()


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--status", "new", "--sort", "date", "--limit", "5"],
        ["search", "sparse", "autoencoders"],
        ["search", "is:new", "--sort", "date"],
        ["similar", "3"],
        ["mark", "2", "--star"],
        ["mark", "--query", "reward", "--tag", "rl", "--yes"],
    ],
)
def test_short_commands_load_no_sqlalchemy(lib: Path, args: list[str]) -> None:
    assert heavy_after(lib, *args) == (0, [])


def test_the_days_first_command_takes_the_daily_backup(lib: Path) -> None:
    shutil.rmtree(lib / "backups")
    code, loaded = heavy_after(lib, "list")
    assert code == 0 and "sqlalchemy" in loaded  # the full path, which backs up
    assert [p.name.endswith("-daily.sqlite") for p in (lib / "backups").iterdir()] == [True]
    assert heavy_after(lib, "list") == (0, [])


def test_list_for_you_shows_the_order_with_its_reasons(lib: Path) -> None:
    result = triage("list", "--sort", "for-you", library=lib)
    assert result.returncode == 0, result.stderr
    library = open_library(lib)
    ranked = rank_inbox(library)
    new = library.count("new")
    library.close()
    lines = result.stdout.splitlines()
    rows, reasons = lines[1:-1:2], lines[2:-1:2]
    assert [int(r.split()[0]) for r in rows] == [r.paper_id for r in ranked]
    assert [r.strip() for r in reasons] == [explain(i, r) for i, r in enumerate(ranked, 1)]
    assert reasons[0].strip().startswith("For you #1 · up: ")
    assert lines[-1] == f"{new} papers in the Inbox, most promising first"


def test_list_for_you_as_json(lib: Path) -> None:
    result = triage("list", "--sort", "for-you", "--limit", "3", "--json", library=lib)
    assert result.returncode == 0, result.stderr
    papers = json.loads(result.stdout)
    library = open_library(lib)
    ranked = rank_inbox(library, limit=3)
    library.close()
    assert [p["id"] for p in papers] == [r.paper_id for r in ranked]
    first = papers[0]["for_you"]
    assert first == {
        "rank": 1,
        "score": ranked[0].score,
        "up": list(ranked[0].up),
        "down": list(ranked[0].down),
        "feed": ranked[0].feed,
        "by_feed_only": False,
        "reasons": ranked[0].reasons,
    }
    assert {"title", "abstract", "status", "sources"} <= set(papers[0])
    assert all(p["status"] == "new" for p in papers)


def test_list_for_you_is_the_inbox_only(lib: Path) -> None:
    refused = triage("list", "--sort", "for-you", "--status", "kept", library=lib)
    assert refused.returncode == 2
    assert "Inbox" in refused.stderr and refused.stdout == ""


def test_list_json_has_the_export_keys(lib: Path) -> None:
    result = triage("list", "--status", "kept", "--json", library=lib)
    assert result.returncode == 0
    assert sorted(p["id"] for p in json.loads(result.stdout)) == [3, 4, 7]
