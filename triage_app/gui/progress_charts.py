"""The Progress charts, drawn with QPainter on any paint device: the window's widget, a PNG
image or an SVG file (QSvgGenerator), so the export is exactly what the window shows.

Why QPainter and not Qt Charts: QtCharts ships only in PySide6-Addons, a large wheel beside
the Essentials the app uses, and matplotlib would add its size and import time to the window
and the bundle; four bar charts need neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen

from triage_app.core.triage import ProgressStats
from triage_app.gui import icons

MARGIN = 16.0
GAP = 28.0


@dataclass(frozen=True)
class Colours:
    text: QColor
    dim: QColor
    grid: QColor
    new: QColor
    kept: QColor
    dismissed: QColor
    background: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> Colours:
        text = palette.color(QPalette.ColorRole.WindowText)
        dim = QColor(text)
        dim.setAlphaF(0.6)
        grid = QColor(text)
        grid.setAlphaF(0.15)
        new = QColor(palette.color(QPalette.ColorRole.Highlight))
        return cls(
            text=text,
            dim=dim,
            grid=grid,
            new=new,
            kept=icons.colour("keep", palette),
            dismissed=icons.colour("dismiss", palette),
            background=palette.color(QPalette.ColorRole.Base),
        )


def summary_line(stats: ProgressStats) -> str:
    """`Inbox: 532 left of 1,200 · kept 420 · dismissed 248 · 12.5 decisions a day (4 weeks)`."""
    return (
        f"Inbox: {stats.inbox:,} left of {stats.total:,} · kept {stats.kept:,} · "
        f"dismissed {stats.dismissed:,} · {stats.per_day():.1f} decisions a day over the last "
        f"{len(stats.days) // 7} weeks"
    )


def paint_progress(
    painter: QPainter, area: QRectF, stats: ProgressStats, colours: Colours, font: QFont
) -> None:
    """Everything in `area`: the summary, decisions per day, the Inbox bar, categories, tags."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(area, colours.background)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    line = metrics.height()
    inner = area.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
    bold = QFont(font)
    bold.setBold(True)

    y = inner.top()
    _text(painter, QRectF(inner.left(), y, inner.width(), line), summary_line(stats), colours.text)
    y += line * 1.6
    _legend(painter, QPointF(inner.left(), y), colours, metrics)
    y += line * 1.6

    days_height = max(120.0, (inner.bottom() - y) * 0.42)
    _title(painter, bold, QPointF(inner.left(), y + line * 0.8), "Decisions per day", colours)
    _days(
        painter,
        QRectF(inner.left(), y + line * 1.8, inner.width(), days_height - line * 1.8),
        stats,
        colours,
    )
    y += days_height + GAP * 0.6

    _title(painter, bold, QPointF(inner.left(), y + line * 0.8), "The whole library", colours)
    bar = QRectF(inner.left(), y + line * 1.3, inner.width(), line * 1.3)
    _stacked(painter, bar, (stats.inbox, stats.kept, stats.dismissed), stats.total, colours)
    y = bar.bottom() + GAP

    half = (inner.width() - GAP) / 2
    lists = QRectF(inner.left(), y, half, inner.bottom() - y)
    _title(painter, bold, QPointF(lists.left(), y + line * 0.8), "By category", colours)
    _splits(painter, lists.adjusted(0, line * 1.3, 0, 0), stats.categories, colours, metrics)
    tags = lists.translated(half + GAP, 0)
    _title(painter, bold, QPointF(tags.left(), y + line * 0.8), "By tag", colours)
    if stats.tags:
        _splits(painter, tags.adjusted(0, line * 1.3, 0, 0), stats.tags, colours, metrics)
    else:
        _text(
            painter,
            QRectF(tags.left(), y + line * 1.3, tags.width(), line),
            "No tags yet (t tags a paper).",
            colours.dim,
        )
    painter.restore()


def _text(painter: QPainter, rect: QRectF, text: str, colour: QColor, align=None) -> None:
    painter.setPen(colour)
    flags = align if align is not None else Qt.AlignmentFlag.AlignLeft
    painter.drawText(rect, int(flags | Qt.AlignmentFlag.AlignVCenter), text)


def _title(painter: QPainter, font: QFont, at: QPointF, text: str, colours: Colours) -> None:
    painter.save()
    painter.setFont(font)
    painter.setPen(colours.text)
    painter.drawText(at, text)
    painter.restore()


