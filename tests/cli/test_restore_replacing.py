"""A restore that replaces decisions the library holds says how many and whose, and takes a
copy of the library first, so that one command (`triage-app restore BACKUP`) undoes it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.cli.run import triage
from tests.core.export_library import paper_object


def _decisions(folder: Path) -> dict[int, tuple]:
    done = triage("search", "--json", "--limit", "0", library=folder)
    assert done.returncode == 0, done.stderr
    return {
        p["id"]: (p["status"], p["starred"], p["rating"], p["note"], tuple(p["tags"]))
        for p in json.loads(done.stdout)
    }


def test_a_replacing_restore_names_the_papers_and_one_command_undoes_it(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    (tmp_path / "seed.json").write_text(json.dumps([paper_object(n) for n in range(1, 6)]))
    assert triage("import", str(tmp_path / "seed.json"), library=ours).returncode == 0
    assert triage("mark", "1", "2", "--rating", "2", "--note", "mine", library=ours).returncode == 0
    # A colleague's copy of the library, decided later: its backup is newer for papers 1, 2.
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    assert (
        triage("mark", "1", "2", "--rating", "5", "--tag", "theirs", library=theirs).returncode == 0
    )
    assert triage("mark", "4", "--star", library=theirs).returncode == 0
    backup_file = tmp_path / "theirs.json"
    assert triage("export", "-f", "json", "-o", str(backup_file), library=theirs).returncode == 0
    before = _decisions(ours)

    done = triage("import", str(backup_file), library=ours)
    assert done.returncode == 0, done.stderr
    found = re.search(
        r"replaced the decisions of 2 papers \(ids 1, 2\); undo with `triage-app restore (.+)`",
        done.stdout,
    )
    assert found, done.stdout
    after = _decisions(ours)
    assert after[1][2] == after[2][2] == 5 and after[4][1] is True  # paper 4 was undecided
    backup = Path(found.group(1))
    assert backup.is_file() and backup.parent == ours / "backups"

    undone = triage("restore", str(backup), library=ours)
    assert undone.returncode == 0, undone.stderr
    assert _decisions(ours) == before


def test_a_restore_that_replaces_nothing_takes_no_copy(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    (tmp_path / "seed.json").write_text(json.dumps([paper_object(n) for n in range(1, 4)]))
    assert triage("import", str(tmp_path / "seed.json"), library=ours).returncode == 0
    assert triage("mark", "1", "--rating", "4", library=ours).returncode == 0
    own = tmp_path / "own.json"
    assert triage("export", "-f", "json", "-o", str(own), library=ours).returncode == 0
    assert triage("mark", "1", "--rating", "5", library=ours).returncode == 0  # newer than own
    done = triage("import", str(own), library=ours)
    assert done.returncode == 0 and "replaced" not in done.stdout
    assert not list((ours / "backups").glob("*before-restore-import*"))
    assert _decisions(ours)[1][2] == 5
