"""Benchmark of the For-you order: the whole Inbox ranked with every paper's reasons.

    python tests/perf/bench_for_you.py --library DIR [--repeat 3]
    python tests/perf/bench_for_you.py --papers 100000 --cache /tmp/for-you-bench

On a copy of the library (it needs some kept or starred papers; `--cache` builds one with
700 decisions, as bench_cli.py does): the first ranking, which builds the TF-IDF matrix of
the whole library; a ranking in a new process (the matrix read from the library's cache
folder); and rankings after single decisions in the same process (the matrix in memory:
the model is trained again and the Inbox scored with one sparse product). Target: the
order of a 100,000-paper Inbox with every reason in 3 s. Wall and CPU seconds: the machine
is shared, and CPU time is what compares across loads.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

TARGET_S = 3.0


def clock(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def in_new_process(lib: Path) -> tuple[float, float]:
    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from triage_app.core.store import open_library\n"
        "from triage_app.core.triage.recommend import rank_inbox\n"
        f"library = open_library({str(lib)!r})\n"
        "w, c = time.perf_counter(), time.process_time()\n"
        "ranked = rank_inbox(library)\n"
        "print(time.perf_counter() - w, time.process_time() - c, len(ranked))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu, _ = out.stdout.split()
    return float(wall), float(cpu)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library", type=Path)
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.library is None and args.cache is None:
        ap.error("give --library DIR or --cache DIR")
    from tests.perf.bench_cli import build
    from triage_app.core.store import open_library
    from triage_app.core.triage import tfidf
    from triage_app.core.triage.decisions import DecisionPatch, mark
    from triage_app.core.triage.recommend import rank_inbox

    source = args.library or build(args.cache, args.papers)
    print(f"load average {os.getloadavg()}; library {source}")
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp) / "lib"
        shutil.copytree(source, lib, ignore=shutil.ignore_patterns("*.lock", "cache"))
        library = open_library(lib)
        ranked, wall, cpu = clock(lambda: rank_inbox(library))
        reasons = sum(1 for r in ranked if r.up or r.down)
        print(
            f"Inbox {len(ranked)} papers, {reasons} with reasons; first ranking (builds the "
            f"TF-IDF matrix): {wall:.2f} s wall, {cpu:.2f} s CPU"
        )
        fresh = [in_new_process(lib) for _ in range(args.repeat)]
        print(
            "new process, matrix from the cache folder: "
            + ", ".join(f"{w:.2f} s ({c:.2f} CPU)" for w, c in fresh)
        )
        after: list[tuple[float, float]] = []
        for i in range(args.repeat):
            pid = ranked[i * 7].paper_id
            mark(library, [pid], DecisionPatch(status="kept" if i % 2 == 0 else "dismissed"))
            again, wall, cpu = clock(lambda: rank_inbox(library))
            assert pid not in {r.paper_id for r in again[:100]}
            after.append((wall, cpu))
        print(
            "after one decision (matrix in memory): "
            + ", ".join(f"{w:.2f} s ({c:.2f} CPU)" for w, c in after)
        )
        tfidf._memory.clear()
        library.close()
    for label, runs in (("new process", fresh), ("after a decision", after)):
        median = statistics.median(w for w, _ in runs)
        verdict = "met" if median <= TARGET_S else "NOT met"
        print(f"{label}: median {median:.2f} s wall against {TARGET_S:.0f} s: {verdict}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
