"""Index build benchmark: `reindex` of N generated papers beside SQLite FTS5 on the same text.

    python tests/perf/bench_index.py --papers 20000 [--import-entries 100000]

Builds a library of N papers (store only), then, each in a child process so that its peak
memory is its own: the Whoosh index build (`rebuild_index`, as `triage-app reindex` runs it)
and an FTS5 table (porter tokenizer) of the same title, authors and abstract. Prints papers/s
of both, the time ratio and the peaks against the targets of issue 19. `--import-entries`
also runs `triage-app import` of a listing that size into a fresh library (store + index) and
reports its wall time and peak memory. Timings are wall-clock on a shared machine: quote
them with the load (`uptime`) they ran at.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.perf.corpus import build_library, write_listing  # noqa: E402

TARGET_PAPERS_PER_S = 3000
TARGET_RATIO = 7.0
TARGET_IMPORT_MB = 400

WHOOSH_CHILD = """
import sys, time
from pathlib import Path
from triage_app.core.store import open_library
from triage_app.core.search.index import rebuild_index
library = open_library(Path(sys.argv[1]))
start = time.perf_counter()
report = rebuild_index(library)
print(report.indexed, time.perf_counter() - start)
"""

FTS5_CHILD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[2])
conn.execute(f"ATTACH DATABASE '{sys.argv[1]}' AS lib")
conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, authors, abstract, tokenize = 'porter')")
start = time.perf_counter()
conn.execute(
    "INSERT INTO fts(rowid, title, authors, abstract) SELECT p.id, coalesce(p.title, ''), "
    "(SELECT coalesce(group_concat(value, ', '), '') FROM json_each(p.authors)), p.abstract "
    "FROM lib.paper p"
)
conn.commit()
print(conn.execute("SELECT count(*) FROM fts").fetchone()[0], time.perf_counter() - start)
"""


def run_child(argv: list[str], code: Path = REPO) -> tuple[str, float, float, float]:
    """(standard output, wall seconds, peak RSS in MB, CPU seconds with its own children's)
    of a child process running the triage_app of the tree `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, cwd=code)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{argv[:3]} failed with status {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return out, time.perf_counter() - start, usage.ru_maxrss / 1024, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--import-entries", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--code", type=Path, default=REPO, help="build with another tree's code (a baseline)"
    )
    args = parser.parse_args()
    figures: dict = {"papers": args.papers, "code": str(args.code), "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        library = build_library(folder / "lib", args.papers, seed=args.seed)
        db, index_dir = str(library.db_path), library.index_dir
        library.close()

        out, _, whoosh_mb, whoosh_cpu = run_child(
            [sys.executable, "-c", WHOOSH_CHILD, str(folder / "lib")], args.code
        )
        indexed, whoosh_s = out.split()
        assert int(indexed) == args.papers, out
        out, _, fts_mb, _ = run_child([sys.executable, "-c", FTS5_CHILD, db, str(folder / "f.db")])
        rows, fts_s = out.split()
        assert int(rows) == args.papers, out
        whoosh_rate = args.papers / float(whoosh_s)
        ratio = float(whoosh_s) / float(fts_s)
        figures.update(
            whoosh_papers_per_s=round(whoosh_rate),
            whoosh_build_s=round(float(whoosh_s), 2),
            whoosh_peak_mb=round(whoosh_mb),
            whoosh_process_cpu_s=round(whoosh_cpu, 2),
            index_segments=len(list(index_dir.glob("*.seg"))),
            fts5_papers_per_s=round(args.papers / float(fts_s)),
            fts5_build_s=round(float(fts_s), 2),
            fts5_peak_mb=round(fts_mb),
            time_ratio_whoosh_over_fts5=round(ratio, 1),
        )
        print(
            f"index build: {whoosh_rate:,.0f} papers/s (target {TARGET_PAPERS_PER_S:,}), "
            f"{float(whoosh_s):.1f} s, peak {whoosh_mb:.0f} MB, {whoosh_cpu:.1f} CPU s (the whole "
            f"process, start-up and store reads included); FTS5 "
            f"{args.papers / float(fts_s):,.0f} papers/s; Whoosh/FTS5 time {ratio:.1f}x "
            f"(target <= {TARGET_RATIO}x)",
            flush=True,
        )
        if args.import_entries:
            listing = write_listing(folder / "big.txt", args.import_entries, seed=args.seed + 1)
            argv = [sys.executable, "-m", "triage_app", "--library", str(folder / "big")]
            _, wall, peak, cpu = run_child(
                [*argv, "import", "--quiet", "--as-of", "2026-11-24", str(listing)], args.code
            )
            figures.update(
                import_entries=args.import_entries,
                import_s=round(wall, 1),
                import_cpu_s=round(cpu, 1),
                import_peak_mb=round(peak),
            )
            print(
                f"import of {args.import_entries:,} entries: {wall:.1f} s ({cpu:.1f} CPU s), "
                f"peak {peak:.0f} MB "
                f"(target <= {TARGET_IMPORT_MB} MB)",
                flush=True,
            )
    figures["load_after"] = os.getloadavg()
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
