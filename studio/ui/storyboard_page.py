"""The storyboard: a board of shot cards with frame thumbnails (drag to reorder, add, split, delete)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from studio.ui.page import Page, heading
from studio.ui.thumbnails import shot_thumbnail

THUMB = QSize(108, 192)


class ShotBoard(QListWidget):
    """Shot cards left to right in story order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shotBoard")
        self.setAccessibleName("Storyboard shots")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 40, THUMB.height() + 64))
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMovement(QListWidget.Movement.Static)


class StoryboardPage(Page):
    step = "storyboard"
    parts = frozenset({"storyboard", "takes", "variants"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.concept = QLabel()
        self.concept.setWordWrap(True)
        self.board = ShotBoard()
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Storyboard"))
        layout.addWidget(self.concept)
        layout.addWidget(self.board, 1)

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        self.board.clear()
        doc = self.doc
        if doc is None or doc.project.storyboard is None:
            self.concept.setText("No storyboard yet. Plan the brief to get one.")
            return
        sb = doc.project.storyboard
        self.concept.setText(f"<b>{sb.concept}</b> — {sb.theme}")
        dpr = self.devicePixelRatioF()
        for shot in sb.shots:
            icon = QIcon(shot_thumbnail(doc.root, doc.project, shot.id, None, THUMB, dpr))
            item = QListWidgetItem(icon, f"{shot.id} · {shot.beat} · {shot.duration_s:.1f} s")
            item.setData(Qt.ItemDataRole.UserRole, shot.id)
            item.setToolTip(f"{shot.visual}\n\nVO: {shot.voiceover}")
            self.board.addItem(item)
