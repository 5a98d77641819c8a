"""Every icon of one palette, rendered once into a sheet kept in the user's cache folder.

Importing qtawesome (and through it qtpy, whose `import *` of QtCore, QtGui and QtWidgets
forces PySide6 to build every class it otherwise creates on first use) and drawing the
glyphs cost a noticeable part of each start-up, to produce the same pixels every time.
The sheet holds them: one PNG a palette, named by a hash of everything that shapes the
pixels (the icon table, the colours, the sizes, the qtawesome version). A missing,
unreadable or stale sheet is simply drawn again; an unwritable cache folder only costs
the time.

Layout: a row per icon, in the table's order; in each row, for each size, the normal and
then the disabled rendering, left to right.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap

MODES = (QIcon.Mode.Normal, QIcon.Mode.Disabled)


def cache_folder() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("triage-app", appauthor=False) / "icons"


def sheet_path(fingerprint: object) -> Path:
    digest = hashlib.sha1(repr(fingerprint).encode("utf-8")).hexdigest()[:16]
    return cache_folder() / f"icons-{digest}.png"


def _cells(sizes: Sequence[int]) -> list[tuple[int, int, QIcon.Mode]]:
    """(x, size, mode) of each cell of a row."""
    cells, x = [], 0
    for size in sizes:
        for mode in MODES:
            cells.append((x, size, mode))
            x += size
    return cells


def _sheet_size(names: Sequence[str], sizes: Sequence[int]) -> tuple[int, int]:
    x, size, _mode = _cells(sizes)[-1]
    return x + size, max(sizes) * len(names)


def draw(names: Sequence[str], render: Callable[[str], QIcon], sizes: Sequence[int]) -> QImage:
    """The sheet for `names`, each drawn by `render` (an icon that can paint any size)."""
    cells = _cells(sizes)
    height = max(sizes)
    image = QImage(*_sheet_size(names, sizes), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    try:
        for row, name in enumerate(names):
            glyph = render(name)
            for x, size, mode in cells:
                glyph.paint(painter, QRect(x, row * height, size, size), mode=mode)
    finally:
        painter.end()
    return image


def cut(image: QImage, names: Sequence[str], sizes: Sequence[int]) -> dict[str, QIcon]:
    """The icons of a sheet drawn by `draw` with the same names and sizes."""
    cells = _cells(sizes)
    height = max(sizes)
    icons: dict[str, QIcon] = {}
    for row, name in enumerate(names):
        out = QIcon()
        for x, size, mode in cells:
            out.addPixmap(QPixmap.fromImage(image.copy(x, row * height, size, size)), mode)
        icons[name] = out
    return icons


def load(path: Path, names: Sequence[str], sizes: Sequence[int]) -> QImage | None:
    """The sheet at `path` when it is there, readable and of the expected shape."""
    if not path.is_file():
        return None
    image = QImage(str(path))
    if image.isNull() or (image.width(), image.height()) != _sheet_size(names, sizes):
        return None
    return image


def save(path: Path, image: QImage) -> None:
    """Written whole or not at all (a temporary file renamed into place); failures are
    ignored: the next start draws the sheet again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".icons-", suffix=".png", dir=path.parent)
        os.close(fd)
        try:
            if image.save(tmp):  # PNG, from the suffix (the stubs mistype a named format)
                os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass
