"""The long kill -9 torture run: `python tests/perf/torture.py --kills 100 --seed 1`.

Prints each kill, then the figures (kills survived, decisions checked and lost, integrity
failures, index mismatches, whether re-running the imports gave exactly a clean import's
papers); exit status 1 if anything was lost or damaged.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.reliability.torture_kit import dump, run_torture


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--papers", type=int, default=200, help="papers per listing file")
    parser.add_argument(
        "--index-every",
        type=int,
        default=10,
        help="compare the healed index with a rebuild every N rounds",
    )
    parser.add_argument("--workdir", type=Path, help="keep the run's files here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="triage-torture-"))
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"{time.monotonic() - started:7.1f} s  {message}", flush=True)

    outcome = run_torture(
        workdir,
        kills=args.kills,
        seed=args.seed,
        papers=args.papers,
        index_every=args.index_every,
        log=log,
    )
    print(dump(outcome))
    print(outcome.summary())
    bad = (
        outcome.problems
        or outcome.decisions_lost
        or outcome.integrity_failures
        or outcome.index_mismatches
        or not outcome.reimport_exact
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
