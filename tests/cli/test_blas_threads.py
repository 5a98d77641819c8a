"""The short commands run numpy with one OpenBLAS thread unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from triage_app.cli.main import main


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


def test_the_users_setting_stands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    main(["--library", str(tmp_path / "lib"), "list"])
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"
