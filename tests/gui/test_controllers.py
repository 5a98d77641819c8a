"""The window's controllers: none knows the window, and the index-sync policy holds its rules
(checked on IndexSync alone, with a stand-in search adapter and inline lanes)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStatusBar

from triage_app.gui.index_sync import IDLE_DELAY_MS, SETTLE_DELAY_MS, START_DELAY_MS, IndexSync
from triage_app.gui.workers import Lane

pytestmark = pytest.mark.gui

GUI = Path(__file__).resolve().parents[2] / "triage_app" / "gui"
# The window itself, and the function that opens it.
KNOWS_THE_WINDOW = {"main_window.py", "app.py"}


def test_no_gui_module_but_the_window_s_own_knows_the_window() -> None:
    wrong = []
    for path in sorted(GUI.glob("*.py")):
        if path.name in KNOWS_THE_WINDOW:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("main_window"):
                wrong.append(f"{path.name}:{node.lineno} imports the window")
            elif isinstance(node, ast.Name) and node.id == "MainWindow":
                wrong.append(f"{path.name}:{node.lineno} names MainWindow")
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "w"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "self"
            ):
                wrong.append(f"{path.name}:{node.lineno} reaches into self.w")
    assert wrong == []


class FakeSearch:
    """What IndexSync uses of the SearchAdapter."""

    def __init__(self) -> None:
        self.available = True
        self.open = False
        self.syncs = 0
        self.prepared: list[bool] = []  # hold() at each warm-up
        self.cancelled = False

    def searcher_open(self) -> bool:
        return self.open

    def sync(self, progress=None, cancel=None) -> int:
        self.syncs += 1
        return 0

    def prepare(self, hold) -> None:
        self.prepared.append(hold())

    def cancel_sync(self) -> None:
        self.cancelled = True


@pytest.fixture
def policy(qapp):
    parent = QObject()
    search = FakeSearch()
    running = {"transfer": False}
    index_lane = Lane("index", synchronous=True, parent=parent)
    search_lane = Lane("search", synchronous=True, parent=parent)
    sync = IndexSync(
        search,
        index_lane,
        search_lane,
        transfer_running=lambda: running["transfer"],
        status_bar=QStatusBar(),
        parent=parent,
    )
    yield sync, search, running
    sync.close()
    parent.deleteLater()


def test_start_and_commits_ask_for_a_sync_later(policy) -> None:
    sync, search, _running = policy
    sync.start()
    assert sync.pending() and sync._timer.interval() == START_DELAY_MS
    sync.changes_committed()  # before the first search: edits gather longer
    assert sync.pending() and sync._timer.interval() == IDLE_DELAY_MS
    search.open = True
    sync.changes_committed()
    assert sync.pending() and sync._timer.interval() == SETTLE_DELAY_MS
    assert search.syncs == 0


def test_a_sync_takes_every_change_and_warms_the_search_after(policy) -> None:
    sync, search, _running = policy
    sync.changes_committed()
    sync.sync()
    assert search.syncs == 1 and not sync.pending()
    assert search.prepared == [False]  # the index lane is idle again when the warm-up runs


def test_no_sync_beside_an_import_and_one_at_once_when_it_ends(policy) -> None:
    sync, search, running = policy
    running["transfer"] = True
    assert sync.heavy_work()
    sync.sync()
    assert search.syncs == 0 and sync.pending() and sync._timer.interval() == SETTLE_DELAY_MS
    running["transfer"] = False
    assert not sync.heavy_work()
    sync.import_finished()
    assert search.syncs == 1 and not sync.pending()


def test_nothing_syncs_without_search_or_after_close(policy) -> None:
    sync, search, _running = policy
    search.available = False
    sync.start()
    sync.changes_committed()
    sync.sync()
    assert not sync.pending() and search.syncs == 0
    search.available = True
    sync.changes_committed()
    sync.close()
    assert not sync.pending() and search.cancelled
    sync.sync()
    assert search.syncs == 0
