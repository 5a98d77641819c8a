"""Fast tests: key events fed to the dispatcher, the table's handlers and icons, the model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.keys import key_event
from triage_app.core.triage.actions import ACTIONS
from triage_app.core.triage.key_names import FOCUS_CONTEXTS
from triage_app.core.triage.keymap import apply_keymap, keymap_table
from triage_app.gui import icons
from triage_app.gui.key_dispatcher import KeyDispatcher, key_string

pytestmark = pytest.mark.gui

BINDINGS = sorted(
    {
        (focus, key, aid)
        for focus, table in keymap_table(ACTIONS).items()
        for key, aid in table.items()
    }
)


@pytest.mark.parametrize(("focus", "key", "action_id"), BINDINGS)
def test_every_binding_dispatches(qapp, focus: str, key: str, action_id: str) -> None:
    dispatcher = KeyDispatcher(ACTIONS)
    fired: list[str] = []
    dispatcher.triggered.connect(fired.append)
    event = key_event(key)
    assert key_string(event) == key
    assert dispatcher.dispatch(focus, event) is True
    assert fired == [action_id]


@pytest.mark.parametrize("focus", ["reader", "search"])
@pytest.mark.parametrize("key", ["x", "u", "s", "1", "j", "Ctrl+Z", "Ctrl+V"])
def test_typing_in_a_text_box_fires_nothing(qapp, focus: str, key: str) -> None:
    dispatcher = KeyDispatcher(ACTIONS)
    fired: list[str] = []
    dispatcher.triggered.connect(fired.append)
    assert dispatcher.dispatch(focus, key_event(key)) is False
    assert fired == []


def test_decisions_do_not_auto_repeat_but_navigation_does(qapp) -> None:
    dispatcher = KeyDispatcher(ACTIONS)
    fired: list[str] = []
    dispatcher.triggered.connect(fired.append)
    assert dispatcher.dispatch("list", key_event("x", autorepeat=True)) is True  # swallowed
    assert dispatcher.dispatch("list", key_event("j", autorepeat=True)) is True
    assert fired == ["next"]


def test_remapped_keys_dispatch(qapp) -> None:
    dispatcher = KeyDispatcher(apply_keymap({"keep": ["y"]}))
    fired: list[str] = []
    dispatcher.triggered.connect(fired.append)
    assert dispatcher.dispatch("list", key_event("a")) is False
    assert dispatcher.dispatch("list", key_event("y")) is True
    assert fired == ["keep"]


def test_every_action_has_a_handler_and_a_resolving_icon(window) -> None:
    assert window.action_set.missing_handlers() == []
    for action in ACTIONS:
        assert action.icon is None or icons.has_icon(action.icon), action.id
        if action.icon:
            assert not icons.icon(action.icon).isNull(), action.id
    assert all(not icons.icon(name).isNull() for name in icons.ICONS)


def test_menus_show_the_keys(window) -> None:
    keep = window.action_set["keep"]
    assert [s.toString() for s in keep.shortcuts()] == ["A"]
    assert [s.toString() for s in window.action_set["open_scholar"].shortcuts()] == ["Shift+O"]
    assert keep.shortcutContext() == Qt.ShortcutContext.WidgetShortcut
    titles = [m.title() for m in window.menuBar().findChildren(type(window.menuBar().addMenu("x")))]
    assert {"&File", "&Edit", "&View", "&Go", "&Paper", "&Help"} <= set(titles)


def test_focus_contexts_cover_the_window(window) -> None:
    d = window.dispatcher
    assert d.context_of(window.list_view) == "list"
    assert d.context_of(window.search_bar.edit) == "search"
    assert d.context_of(window.detail.note) == "reader"
    assert d.context_of(window.sidebar) == "other"
    assert set(FOCUS_CONTEXTS) == {"list", "reader", "search", "other"}


def test_model_passes_qtmodeltester(qtmodeltester, window) -> None:
    qtmodeltester.check(window.model, force_py=True)


def test_model_fetches_lazily_in_blocks(qtbot, tmp_path) -> None:
    """Three blocks of rows: the model reports every row at once but reads a row's record
    from the store only with its block (BLOCK rows, one read), when the view paints it or
    a caller asks; scrolling to the end reads the last block and skips the middle one."""
    from tests.gui.conftest import WindowFactory
    from tests.perf.corpus import build_library
    from triage_app.core.search.index import sync_index
    from triage_app.gui.paper_table_model import BLOCK

    n = 3 * BLOCK - 1  # blocks of BLOCK, BLOCK and BLOCK - 1 rows
    with build_library(tmp_path / "library", n, seed=11) as library:
        assert library.count() == n
        sync_index(library)  # no index build in the window while the test reads
    windows = WindowFactory(qtbot, tmp_path / "library", tmp_path / "config" / "window.ini")
    try:
        window = windows.open()
        model = window.model
        qtbot.waitUntil(lambda: model.rowCount() == n)
        qtbot.waitUntil(lambda: model.cached(model.paper_id(0)) is not None)  # painted
        fetches = model.fetches

        def read(row: int) -> bool:
            return model.cached(model.paper_id(row)) is not None

        assert [read(row) for row in (BLOCK - 1, BLOCK, 2 * BLOCK, n - 1)] == [
            True,
            False,
            False,
            False,
        ]
        window.list_view.scrollToBottom()
        qtbot.waitUntil(lambda: read(n - 1))
        assert model.fetches == fetches + 1  # the last block, in one read
        assert [read(row) for row in (2 * BLOCK, BLOCK, 2 * BLOCK - 1)] == [True, False, False]

        fetched_at = []
        for row in range(n):
            before = model.fetches
            assert model.record(row) is not None
            if model.fetches != before:
                fetched_at.append(row)
        assert fetched_at == [BLOCK]  # the middle block: one read, at its first row
        assert model.fetches == fetches + 2

        title_col = next(
            i
            for i in range(model.columnCount())
            if model.headerData(i, Qt.Orientation.Horizontal) == "Title"
        )
        record = model.record(n - 1)
        assert model.data(model.index(n - 1, title_col)) == (record.title or "")
    finally:
        windows.close_all()


def test_appended_ids_insert_rows_without_a_reset(window, qtbot) -> None:
    model = window.model
    old = list(model.ids)
    record = model.record(0)
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.set_ids([*old, 10_001, 10_002], view_status=model.view_status, new_count=5)
    assert inserted.args[1:] == [len(old), len(old) + 1]
    assert model.cached(old[0]) == record  # the cache survived
    assert model.row_of(10_002) == len(old) + 1 and model.new_count == 5
    with qtbot.waitSignal(model.modelReset):
        model.set_ids(old[1:], view_status=model.view_status)
    assert model.row_of(old[1]) == 0


@pytest.mark.parametrize("built", [True, False], ids=["map built", "map not built yet"])
def test_appended_rows_may_come_with_the_map_of_the_new_rows_only(window, built: bool) -> None:
    """The view loader maps only the papers an import appended (off the UI thread)."""
    model = window.model
    old = list(model.ids)
    model.set_ids(old, view_status="reset")  # a reset: the map is built when first needed
    model.set_ids(old, view_status=model.view_status)
    if built:
        assert model.row_of(old[-1]) == len(old) - 1
    new = {10_001: len(old), 10_002: len(old) + 1}
    model.set_ids([*old, *new], view_status=model.view_status, row_of=new)
    assert [model.row_of(pid) for pid in [*old, *new]] == list(range(len(old) + 2))
    model.set_ids([10_002, *old], view_status=model.view_status, row_of={10_002: 0})
    assert [model.row_of(pid) for pid in [10_002, *old]] == list(range(len(old) + 1))


def test_the_id_to_row_map_comes_from_the_loaders_thread(window, qtbot) -> None:
    """Loaded on the UI thread at start, the list gets its id -> row map from the view
    lane; until then a lookup scans the ids, and a map for rows no longer shown is refused."""
    model = window.model
    qtbot.waitUntil(lambda: not model.needs_row_map())
    ids = list(model.ids)
    assert [model.row_of(pid) for pid in ids] == list(range(len(ids)))
    model.set_ids(ids[::-1], view_status=model.view_status)  # a reset drops the map
    assert model.needs_row_map()
    assert model.row_of(ids[0]) == len(ids) - 1 and model.row_of(10**9) is None
    model.adopt_row_map(ids, dict(zip(ids, range(len(ids)), strict=True)))  # for other rows
    assert model.needs_row_map() and model.row_of(ids[0]) == len(ids) - 1
    model.adopt_row_map(model.ids, dict(zip(model.ids, range(len(ids)), strict=True)))
    assert not model.needs_row_map() and model.row_of(ids[0]) == len(ids) - 1
    assert model.rows_of([ids[0], 10**9]) == [len(ids) - 1, None]


def test_rows_appended_from_the_loaders_thread_are_taken_as_they_are(window) -> None:
    """An import's rows come with the list and the whole map built off the UI thread: the
    model takes both without a copy while the rows they extend are still shown, and
    falls back to comparing when they are not."""
    model = window.model
    old = list(model.ids)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    ids = [*old, 10_001, 10_002]
    rows = dict(zip(ids, range(len(ids)), strict=True))
    stale = list(old)  # equal to the rows shown, but not the list the loader extended
    model.set_ids(ids, view_status=model.view_status, row_of=rows, appends=stale)
    assert model.ids == ids and model.ids is not ids  # compared and copied
    shown = model.ids
    more = [*shown, 10_003]
    model.set_ids(
        more,
        view_status=model.view_status,
        row_of=dict(zip(more, range(len(more)), strict=True)),
        appends=shown,
    )
    assert model.ids is more and not model.needs_row_map()
    assert inserted == [(len(old), len(old) + 1), (len(old) + 2, len(old) + 2)]
    assert [model.row_of(pid) for pid in more] == list(range(len(more)))


def test_every_painted_cell_gets_its_own_roles(window) -> None:
    """The delegate asks a cell's roles in one call and reuses the answer's storage from
    cell to cell: a role a cell lacks must come out empty, not the previous cell's."""
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    model = window.model
    delegate = QStyledItemDelegate()
    checked = 0
    for row in range(min(model.rowCount(), 40)):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)
            display = model.data(index, Qt.ItemDataRole.DisplayRole)
            font = model.data(index, Qt.ItemDataRole.FontRole)
            align = model.data(index, Qt.ItemDataRole.TextAlignmentRole)
            decoration = model.data(index, Qt.ItemDataRole.DecorationRole)
            assert option.text == (display or ""), (row, col)
            assert option.font.italic() == bool(font is not None and font.italic()), (row, col)
            assert option.icon.isNull() == (decoration is None), (row, col)
            if align is not None:
                assert int(option.displayAlignment.value) == align, (row, col)
            checked += 1
    assert checked >= 10 * model.columnCount()
    decorated = {
        model.data(model.index(row, col), Qt.ItemDataRole.DecorationRole) is None
        for row in range(min(model.rowCount(), 40))
        for col in range(model.columnCount())
    }
    assert decorated == {True, False}  # cells with and without an icon, one after another


def test_a_repaint_calls_into_python_twice_a_cell_at_most(window, qtbot) -> None:
    """Each call from painting into Python waits for the GIL while a background thread
    runs Python: a cell costs its index and one call for all its roles, nothing more."""
    from tests.perf.bench_repaint import count_calls

    view, model = window.list_view, window.model
    window.resize(1300, 800)
    qtbot.wait(50)
    area = view.viewport().rect()
    cells = sum(
        view.visualRect(model.index(row, col)).intersects(area)
        for row in range(model.rowCount())
        for col in range(model.columnCount())
    )
    assert cells >= 50
    calls = count_calls(model, view.viewport().repaint)
    assert cells <= calls <= 2 * cells
