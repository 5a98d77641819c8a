"""Hostile and broken files: never a traceback, never a partial write of a refused file,
memory bounded however large the file.

The property tests run a few hundred cases in the suite; `TRIAGE_LONG=1` runs 10,000 per
property (`TRIAGE_LONG=1 python -m pytest tests/reliability/test_hostile_input.py`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.run import REPO, triage
from tests.perf.corpus import generate_entries, render_scored
from triage_app.core.ingest.importer import MAX_PROBLEMS, import_source, open_bytes
from triage_app.core.store import open_library
from triage_app.core.store.library import Library

LONG = os.environ.get("TRIAGE_LONG") == "1"
CASES = 10_000 if LONG else 300
AS_OF = generate_entries.__kwdefaults__["as_of"]

VALID = "".join(render_scored(e) for e in generate_entries(4, seed=31))
VALID_LINES = VALID.splitlines(keepends=True)
LONG_VALID = "".join(render_scored(e) for e in generate_entries(80, seed=32))  # > 64 KiB
EXPORT = json.dumps(
    [
        {
            "title": "A paper",
            "abstract": "An abstract.",
            "status": "kept",
            "starred": True,
            "tags": ["x"],
        }
    ]
    * 3,
    indent=1,
)
ODDITIES = [
    "\x00",
    "\r",
    "\r\n",
    "\n" * 40,
    "\u202e",
    "\u200f",
    "שלום עולם",
    "مرحبا",
    "🧪🔬👩‍🔬",
    "<b>bold</b>",
    "<img src=x onerror=alert(1)>",
    "\ufeff",
    "\x1b[31m",
    "\x07\x08\x0b\x0c",
    "Abstract:",
    "Abstract: ",
    "93.1CLMay 17Code\n",
    "LGDec 3, 2025\n",
    "\udcff",
    "[",
    "{",
    "id,title,authors\n",
]

piece = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=120).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(VALID_LINES).map(str.encode),
    st.sampled_from(ODDITIES).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=60).map(
        lambda t: t.encode("latin-1")
    ),  # another encoding inside a UTF-8 file
    st.text(max_size=40).map(lambda t: t.encode("utf-16", "surrogatepass")),
)
assembled = st.lists(piece, max_size=40).map(b"".join)
# Mostly-valid text: real entry lines among odd text, no NUL (which is refused at once).
text_piece = st.one_of(
    st.sampled_from(VALID_LINES),
    st.sampled_from([o for o in ODDITIES if "\x00" not in o]),
    st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=80),
).map(lambda t: t.encode("utf-8", "surrogatepass"))  # a lone surrogate: bytes not UTF-8
textual = st.lists(text_piece, max_size=40).map(b"".join)
truncated = st.builds(
    lambda n, text: text.encode()[:n],
    st.integers(0, len(VALID.encode())),
    st.sampled_from([VALID, EXPORT]),
)
spliced = st.builds(
    lambda at, junk, text: text.encode()[:at] + junk + text.encode()[at:],
    st.integers(0, len(VALID.encode())),
    assembled,
    st.sampled_from([VALID, EXPORT]),
)
hostile = st.one_of(assembled, textual, truncated, spliced)


def _footprint(library: Library) -> tuple[int, ...]:
    with library.read() as conn:
        return tuple(
            conn.exec_driver_sql(sql).scalar() or 0
            for sql in (
                "SELECT count(*) FROM paper",
                "SELECT count(*) FROM source",
                "SELECT count(*) FROM import_batch",
                "SELECT count(*) FROM paper_tag",
                "SELECT coalesce(sum(length(note) + starred + coalesce(rating, 0)), 0) FROM paper",
            )
        )


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory: pytest.TempPathFactory):
    library = open_library(tmp_path_factory.mktemp("hostile") / "lib")
    yield library
    library.close()


@settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=hostile, name=st.sampled_from(["x.txt", "x.json", "x.csv", "x"]))
def test_any_bytes_import_or_refuse_cleanly(
    shared_library: Library, data: bytes, name: str
) -> None:
    before = _footprint(shared_library)
    report = import_source(shared_library, open_bytes(name, data), as_of=AS_OF)
    after = _footprint(shared_library)
    if report.refused:
        assert after == before, (report.refused, data[:200])
        assert report.new == report.merged == 0
    else:
        assert after[0] == before[0] + report.new
    assert len(report.problems) <= MAX_PROBLEMS + 2
    assert all(isinstance(p, str) and p for p in report.problems)


HOSTILE_FILES = {
    "random.bin": bytes(range(256)) * 64,
    "nuls.txt": VALID.encode()[:300] + b"\x00" * 5000 + VALID.encode()[300:],
    "latin1.txt": VALID.replace("a", "é").encode("latin-1", "replace"),
    "utf16.txt": VALID.encode("utf-16"),
    "blank-million.txt": b"\n" * 1_000_000 + VALID.encode(),
    "enormous-line.txt": VALID.encode() + b"x" * (3 << 20) + b"\n" + VALID.encode(),
    "rtl-emoji.txt": VALID.replace("the", "\u202eשלום 🧪 <b>bold</b> <img src=x>").encode(),
    "control.txt": VALID.replace(" ", "\x1b[31m \x07").encode(),
    "truncated.txt": VALID.encode()[: len(VALID.encode()) * 2 // 3],
    "truncated.json": EXPORT.encode()[: len(EXPORT) // 2],
    "empty.txt": b"",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_files_through_the_cli(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[name])
    result = triage("import", str(path), "--as-of", AS_OF.isoformat(), library=tmp_path / "lib")
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert "refused" in result.stderr
        with open_library(tmp_path / "lib") as library:
            assert _footprint(library) == (0, 0, 0, 0, 0)


# Peak memory of this process image: VmHWM, not ru_maxrss (Linux carries the parent's peak
# across fork and exec into ru_maxrss, so a child of a big pytest process would look big).
MEASURE = """
import re, resource, sys, time
from datetime import date
from pathlib import Path
from triage_app.core.ingest.importer import import_path
from triage_app.core.store import open_library

