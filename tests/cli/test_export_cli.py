"""`triage-app export` through the real entry point, in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.export_library import paper_object

REPO = Path(__file__).resolve().parents[2]


def triage(*args: str, library: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "triage_app", "--library", str(library), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


@pytest.fixture
def lib_dir(tmp_path: Path) -> Path:
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            [
                paper_object(
                    1,
                    status="kept",
                    starred=True,
                    rating=5,
                    tags=["survey"],
                    note='=HYPERLINK("x")\nsecond line',
                ),
                paper_object(2, status="dismissed"),
                paper_object(3),
            ]
        ),
        encoding="utf-8",
    )
    done = triage("import", str(seed), library=tmp_path / "lib")
    assert done.returncode == 0, done.stderr
    return tmp_path / "lib"


def test_csv_to_stdout(lib_dir: Path) -> None:
    done = triage("export", "--format", "csv", library=lib_dir)
    assert (done.returncode, done.stderr) == (0, "")
    rows = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert [(r["id"], r["status"], r["starred"], r["rating"], r["note"]) for r in rows] == [
        ("1", "kept", "true", "5", '\'=HYPERLINK("x")\nsecond line'),
        ("2", "dismissed", "false", "", ""),
        ("3", "new", "false", "", ""),
    ]


@pytest.mark.parametrize(
    ("fmt", "suffix", "first"),
    [
        ("csv", "csv", "\ufeffid,title,authors,"),
        ("bibtex", "bib", "% Encoding: UTF-8\n\n@misc{lovelace12025paper,"),
        ("ris", "ris", "TY  - MANSCPT"),
        ("json", "json", "["),
    ],
)
def test_each_format_to_a_file(
    lib_dir: Path, tmp_path: Path, fmt: str, suffix: str, first: str
) -> None:
    out = tmp_path / f"out.{suffix}"
    done = triage("export", "--format", fmt, "-o", str(out), library=lib_dir)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", f"wrote 3 papers to {out}\n")
    assert out.read_text(encoding="utf-8").startswith(first)


def test_excel_bom_and_query_scope(lib_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "starred.csv"
    done = triage(
        "export", "-f", "csv", "--excel", "-q", "is:starred", "-o", str(out), library=lib_dir
    )
    assert done.returncode == 0, done.stderr
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffid,title,")
    assert [r["id"] for r in csv.DictReader(io.StringIO(text[1:], newline=""))] == ["1"]


def test_unwritable_destination_exits_2_with_a_clear_message(lib_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "out.bib"
    done = triage("export", "--format", "bibtex", "-o", str(target), library=lib_dir)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"triage-app: export failed: cannot write {target}: the folder "
        f"{target.parent} does not exist\n"
    )
    assert not target.parent.exists()
    done = triage("export", "--format", "json", "--excel", library=lib_dir)
    assert (done.returncode, done.stderr) == (
        2,
        "triage-app: export failed: the Excel byte-order mark applies to CSV exports only\n",
    )
