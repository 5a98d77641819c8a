"""File > Feeds and watched folder…: subscriptions, the daily fetch and the watched folder kept
in the window, with real key presses in the dialog (a local server stands in for arXiv)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.data import FOREIGN
from tests.feed_server import feed_server
from tests.gui.conftest import settle
from triage_app.core.ingest import (
    add_subscription,
    daily_enabled,
    load_subscriptions,
    watched_folder,
)
from triage_app.core.ingest.feeds import (
    ARXIV_FEED,
    Subscription,
    replace_subscriptions,
    save_subscriptions,
)
from triage_app.core.store import open_library
from triage_app.gui.feeds_dialog import FeedsDialog, describe

pytestmark = pytest.mark.gui


def in_dialog(qtbot, steps: Callable[[FeedsDialog], None]) -> list[str]:
    """Run `steps` on the dialog once it is open (its own event loop is running); what
    went wrong inside is returned, since an exception there would not reach the test."""
    problems: list[str] = []

    def drive() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, FeedsDialog)]
        visible = [d for d in dialogs if d.isVisible()]
        if not visible:
            QTimer.singleShot(20, drive)
            return
        try:
            steps(visible[0])
        except Exception as exc:  # reported to the test, and the dialog closed
            problems.append(repr(exc))
            visible[0].reject()

    QTimer.singleShot(0, drive)
    return problems


def type_line(qtbot, dialog: FeedsDialog, text: str) -> None:
    qtbot.keyClicks(dialog.entry, text)
    qtbot.keyClick(dialog.entry, Qt.Key.Key_Return)


def test_subscribe_remove_and_daily_from_the_window(qtbot, window, tmp_path: Path) -> None:
    drop = tmp_path / "digests"
    drop.mkdir()

    def steps(dialog: FeedsDialog) -> None:
        type_line(qtbot, dialog, "cs.CL")
        type_line(qtbot, dialog, "not a feed")
        assert "neither an arXiv category" in dialog.error.text()
        assert dialog.isVisible()  # Enter in the entry never closes the dialog
        qtbot.keyClick(dialog.entry, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_line(qtbot, dialog, "https://example.org/feed.atom")
        type_line(qtbot, dialog, "math.CO")
        type_line(qtbot, dialog, "cs.CL")
        assert dialog.error.text() == "cs.CL is already subscribed."
        assert dialog.list.count() == 3
        dialog.list.setFocus()
        dialog.list.setCurrentRow(1)
        qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)  # the URL goes
        assert dialog.list.count() == 2
        qtbot.keyClick(dialog.daily, Qt.Key.Key_Space)
        dialog.choose_directory = lambda: str(drop)
        dialog.choose_folder()
        dialog.accept()

    problems = in_dialog(qtbot, steps)
    window.action_set["manage_feeds"].trigger()
    settle(qtbot, window)
    assert problems == []
    library = window.library
    assert [s.name for s in load_subscriptions(library)] == ["cs.CL", "math.CO"]
    assert load_subscriptions(library)[0].url == ARXIV_FEED.format(category="cs.CL")
    assert daily_enabled(library)
    assert watched_folder(library) == drop.resolve()
    assert "Feeds saved: 2 subscriptions, fetched daily; watching" in (
        window.statusBar().currentMessage()
    )


def test_cancel_changes_nothing(qtbot, window) -> None:
    add_subscription(window.library, "cs.LG")

    def steps(dialog: FeedsDialog) -> None:
        assert "cs.LG" in dialog.list.item(0).text()
        assert "not fetched yet" in dialog.list.item(0).text()
        type_line(qtbot, dialog, "cs.AI")
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    problems = in_dialog(qtbot, steps)
    window.action_set["manage_feeds"].trigger()
    settle(qtbot, window)
    assert problems == []
    assert [s.name for s in load_subscriptions(window.library)] == ["cs.LG"]


def test_fetch_with_no_feeds_opens_the_dialog_and_fetches_what_is_added(qtbot, window) -> None:
    before = window.library.count()
    with feed_server() as server:
        server.feeds["/api"] = (FOREIGN / "arxiv_api.xml").read_bytes()

        def steps(dialog: FeedsDialog) -> None:
            type_line(qtbot, dialog, server.url("/api"))
            dialog.fetch_now = True  # "Save and fetch now"
            dialog.accept()

        problems = in_dialog(qtbot, steps)
        window.action_set["fetch_feeds"].trigger()  # no feeds yet: the dialog opens
        qtbot.waitUntil(lambda: window.library.count() == before + 3, timeout=20000)
        settle(qtbot, window)
    assert problems == []
    assert len(server.requests) == 1
    (sub,) = load_subscriptions(window.library)
    assert sub.last_fetched is not None
    assert sub.last_result == f"{sub.name}: 3 new, 0 merged, 0 already known, 0 skipped"
    assert describe(sub).splitlines()[1].endswith(": 3 new, 0 merged, 0 already known, 0 skipped")
    assert describe(sub).count(sub.name) == 1


def test_saving_keeps_what_a_fetch_wrote_meanwhile(tmp_path: Path) -> None:
    """The dialog's copy is older than the store when a fetch ran while it was open: the
    validators and results stored since are kept for the feeds still subscribed."""
    with open_library(tmp_path / "lib") as library:
        old = add_subscription(library, "cs.CL")
        add_subscription(library, "cs.LG")
        fetched = Subscription("cs.CL", old.url, etag='"abc"', last_result="3 new")
        save_subscriptions(library, [fetched, load_subscriptions(library)[1]])  # as a fetch does
        replace_subscriptions(
            library, [old, Subscription("cs.AI", ARXIV_FEED.format(category="cs.AI"))]
        )
        subs = load_subscriptions(library)
    assert [s.name for s in subs] == ["cs.CL", "cs.AI"]
    assert subs[0].etag == '"abc"' and subs[0].last_result == "3 new"
