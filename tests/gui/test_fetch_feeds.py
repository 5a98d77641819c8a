"""Papers coming in by themselves in the window: File > Fetch feeds in the background, the
daily fetch when the window opens (a local server of recorded feeds stands in for arXiv),
and files dropped in the watched folder."""

from __future__ import annotations

import os
import time

import pytest

from tests.data import FOREIGN
from tests.feed_server import feed_server
from tests.gui.conftest import WindowFactory, settle
from triage_app.core.ingest import add_subscription, set_daily, set_watched_folder
from triage_app.core.store import open_library

pytestmark = pytest.mark.gui


def test_the_fetch_action_imports_in_the_background(qtbot, window) -> None:
    before = window.library.count()
    with feed_server() as server:
        server.feeds["/api"] = (FOREIGN / "arxiv_api.xml").read_bytes()
        add_subscription(window.library, server.url("/api"))
        window.action_set["fetch_feeds"].trigger()  # File > Fetch feeds
        settle(qtbot, window)
    assert window.library.count() == before + 3
    assert window.report.summary.text() == (
        "Imported 1 file: 3 new, 0 merged, 0 already known, 0 skipped"
    )


def test_the_daily_fetch_runs_when_the_window_opens(qtbot, windows: WindowFactory) -> None:
    with feed_server() as server:
        server.feeds["/api"] = (FOREIGN / "arxiv_api.xml").read_bytes()
        with open_library(windows.folder) as library:
            before = library.count()
            add_subscription(library, server.url("/api"))
            set_daily(library, True)
        window = windows.open()
        qtbot.waitUntil(lambda: window.library.count() == before + 3, timeout=20000)
        settle(qtbot, window)
    assert len(server.requests) == 1


def test_files_dropped_in_the_watched_folder_are_imported(
    qtbot, windows: WindowFactory, tmp_path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    with open_library(windows.folder) as library:
        before = library.count()
        set_watched_folder(library, drop)
    window = windows.open()
    target = drop / "digest.ris"
    target.write_bytes((FOREIGN / "asreview_zotero.ris").read_bytes())
    old = time.time() - 60
    os.utime(target, (old, old))
    qtbot.waitUntil(lambda: window.library.count() == before + 3, timeout=20000)
    settle(qtbot, window)
    assert window.report.summary.text() == (
        "Imported 1 file: 3 new, 0 merged, 0 already known, 0 skipped"
    )
    window.commands.transfers.watch_tick()
    settle(qtbot, window)
    assert window.library.count() == before + 3  # once
