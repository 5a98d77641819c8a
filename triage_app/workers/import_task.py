"""Importing in a child process, both sides: the child's task and the parent's call.

Parsing and merging a big listing is Python work that holds the GIL for long stretches; on a
thread it stalled the window, a child process has its own GIL. The child sends progress and
one result (an import report) per file; SIGTERM asks it to stop after the batch in flight
(what was committed stays), like the Cancel button of the window.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from triage_app.workers.protocol import run_worker, send_progress, send_result

if TYPE_CHECKING:  # the child imports the core only after its SIGTERM handler is set
    from triage_app.core.ingest import ImportReport

BATCH_ENV = "TRIAGE_APP_IMPORT_BATCH"  # entries per transaction; tests use small batches
REPORT_FIELDS = (
    "file",
    "new",
    "merged",
    "known",
    "skipped",
    "problems",
    "refused",
    "already_imported",
    "cancelled",
    "decisions",
)


class ImportJob(Protocol):
    """What the parent's caller offers: a progress sink and a cancel flag."""

    def progress(self, done: int, total: int) -> None: ...

    def is_cancelled(self) -> bool: ...


def report_to_dict(report: ImportReport) -> dict[str, Any]:
    data = asdict(report)
    return {k: data[k] for k in REPORT_FIELDS}


def report_from_dict(data: dict[str, Any]) -> ImportReport:
    from triage_app.core.ingest import ImportReport

    return ImportReport(**{k: data[k] for k in REPORT_FIELDS if k in data})


# ---------------------------------------------------------------- the child
def child_main(argv: Sequence[str]) -> int:
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    from triage_app.core.ingest import import_path, import_source, open_bytes
    from triage_app.core.store import open_library

    batch = os.environ.get(BATCH_ENV, "")
    batch_size = max(1, int(batch)) if batch.isdigit() else None
    parser = argparse.ArgumentParser(prog="triage-app --worker import")
    parser.add_argument("library")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--name", default="clipboard.txt")
    args = parser.parse_args(list(argv))
    paths = [Path(f) for f in args.files if f != "-"]
    sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
    total = max(1, sum(sizes))
    before = 0

    def progress(done: int, _total: int) -> None:
        send_progress(before + done, total)

    with open_library(Path(args.library), create=False) as library:
        if args.files == ["-"]:
            data = sys.stdin.buffer.read()
            total = max(1, len(data))
            report = import_source(
                library,
                open_bytes(args.name, data),
                progress=progress,
                cancel=lambda: stop[0],
                batch_size=batch_size,
            )
            send_result(report_to_dict(report))
            return 0
        for path, size in zip(paths, sizes, strict=True):
            if stop[0]:
                break
            report = import_path(
                library, path, progress=progress, cancel=lambda: stop[0], batch_size=batch_size
            )
            send_result(report_to_dict(report))
            before += size
    return 0


# --------------------------------------------------------------- the parent
def run_import_child(
    folder: Path, args: list[str], job: ImportJob, stdin: bytes | None = None
) -> list[ImportReport]:
    """Import `args` (files, or `-` with `stdin`) into the library at `folder` in a child,
    forwarding progress to `job` and its cancel as SIGTERM; returns the reports."""
    run = run_worker(
        "import",
        [str(folder), *args],
        stdin=stdin,
        progress=job.progress,
        cancelled=job.is_cancelled,
    )
    reports = [report_from_dict(r) for r in run.results if isinstance(r, dict)]
    failure = run.failure()
    if failure is not None and not job.is_cancelled():
        raise RuntimeError(f"the import stopped: {failure}")
    if job.is_cancelled():
        from triage_app.core.ingest import ImportReport

        if not reports:
            reports.append(ImportReport(file=args[0] if args[0] != "-" else "clipboard"))
        reports[-1].cancelled = True
    return reports
