"""`triage-app import` with other tools' files: summaries, `FILE:LINE: reason`, exit 0/1/2."""

from __future__ import annotations

from pathlib import Path

from tests.cli.run import triage
from tests.data import FOREIGN


def test_other_tools_files_import_and_report_their_decisions(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    files = [str(FOREIGN / n) for n in ("asreview_zotero.ris", "jabref_decisions.bib")]
    done = triage("import", *files, library=lib)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        f"{files[0]}: 3 new, 0 merged, 0 already known, 0 skipped; "
        "decisions taken: 2 kept, 1 tagged",
        f"{files[1]}: 3 new, 0 merged, 0 already known, 0 skipped; "
        "decisions taken: 2 kept, 2 rated, 1 starred, 2 tagged, 1 noted",
    ]
    listed = triage("list", library=lib)
    assert listed.returncode == 0, listed.stderr
    assert "Attention Is All You Need" in listed.stdout
    assert listed.stdout.strip().endswith("6 papers")


def test_a_skipped_record_is_file_line_reason_and_exit_1(tmp_path: Path) -> None:
    ris = tmp_path / "mixed.ris"
    ris.write_text("TY  - JOUR\nTI  - Kept one\nER  - \n\nTY  - JOUR\nDO  - 10.1000/x\nER  - \n")
    done = triage("import", str(ris), library=tmp_path / "lib")
    assert done.returncode == 1
    assert f"{ris}:5: a record needs a title or an abstract" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_of_no_known_format_is_refused_and_nothing_written(tmp_path: Path) -> None:
    table = tmp_path / "inventory.csv"
    table.write_text("Key,Journal,Volume\n1,Nature,3\n")
    done = triage("import", str(table), library=tmp_path / "lib")
    assert done.returncode == 2
    assert (
        f"{table}: refused: CSV columns not recognised: a table needs a `title` or an "
        "`abstract` column"
    ) in done.stderr
    listed = triage("list", library=tmp_path / "lib")
    assert listed.stdout.strip().endswith("0 papers")


def test_web_of_science_and_the_genuine_samples_through_the_command(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    names = ("wos_plaintext.txt", "rayyan_pilot_export.csv", "jabref_authors.bib")
    files = [str(FOREIGN / n) for n in names]
    done = triage("import", *files, library=lib)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == [
        f"{files[0]}: 6 new, 0 merged, 0 already known, 0 skipped; decisions taken: 2 tagged",
        f"{files[1]}: 13 new, 0 merged, 0 already known, 0 skipped; "
        "decisions taken: 8 kept, 2 dismissed",
        f"{files[2]}: 13 new, 0 merged, 0 already known, 0 skipped; "
        "decisions taken: 7 kept, 7 rated, 4 tagged",
    ]
    cut = tmp_path / "savedrecs.txt"
    cut.write_bytes((FOREIGN / "wos_plaintext.txt").read_bytes().replace(b"\nEF\n", b"\n"))
    again = triage("import", str(cut), library=lib)
    assert again.returncode == 1
    assert f"{cut}:1030: Encountered EOF before 'EF' marker" in again.stderr
    assert "Traceback" not in again.stderr
