"""Progress of the long commands: a bar on standard error when it is a terminal (run here
under a pseudo-terminal), nothing extra when it is not."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.run import REPO, triage
from tests.perf.corpus import write_listing
from triage_app.cli.progress import progress_bar

PAPERS = 2500  # two import batches of 2,000 entries, three index progress steps of 1,000
AS_OF = ("--as-of", "2026-11-24")
# Every update drawn (tqdm reads TQDM_* from the environment), so the count of redraws
# shows that progress flowed from the core during the work, not only at its end.
EAGER = {"TQDM_MININTERVAL": "0"}


def triage_on_tty(*args: str, library: Path) -> tuple[int, str, str]:
    """Run the CLI with standard error on a pseudo-terminal, stdout on a pipe."""
    main, child_end = pty.openpty()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COLUMNS": "100", **EAGER}
    with subprocess.Popen(
        [sys.executable, "-m", "triage_app", "--library", str(library), *args],
        stdout=subprocess.PIPE,
        stderr=child_end,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
        env=env,
    ) as child:
        os.close(child_end)
        err = bytearray()
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            err += chunk
        assert child.stdout is not None
        out = child.stdout.read()
        code = child.wait(timeout=120)
    os.close(main)
    return code, out.decode(), err.decode("utf-8", "replace")


def redraws(stream: str, label: str) -> list[str]:
    """The states of the bar called `label`, in the order drawn."""
    return [s.strip() for s in re.split(r"[\r\n]", stream) if s.startswith(label)]


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_listing(tmp_path_factory.mktemp("progress") / "feed.txt", PAPERS, seed=7)


@pytest.fixture(scope="module")
def imported_on_tty(tmp_path_factory: pytest.TempPathFactory, listing: Path):
    lib = tmp_path_factory.mktemp("tty") / "lib"
    return lib, triage_on_tty("import", str(listing), *AS_OF, library=lib)


def test_import_on_a_terminal_shows_reading_and_indexing_as_they_go(imported_on_tty) -> None:
    _lib, (code, out, err) = imported_on_tty
    assert code == 0
    assert f"feed.txt: {PAPERS} new" in out
    reading = redraws(err, "feed.txt:")
    # The start, one state per batch of 2,000 entries and the end: counts, rate, time left.
    assert len(reading) >= 3, err
    bytes_state = r"\d+%\|.*\| [\d.]+[kM]?/[\d.]+[kM]? \[\d\d:\d\d<\d\d:\d\d, +[\d.]+[kM]?B/s\]"
    assert re.search(bytes_state, err)
    assert reading[-1].startswith("feed.txt: 100%")
    indexing = redraws(err, "indexing:")
    counts = [m.group(1) for s in indexing if (m := re.search(r"\| (\d+)/\d+ ", s))]
    assert "1000" in counts and "2000" in counts and counts[-1] == str(PAPERS), indexing
    assert re.search(rf"{PAPERS}/{PAPERS} \[\d\d:\d\d<\d\d:\d\d, +[\d.]+ papers/s\]", err)


def test_import_without_a_terminal_prints_nothing_extra(tmp_path: Path, listing: Path) -> None:
    result = triage("import", str(listing), *AS_OF, library=tmp_path / "lib", env=EAGER)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == f"{listing}: {PAPERS} new, 0 merged, 0 already known, 0 skipped\n"


def test_quiet_draws_no_bar_even_on_a_terminal(imported_on_tty) -> None:
    lib, _ = imported_on_tty
    code, out, err = triage_on_tty("reindex", "--quiet", library=lib)
    assert (code, out, err) == (0, "", "")


def test_reindex_and_export_on_a_terminal(imported_on_tty, tmp_path: Path) -> None:
    lib, _ = imported_on_tty
    code, out, err = triage_on_tty("reindex", library=lib)
    assert code == 0 and out == f"indexed {PAPERS} papers\n"
    assert redraws(err, "indexing:")[-1].startswith("indexing: 100%")

    target = tmp_path / "papers.csv"
    code, out, err = triage_on_tty("export", "-f", "csv", "-o", str(target), library=lib)
    assert code == 0
    states = redraws(err, "exporting:")
    assert len(states) >= 3 and f"{PAPERS}/{PAPERS}" in states[-1], err
    assert f"wrote {PAPERS} papers to {target}" in err
    # The bar never reaches the file.
    assert "exporting" not in target.read_text(encoding="utf-8")


def test_export_to_a_pipe_without_a_terminal_is_unchanged(imported_on_tty) -> None:
    lib, _ = imported_on_tty
    result = triage("export", "-f", "json", library=lib, env=EAGER)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("[")


def test_the_bar_is_silent_off_a_terminal_and_never_loads_tqdm_for_help() -> None:
    stream = io.StringIO()
    with progress_bar(10, description="x", stream=stream) as bar:
        bar(5)
        bar(10, 10)
        bar.advance()
        bar.describe("y")
        assert not bar.drawn
    assert stream.getvalue() == ""
    code = "import sys\nfrom triage_app.cli.main import main\ntry:\n    main(['--help'])\n"
    code += "except SystemExit:\n    pass\nprint('tqdm' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip().endswith("False")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_silent_phase_still_shows_the_clock_running(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoosh's final merge reports nothing for a minute: the bar is redrawn meanwhile."""
    import threading

    from triage_app.cli import progress

    monkeypatch.setattr(progress, "REFRESH_S", 0.01)
    screen = _Terminal()
    with progress_bar(10, description="indexing", stream=screen) as bar:
        assert bar.drawn
        bar(10)
        drawn = screen.getvalue().count("\r")
        threading.Event().wait(0.5)  # the work goes on without a word
        assert screen.getvalue().count("\r") > drawn
    assert "indexing: 100%" in screen.getvalue() and "10/10" in screen.getvalue()


def test_fetch_on_a_terminal_counts_the_feeds(tmp_path: Path) -> None:
    from tests.data import FOREIGN
    from tests.feed_server import feed_server

    lib = tmp_path / "lib"
    with feed_server() as server:
        server.feeds["/api"] = (FOREIGN / "arxiv_api.xml").read_bytes()
        api = server.url("/api")
        assert triage("feeds", "add", api, library=lib).returncode == 0
        code, out, err = triage_on_tty("fetch", library=lib)
    assert code == 0, err
    assert f"{api}: 3 new" in out
    states = redraws(err, "fetching:")
    assert states and states[-1].startswith("fetching: 100%"), err
    assert "1/1" in states[-1]