def peak_mb():
    status = Path("/proc/self/status")
    if status.exists():
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read_text()).group(1)) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

with open_library(sys.argv[1]) as library:
    t0 = time.monotonic()
    report = import_path(library, sys.argv[2], as_of=date(2026, 11, 24))
    took = time.monotonic() - t0
    print(report.refused or report.summary())
    print(peak_mb(), round(took, 2), library.count())
"""


def _measure(tmp_path: Path, path: Path) -> tuple[str, int, float, int]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tmp_path / "lib"), str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    verdict, figures = done.stdout.strip().splitlines()[-2:]
    rss, took, count = figures.split()
    return verdict, int(rss), float(took), int(count)


GIB = 1 << 30


@pytest.mark.parametrize(
    ("head", "verdict_start", "papers", "seconds"),
    [
        ("", "binary file (NUL bytes)", 0, 1),
        ("not a listing, just words\n" * 4000, "not a listing: expected a feed header", 0, 1),
        (LONG_VALID, "huge.txt: 80 new, 0 merged, 0 already known, 1 skipped", 80, 60),
    ],
    ids=["binary", "text-then-nul", "listing-then-nul"],
)
def test_a_1_gb_file_streams_in_bounded_memory(
    tmp_path: Path, head: str, verdict_start: str, papers: int, seconds: float
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(head.encode())
        fh.truncate(GIB)  # sparse: a 1 GB file (the rest NUL bytes) that costs no disk
    verdict, rss_mb, took, count = _measure(tmp_path, path)
    assert verdict.replace(f"{path}: ", "huge.txt: ").startswith(verdict_start), verdict
    assert count == papers
    assert rss_mb < 200, rss_mb
    assert took < seconds, took


@pytest.mark.skipif(not LONG, reason="writes 1 GB of text; run with TRIAGE_LONG=1")
@pytest.mark.parametrize("head", ["", LONG_VALID], ids=["words", "listing-then-words"])
def test_a_1_gb_text_file(tmp_path: Path, head: str) -> None:
    path = tmp_path / "huge.txt"
    line = b"the quick brown fox jumps over the lazy dog " * 4 + b"\n"
    block = line * ((8 << 20) // len(line))
    with path.open("wb") as fh:
        fh.write(head.encode())
        while fh.tell() < GIB:
            fh.write(block)
    verdict, rss_mb, took, count = _measure(tmp_path, path)
    print(
        f"\n1 GB ({'listing head, then ' if head else ''}words): {verdict[-90:]}; "
        f"peak memory {rss_mb} MB; {took} s"
    )
    assert count == (80 if head else 0)
    assert rss_mb < 200
