"""The icon sheet: drawn by qtawesome once a palette, read back on later starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon, QImage

from triage_app.gui import icon_sheet, icons

pytestmark = pytest.mark.gui

MODES = (QIcon.Mode.Normal, QIcon.Mode.Disabled)


def pixels(icon: QIcon, size: int, mode: QIcon.Mode) -> QImage:
    return (
        icon.pixmap(size, size, mode)
        .toImage()
        .convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    )


@pytest.fixture
def fresh(qapp, monkeypatch):
    """No icon in memory; every glyph drawn by qtawesome is counted."""
    drawn: list[str] = []
    glyph = icons._glyph

    def counting(name: str, *args: object) -> QIcon:
        drawn.append(name)
        return glyph(name, *args)

    monkeypatch.setattr(icons, "_glyph", counting)
    icons.clear_cache()
    yield drawn
    icons.clear_cache()


def sheets() -> list[Path]:
    return sorted(icon_sheet.cache_folder().glob("icons-*.png"))


def test_the_sheet_is_drawn_once_then_read_with_the_same_pixels(fresh) -> None:
    first = {name: icons.icon(name) for name in icons.ICONS}
    assert sorted(fresh) == sorted(icons.ICONS) and len(sheets()) == 1
    icons.clear_cache()
    fresh.clear()
    again = {name: icons.icon(name) for name in icons.ICONS}
    assert fresh == []  # read from the sheet: qtawesome drew nothing
    for name in icons.ICONS:
        for size in icons.SIZES:
            for mode in MODES:
                assert pixels(again[name], size, mode) == pixels(first[name], size, mode)


def test_the_sheet_holds_exactly_what_qtawesome_draws(fresh) -> None:
    star = icons.icon("star")
    icons.clear_cache()
    star = icons.icon("star")  # now from the sheet
    from PySide6.QtGui import QGuiApplication, QPalette

    palette = QGuiApplication.palette()
    glyph = icons._glyph(
        "star",
        icons.is_dark(palette),
        palette.color(QPalette.ColorRole.WindowText).name(),
        palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name(),
    )
    for size in icons.SIZES:
        for mode in MODES:
            assert pixels(star, size, mode) == pixels(glyph, size, mode)


def test_a_damaged_sheet_is_drawn_again_and_replaced(fresh) -> None:
    icons.icon("keep")
    [sheet] = sheets()
    sheet.write_bytes(b"not a png")
    icons.clear_cache()
    fresh.clear()
    assert not icons.icon("keep").isNull()
    assert sorted(fresh) == sorted(icons.ICONS)
    assert not QImage(str(sheet)).isNull()


def test_another_palette_gets_a_sheet_of_its_own(fresh) -> None:
    dark = icons._palette_icons(True, "#eeeeee", "#777777")
    light = icons._palette_icons(False, "#111111", "#999999")
    assert len(sheets()) == 2
    assert pixels(dark["undo"], 16, MODES[0]) != pixels(light["undo"], 16, MODES[0])


def test_an_unwritable_cache_folder_only_costs_the_drawing(fresh, tmp_path, monkeypatch) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert not icons.icon("tag").isNull()
    icons.clear_cache()
    fresh.clear()
    assert not icons.icon("tag").isNull()
    assert sorted(fresh) == sorted(icons.ICONS)  # nothing kept: drawn again


def test_a_start_with_the_sheet_does_not_import_qtawesome() -> None:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from triage_app.gui import icons\n"
        "assert all(not icons.icon(n).isNull() for n in icons.ICONS)\n"
        "print('qtawesome' in sys.modules, 'qtpy' in sys.modules)\n"
    )
    starts = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
        ).stdout.split()
        for _ in range(2)
    ]
    assert starts == [["True", "True"], ["False", "False"]]  # drawn, then read
