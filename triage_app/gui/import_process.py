"""Import in a child process: `python -m triage_app.gui.import_process LIBRARY_DIR FILE...`
(`-` reads one listing from standard input, named by --name).

Parsing and merging a 20,000-entry listing is Python work that held the window's GIL for
up to 0.4 s at a time when it ran on a thread. The child prints `progress DONE TOTAL`
lines and one `report {json}` line per file; SIGTERM asks it to stop after the batch in
flight (what was committed stays), like the Cancel button of the window.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the child imports the core only after its SIGTERM handler is set
    from triage_app.core.importer import ImportReport

_STOP = [False]


def _stop(*_args: object) -> None:
    _STOP[0] = True

REPORT_FIELDS = ("file", "new", "merged", "known", "skipped", "problems", "refused",
                 "already_imported", "cancelled")


def report_to_json(report: ImportReport) -> str:
    data = asdict(report)
    return json.dumps({k: data[k] for k in REPORT_FIELDS}, ensure_ascii=False)


def report_from_json(text: str) -> ImportReport:
    from triage_app.core.importer import ImportReport

    data: dict[str, Any] = json.loads(text)
    return ImportReport(**{k: data[k] for k in REPORT_FIELDS if k in data})


BATCH_ENV = "TRIAGE_APP_IMPORT_BATCH"  # entries per transaction; tests use small batches


def main(argv: list[str]) -> int:
    import os

    from triage_app.core import importer
    from triage_app.core.importer import import_path, import_source, open_bytes
    from triage_app.core.store import Library

    if os.environ.get(BATCH_ENV, "").isdigit():
        importer.BATCH_SIZE = max(1, int(os.environ[BATCH_ENV]))

    parser = argparse.ArgumentParser()
    parser.add_argument("library")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--name", default="clipboard.txt")
    args = parser.parse_args(argv)
    stop = _STOP
    paths = [Path(f) for f in args.files if f != "-"]
    sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
    total = max(1, sum(sizes))
    before = 0

    def progress(done: int, _total: int) -> None:
        print(f"progress {before + done} {total}", flush=True)

    with Library.open(Path(args.library), create=False) as library:
        if args.files == ["-"]:
            data = sys.stdin.buffer.read()
            total = max(1, len(data))
            report = import_source(library, open_bytes(args.name, data), progress=progress,
                                   cancel=lambda: stop[0])
            print("report " + report_to_json(report), flush=True)
            return 0
        for path, size in zip(paths, sizes, strict=True):
            if stop[0]:
                break
            report = import_path(library, path, progress=progress, cancel=lambda: stop[0])
            print("report " + report_to_json(report), flush=True)
            before += size
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    from triage_app.gui.background_priority import lower_priority

    lower_priority()
    raise SystemExit(main(sys.argv[1:]))


def run_import_child(folder: Path, args: list[str], job: Any,
                     stdin: bytes | None = None) -> list[ImportReport]:
    """Run the child for `args` (files, or `-` with `stdin`), forwarding progress to `job`
    and its Cancel as SIGTERM; returns the reports. Runs on the writer lane's thread."""
    import subprocess
    import threading

    command = [sys.executable, "-m", "triage_app.gui.import_process", str(folder), *args]
    reports: list[ImportReport] = []
    with subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else None,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        if stdin is not None:
            assert child.stdin is not None
            threading.Thread(target=_feed, args=(child.stdin, stdin), daemon=True).start()

        def watch_cancel() -> None:
            while child.poll() is None:
                if job.is_cancelled():
                    child.terminate()
                    return
                threading.Event().wait(0.05)

        threading.Thread(target=watch_cancel, daemon=True).start()
        assert child.stdout is not None and child.stderr is not None
        for raw in child.stdout:  # blocking reads release the GIL
            kind, _, rest = raw.decode("utf-8").rstrip("\n").partition(" ")
            if kind == "progress":
                done, total = rest.split()
                job.progress(int(done), int(total))
            elif kind == "report":
                reports.append(report_from_json(rest))
        error = child.stderr.read().decode("utf-8", "replace")
        code = child.wait()
    if code != 0 and not job.is_cancelled():
        raise RuntimeError(f"the import stopped: {error.strip().splitlines()[-1:] or code}")
    if job.is_cancelled():
        from triage_app.core.importer import ImportReport

        if not reports:
            reports.append(ImportReport(file=args[0] if args[0] != "-" else "clipboard"))
        reports[-1].cancelled = True
    return reports


def _feed(pipe: Any, data: bytes) -> None:
    with pipe:
        pipe.write(data)
