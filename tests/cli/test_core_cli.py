"""The core commands through the real entry point: import, list, mark, export json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run import triage
from tests.data import LISTINGS
from tests.test_support import SEED_FILES

AS_OF = ["--as-of", "2026-11-24"]


def test_version_and_help() -> None:
    from triage_app import __version__

    result = triage("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"triage-app {__version__}"
    for command in ("import", "list", "mark", "export", "demo"):
        helped = triage(command, "--help")
        assert helped.returncode == 0 and f"usage: triage-app {command}" in helped.stdout


def test_import_list_mark_export(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    files = [str(LISTINGS / f) for f in SEED_FILES]
    result = triage("import", *files, *AS_OF, library=lib)
    assert result.returncode == 0, result.stderr
    assert "total: 64 new, 4 merged, 0 already known, 0 skipped" in result.stdout
    again = triage("import", files[2], *AS_OF, library=lib)
    assert again.returncode == 0 and "nothing changed" in again.stdout

    marked = triage("mark", "3", "--star", "--tag", "Survey", "--note", "a\nb", library=lib)
    assert marked.returncode == 0 and "changed 1 paper" in marked.stdout
    assert triage("mark", "4", "--rating", "4", library=lib).returncode == 0
    assert triage("mark", "5", "--dismiss", library=lib).returncode == 0

    listed = triage("list", "--status", "kept", library=lib)
    assert listed.returncode == 0 and listed.stdout.strip().endswith("2 papers")

    exported = triage("export", "--format", "json", library=lib)
    assert exported.returncode == 0
    papers = {p["id"]: p for p in json.loads(exported.stdout)}
    assert len(papers) == 64
    assert (papers[3]["starred"], papers[3]["status"], papers[3]["tags"], papers[3]["note"]) == (
        True,
        "kept",
        ["Survey"],
        "a\nb",
    )
    assert (papers[4]["rating"], papers[4]["status"]) == (4, "kept")
    assert papers[5]["status"] == "dismissed"

    out = tmp_path / "backup.json"
    assert triage("export", "--format", "json", "-o", str(out), library=lib).returncode == 0
    restored = triage("import", str(out), library=tmp_path / "other")
    assert restored.returncode == 0 and "64 new" in restored.stdout


def test_stdin_import(tmp_path: Path) -> None:
    text = (LISTINGS / SEED_FILES[1]).read_text(encoding="utf-8")
    result = triage("import", "-", *AS_OF, library=tmp_path / "lib", stdin=text)
    assert result.returncode == 0 and "<stdin>: 8 new" in result.stdout


def test_bad_input_exit_codes(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    refused = triage("import", str(binary), str(empty), library=lib)
    assert refused.returncode == 2
    assert "photo.jpg: refused: binary file" in refused.stderr
    assert "empty.txt: refused: empty file" in refused.stderr
    assert "Traceback" not in refused.stderr

    lines = (LISTINGS / SEED_FILES[1]).read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.txt"
    broken.write_text("\n".join([*lines[:3], "not a header line at all", *lines[3:]]) + "\n")
    partial = triage("import", str(broken), *AS_OF, library=lib)
    assert partial.returncode == 1, partial.stderr
    assert "broken.txt:4:" in partial.stderr

    missing = triage("import", str(tmp_path / "nope.txt"), library=lib)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_mark_errors(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    assert triage("mark", "1", "--star", library=lib).returncode == 2
    nothing = triage("mark", "1", library=lib)
    assert nothing.returncode == 2 and "nothing to change" in nothing.stderr
    assert triage("mark", "1", "--rating", "9", library=lib).returncode == 2


def test_damaged_library_gets_a_clear_message(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "library.sqlite").write_text("garbage")
    result = triage("list", library=lib)
    assert result.returncode == 2
    assert "not an SQLite database" in result.stderr and "restore" in result.stderr
    assert (lib / "library.sqlite").read_text() == "garbage"
