"""A variant's lines in its own language, editable in place beside the variant wall: voice-over and caption per
shot; Apply writes every changed line as one undo step (the same edit as the Variants table, set_variant_field)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.ui.page import escape
from studio.ui.text_direction import BidiDelegate, apply_to_item

if TYPE_CHECKING:
    from studio.model import Project
    from studio.ui.document import ProjectDocument

LINE_COLUMNS = ("Shot", "Voice-over", "Caption")


class LineEditor(QWidget):
    """The selected variant's voice-over and caption per shot, in its own language; Apply is one undo step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: ProjectDocument | None = None
        self.variant_id: str | None = None
        self._filling = False
        self.title = QLabel("Pick a variant to edit its lines.")
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, len(LINE_COLUMNS))
        self.table.setObjectName("wallLines")
        self.table.setAccessibleName("Lines of the selected variant")
        self.table.setHorizontalHeaderLabels(LINE_COLUMNS)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.bidi = BidiDelegate(self.table)
        """Each line laid out, aligned and edited in its own direction (an Arabic line right to left, at the right)."""
        for column in (1, 2):
            self.table.setItemDelegateForColumn(column, self.bidi)
        self.table.itemChanged.connect(self._changed)
        self.apply_button = QPushButton("&Apply lines")
        self.apply_button.setObjectName("applyLines")
        self.apply_button.setToolTip("Write the edited lines into the variant (one step to undo)")
        self.apply_button.clicked.connect(self.apply)
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.clicked.connect(self.load)
        for b in (self.apply_button, self.revert_button):
            b.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def show_variant(self, doc: ProjectDocument | None, variant_id: str | None) -> None:
        self.doc, self.variant_id = doc, variant_id
        self.load()

    def load(self) -> None:
        from studio.stages.quality import line_problems

        self._filling = True
        try:
            self.table.setRowCount(0)
            doc, vid = self.doc, self.variant_id
            if doc is None or vid is None:
                self.title.setText("Pick a variant to edit its lines.")
                return
            try:
                v = doc.project.variant(vid)
            except KeyError:
                return
            self.title.setText(f"<b>{escape(v.name)}</b> · lines in <b>{escape(v.language)}</b> — edit, then Apply")
            self.bidi.language = v.language
            self.table.setRowCount(len(v.shots))
            for r, s in enumerate(v.shots):
                for c, (field, value) in enumerate(
                    (("shot_id", s.shot_id), ("voiceover", s.voiceover), ("caption", s.caption))
                ):
                    item = QTableWidgetItem(value)
                    item.setData(Qt.ItemDataRole.UserRole, value)
                    if c == 0:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    else:
                        apply_to_item(item, v.language)
                        problems = line_problems(s, field, v.language)
                        if problems:
                            item.setBackground(QColor(201, 138, 0, 70))
                            item.setToolTip("\n".join(problems))
                    self.table.setItem(r, c, item)
            self.table.resizeRowsToContents()
        finally:
            self._filling = False
        self._changed()

    def edits(self) -> list[tuple[str, str, str]]:
        """(shot id, field, new text) for every cell that differs from the project."""
        out = []
        for r in range(self.table.rowCount()):
            head = self.table.item(r, 0)
            if head is None:
                continue
            shot_id = head.text()
            for c, field in ((1, "voiceover"), (2, "caption")):
                item = self.table.item(r, c)
                if item is not None and item.text().strip() != str(item.data(Qt.ItemDataRole.UserRole)).strip():
                    out.append((shot_id, field, item.text().strip()))
        return out

    def _changed(self, *_: Any) -> None:
        if self._filling:
            return
        dirty = bool(self.edits())
        self.apply_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def apply(self) -> bool:
        from studio.stages.edits import set_variant_field

        doc, vid, changes = self.doc, self.variant_id, self.edits()
        if doc is None or vid is None or not changes:
            return False

        def change(p: Project) -> None:
            for shot_id, field, text in changes:
                set_variant_field(p, vid, shot_id, field, text)

        n = len(changes)
        return doc.edit(f"Edit {n} line{'s' if n > 1 else ''} of {vid}", ("variants",), change)