def _legend(painter: QPainter, at: QPointF, colours: Colours, metrics: QFontMetricsF) -> None:
    x = at.x()
    size = metrics.height() * 0.7
    for label, colour in (
        ("in the Inbox", colours.new),
        ("kept", colours.kept),
        ("dismissed", colours.dismissed),
    ):
        painter.fillRect(QRectF(x, at.y() - size / 2, size, size), colour)
        x += size + 6
        width = metrics.horizontalAdvance(label)
        _text(painter, QRectF(x, at.y() - size, width + 2, size * 2), label, colours.text)
        x += width + 20


def _days(painter: QPainter, area: QRectF, stats: ProgressStats, colours: Colours) -> None:
    """Stacked bars a day (kept under dismissed), a date under every seventh day."""
    metrics = QFontMetricsF(painter.font())
    label_h = metrics.height() * 1.2
    axis_w = metrics.horizontalAdvance("00000") + 6
    plot = QRectF(area.left() + axis_w, area.top(), area.width() - axis_w, area.height() - label_h)
    top = max([d.decided for d in stats.days] + [1])
    scale = _nice_ceiling(top)
    painter.setPen(QPen(colours.grid, 1))
    for fraction in (0.0, 0.5, 1.0):
        y = plot.bottom() - plot.height() * fraction
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        value = f"{scale * fraction:g}"
        _text(
            painter,
            QRectF(area.left(), y - label_h / 2, axis_w - 6, label_h),
            value,
            colours.dim,
            Qt.AlignmentFlag.AlignRight,
        )
    count = max(1, len(stats.days))
    slot = plot.width() / count
    width = max(2.0, slot * 0.7)
    for i, day in enumerate(stats.days):
        x = plot.left() + i * slot + (slot - width) / 2
        kept_h = plot.height() * day.kept / scale
        dismissed_h = plot.height() * day.dismissed / scale
        painter.fillRect(QRectF(x, plot.bottom() - kept_h, width, kept_h), colours.kept)
        painter.fillRect(
            QRectF(x, plot.bottom() - kept_h - dismissed_h, width, dismissed_h), colours.dismissed
        )
        if (count - 1 - i) % 7 == 0:
            label = "today" if i == count - 1 else day.day.strftime("%b %d")
            _text(
                painter,
                QRectF(x + width / 2 - 40, plot.bottom() + 2, 80, label_h),
                label,
                colours.dim,
                Qt.AlignmentFlag.AlignHCenter,
            )


def _nice_ceiling(value: int) -> float:
    """The axis top: 1, 2, 5 times a power of ten, at least `value`."""
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _stacked(
    painter: QPainter, rect: QRectF, parts: Sequence[int], total: int, colours: Colours
) -> None:
    painter.fillRect(rect, colours.grid)
    x = rect.left()
    for n, colour in zip(parts, (colours.new, colours.kept, colours.dismissed), strict=True):
        width = rect.width() * n / total if total else 0.0
        painter.fillRect(QRectF(x, rect.top(), width, rect.height()), colour)
        x += width


def _splits(
    painter: QPainter,
    area: QRectF,
    splits: Sequence,
    colours: Colours,
    metrics: QFontMetricsF,
) -> None:
    """One row a category or tag: its name, a bar (Inbox, kept, dismissed) and the counts."""
    if not splits:
        return
    row = max(metrics.height() * 1.45, min(area.height() / len(splits), metrics.height() * 2))
    name_w = min(area.width() * 0.3, max(metrics.horizontalAdvance(s.name) for s in splits) + 8)
    count_w = metrics.horizontalAdvance("00,000 (000 left)") + 8
    bar_w = max(10.0, area.width() - name_w - count_w)
    largest = max(s.total for s in splits) or 1
    for i, split in enumerate(splits):
        y = area.top() + i * row
        if y + row > area.bottom() + 1:
            break
        name = metrics.elidedText(split.name, Qt.TextElideMode.ElideRight, name_w - 8)
        _text(painter, QRectF(area.left(), y, name_w - 8, row), name, colours.text)
        bar = QRectF(area.left() + name_w, y + row * 0.2, bar_w * split.total / largest, row * 0.6)
        _stacked(painter, bar, (split.new, split.kept, split.dismissed), split.total, colours)
        _text(
            painter,
            QRectF(area.left() + name_w + bar.width() + 6, y, count_w, row),
            f"{split.total:,} ({split.new:,} left)",
            colours.dim,
        )
