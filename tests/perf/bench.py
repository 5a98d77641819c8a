"""Benchmark of the core: parsing, importing (parse + de-duplicate + store), opening.

    python tests/perf/bench.py --entries 20000 --library-papers 100000 --json out.json

Prints one line per figure; `--json` also writes them. Timings are wall-clock on whatever
machine runs it: quote medians of several runs on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from triage_app.core.store import open_library

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.perf.corpus import write_listing  # noqa: E402

AS_OF = date(2026, 11, 24)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_parse(listing: Path, entries: int) -> dict[str, float]:
    from triage_app.core.ingest.importer import _text_lines
    from triage_app.core.ingest.listing_parser import parse_listing

    start = time.perf_counter()
    with listing.open("rb") as fh:
        n = sum(1 for _ in parse_listing(_text_lines(fh, []), as_of=AS_OF))
    elapsed = time.perf_counter() - start
    assert n == entries, (n, entries)
    return {"parse_entries_per_s": entries / elapsed}


def bench_import(listing: Path, entries: int, workdir: Path) -> dict[str, float]:
    from triage_app.core.ingest.importer import import_path

    lib = open_library(workdir / "import-lib")
    start = time.perf_counter()
    report = import_path(lib, listing, as_of=AS_OF)
    elapsed = time.perf_counter() - start
    assert report.new + report.merged == entries, report.summary()
    start = time.perf_counter()
    again = import_path(lib, listing, as_of=AS_OF)
    reimport = time.perf_counter() - start
    assert again.new == 0
    lib.close()
    return {
        "import_entries_per_s": entries / elapsed,
        "import_seconds": elapsed,
        "reimport_seconds": reimport,
    }


def import_memory(entries: int, workdir: Path) -> float:
    """Peak RSS (MB) of a fresh process importing `entries`: flat means streaming."""
    listing = workdir / f"mem-{entries}.txt"
    write_listing(listing, entries, seed=entries)
    code = (
        "import resource,sys; from datetime import date;"
        "from triage_app.core.ingest.importer import import_path;"
        "from triage_app.core.store import open_library;"
        "lib=open_library(sys.argv[1]); import_path(lib, sys.argv[2], as_of=date(2026,11,24));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(workdir / f"mem-lib-{entries}"), str(listing)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return float(out.stdout.strip().splitlines()[-1])


def bench_open(papers: int, workdir: Path) -> dict[str, float]:
    """Build a library of `papers` once, then time Library.open + first counts."""
    from triage_app.core.ingest.importer import import_path

    folder = workdir / f"lib-{papers}"
    listing = workdir / f"big-{papers}.txt"
    write_listing(listing, papers, seed=7)
    lib = open_library(folder)
    import_path(lib, listing, as_of=AS_OF)
    lib.close()
    # Opening = Library.open + the counts and the Inbox's ids a window shows first; the
    # interpreter and import start-up (SQLAlchemy alone is ~0.4 s) are reported apart.
    code = (
        "import time,sys; t0=time.perf_counter();"
        "from triage_app.core.store.opening import open_library; t=time.perf_counter();"
        "lib=open_library(sys.argv[1]); lib.status_counts(); lib.list_ids(status='new');"
        "print(time.perf_counter()-t, t-t0)"
    )
    opens, imports = [], []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code, str(folder)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        opened, imported = map(float, out.stdout.split())
        opens.append(opened)
        imports.append(imported)
    return {
        "open_seconds_median": statistics.median(opens),
        "open_seconds_max": max(opens),
        "import_modules_seconds_median": statistics.median(imports),
        "library_papers": papers,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--library-papers", type=int, default=100000)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-open", action="store_true")
    args = ap.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        listing = write_listing(work / "listing.txt", args.entries, seed=1)
        figures.update(bench_parse(listing, args.entries))
        figures.update(bench_import(listing, args.entries, work))
        figures["import_peak_rss_mb_5k"] = import_memory(5000, work)
        figures["import_peak_rss_mb_40k"] = import_memory(40000, work)
        if not args.skip_open:
            figures.update(bench_open(args.library_papers, work))
    for key, value in figures.items():
        print(f"{key:32} {value:12.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
