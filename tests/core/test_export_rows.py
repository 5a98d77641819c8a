"""The SQL-assembled bulk exports equal the PaperRecord writers, byte for byte."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_support import seed_library
from triage_app.core.export.csv_table import csv_line, write_csv
from triage_app.core.export.json_list import write_json
from triage_app.core.export.rows import stream_csv, stream_json
from triage_app.core.export.service import ExportCancelled, export_papers
from triage_app.core.triage.decisions import DecisionPatch, mark


@pytest.fixture
def decided(tmp_path: Path):
    lib = seed_library(tmp_path / "lib")
    mark(lib, [1, 2], DecisionPatch(starred=True, add_tags=("zeta", "Alpha; beta", "=sum()")))
    mark(lib, [3], DecisionPatch(rating=4, note='-1 "quoted", comma\r\nnew line \\ back'))
    mark(lib, [4], DecisionPatch(status="dismissed", add_tags=("ümlaut",)))
    yield lib
    lib.close()


@pytest.mark.parametrize("ids", [None, [9, 3, 1, 64, 2]])
def test_json_stream_equals_record_writer(decided, ids) -> None:
    fast, slow = io.StringIO(), io.StringIO()
    n = stream_json(decided, ids, fast)
    write_json(decided.iter_papers(ids), slow)
    import json

    assert n == (64 if ids is None else 5)
    assert json.loads(fast.getvalue()) == json.loads(slow.getvalue())


@pytest.mark.parametrize("excel", [False, True])
@pytest.mark.parametrize("ids", [None, [9, 3, 1, 64, 2]])
def test_csv_stream_equals_record_writer(decided, ids, excel) -> None:
    fast, slow = io.StringIO(newline=""), io.StringIO(newline="")
    stream_csv(decided, ids, fast, excel=excel)
    write_csv(decided.iter_papers(ids), slow, excel=excel)
    assert fast.getvalue() == slow.getvalue()


def test_stream_progress_and_cancel(decided, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    count = export_papers(
        decided, "json", tmp_path / "a.json", progress=lambda d, t: seen.append((d, t))
    )
    assert count == 64 and seen[-1] == (64, 64)
    target = tmp_path / "b.csv"
    target.write_text("previous")
    with pytest.raises(ExportCancelled):
        export_papers(decided, "csv", target, cancel=lambda: True)
    assert target.read_text() == "previous"


_cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(['"', ",", "\r\n", "\n", "\r", '""', " , ", "'", 'a"b', ""]),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_cells, min_size=2, max_size=8), min_size=1, max_size=5))
def test_csv_line_is_exactly_the_csv_module(rows) -> None:
    import csv

    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    assert "".join(csv_line(r) for r in rows) == expected.getvalue()


@pytest.mark.parametrize("ids", [None, [9, 3, 1, 64, 2]])
def test_citation_streams_equal_the_record_writers(decided, ids) -> None:
    from triage_app.core.export.bibtex import bibtex_writer_for
    from triage_app.core.export.ris import write_ris
    from triage_app.core.export.rows import stream_bibtex, stream_ris

    fast, slow = io.StringIO(), io.StringIO()
    assert stream_bibtex(decided, ids, fast) == (64 if ids is None else 5)
    bibtex_writer_for(decided)(decided.iter_papers(ids), slow)
    assert fast.getvalue() == slow.getvalue()
    fast, slow = io.StringIO(), io.StringIO()
    stream_ris(decided, ids, fast)
    write_ris(decided.iter_papers(ids), slow)
    assert fast.getvalue() == slow.getvalue()
