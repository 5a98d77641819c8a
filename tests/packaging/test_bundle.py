"""The desktop bundle does what the wheel does: the window's import and index children start
from it, it searches, exports and ranks For you, and it stays within 250 MB.

Builds the bundle with packaging/build_bundle.sh (a throwaway venv and PyInstaller, a few
minutes: the slowest test of the suite) into tmp_path, then drives the bundled executable:
- the window's own import path (`Transfers.import_paths` -> `run_import_child` ->
  `worker_command`) with this process posing as the bundle (`sys.frozen`, `sys.executable`),
  so the child is the command the bundled window starts: `triage-app --worker import ...`;
- the index child the same way;
- `search`, `export` and `list --sort for-you` through the bundle's own command line;
- the bundled window itself, offscreen, which must start and keep running.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.gui.conftest import WindowFactory, settle
from tests.perf.corpus import write_listing

REPO = Path(__file__).resolve().parents[2]
# The user's pip cache, read before conftest points XDG_CACHE_HOME into tmp_path.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip"
)
MAX_BYTES = 250_000_000  # the 250 MB (it measured 351 MB)
PAPERS = 120

pytestmark = [pytest.mark.slow, pytest.mark.gui]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        ["bash", str(REPO / "packaging" / "build_bundle.sh")],
        env=clean_env(
            PIP_CACHE_DIR=PIP_CACHE,
            BUNDLE_BUILD=str(root / "build"),
            BUNDLE_DIST=str(root / "dist"),
            PYTHON=sys.executable,
        ),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "smoke test passed" in result.stdout
    app = root / "dist" / "triage-app" / "triage-app"
    assert app.is_file()
    return app


def run_bundle(app: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(app), *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=300
    )


def test_the_bundle_stays_within_250_mb(bundle: Path) -> None:
    folder = bundle.parent
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle: {size:,} bytes ({size / 2**20:.1f} MiB)")
    assert size <= MAX_BYTES, f"{size:,} bytes"
    internal = folder / "_internal"
    # What the app loads is there; what it never loads is not.
    assert (internal / "PySide6" / "QtSvg.abi3.so").is_file()  # the Progress charts' SVG
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not list(internal.glob("scipy/optimize"))
    assert [p.name for p in (internal / "spellchecker" / "resources").iterdir()] == ["en.json.gz"]


def test_the_bundled_window_imports_through_its_own_worker_command(
    qtbot, bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage_app.workers import run_index_child, worker_command

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle))
    assert worker_command("import", ["x"]) == [str(bundle), "--worker", "import", "x"]
    listing = write_listing(tmp_path / "feed-2026-11-24.txt", PAPERS, seed=5)

    factory = WindowFactory(qtbot, tmp_path / "lib", tmp_path / "cfg" / "window.ini")
    try:
        window = factory.open_empty()
        window.commands.transfers.import_paths([listing])
        qtbot.waitUntil(lambda: window.report.isVisible(), timeout=120_000)
        settle(qtbot, window)
        assert window.report.summary.text() == (
            f"Imported 1 file: {PAPERS} new, 0 merged, 0 already known, 0 skipped"
        )
        assert window.library.count() == PAPERS
        assert window.model.rowCount() == PAPERS
    finally:
        factory.close_all()
    # The index child, as the window starts it for a big batch.
    assert run_index_child(tmp_path / "lib") >= 0
    monkeypatch.undo()

    # The bundle's own command line on what its child imported: search, export, For you.
    lib = str(tmp_path / "lib")
    word = "model"
    found = run_bundle(bundle, "--library", lib, "search", word, "--json", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits and all(word in json.dumps(h).lower() for h in hits)
    out = tmp_path / "papers.csv"
    exported = run_bundle(
        bundle, "--library", lib, "export", "--format", "csv", "-o", str(out), cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == PAPERS
    first = str(hits[0]["id"])
    assert (
        run_bundle(bundle, "--library", lib, "mark", first, "--star", cwd=tmp_path).returncode == 0
    )
    ranked = run_bundle(
        bundle, "--library", lib, "list", "--sort", "for-you", "--limit", "3", cwd=tmp_path
    )
    assert ranked.returncode == 0, ranked.stderr
    assert ranked.stdout.count("For you #") == 3 and " · up: " in ranked.stdout  # scipy works


def test_the_bundled_window_starts_and_keeps_running(bundle: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    assert (
        run_bundle(bundle, "--library", str(lib), "demo", "--no-gui", cwd=tmp_path).returncode == 0
    )
    window = subprocess.Popen(
        [str(bundle), "--library", str(lib)],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(8)  # start-up, the first index sync (a child) and the search warm-up
        assert window.poll() is None, window.communicate()
    finally:
        window.terminate()
        _out, err = window.communicate(timeout=30)
    assert "Traceback" not in err and "invalid choice" not in err, err
