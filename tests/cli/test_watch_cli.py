"""`triage-app watch`: set the folder, import its complete files once, clear it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.cli.run import triage
from tests.data import FOREIGN


def test_watch_run_once_imports_each_file_once(tmp_path: Path) -> None:
    lib, drop = tmp_path / "lib", tmp_path / "drop"
    drop.mkdir()
    old = time.time() - 60
    for name in ("asreview_zotero.ris", "arxiv_api.xml"):
        (drop / name).write_bytes((FOREIGN / name).read_bytes())
        os.utime(drop / name, (old, old))
    assert triage("watch", str(drop), library=lib).stdout.strip() == f"watched folder: {drop}"
    first = triage("watch", "--run", "--once", library=lib)
    assert first.returncode == 0, first.stderr
    assert sorted(first.stdout.splitlines()) == [
        f"{drop / 'arxiv_api.xml'}: 3 new, 0 merged, 0 already known, 0 skipped",
        f"{drop / 'asreview_zotero.ris'}: 3 new, 0 merged, 0 already known, 0 skipped; "
        "decisions taken: 2 kept, 1 tagged",
    ]
    second = triage("watch", "--run", "--once", library=lib)
    assert (second.returncode, second.stdout) == (0, "")
    off = triage("watch", "--off", library=lib)
    assert off.stdout.strip() == "no folder is watched"
