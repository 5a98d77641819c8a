"""The short commands run numpy with one OpenBLAS thread unless the user says otherwise,
and the cyclic collector less often."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage_app.cli.main import SHORT_GC_THRESHOLD, main


@pytest.fixture(autouse=True)
def _threshold() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["list"], "1"),
        (["search", "model"], "1"),
        (["list", "--sort", "for-you"], None),  # ranks with matrix products: left alone
        (["keys"], None),
    ],
)
def test_one_blas_thread_for_the_short_commands(
    words: list[str], expected: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    main(["--library", str(tmp_path / "lib"), *words])
    assert os.environ.get("OPENBLAS_NUM_THREADS") == expected
    assert gc.get_threshold() == (SHORT_GC_THRESHOLD if expected else (700, 10, 10))


def test_the_users_setting_stands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    main(["--library", str(tmp_path / "lib"), "list"])
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"
