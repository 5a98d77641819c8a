"""Hostile restore files: generated JSON and CSV backups (wrong types, huge integers, lone
surrogates, deep nesting, non-finite numbers, clocks from the future, odd dates, notes over
the limit, tags that clash by Unicode case) restored into a library whose researcher has
already decided: never a traceback, never a decision of the researcher's replaced (a forged
clock is not trusted), `PRAGMA integrity_check` ok after each file, and the library still
searches and exports (and the export restores) at the end.

A few hundred files in the suite; `TRIAGE_LONG=1` restores 10,000
(`TRIAGE_LONG=1 python -m pytest -s tests/reliability/test_hostile_restores.py` prints the
figures).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.export_library import paper_object
from triage_app.core.export import export_papers
from triage_app.core.ingest import import_source, open_bytes
from triage_app.core.records import CSV_COLUMNS, NOTE_MAX_CHARS, join_items
from triage_app.core.search.service import SearchService
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark

LONG = os.environ.get("TRIAGE_LONG") == "1"
CASES = 10_000 if LONG else 300
OLD_CLOCK = "2001-01-01T00:00:00+00:00"  # older than every decision made here


@dataclass(frozen=True)
class Raw:
    """JSON text written as it is (numbers and nesting `json.dumps` cannot or will not write)."""

    text: str


RAW_VALUES = [
    "1e999",
    "-1e400",
    "Infinity",
    "-Infinity",
    "NaN",
    "9" * 5000,
    "-" + "9" * 30,
    str(2**63),
    str(2**64),
    "1e-400",
    "-0",
    "[" * 50_000 + "]" * 50_000,
    '{"a":' * 20_000 + "1" + "}" * 20_000,
    '"\\ud800"',
    '"lone \\udfff surrogate"',
    '"\\u0000 nul"',
    '["\\ud83d"]',
]
CLOCKS = [
    "9999-12-31T00:00:00+00:00",
    "3000-01-01",
    "2999-06-01T12:00:00",
    OLD_CLOCK,
    "1970-01-01T00:00:00Z",
    "not a time",
    "2025-02-30T00:00:00",
    "",
]
DATES = ["2025-W01-1", "2025-13-01", "2025-02-30", "0000-01-01", "1999-12-31", "+002025-01-01"]
# Identifiers: well formed (some naming a decided paper: a forged copy joins it by id), with
# a version, prefixed, of the wrong shape, huge, or holding NUL and control characters.
IDENTIFIERS = [
    "2501.00001",
    "arXiv:2501.00002v7",
    "2501.00002 ",
    "hep-th/9901001",
    "10.1000/p3",
    "https://doi.org/10.1000/P5",
    "10.1000/p" + "9" * 5000,
    "2501.00001\x00",
    "10.1000/a\x00b",
    "10.1000/a\tb",
    "2501.1",
    "doi:",
    "10.48550/arXiv.2501.00001",
]
CLASHING_TAGS = ["STRASSE", "strasse", "Straße", "ß", "É", "é", "ǅ", "K", "\u212a", "ς", "Σ"]
KEYS = [
    "id",
    "title",
    "abstract",
    "note",
    "tags",
    "score",
    "published",
    "status",
    "starred",
    "rating",
    "authors",
    "affiliations",
    "category",
    "has_code",
    "et_al",
    "year_inferred",
    "sources",
    "arxiv_id",
    "doi",
    "arxiv_version",
    "journal_ref",
    "decisions_at",
    "updated_at",
    "created_at",
    "decided_at",
    "unknown_key",
]

scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=30),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
    st.sampled_from(CLOCKS + DATES + CLASHING_TAGS + IDENTIFIERS),
    st.sampled_from(RAW_VALUES).map(Raw),
)
value = st.one_of(
    scalar,
    st.lists(scalar, max_size=4),
    st.dictionaries(st.text(max_size=8), scalar, max_size=3),
    st.just("n" * (NOTE_MAX_CHARS + 1)),
    st.lists(st.sampled_from(CLASHING_TAGS), min_size=1, max_size=3),
    st.lists(
        st.fixed_dictionaries(
            {"file": scalar, "content_hash": scalar, "line": scalar, "imported_at": scalar}
        ),
        max_size=2,
    ),
)
mutation = st.tuples(st.sampled_from(KEYS), value)


def _dump(v: Any) -> str:
    """JSON text of a generated value: lone surrogates as escapes, Raw as it is."""
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_dump(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ",".join(_dump(x) for x in v) + "]"
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return json.dumps(v)


def _cell(v: Any) -> str:
    """A CSV cell of a generated value (lists joined as the export joins them)."""
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, list):
        return join_items([_cell(x) for x in v])
    if isinstance(v, dict):
        return _dump(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@dataclass
class Figures:
    files: int = 0
    json_files: int = 0
    csv_files: int = 0
    refused: int = 0
    papers_new: int = 0
    merged: int = 0
    records_skipped: int = 0
    decisions_lost: int = 0
    integrity_failures: int = 0
    started: float = 0.0


@dataclass
class Researcher:
    library: Library
    decided: dict[int, tuple]  # paper id -> the decisions the researcher made on it
    objects: list[dict[str, Any]]  # the decided papers as export objects (to forge from)
    figures: Figures


def _decisions(library: Library, ids: list[int]) -> dict[int, tuple]:
    return {
        p.id: (p.status, p.starred, p.rating, p.note, tuple(sorted(p.tags)))
        for p in library.get_papers(ids, with_sources=False)
    }


@pytest.fixture(scope="module")
def researcher(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile-restores")
    library = open_library(folder / "lib")
    objects = [
        paper_object(
            n,
            arxiv_id=f"2501.{n:05d}",
            doi=f"10.1000/p{n}" if n % 2 else None,
            arxiv_version=n % 4 or None,
            journal_ref=f"J. {n} (2025)" if n % 3 else None,
        )
        for n in range(1, 21)
    ]
    report = import_source(library, open_bytes("seed.json", json.dumps(objects).encode()))
    assert report.new == 20, report.summary()
    ids = library.all_ids()
    mark(library, ids[0:1], DecisionPatch(add_tags=("straße",), note="Straße notes", rating=5))
    mark(library, ids[1:2], DecisionPatch(add_tags=("STRASSE", "é"), starred=True))
    mark(library, ids[2:6], DecisionPatch(status="dismissed", add_tags=("Σ",)))
    mark(library, ids[6:12], DecisionPatch(note="months of judgement \x01 ; \\", rating=3))
    # The papers the researcher decided on (the other eight are still undecided: a restore
    # may fill those in, as it fills a new paper).
    decided = _decisions(library, ids[:12])
    exported = [p.to_json() for p in library.get_papers(ids, with_sources=False)]
    figures = Figures(started=time.monotonic())
    yield Researcher(library, decided, exported, figures)
    _final_checks(library, folder, ids)
    f = figures
    print(
        f"\nhostile restores: {f.files} files ({f.json_files} JSON, {f.csv_files} CSV), "
        f"{f.refused} refused whole, {f.records_skipped} records skipped, {f.papers_new} "
        f"papers added, {f.merged} merged; 0 tracebacks, {f.decisions_lost} decisions lost, "
        f"{f.integrity_failures} integrity failures; {time.monotonic() - f.started:.0f} s"
    )
    library.close()


def _final_checks(library: Library, folder: Path, ids: list[int]) -> None:
    """The library after every hostile file: it searches, loads and exports, and the export
    restores in full."""
    with SearchService(library) as service:
        for query in ("scaling", "year:>=2000", "score:>=0", "rating:>=1 is:starred", "tag:é"):
            service.search_ids(query)
        for sort in ("date", "score", "rating"):
            service.search_ids("", sort=sort)
    everything = library.all_ids()
    assert len(library.get_papers(everything)) == len(everything)
    for fmt in ("json", "csv"):
        out = folder / f"final.{fmt}"
        export_papers(library, fmt, out)
        if fmt == "json":
            json.loads(out.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
        with open_library(folder / f"back-{fmt}") as back:
            report = import_source(back, open_bytes(out.name, out.read_bytes()))
            assert (report.refused, report.skipped) == (None, 0), report.summary()
            assert back.count() == len(everything)
            assert _decisions(back, everything) == _decisions(library, everything)
            assert _identities(back, everything) == _identities(library, everything)


def _identities(library: Library, ids: list[int]) -> dict[int, tuple]:
    return {
        p.id: (p.arxiv_id, p.doi, p.arxiv_version, p.journal_ref)
        for p in library.get_papers(ids, with_sources=False)
    }


def _refuse_constant(name: str) -> None:
    raise ValueError(f"the export wrote {name}, which is not JSON")


record = st.tuples(
    st.one_of(st.integers(0, 19), st.none()),  # forge one of the decided papers, or a new one
    st.integers(21, 10_000),
    st.lists(mutation, max_size=4),
    st.sampled_from(CLOCKS),
)


def _records(researcher: Researcher, drawn: list[tuple]) -> list[dict[str, Any]]:
    out = []
    for target, n, mutations, clock in drawn:
        if target is None:
            obj: dict[str, Any] = paper_object(n)
        else:
            obj = dict(researcher.objects[target])
            # A forged copy of a decided paper: other decisions, clocks older than the
            # researcher's or from the future (`clock`), never a plausible newer one.
            obj.update(note="forged", tags=["STRASSE"], rating=1, starred=False, status="new")
            for key in ("created_at", "updated_at", "decided_at"):
                obj[key] = OLD_CLOCK
        obj["decisions_at"] = clock
        for key, v in mutations:
            if target is not None and key in ("updated_at", "decisions_at") and _plausible(v):
                continue  # a genuine newer clock may win: not what this test forges
            obj[key] = v
        out.append(obj)
    return out


def _plausible(v: Any) -> bool:
    """A clock that a genuine backup taken after the researcher's decisions could hold."""
    return isinstance(v, str) and v not in CLOCKS and v[:2] in ("20", "19")


