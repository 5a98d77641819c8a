"""The For you view says why: the reader and the row's tooltip explain each paper's rank.

The library is the 64 papers of the real seed listings (tests/data/listings) with four
sparse-autoencoder papers starred and the policy and security papers (CY, CR) dismissed, so
the recommender's reasons are fixed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import WindowFactory, settle
from tests.gui.keys import press
from tests.test_support import seed_template
from triage_app.core.search.index import sync_index
from triage_app.core.triage.decisions import DecisionPatch, mark
from triage_app.gui.paper_columns import COL

pytestmark = pytest.mark.gui

STARRED = [1, 2, 3, 6]  # the first four papers whose abstract says "sparse autoencoder"
DISMISSED = [14, 18, 24, 31, 42, 44, 53]  # categories CY and CR


@pytest.fixture(scope="module")
def picks_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = seed_template(tmp_path_factory)
    with library.read() as conn:
        sae = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT id FROM paper WHERE abstract LIKE '%sparse autoencoder%' ORDER BY id"
            )
        ]
        policy = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT id FROM paper WHERE category IN ('CY', 'CR') ORDER BY id"
            )
        ]
    assert (sae[:4], policy) == (STARRED, DISMISSED)
    mark(library, STARRED, DecisionPatch(starred=True))
    mark(library, DISMISSED, DecisionPatch(status="dismissed"))
    sync_index(library)
    folder = library.folder
    library.close()
    return folder


@pytest.fixture
def window(qtbot, picks_template: Path, tmp_path: Path):
    folder = tmp_path / "library"
    shutil.copytree(picks_template, folder)
    factory = WindowFactory(qtbot, folder, tmp_path / "config" / "window.ini")
    yield factory.open()
    factory.close_all()


def current_id(window) -> int:
    return window.model.paper_id(window.list_view.current_row())


def tooltip(window, row: int, column: str) -> str | None:
    return window.model.data(window.model.index(row, COL[column]), Qt.ItemDataRole.ToolTipRole)


def test_for_you_explains_the_current_paper_and_each_row(qtbot, window) -> None:
    assert window.loader.spec.kind == "inbox"
    assert not window.detail.reason.isVisible()
    assert window.model.explanation(current_id(window)) is None

    press(qtbot, "Ctrl+2")
    settle(qtbot, window)
    assert window.loader.spec.kind == "for_you"
    assert QApplication.focusWidget() is window.list_view
    assert current_id(window) == 43
    assert window.detail.reason.isVisible()
    assert window.detail.reason.text() == (
        "For you #1 · up: saes, features, autoencoders · down: enhancing, input"
    )

    press(qtbot, "j")
    assert current_id(window) == 17
    assert window.detail.reason.text() == (
        "For you #2 · up: hidden, spanning, prior · down: conversational, history · feed score 93"
    )
    press(qtbot, "j")
    press(qtbot, "j")
    assert current_id(window) == 50
    assert window.detail.reason.text() == (
        "For you #4 · up: saes, features, sparse · down: answer, domains"
    )

    # The list says the same on hover: after the title, or alone where a cell had no tip.
    assert tooltip(window, 2, "title") == (
        "Interpretability Can Be Actionable\n"
        "For you #3 · up: practical, leverage, objectives · down: actionable, impact"
        " · feed score 83"
    )
    assert tooltip(window, 4, "score") == (
        "For you #5 · up: features, sparse, unsupervised · down: neuron, causal"
    )
    assert window.model.rowCount() == 53  # 64, less 4 starred (so kept) and 7 dismissed
    assert tooltip(window, 52, "category") == (
        "For you #53 · up: aimed, promise, improving · down: safety, report"
    )

    press(qtbot, "Ctrl+1")
    settle(qtbot, window)
    assert window.loader.spec.kind == "inbox"
    assert not window.detail.reason.isVisible()
    assert tooltip(window, 2, "score") is None


def test_a_star_then_refresh_gives_new_reasons(qtbot, window) -> None:
    press(qtbot, "Ctrl+2")
    settle(qtbot, window)
    press(qtbot, "j")
    assert current_id(window) == 17
    press(qtbot, "s")  # starring a new paper keeps it: it leaves For you at the refresh
    settle(qtbot, window)
    # Until the refresh the order, and so each paper's reason, is the one shown.
    assert window.detail.reason.text() == (
        "For you #2 · up: hidden, spanning, prior · down: conversational, history · feed score 93"
    )
    press(qtbot, "F5")
    settle(qtbot, window)
    assert 17 not in window.model.ids and window.model.rowCount() == 52
    assert (window.list_view.current_row(), current_id(window)) == (0, 43)
    # Paper 17 is a pick now: the same first paper, for the same distinctive words.
    assert window.detail.reason.text() == (
        "For you #1 · up: saes, features, autoencoders · down: enhancing, input"
    )


def test_sorting_by_a_column_keeps_the_reasons(qtbot, window) -> None:
    press(qtbot, "Ctrl+2")
    settle(qtbot, window)
    window.list_view.horizontalHeader().setSortIndicator(COL["score"], Qt.SortOrder.DescendingOrder)
    settle(qtbot, window)
    assert window.loader.order == "score"
    assert current_id(window) == 43  # the sort stays on the current paper
    assert window.detail.reason.text() == (
        "For you #1 · up: saes, features, autoencoders · down: enhancing, input"
    )
    assert window.model.paper_id(0) == 17
    assert tooltip(window, 0, "date") == (
        "For you #2 · up: hidden, spanning, prior · down: conversational, history · feed score 93"
    )
