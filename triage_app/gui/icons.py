"""Semantic icon names -> qtawesome specs; the only module that imports qtawesome.

Icons are drawn in the palette's text colour, or a semantic colour picked for the palette's
lightness, so they stay legible in light and dark themes; `clear_cache()` after a palette
switch. qtawesome draws a palette's icons once; later starts read them from a sheet in the
cache folder (`icon_sheet`) and do not import it at all.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap

from triage_app.gui import icon_sheet

# name -> (qtawesome spec, semantic colour role or None for the text colour)
ICONS: dict[str, tuple[str, str | None]] = {
    "next": ("mdi6.chevron-down", None),
    "previous": ("mdi6.chevron-up", None),
    "select_all": ("mdi6.select-all", None),
    "search": ("mdi6.magnify", None),
    "clear": ("mdi6.close", None),
    "back": ("mdi6.keyboard-return", None),
    "inbox": ("mdi6.inbox", None),
    "for_you": ("mdi6.star-four-points-outline", None),
    "all": ("mdi6.format-list-bulleted", None),
    "refresh": ("mdi6.refresh", None),
    "star": ("mdi6.star", "star"),
    "star_empty": ("mdi6.star-outline", None),
    "rate_1": ("mdi6.numeric-1-box-outline", None),
    "rate_2": ("mdi6.numeric-2-box-outline", None),
    "rate_3": ("mdi6.numeric-3-box-outline", None),
    "rate_4": ("mdi6.numeric-4-box-outline", None),
    "rate_5": ("mdi6.numeric-5-box-outline", None),
    "clear_rating": ("mdi6.numeric-0-box-outline", None),
    "keep": ("mdi6.check-circle-outline", "keep"),
    "dismiss": ("mdi6.close-circle-outline", "dismiss"),
    "reset": ("mdi6.restore", None),
    "tag": ("mdi6.tag-outline", None),
    "note": ("mdi6.note-edit-outline", None),
    "open": ("mdi6.open-in-new", None),
    "scholar": ("mdi6.school-outline", None),
    "highlight": ("mdi6.marker", None),
    "undo": ("mdi6.undo", None),
    "redo": ("mdi6.redo", None),
    "advance": ("mdi6.fast-forward", None),
    "theme": ("mdi6.theme-light-dark", None),
    "import": ("mdi6.file-import-outline", None),
    "paste": ("mdi6.clipboard-arrow-down-outline", None),
    "export": ("mdi6.export", None),
    "quit": ("mdi6.exit-to-app", None),
    "help": ("mdi6.help-circle-outline", None),
    "category": ("mdi6.shape-outline", None),
    "batch": ("mdi6.tray-arrow-down", None),
    "feeds": ("mdi6.rss", None),
    "code": ("mdi6.code-braces", None),
    "progress": ("mdi6.chart-bar", None),
    "cancel": ("mdi6.cancel", None),
    "new": ("mdi6.circle-medium", None),
}

# Semantic colours, (on a light background, on a dark background): contrast >= 3:1 on both.
COLOURS = {
    "star": ("#b7791f", "#f6c343"),
    "keep": ("#2f7d32", "#7bd17f"),
    "dismiss": ("#b3261e", "#ff8a80"),
}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colour(role: str, palette: QPalette | None = None) -> QColor:
    """A semantic colour (`star`, `keep`, `dismiss`) readable on the current palette."""
    light, dark = COLOURS[role]
    return QColor(dark if is_dark(palette) else light)


def has_icon(name: str) -> bool:
    return name in ICONS


SIZES = (16, 32)  # list/menu/button size, and 2x for high-density screens


def _glyph(name: str, dark: bool, text: str, disabled: str) -> QIcon:
    """qtawesome's icon for `name`: it draws the font glyph anew on every paint."""
    import qtawesome as qta

    spec, role = ICONS[name]
    color = COLOURS[role][1 if dark else 0] if role else text
    return qta.icon(spec, color=color, color_disabled=disabled)


def _qtawesome_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("qtawesome")
    except PackageNotFoundError:
        return "unknown"


@cache
def _palette_icons(dark: bool, text: str, disabled: str) -> dict[str, QIcon]:
    """Every icon as pixmaps, for one palette.

    Pixmaps, not qtawesome's own icons: its engine draws the glyph on every paint (a few
    hundred microseconds each), and a row of tool buttons repainted per key press made that
    the slowest part of it.
    """
    names = list(ICONS)
    path = icon_sheet.sheet_path(
        (ICONS, COLOURS, SIZES, dark, text, disabled, _qtawesome_version())
    )
    image = icon_sheet.load(path, names, SIZES)
    if image is None:
        image = icon_sheet.draw(names, lambda n: _glyph(n, dark, text, disabled), SIZES)
        icon_sheet.save(path, image)
    return icon_sheet.cut(image, names, SIZES)


def icon(name: str) -> QIcon:
    """The icon for a semantic name, coloured for the application palette."""
    if name not in ICONS:
        raise KeyError(f"no icon called {name!r}")
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return _palette_icons(is_dark(palette), text, disabled)[name]


_pixmaps: dict[tuple[str, int, bool], QPixmap] = {}


def pixmap(name: str, size: int = 16) -> QPixmap:
    """A cached pixmap of `icon(name)`: list cells paint many and must not re-render glyphs."""
    key = (name, size, is_dark())
    found = _pixmaps.get(key)
    if found is None:
        found = _pixmaps[key] = icon(name).pixmap(size, size)
    return found


_cell_icons: dict[tuple[str, int, bool, str], QIcon] = {}


def cell_icon(name: str, size: int = 16) -> QIcon:
    """A list cell's icon. On a selected row it is drawn in the selection's text colour:
    Qt's own selected variant of a grey or coloured glyph is a tint of the highlight, hard
    to see on it."""
    palette = QGuiApplication.palette()
    on = palette.color(QPalette.ColorRole.HighlightedText)
    key = (name, size, is_dark(palette), on.name())
    found = _cell_icons.get(key)
    if found is None:
        normal = pixmap(name, size)
        found = QIcon()
        found.addPixmap(normal, QIcon.Mode.Normal)
        found.addPixmap(_tinted(normal, on), QIcon.Mode.Selected)
        _cell_icons[key] = found
    return found


def _tinted(source: QPixmap, colour: QColor) -> QPixmap:
    """`source`'s shape filled with one colour (its alpha kept)."""
    image = source.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), colour)
    painter.end()
    return QPixmap.fromImage(image)


def clear_cache() -> None:
    _palette_icons.cache_clear()
    _pixmaps.clear()
    _cell_icons.clear()
