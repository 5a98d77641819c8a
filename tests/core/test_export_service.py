"""export_papers: scope and order, progress and cancel, atomic files, clear errors."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.core.export_library import paper_object, restore
from triage_app.core.export.formats import FORMATS
from triage_app.core.export.service import (
    ExportCancelled,
    ExportDestinationError,
    export_papers,
)
from triage_app.core.store.library import Library


@pytest.fixture
def filled(library: Library, tmp_path: Path) -> Library:
    restore(library, tmp_path, [paper_object(n) for n in range(1, 2501)])
    return library


def ids_in(path: Path) -> list[int]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [int(row["id"]) for row in csv.DictReader(fh)]


def test_every_format_is_registered() -> None:
    assert sorted(FORMATS) == ["bibtex", "csv", "json", "ris"]
    assert [FORMATS[f].suffix for f in ("bibtex", "csv", "json", "ris")] == [
        ".bib",
        ".csv",
        ".json",
        ".ris",
    ]


def test_ids_keep_their_order_and_all_goes_by_id(filled: Library, tmp_path: Path) -> None:
    assert export_papers(filled, "csv", tmp_path / "some.csv", ids=[7, 3, 2000]) == 3
    assert ids_in(tmp_path / "some.csv") == [7, 3, 2000]
    assert export_papers(filled, "csv", tmp_path / "all.csv") == 2500
    assert ids_in(tmp_path / "all.csv") == list(range(1, 2501))


def test_stdout_destination(filled: Library) -> None:
    out = io.StringIO()
    assert export_papers(filled, "ris", None, ids=[1, 2], stdout=out) == 2
    assert out.getvalue().count("ER  - \n") == 2


def test_progress_is_reported_and_cancel_leaves_the_old_file(
    filled: Library, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    export_papers(filled, "json", tmp_path / "x.json", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
    before = (tmp_path / "x.json").read_bytes()
    calls = iter([False, False, True])
    with pytest.raises(ExportCancelled, match="after 2000 of 2500"):
        export_papers(filled, "json", tmp_path / "x.json", cancel=lambda: next(calls))
    assert (tmp_path / "x.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".partial"] == []


def test_a_failure_half_way_never_leaves_a_truncated_file(
    filled: Library, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous export\n")

    def broken(papers, out):
        for n, _ in enumerate(papers):
            out.write("x" * 100)
            if n == 1500:
                raise OSError(28, "No space left on device")
        return 0

    monkeypatch.setitem(
        FORMATS,
        "csv",
        FORMATS["csv"].__class__("csv", ".csv", "broken", lambda: broken, newline=""),
    )
    with pytest.raises(ExportDestinationError, match="No space left on device"):
        export_papers(filled, "csv", target)
    assert target.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "out.csv", "seed.json"]


def test_unwritable_destinations_have_clear_messages(filled: Library, tmp_path: Path) -> None:
    with pytest.raises(
        ExportDestinationError,
        match=f"cannot write {tmp_path}/missing/x.csv: the folder "
        f"{tmp_path}/missing does not exist",
    ):
        export_papers(filled, "csv", tmp_path / "missing" / "x.csv")
    with pytest.raises(ExportDestinationError, match="it is a folder"):
        export_papers(filled, "csv", tmp_path)
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ExportDestinationError, match="Permission denied"):
            export_papers(filled, "csv", locked / "x.csv")


def test_excel_bom_is_csv_only(filled: Library, tmp_path: Path) -> None:
    export_papers(filled, "csv", tmp_path / "x.csv", ids=[1], excel=True)
    assert (tmp_path / "x.csv").read_bytes().startswith(b"\xef\xbb\xbfid,title,authors,")
    with pytest.raises(ValueError, match="CSV exports only"):
        export_papers(filled, "json", tmp_path / "x.json", excel=True)
