"""One documented limit on a note's length (NOTE_MAX_CHARS), shared by the CLI, the core's
write, every export and every restore: a note within it survives JSON and CSV backups of any
size, whatever its characters; a longer one is refused where it is written, and a restore
file holding one reports that paper and restores the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.core.export_library import paper_object
from triage_app.core.export import export_papers
from triage_app.core.ingest import import_path
from triage_app.core.records import NOTE_MAX_CHARS
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark

# The longest note there is, of characters whose JSON escape or UTF-8 form is longest; with
# a long abstract its paper's JSON line is over 2 MiB (the reader used to stop at 1 MiB).
LONGEST = ('\x01é😀\n"\\;' * NOTE_MAX_CHARS)[:NOTE_MAX_CHARS]
LONG_ABSTRACT = "\x01" * 400_000


def test_the_limit_is_enforced_where_a_note_is_written(library: Library) -> None:
    DecisionPatch(note="n" * NOTE_MAX_CHARS)
    with pytest.raises(ValueError, match="longer than 100,000 characters"):
        DecisionPatch(note="n" * (NOTE_MAX_CHARS + 1))
    with pytest.raises(ValueError, match="NUL"):
        DecisionPatch(note="a\x00b")


def test_the_cli_refuses_a_longer_note_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    (tmp_path / "one.json").write_text(json.dumps([paper_object(1)]), encoding="utf-8")
    assert triage("import", str(tmp_path / "one.json"), library=folder).returncode == 0
    done = triage("mark", "1", "--note", "n" * (NOTE_MAX_CHARS + 1), library=folder)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "longer than 100,000" in done.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_backup_with_the_longest_notes_restores_every_paper(tmp_path: Path, fmt: str) -> None:
    source = open_library(tmp_path / "a")
    objects = [paper_object(n) for n in range(1, 131)]
    objects[2]["abstract"] = LONG_ABSTRACT
    (tmp_path / "in.json").write_text(json.dumps(objects), encoding="utf-8")
    assert import_path(source, tmp_path / "in.json").new == 130
    ids = source.all_ids()
    mark(source, ids[1:3], DecisionPatch(note=LONGEST, rating=5))
    backup = tmp_path / f"backup.{fmt}"
    export_papers(source, fmt, backup)
    if fmt == "json":
        longest_line = max(len(line) for line in backup.read_bytes().split(b"\n"))
        assert longest_line > 2 << 20
    restored = open_library(tmp_path / "b")
    report = import_path(restored, backup)
    assert (report.new, report.skipped, report.problems) == (130, 0, [])
    notes = {p.id: p.note for p in restored.iter_papers()}
    assert [notes[i] for i in ids[1:3]] == [LONGEST, LONGEST]
    assert sum(1 for n in notes.values() if n) == 2
    source.close()
    restored.close()


def test_a_restore_with_a_longer_note_reports_that_paper_and_restores_the_rest(
    tmp_path: Path,
) -> None:
    objects = [paper_object(n) for n in range(1, 6)]
    objects[2]["note"] = "x" * (NOTE_MAX_CHARS + 1)
    (tmp_path / "in.json").write_text(json.dumps(objects), encoding="utf-8")
    done = triage("import", str(tmp_path / "in.json"), library=tmp_path / "lib")
    assert done.returncode == 1
    problem = [line for line in done.stderr.splitlines() if "longer than" in line]
    assert len(problem) == 1 and problem[0].startswith(f"{tmp_path / 'in.json'}:")
    with open_library(tmp_path / "lib") as library:
        assert library.count() == 4
