"""The window opens its search service in the background once the index is current, so the
first query of a session is answered as quickly as the next."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.conftest import settle
from tests.perf.corpus import write_listing

pytestmark = pytest.mark.gui


def test_the_search_service_is_warm_before_the_first_query(qtbot, windows) -> None:
    first = windows.open()
    settle(qtbot, first, index=True)  # the first start builds the index (in a child)
    windows.close(first)
    window = windows.open()
    settle(qtbot, window, index=True)
    qtbot.waitUntil(window.search.searcher_open, timeout=20000)
    settle(qtbot, window)
    service = window.search._service
    assert service._facets is not None and service._arrays is not None
    assert int(service._facets.present.sum()) == window.library.count()


def test_no_warm_up_nor_index_build_beside_an_import(qtbot, windows) -> None:
    """While an import runs (here: its job is simply marked running), the index waits and
    the search is not warmed; both happen once it has ended."""
    window = windows.open()
    settle(qtbot, window, index=True)
    window.search.close()  # as before the first warm-up
    progress, index_sync = window.commands.progress, window.commands.index_sync
    progress._work = object()  # what follow() records for a running import
    assert index_sync.heavy_work()
    index_sync.sync()
    assert not window.index_lane.busy and index_sync.pending()  # asked again later
    window.search.prepare(index_sync.heavy_work)
    assert not window.search.searcher_open()
    progress._work = None
    qtbot.waitUntil(window.search.searcher_open, timeout=20000)
    settle(qtbot, window, index=True)


def test_the_warm_up_is_held_from_an_import_to_the_end_of_its_indexing(
    qtbot, windows, tmp_path
) -> None:
    """An import's end hands over to its index sync at once: no moment between the two in
    which the warm-up would run beside the window's busiest seconds."""
    window = windows.open()
    settle(qtbot, window, index=True)
    transfers, index_sync = window.commands.transfers, window.commands.index_sync
    progress = window.commands.progress
    seen: list[tuple[bool, bool]] = []
    imported = transfers._imported

    def watch(reports) -> None:
        imported(reports)
        seen.append((progress._work is None, index_sync.heavy_work()))

    transfers._imported = watch
    transfers.import_paths([write_listing(tmp_path / "more.txt", 5, seed=3)])
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    assert seen == [(True, True)]  # the import is over, its indexing already holds
    settle(qtbot, window, index=True)
    assert not index_sync.heavy_work()


SYNC_WITHOUT_THE_ENGINE = """
import sys
from triage_app.core.triage.decisions import DecisionPatch, mark
from triage_app.core.store import open_library
from triage_app.gui.search_worker import IN_PROCESS_MAX, SearchAdapter

library = open_library(sys.argv[1])
adapter = SearchAdapter(library)
assert adapter.sync() == 0  # the index is current and nothing is pending
ids = library.all_ids()
mark(library, ids, DecisionPatch(add_tags=("fresh",)))
assert len(ids) <= IN_PROCESS_MAX  # the searcher is not open: the child indexes them
indexed = adapter.sync()
# Whoosh's top-level package (its version, for the index stamp) is no load; its modules are
print(indexed, any(m.startswith("whoosh.") for m in sys.modules))
"""


def test_an_index_sync_does_not_load_the_search_engine_into_the_window(library_dir: Path) -> None:
    """Before each sync the window checks that the index is current; importing Whoosh for
    that (~0.3 s of Python holding the GIL beside the window) stalled the UI thread for
    130 ms after a 20,000-paper import (tests/perf/bench_gui.py)."""
    done = subprocess.run(
        [sys.executable, "-c", SYNC_WITHOUT_THE_ENGINE, str(library_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    indexed, loaded = done.stdout.split()
    assert int(indexed) > 0 and loaded == "False"
