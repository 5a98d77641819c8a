"""`list` of every paper read in two processes (`cli/list_halves.py`): the same bytes as
one process writes, whatever the child does; a child that cannot read leaves its half to
the parent, and one that cannot write makes the command fail as a write would (the parent
then writes nothing after it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.run import REPO, triage
from tests.data import LISTINGS

SEEDS = ("002_e1e6b264440ae296.txt", "003_fa884e0c8d87af1f.txt", "004_b89f686bb3a49483.txt")

# Runs `main` with the split at `split` ids and, in the forked child only, `child` (a
# statement run right after the fork: it may break the child's reads or writes).
RUNNER = """
import os, sys
import triage_app.cli.list_halves as halves
import triage_app.core.store as store
halves.SPLIT_MIN = {split}
real_fork = os.fork
forks = []
def fork():
    pid = real_fork()
    if pid == 0:
        {child}
    forks.append(pid)
    return pid
os.fork = fork
from triage_app.cli.main import main
code = main(['--library', {lib!r}, 'list', *{args!r}])
sys.stdout.flush()
print(f'forks={{len(forks)}} code={{code}}', file=sys.stderr)
"""


BREAK_WRITES = (
    "sys.stdout.write = lambda text: (_ for _ in ()).throw({error})"  # raise in an expression
)


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lib = tmp_path_factory.mktemp("halves") / "lib"
    files = [str(LISTINGS / name) for name in SEEDS]
    assert triage("import", *files, "--as-of", "2026-11-24", library=lib).returncode == 0
    assert triage("mark", "3", "4", "7", "--keep", "--star", library=lib).returncode == 0
    assert triage("mark", "5", "--dismiss", "--rating", "4", library=lib).returncode == 0
    return lib


def run(lib: Path, tmp_path: Path, *args: str, split: int, child: str = "pass") -> tuple:
    copy = tmp_path / f"lib{split}{abs(hash(child))}"
    if not copy.exists():
        shutil.copytree(lib, copy)
    code = RUNNER.format(split=split, child=child, lib=str(copy), args=list(args))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    return out.stdout, out.stderr


@pytest.mark.parametrize("args", [[], ["--status", "new"], ["--status", "kept"]])
def test_two_processes_write_what_one_writes(lib: Path, tmp_path: Path, args: list[str]) -> None:
    one, err_one = run(lib, tmp_path, *args, split=10**9)
    two, err_two = run(lib, tmp_path, *args, split=1)
    assert "forks=0 code=0" in err_one
    assert "forks=1 code=0" in err_two
    assert two == one
    lines = one.splitlines()
    assert lines[0].split()[:2] == ["id", "st"] and lines[-1].endswith("papers")
    ids = [int(line.split()[0]) for line in lines[1:-1]]
    assert ids == sorted(ids) and len(ids) == int(lines[-1].split()[0]) > 0


def test_a_child_that_cannot_read_leaves_its_half_to_the_parent(lib: Path, tmp_path: Path) -> None:
    one, _ = run(lib, tmp_path, split=10**9)
    two, err = run(lib, tmp_path, split=1, child="store.open_lite = lambda folder: None")
    assert "forks=1 code=0" in err
    assert two == one


def test_a_child_whose_reader_left_ends_the_command_quietly(lib: Path, tmp_path: Path) -> None:
    out, err = run(lib, tmp_path, split=1, child=BREAK_WRITES.format(error="BrokenPipeError"))
    assert err.strip() == "forks=1 code=0"  # as `list | head`: no traceback, status 0
    assert out == ""  # the child writes the first half: nothing comes after it


def test_a_child_that_cannot_write_fails_the_command(lib: Path, tmp_path: Path) -> None:
    error = "OSError(28, 'No space left on device')"
    _, err = run(lib, tmp_path, split=1, child=BREAK_WRITES.format(error=error))
    assert "triage-app: cannot write the output" in err
    assert err.strip().endswith("forks=1 code=2")
