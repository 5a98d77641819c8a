"""kill -9 at random moments of real CLI imports and marks: nothing that returned is lost."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.torture_kit import run_torture


def test_ten_kills_lose_nothing(tmp_path: Path) -> None:
    log: list[str] = []
    outcome = run_torture(tmp_path, kills=10, seed=3, papers=100, index_every=0, log=log.append)
    assert outcome.problems == []
    assert outcome.kills == 10
    assert outcome.decisions_lost == 0
    assert outcome.integrity_failures == 0
    assert outcome.index_mismatches == 0
    assert outcome.reimport_exact is True
    # 100 + 100 in the first files (the third repeats them), 50 new in each added file
    assert outcome.papers == 200 + 50 * (outcome.files - 3)
