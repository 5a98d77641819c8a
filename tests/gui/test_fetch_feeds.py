"""Fetching feeds from the window: the File menu's action in the background, and the daily
fetch when the window opens; a local server of recorded feeds stands in for arXiv."""

from __future__ import annotations

import pytest

from tests.data import FOREIGN
from tests.feed_server import feed_server
from tests.gui.conftest import WindowFactory, settle
from triage_app.core.ingest import add_subscription, set_daily
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
