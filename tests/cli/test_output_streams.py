"""Where the CLI's output goes: a reader that stops early ends it quietly, a full device is
one line and exit status 2, never a traceback; control characters in a paper never reach
the terminal raw."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.run import REPO, triage
from tests.perf.corpus import write_listing


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library whose outputs are far larger than a pipe's buffer, so the writer meets the
    closed pipe instead of finishing into the buffer."""
    work = tmp_path_factory.mktemp("cli")
    listing = write_listing(work / "big.txt", 3000, seed=4)
    assert triage("import", str(listing), library=work / "lib").returncode == 0
    return work / "lib"


@pytest.mark.parametrize("args", [["export", "-f", "json"], ["list"], ["search", "is:new"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(demo: Path, args: list[str]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        [sys.executable, "-m", "triage_app", "--library", str(demo), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.read(10)  # like `| head -c 10`
        child.stdout.close()
        err = child.stderr.read().decode()
        code = child.wait(timeout=60)
    assert code == 0 and err == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", [["export", "-f", "csv"], ["list"]])
def test_a_full_device_is_one_line_and_status_2(demo: Path, args: list[str]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "triage_app", "--library", str(demo), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "triage-app: cannot write the output: No space left on device"
    ]


def test_terminal_output_escapes_control_characters(tmp_path: Path) -> None:
    """A title holding ESC sequences or BEL reaches `list` and `search` as visible escapes."""
    folder = tmp_path / "lib"
    hostile = "Abstract: \x1b[2J\x1b]0;pwned\x07 cleared screen and a bell\n"
    assert triage("import", "-", library=folder, stdin=hostile).returncode == 0
    for args in (["list"], ["search", "cleared"]):
        done = triage(*args, library=folder)
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout
        assert "\\x1b[2J" in done.stdout
