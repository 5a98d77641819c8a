"""The window opens its search service in the background once the index is current, so the
first query of a session is answered as quickly as the next."""

from __future__ import annotations

import pytest

from tests.gui.conftest import settle

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