def _as_csv(objects: list[dict[str, Any]], extra: bool) -> bytes:
    columns = list(CSV_COLUMNS) + (["updated_at", "decided_at", "created_at"] if extra else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for obj in objects:
        writer.writerow([_cell(obj.get(c)) for c in columns])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


@settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    drawn=st.lists(record, min_size=1, max_size=6),
    kind=st.sampled_from(["json", "json-lines", "csv", "csv-extra"]),
)
def test_a_hostile_restore_file_never_wipes_a_decision(
    researcher: Researcher, drawn: list[tuple], kind: str
) -> None:
    objects = _records(researcher, drawn)
    if kind.startswith("json"):
        sep = ",\n" if kind == "json-lines" else ","
        data = ("[" + sep.join(_dump(o) for o in objects) + "]").encode("utf-8", "surrogatepass")
        name = "restore.json"
    else:
        data = _as_csv(objects, extra=kind == "csv-extra")
        name = "restore.csv"
    library = researcher.library
    report = import_source(library, open_bytes(name, data))  # a traceback fails the test
    f = researcher.figures
    f.files += 1
    f.json_files += kind.startswith("json")
    f.csv_files += kind.startswith("csv")
    f.refused += report.refused is not None
    f.papers_new += report.new
    f.merged += report.merged
    f.records_skipped += report.skipped
    now = _decisions(library, list(researcher.decided))
    lost = sum(1 for pid, state in researcher.decided.items() if now[pid] != state)
    f.decisions_lost += lost
    assert lost == 0, {
        pid: (state, now[pid]) for pid, state in researcher.decided.items() if now[pid] != state
    }
    with library.read() as conn:
        integrity = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
    f.integrity_failures += integrity != [("ok",)]
    assert integrity == [("ok",)], integrity
