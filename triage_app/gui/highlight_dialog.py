"""The small editor of the highlight-for and highlight-against word lists (key `h`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from triage_app.core.triage import parse_word_list


class HighlightDialog(QDialog):
    """Two comma-separated lists; Enter saves, Esc cancels; `net*` matches a prefix."""

    def __init__(
        self, for_words: list[str], against: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Highlight words")
        self.for_edit = QLineEdit(", ".join(for_words))
        self.for_edit.setPlaceholderText("e.g. interpretability, sparse autoencoder*, steering")
        self.against_edit = QLineEdit(", ".join(against))
        self.against_edit.setPlaceholderText("e.g. survey, benchmark")
        hint = QLabel(
            "Words or phrases separated by commas; a trailing * matches any ending. "
            "Saved with this library."
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Highlight for:", self.for_edit)
        form.addRow("Highlight against:", self.against_edit)
        form.addRow(hint)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def lists(self) -> tuple[list[str], list[str]]:
        return parse_word_list(self.for_edit.text()), parse_word_list(self.against_edit.text())
