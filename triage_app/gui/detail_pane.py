"""The reader: one paper in full, its decisions, the tag field and the note editor.

Everything from a listing is shown as plain text (labels forced to PlainText, documents
filled with setPlainText) so markup in a listing is never interpreted. The note is saved
as you type: a pause of `note_save_delay_ms`, leaving the paper, or closing the window
flushes it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.records import NOTE_MAX_CHARS, PaperRecord
from triage_app.gui.action_set import ActionSet
from triage_app.gui.highlight import Highlighter, Patterns, SpanFn
from triage_app.gui.paper_columns import placeholder_title
from triage_app.gui.tag_input import TagInput

DETAIL_BUTTONS = (
    "toggle_star",
    "rate_1",
    "rate_2",
    "rate_3",
    "rate_4",
    "rate_5",
    "clear_rating",
    "keep",
    "dismiss",
    "reset",
    "add_tag",
    "edit_note",
    "open_arxiv",
    "open_scholar",
)


def plain_label(text: str = "", *, selectable: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PlainText(QTextEdit):
    """Read-only plain text with highlights; `fit=True` grows to its content's height."""

    def __init__(
        self,
        field: str,
        *,
        fit: bool = False,
        search_spans: SpanFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.highlighter = Highlighter(self.document(), field, search_spans)
        self._fit = fit
        if fit:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_text(self, text: str) -> None:
        self.setPlainText(text)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        if self._fit:
            doc = self.document()
            doc.setTextWidth(self.viewport().width())
            height = int(doc.size().height()) + 2 * self.frameWidth() + 4
            if height != self.height():
                self.setFixedHeight(height)


class DetailPane(QWidget):
    """Shows `record`; emits `noteEdited(paper_id, text)` when a note should be saved."""

    noteEdited = Signal(int, str)

    def __init__(
        self,
        actions: ActionSet,
        *,
        note_delay_ms: int = 400,
        search_spans: SpanFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.record: PaperRecord | None = None
        self._note_owner: int | None = None
        self._note_dirty = False

        self.title = PlainText("title", fit=True, search_spans=search_spans)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.authors = plain_label()
        self.affiliations = plain_label()
        self.meta = plain_label()
        self.reason = plain_label()  # For you: why the paper ranks where it does
        self.reason.setToolTip(
            "Why the For you order puts this paper here: the words that pushed it up and down"
        )
        self.reason.hide()
        self.decision = plain_label()
        self.tags = plain_label()
        self.tag_input = TagInput()
        self.abstract = PlainText("abstract", search_spans=search_spans)
        self.abstract.setMinimumHeight(120)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(
            "Note: press n to write, Esc to return to the list. Saved as you type."
        )
        self.note.setTabChangesFocus(True)
        self.note.installEventFilter(self)
        self.sources = plain_label()

        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.buttons: dict[str, QToolButton] = {}
        for action_id in DETAIL_BUTTONS:
            button = QToolButton()
            button.setDefaultAction(actions[action_id])
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
            self.buttons[action_id] = button
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.authors)
        layout.addWidget(self.affiliations)
        layout.addWidget(self.meta)
        layout.addWidget(self.reason)
        layout.addLayout(buttons)
        layout.addWidget(self.decision)
        layout.addWidget(self.tags)
        layout.addWidget(self.tag_input)
        layout.addWidget(self.abstract, 3)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.sources)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(note_delay_ms)
        self._timer.timeout.connect(self.flush_note)
        self.note.textChanged.connect(self._note_changed)
        self.show_paper(None)
        self._fit_note()

    # ---------------------------------------------------------------- showing
    def show_paper(self, record: PaperRecord | None, *, reason: str | None = None) -> None:
        """Show `record` (None: nothing selected) and, in the For you view, `reason`: why it
        ranks there. A pending note is saved first."""
        if record is None or self._note_owner != record.id:
            self.flush_note()
        same = record is not None and self.record is not None and record.id == self.record.id
        self.record = record
        self.set_reason(reason if record is not None else None)
        if record is None:
            self._show_empty()
            return
        self.setEnabled(True)
        if not same or self.title.toPlainText() != (record.title or placeholder_title(record)):
            self.title.set_text(record.title or placeholder_title(record))
            italic = self.title.font()
            italic.setItalic(not record.title)
            self.title.setFont(italic)
        self.authors.setText(record.author_line or "(no authors in the listing)")
        self.affiliations.setText("; ".join(record.affiliations))
        self.affiliations.setVisible(bool(record.affiliations))
        self.meta.setText(_meta_line(record))
        self.decision.setText(_decision_line(record))
        self.tags.setText("Tags: " + (", ".join(record.tags) if record.tags else "none (t)"))
        if not same or self.abstract.toPlainText() != record.abstract:
            self.abstract.set_text(record.abstract or "(no abstract in the listing)")
        if not (same and self._note_dirty) and self.note.toPlainText() != record.note:
            self.note.blockSignals(True)
            self.note.setPlainText(record.note)
            self.note.blockSignals(False)
            self._fit_note()
        self._note_owner = record.id
        self.sources.setText(_sources_line(record))

    def set_reason(self, reason: str | None) -> None:
        self.reason.setText(reason or "")
        self.reason.setVisible(bool(reason))

    def _show_empty(self) -> None:
        self.title.set_text("")
        for label in (
            self.authors,
            self.affiliations,
            self.meta,
            self.decision,
            self.tags,
            self.sources,
        ):
            label.setText("")
        self.abstract.set_text("")
        self.note.blockSignals(True)
        self.note.clear()
        self.note.blockSignals(False)
        self._note_owner = None
        self.setEnabled(False)

    def set_patterns(self, patterns: Patterns) -> None:
        self.title.highlighter.set_patterns(patterns)
        self.abstract.highlighter.set_patterns(patterns)

    def refresh_colours(self) -> None:
        for text in (self.title, self.abstract):
            text.highlighter.refresh_colours()
            text.highlighter.rehighlight()

    # ------------------------------------------------------------------ notes
    def _fit_note(self) -> None:
        """An empty note box not being typed in is one line high: the abstract gets the
        room. Written in, or with the cursor in it, it grows to a few lines."""
        compact = not self.note.toPlainText() and not self.note.hasFocus()
        line = self.note.fontMetrics().lineSpacing() + 2 * self.note.frameWidth() + 10
        self.note.setMinimumHeight(line if compact else 70)
        self.note.setMaximumHeight(line if compact else 180)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.note and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._fit_note()
        return super().eventFilter(obj, event)

    def _note_changed(self) -> None:
        if self._note_owner is None:
            return
        self._cap_note()
        self._note_dirty = True
        self._timer.start()

    def _cap_note(self) -> None:
        """Stop the note at NOTE_MAX_CHARS, the length every export and restore carries (a
        paste past it is cut there, the cursor at the end)."""
        if self.note.document().characterCount() <= NOTE_MAX_CHARS:
            return  # the count is in UTF-16 units plus one: never below the text's length
        text = self.note.toPlainText()
        if len(text) <= NOTE_MAX_CHARS:
            return
        self.note.blockSignals(True)
        self.note.setPlainText(text[:NOTE_MAX_CHARS])
        self.note.blockSignals(False)
        self.note.moveCursor(self.note.textCursor().MoveOperation.End)

    def flush_note(self) -> None:
        """Emit the pending note edit now (leaving the paper, closing the window)."""
        self._timer.stop()
        if self._note_dirty and self._note_owner is not None:
            self._note_dirty = False
            self.noteEdited.emit(self._note_owner, self.note.toPlainText())
        self._note_dirty = False


def _meta_line(r: PaperRecord) -> str:
    parts = [r.category or "no category"]
    if r.published:
        parts.append(r.published.isoformat() + (" (year inferred)" if r.year_inferred else ""))
    if r.score is not None:
        parts.append(f"score {r.score:g}")
    parts.append("code available" if r.has_code else "no code flag")
    return "  ·  ".join(parts)


def _decision_line(r: PaperRecord) -> str:
    status = {"new": "New", "kept": "Kept", "dismissed": "Dismissed"}.get(r.status, r.status)
    parts = [status]
    if r.starred:
        parts.append("★ starred")
    parts.append(f"rating {'★' * r.rating}{'☆' * (5 - r.rating)}" if r.rating else "no rating")
    return "  ·  ".join(parts)


def _sources_line(r: PaperRecord) -> str:
    if not r.sources:
        return ""
    shown = [f"{s.file}:{s.line} ({s.imported_at[:10]})" for s in r.sources[:4]]
    more = f" and {len(r.sources) - 4} more" if len(r.sources) > 4 else ""
    return "Sources: " + ", ".join(shown) + more
