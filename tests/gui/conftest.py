"""GUI fixtures: a template library built once per session, copied per test; a real
MainWindow on it with its settings file under tmp_path; helpers to let the lanes settle."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import SEED_AS_OF
from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search.index import sync_index
from triage_app.core.store import open_library
from triage_app.core.store.library import Library

PAPERS = 30


@pytest.fixture(scope="session")
def template_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gui-template")
    listing = write_listing(root / "feed-2026-11-24.txt", PAPERS, seed=7)
    with open_library(root / "lib") as library:
        report = import_path(library, listing, as_of=SEED_AS_OF)
        assert report.refused is None and report.skipped == 0, report.summary()
        assert library.count() == PAPERS
        sync_index(library)  # as a library in use has: windows open without a first build
    return root / "lib"


@pytest.fixture
def library_dir(template_library: Path, tmp_path: Path) -> Path:
    target = tmp_path / "library"
    shutil.copytree(template_library, target)
    return target


class WindowFactory:
    """Opens (and reopens, for restart tests) windows on one library folder."""

    def __init__(self, qtbot, folder: Path, settings: Path) -> None:
        self.qtbot = qtbot
        self.folder = folder
        self.settings = settings
        self.opened: list[tuple[object, Library]] = []
        self.urls: list[str] = []

    def open(self, *, actions=None, focus: bool = True):
        """A shown window on the folder; `focus`: wait until the list has the focus."""
        from triage_app.core.triage.actions import ACTIONS
        from triage_app.gui.main_window import MainWindow
        from triage_app.gui.settings import open_qsettings

        library = open_library(self.folder)
        window = MainWindow(
            library,
            open_qsettings(self.settings),
            actions=actions or ACTIONS,
            open_url=self.urls.append,
        )
        self.opened.append((window, library))
        window.show()
        self.qtbot.waitExposed(window)
        window.activateWindow()
        if focus:
            self.qtbot.waitUntil(lambda: QApplication.focusWidget() is window.list_view)
        return window

    def open_empty(self):
        return self.open(focus=False)

    def close(self, window) -> None:
        for i, (w, library) in enumerate(self.opened):
            if w is window:
                w.close()
                w.deleteLater()
                library.close()
                del self.opened[i]
                return

    def close_all(self) -> None:
        for w, _library in self.opened:
            # An index sync in this process cancelled half-way leaks Whoosh file handles
            # (ResourceWarning); one in the child indexer is simply stopped.
            self.qtbot.waitUntil(
                lambda w=w: not w.index_lane.busy or w.search.in_child(), timeout=20000
            )
        for w, library in self.opened:
            w.close()
            w.deleteLater()
            library.close()
        self.opened.clear()


@pytest.fixture
def windows(qtbot, library_dir: Path, tmp_path: Path) -> Iterator[WindowFactory]:
    factory = WindowFactory(qtbot, library_dir, tmp_path / "config" / "window.ini")
    yield factory
    factory.close_all()


@pytest.fixture
def window(windows: WindowFactory):
    return windows.open()


def settle(qtbot, window, *, index: bool = False) -> None:
    """Wait until the lanes ran everything and the results reached the UI; `index`: the
    search index has caught up too (it syncs a while after changes settle)."""

    def idle() -> bool:
        busy = window.writer.busy or window.search_lane.busy or window.counts_pending()
        if index:
            busy = busy or window.index_lane.busy or window.timers_pending()
        return not busy

    qtbot.waitUntil(idle, timeout=20000)
