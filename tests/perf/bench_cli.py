"""Benchmark of the command line as a script meets it: each command a fresh process.

    python tests/perf/bench_cli.py --library DIR [--runs 5]
    python tests/perf/bench_cli.py --papers 100000 --cache /tmp/cli-bench

Times `triage-app --help`, `search`, `list` and `mark` (targets: 150 ms and 400 ms wall,
median of the runs) and `list --sort for-you`, each after one warm-up run, beside a bare
`python -c pass` for the interpreter's own start. It runs the installed console script
when it is this interpreter's (else `python -m triage_app`), never a version manager's shim
(pyenv's adds ~150 ms of shell to every start). Wall and CPU time per run; the load
average is printed with them, since the machine is shared.

`--papers N --cache DIR` builds (once, kept in DIR) a library of N generated papers with
some decisions, indexed; `--library DIR` times a copy of an existing one.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def entry_point() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "triage-app"
    if script.is_file() and script.read_text(errors="replace").startswith(f"#!{sys.executable}"):
        return [str(script)]
    return [sys.executable, "-m", "triage_app"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall s, CPU s of the child, exit status) of one run, its output thrown away."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        print(f"  ! exit {done.returncode}: {done.stderr.decode()[-300:]}", file=sys.stderr)
    return wall, cpu, done.returncode


def build(cache: Path, papers: int) -> Path:
    """A generated library of `papers`, indexed, with 700 decisions (kept once in `cache`)."""
    folder = cache / f"lib-{papers}"
    if (folder / "index").is_dir():
        return folder
    from tests.perf.corpus import build_library
    from triage_app.core.search import sync_index
    from triage_app.core.triage import DecisionPatch, mark

    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    library = build_library(folder, papers)
    sync_index(library)
    with library.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper ORDER BY id")]
    mark(library, ids[10:310], DecisionPatch(status="kept"))
    mark(library, ids[400:500], DecisionPatch(starred=True))
    mark(library, ids[600:900], DecisionPatch(status="dismissed"))
    sync_index(library)
    library.close()
    print(f"built {papers} papers in {time.perf_counter() - start:.0f} s: {folder}")
    return folder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library", type=Path, help="an existing library (a copy is timed)")
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--cache", type=Path, help="where a generated library is built and kept")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if args.library is None and args.cache is None:
        ap.error("give --library DIR or --cache DIR")
    source = args.library or build(args.cache, args.papers)

    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    # A user's install has its .pyc files: the children write them (each case's warm-up
    # run) and read them, whatever this environment says. With PYTHONDONTWRITEBYTECODE
    # set, every start would compile the tree's modules from source.
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    app = entry_point()
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp) / "lib"
        shutil.copytree(source, lib, ignore=shutil.ignore_patterns("*.lock"))
        if (lib / "index").is_dir():  # an index built before the posting arrays: add them
            from tests.perf.bench_search import ensure_arrays

            written, seconds = ensure_arrays(lib / "index")
            print(f"posting arrays written for {written} segments in {seconds} s")
        on = ["--library", str(lib)]
        some = "1"
        cases: list[tuple[str, list[list[str]], float | None]] = [
            ("python -c pass (the interpreter alone)", [[sys.executable, "-c", "pass"]], None),
            ("triage-app --help", [[*app, "--help"]], 0.150),
            ("search reward model", [[*app, *on, "search", "reward", "model"]], 0.400),
            (
                'search "language models" is:new',
                [[*app, *on, "search", '"language models"', "is:new"]],
                0.400,
            ),
            (
                "list --status new --limit 50",
                [[*app, *on, "list", "--status", "new", "--limit", "50"]],
                0.400,
            ),
            ("list (every paper)", [[*app, *on, "list"]], 0.400),
            (
                "mark ID --star / --unstar",
                [[*app, *on, "mark", some, "--star"], [*app, *on, "mark", some, "--unstar"]],
                0.400,
            ),
            (
                "list --sort for-you --limit 50",
                [[*app, *on, "list", "--sort", "for-you", "--limit", "50"]],
                3.0,
            ),
            ("list --sort for-you (every paper)", [[*app, *on, "list", "--sort", "for-you"]], None),
        ]
        print(f"{len(os.sched_getaffinity(0))} CPUs; load average {os.getloadavg()}")
        print(f"entry point: {' '.join(app)}; library: {source}")
        print(f"{'command':40} {'median wall':>11} {'CPU':>6} {'target':>7}  runs (wall ms)")
        for label, commands, target in cases:
            timed(commands[0], env)  # warm-up: the day's backup, caches, the page cache
            runs = [timed(commands[i % len(commands)], env) for i in range(args.runs)]
            walls = [w for w, _, _ in runs]
            median = statistics.median(walls)
            cpu = statistics.median(c for _, c, _ in runs)
            verdict = "" if target is None else ("met" if median <= target else "NOT met")
            shown = "" if target is None else f"{target * 1000:.0f} ms"
            print(
                f"{label:40} {median * 1000:9.0f} ms {cpu * 1000:4.0f} ms {shown:>7}  "
                f"{' '.join(f'{w * 1000:.0f}' for w in walls)}  {verdict}"
            )
        print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
