"""Base of the pages of the flow: each shows one step of the project and edits it through the document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from studio.ui.document import ProjectDocument
    from studio.ui.operations import Operations


def escape(text: str) -> str:
    """HTML-escape for rich-text labels (the stdlib's html module drags in a large entity table at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class Page(QWidget):
    """`refresh(parts)` is called by the main window, the one subscriber to ProjectDocument.changed."""

    step = ""
    #: Parts of the project this page shows; the page is refreshed only when one of them changes.
    parts: frozenset[str] = frozenset()
    variant_selected = Signal(str)
    """The creator chose a variant on this page; the window selects it on every page (`select_variant`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: ProjectDocument | None = None
        self.ops: Operations | None = None
        """The app's actions (set by MainWindow); None for a page shown on its own, e.g. in a test."""
        self.thumbnails: Any = None
        """The window's thumbnail cache (None for a page shown on its own)."""

    def set_document(self, doc: ProjectDocument | None) -> None:
        self.doc = doc
        self.refresh(frozenset(self.parts) or frozenset({"*"}))

    def thumbs(self) -> Any:
        """The window's thumbnail cache (None for a page shown on its own, e.g. in a test)."""
        return self.thumbnails

    def wants(self, parts: frozenset[str]) -> bool:
        return not parts or "*" in parts or bool(parts & self.parts)

    def refresh(self, parts: frozenset[str]) -> None:
        """Redraw from self.doc; subclasses override."""

    def select_variant(self, variant_id: str) -> None:
        """Show this variant (chosen on another page); pages with a variant picker override."""

    def sync_models(self, parts: frozenset[str]) -> None:
        """Keep Qt item models in step with the project even while the page is hidden (cheap; views stay put)."""


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
