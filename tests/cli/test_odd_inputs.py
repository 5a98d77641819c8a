"""Odd paths and arguments from a shell: `/dev/stdin`, process substitution and FIFOs import
(streamed, standard input up to a documented size); folders, devices, /proc files and
symlink loops get a one-line reason; ids beyond SQLite's integers and a hostile `keys.toml`
(huge, deeply nested, a FIFO, `/dev/zero`) get one line too. Never a traceback or a hang."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.run import REPO, triage
from tests.data import LISTINGS
from tests.test_support import SEED_FILES
from triage_app.core.ingest import import_path, input_files
from triage_app.core.store.library import Library

LISTING = LISTINGS / SEED_FILES[0]


def _one_line_refusal(done: subprocess.CompletedProcess, reason: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and reason in lines[0], done.stderr


def _imported(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, done.stderr
    assert " new," in done.stdout and "refused" not in done.stdout + done.stderr


def test_dev_stdin_imports_a_piped_listing(tmp_path: Path) -> None:
    _imported(
        triage(
            "import",
            "/dev/stdin",
            library=tmp_path / "lib",
            stdin=LISTING.read_text(encoding="utf-8"),
        )
    )


def test_process_substitution_imports(tmp_path: Path) -> None:
    script = f"{sys.executable} -m triage_app --library {tmp_path / 'lib'} import <(cat {LISTING})"
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    _imported(done)


def test_a_fifo_imports_what_its_writer_sends(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    script = (
        f"cat {LISTING} > {fifo} & "
        f"{sys.executable} -m triage_app --library {tmp_path / 'lib'} import {fifo}"
    )
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    _imported(done)


def test_a_fifo_without_a_writer_is_empty_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "nobody.fifo"
    os.mkfifo(fifo)
    _one_line_refusal(triage("import", str(fifo), library=tmp_path / "lib"), "empty file")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        ("loop", "symbolic link that loops"),
        ("folder", "is a folder"),
        ("/dev/zero", "is a device"),
        ("/dev/null", "is a device"),
        ("/proc/self/status", "refused"),
        ("/proc/self/mem", "refused"),
        ("missing", "no such file"),
    ],
)
def test_odd_paths_get_a_one_line_reason(tmp_path: Path, make: str, reason: str) -> None:
    if make == "loop":
        (tmp_path / "a").symlink_to(tmp_path / "b")
        (tmp_path / "b").symlink_to(tmp_path / "a")
        path = str(tmp_path / "a")
    elif make == "folder":
        (tmp_path / "dir").mkdir()
        path = str(tmp_path / "dir")
    elif make == "missing":
        path = str(tmp_path / "nothing.txt")
    else:
        path = make
    _one_line_refusal(triage("import", path, library=tmp_path / "lib"), reason)


def test_standard_input_is_refused_past_its_size_limit(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(input_files, "STREAM_MAX_BYTES", 1 << 20)
    endless = io.BytesIO(b"y\n" * (1 << 20))  # `yes | triage-app import -`, 2 MiB of it
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(endless))
    report = import_path(library, "-")
    assert report.refused is not None and "more than 1 MiB from a stream" in report.refused
    assert library.count() == 0


def test_standard_input_within_the_limit_imports(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(LISTING.read_bytes())))
    report = import_path(library, "-")
    assert report.refused is None and report.new > 0


@pytest.mark.parametrize("command", ["mark", "similar"])
@pytest.mark.parametrize(
    "pid", [str(2**63), str(2**64 + 5), "9" * 5000, "0", "-3", "abc"], ids=lambda v: v[:12]
)
def test_ids_beyond_sqlite_get_one_line(tmp_path: Path, command: str, pid: str) -> None:
    folder = tmp_path / "lib"
    assert triage("import", str(LISTING), library=folder).returncode == 0
    args = ["mark", "--star", "--", pid] if command == "mark" else ["similar", "--", pid]
    _one_line_refusal(triage(*args, library=folder), "no paper with id")


@pytest.mark.parametrize("kind", ["huge", "deep toml", "deep json", "fifo", "dev zero", "loop"])
def test_a_hostile_keys_file_gets_one_line_and_default_keys(tmp_path: Path, kind: str) -> None:
    config = tmp_path / "xdg-config" / "triage-app"
    config.mkdir(parents=True)
    keys = config / "keys.toml"
    if kind == "huge":
        keys.write_text("# " + "x" * (1 << 20) + '\n[keys]\nkeep = "y"\n')
    elif kind == "deep toml":
        keys.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    elif kind == "deep json":
        keys = config / "keys.json"
        keys.write_text("[" * 100_000 + "]" * 100_000)
    elif kind == "fifo":
        os.mkfifo(keys)
    elif kind == "dev zero":
        keys.symlink_to("/dev/zero")
    else:
        keys.symlink_to(keys)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg-config")}
    done = triage("keys", env=env, timeout=60)
    _one_line_refusal(done, str(keys))
    from triage_app.core.triage import ACTIONS, KeymapError, load_actions

    os.environ["XDG_CONFIG_HOME"] = env["XDG_CONFIG_HOME"]
    with pytest.raises(KeymapError):
        load_actions(config)
    assert ACTIONS  # the window falls back to these (gui/app.py), with the message shown
