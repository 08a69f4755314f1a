"""Base of the pages of the flow: each shows one step of the project and edits it through the document."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.ui.document import ProjectDocument


class Page(QWidget):
    """`refresh(parts)` is called by the main window, the one subscriber to ProjectDocument.changed."""

    step = ""
    #: Parts of the project this page shows; the page is refreshed only when one of them changes.
    parts: frozenset[str] = frozenset()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: ProjectDocument | None = None
        self.window_actions = None  # set by MainWindow: the object that runs jobs for pages

    def set_document(self, doc: ProjectDocument | None) -> None:
        self.doc = doc
        self.refresh(frozenset(self.parts) or frozenset({"*"}))

    def wants(self, parts: frozenset[str]) -> bool:
        return not parts or "*" in parts or bool(parts & self.parts)

    def refresh(self, parts: frozenset[str]) -> None:
        """Redraw from self.doc; subclasses override."""


def heading(text: str) -> QLabel:
    label = QLabel(f"<h2>{text}</h2>")
    label.setAccessibleName(text)
    return label


class EmptyPage(Page):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title))
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addStretch(1)
