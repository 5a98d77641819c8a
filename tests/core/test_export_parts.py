"""An export written by two processes (parts.py) is the one-process export, byte for byte."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_support import seed_library
from triage_app.core.export import parts
from triage_app.core.export.service import ExportCancelled, export_papers
from triage_app.core.triage.decisions import DecisionPatch, mark

FORMATS = ("csv", "json", "bibtex", "ris")


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory):
    lib = seed_library(tmp_path_factory.mktemp("parts") / "lib")
    mark(lib, [1, 2], DecisionPatch(starred=True, add_tags=("zeta", "Alpha; beta", "=sum()")))
    mark(lib, [3, 40], DecisionPatch(rating=4, note='-1 "quoted", comma\r\nnew line \\ back'))
    mark(lib, [4, 50], DecisionPatch(status="dismissed", add_tags=("ümlaut",)))
    yield lib
    lib.close()


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[str] | None]:
    """Split every export of two papers or more; the children started, to look at."""
    started: list[subprocess.Popen[str] | None] = []
    start = parts._start

    def spy(*args, **kw):
        child = start(*args, **kw)
        started.append(child)
        return child

    monkeypatch.setattr(parts, "SPLIT_MIN", 2)
    monkeypatch.setattr(parts, "_start", spy)
    return started


def _whole(library, fmt: str, path: Path, **kw) -> bytes:
    saved = parts.SPLIT_MIN
    parts.SPLIT_MIN = 10**9
    try:
        export_papers(library, fmt, path, **kw)
    finally:
        parts.SPLIT_MIN = saved
    return path.read_bytes()


@pytest.mark.parametrize("ids", [None, [9, 3, 1, 64, 2, 33, 17]])
@pytest.mark.parametrize("fmt", FORMATS)
def test_two_processes_write_the_same_bytes(decided, children, tmp_path, fmt, ids) -> None:
    one = _whole(decided, fmt, tmp_path / "one", ids=ids)
    seen: list[tuple[int, int]] = []
    count = export_papers(
        decided, fmt, tmp_path / "two", ids=ids, progress=lambda d, t: seen.append((d, t))
    )
    assert len(children) == 1 and children[0] is not None
    assert children[0].returncode == 0  # the child wrote the second half, not a fallback
    assert (tmp_path / "two").read_bytes() == one
    expected = 64 if ids is None else len(ids)
    assert count == expected and seen[-1] == (expected, expected)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_standard_output_and_excel_mark(decided, children, tmp_path) -> None:
    one = _whole(decided, "csv", tmp_path / "one")  # a file gets the mark
    out = io.StringIO(newline="")
    export_papers(decided, "csv", None, stdout=out, excel=True)
    assert children[0] is not None and children[0].returncode == 0
    assert out.getvalue().encode("utf-8") == one


def test_a_failed_child_leaves_its_half_to_the_parent(
    decided, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(parts, "SPLIT_MIN", 2)

    def failing(*args, **kw):
        return subprocess.Popen(
            [sys.executable, "-c", "import sys; print(40); sys.exit(3)"],
            stdout=subprocess.PIPE,
            text=True,
        )

    monkeypatch.setattr(parts, "_start", failing)
    for fmt in FORMATS:
        one = _whole(decided, fmt, tmp_path / f"one.{fmt}")
        assert export_papers(decided, fmt, tmp_path / f"two.{fmt}") == 64
        assert (tmp_path / f"two.{fmt}").read_bytes() == one


def test_cancel_stops_the_child_and_leaves_the_file(decided, children, tmp_path) -> None:
    target = tmp_path / "kept.bib"
    target.write_text("previous")
    with pytest.raises(ExportCancelled):
        export_papers(decided, "bibtex", target, cancel=lambda: True)
    assert target.read_text() == "previous"
    assert children[0] is not None and children[0].poll() is not None


def test_small_exports_stay_in_one_process(decided, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parts.halves(decided, None, parts.SPLIT_MIN - 1) is None
    monkeypatch.setattr(parts, "SPLIT_MIN", 2)
    first, second = parts.halves(decided, None, 64) or ((None, None), (None, None))
    assert first[0] is not None and second[0] is not None
    assert first[0].upto == second[0].after == 32  # seed ids run 1..64
    assert not first[0].closes and not second[0].opens
