"""The window's child processes: one protocol, started the same way from a wheel or a bundle."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.perf.corpus import write_listing
from triage_app.workers import protocol, run_import_child, run_index_child, worker_command


class _Job:
    def __init__(self, cancel_after: int | None = None) -> None:
        self.seen: list[tuple[int, int]] = []
        self.cancel_after = cancel_after

    def progress(self, done: int, total: int) -> None:
        self.seen.append((done, total))

    def is_cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.seen) >= self.cancel_after


def test_a_bundle_starts_its_children_through_its_own_executable(monkeypatch) -> None:
    assert worker_command("index", ["L"]) == [
        sys.executable,
        "-m",
        "triage_app.workers",
        "index",
        "L",
    ]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert worker_command("index", ["L"]) == [sys.executable, "--worker", "index", "L"]


def test_the_entry_point_runs_a_worker_task_and_speaks_the_protocol(
    tmp_path: Path, library
) -> None:
    """What a frozen bundle runs (`triage-app --worker TASK`), through the real entry point."""
    folder = library.folder
    write_listing(tmp_path / "a.txt", 30, seed=5)
    done = triage("--worker", "import", str(folder), str(tmp_path / "a.txt"))
    assert done.returncode == 0, done.stderr
    messages = [json.loads(line) for line in done.stdout.splitlines()]
    assert any("progress" in m for m in messages)
    [report] = [m["result"] for m in messages if "result" in m]
    assert report["new"] == 30 and report["refused"] is None
    indexed = triage("--worker", "index", str(folder))
    results = [json.loads(line).get("result") for line in indexed.stdout.splitlines()]
    assert indexed.returncode == 0 and results[-1] == 30


def test_a_failing_child_sends_one_error_line_never_a_traceback(tmp_path: Path) -> None:
    done = triage("--worker", "index", str(tmp_path / "no-library-here"))
    assert done.returncode == 1
    [line] = done.stdout.splitlines()
    assert "no library at" in json.loads(line)["error"]
    assert "Traceback" not in done.stderr
    unknown = triage("--worker", "nonsense")
    assert unknown.returncode == 2 and "unknown worker task" in unknown.stdout


def test_the_parent_gets_reports_progress_and_failures(tmp_path: Path, library) -> None:
    listing = write_listing(tmp_path / "b.txt", 40, seed=6)
    job = _Job()
    [report] = run_import_child(library.folder, [str(listing)], job)
    assert report.new == 40 and job.seen and job.seen[-1][0] == job.seen[-1][1]
    assert run_index_child(library.folder) == 40
    with pytest.raises(RuntimeError, match=r"indexing failed: .*no library at"):
        run_index_child(tmp_path / "missing")


def test_a_child_that_dies_without_an_error_line_is_explained_by_its_stderr() -> None:
    run = protocol.ChildRun(code=1, stderr="warning\nMemoryError: boom\n")
    assert run.failure() == "MemoryError: boom"
    assert protocol.ChildRun(code=-9).failure() == "exit status -9"
    assert protocol.ChildRun(results=[1]).failure() is None
