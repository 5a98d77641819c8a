"""Benchmark of the exports: papers/s and peak memory per format on a generated library.

    python tests/perf/bench_export.py --papers 100000 [--library DIR] [--formats csv json]

Builds the library through the real import path (or reuses `--library DIR` when it already
holds the papers), marks a tenth of them, then runs each export in a fresh process so the
peak resident memory it prints is that export's own. It prints wall-clock and CPU time: on
a shared, loaded machine the CPU figure is the one that compares across runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from triage_app.core.store import open_library

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

FORMATS = ("csv", "json", "bibtex", "ris")
# The targets at 100,000 papers (papers per second of wall-clock time).
TARGETS = {"csv": 20_000, "json": 20_000, "bibtex": 10_000, "ris": 10_000}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> float | None:
    """Resident MB now, with the kernel's peak reset to it (Linux): opening a library can
    peak higher than an export, which would hide the export's own growth."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_mb("VmRSS")
    except OSError:
        return None


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise OSError(f"no {field} in /proc/self/status")


def prepare(folder: Path, papers: int) -> None:
    from tests.perf.corpus import build_library
    from triage_app.core.triage.decisions import DecisionPatch, mark

    if (folder / "library.sqlite").exists():
        with open_library(folder) as library:
            if library.count() >= papers:
                return
    start = time.perf_counter()
    library = build_library(folder, papers)
    try:
        ids = library.all_ids()
        mark(
            library,
            ids[::10],
            DecisionPatch(
                status="kept", rating=4, add_tags=("survey",), note='=read, "soon"\nsecond line'
            ),
        )
        mark(library, ids[5::20], DecisionPatch(toggle_star=True))
        print(f"built {library.count()} papers in {time.perf_counter() - start:.1f} s", flush=True)
    finally:
        library.close()


def run_one(folder: Path, fmt: str, out: Path) -> dict[str, float]:
    """One export in this process: time, papers/s, peak RSS growth over the opened library."""
    from triage_app.core.export.service import export_papers

    with open_library(folder) as library:
        base = _peak_rss_mb()
        now = _reset_peak()
        start, cpu = time.perf_counter(), time.process_time()
        if fmt == "iter":
            count = sum(1 for _ in library.iter_papers())
        else:
            count = export_papers(library, fmt, out)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        growth = _status_mb("VmHWM") - now if now is not None else _peak_rss_mb() - base
    return {
        "format": fmt,
        "papers": count,
        "seconds": round(seconds, 2),
        "papers_per_s": round(count / seconds),
        "cpu_seconds": round(cpu, 2),
        "papers_per_cpu_s": round(count / cpu),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "rss_growth_mb": round(growth, 1),
        "bytes": out.stat().st_size if out.exists() else 0,
    }


def _verdict(fmt: str, result: dict[str, float]) -> str:
    target = TARGETS.get(fmt)
    if target is None:
        return ""
    wall = "meets" if result["papers_per_s"] >= target else "BELOW"
    cpu = "meets" if result["papers_per_cpu_s"] >= target else "BELOW"
    return f"  target {target:,}/s: wall {wall}, CPU {cpu}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--library", type=Path, help="library folder to build or reuse")
    parser.add_argument(
        "--formats", nargs="+", default=["iter", *FORMATS], choices=["iter", *FORMATS]
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.library, args.one, args.out)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.library or Path(tmp) / "lib"
        prepare(folder, args.papers)
        for fmt in args.formats:
            out = Path(tmp) / f"export.{fmt}"
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--library",
                    str(folder),
                    "--one",
                    fmt,
                    "--out",
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(done.stdout)
            print(
                f"{fmt:7s} {result['papers']:7d} papers {result['seconds']:6.2f} s "
                f"{result['papers_per_s']:7d} papers/s (CPU {result['cpu_seconds']:.2f} s, "
                f"{result['papers_per_cpu_s']} papers/CPU-s)  "
                f"peak RSS {result['peak_rss_mb']} MB "
                f"(+{result['rss_growth_mb']} MB during export)  {result['bytes'] >> 20} MiB"
                + _verdict(fmt, result),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
