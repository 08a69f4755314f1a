"""The shot table: master shots as rows, master fields then one column per variant (its own wording)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from studio.model import Project
from studio.stages.edits import set_master_field, set_variant_field
from studio.ui.document import ProjectDocument
from studio.ui.text_direction import LANGUAGE_ROLE, alignment

Index = QModelIndex | QPersistentModelIndex

MASTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("beat", "Beat"),
    ("duration_s", "Seconds"),
    ("visual", "Visual"),
    ("voiceover", "Voice-over"),
    ("on_screen_text", "On screen"),
)
VARIANT_FIELDS = {"voiceover": "VO", "caption": "Caption", "prompt": "Prompt"}


class ShotTableModel(QAbstractTableModel):
    """Editing a cell is one undo step; a variant cell becomes an override that survives master edits."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: ProjectDocument | None = None
        self.variant_field = "voiceover"
        self._shots: list[str] = []
        self._variants: list[str] = []

    @property
    def project(self) -> Project:
        assert self.doc is not None
        return self.doc.project

    def set_document(self, doc: ProjectDocument | None) -> None:
        self.doc = doc
        self.reload()

    def set_variant_field(self, field: str) -> None:
        self.variant_field = field
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        self.reload()

    def reload(self) -> None:
        """Keep the view's current cell when only values changed; reset when rows or columns changed."""
        shots, variants = [], []
        if self.doc is not None and self.project.storyboard is not None:
            shots = [s.id for s in self.project.storyboard.shots]
            variants = [v.id for v in self.project.variants]
        if shots == self._shots and variants == self._variants:
            if shots:
                self.dataChanged.emit(self.index(0, 0), self.index(len(shots) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._shots, self._variants = shots, variants
        self.endResetModel()

    def shot_id(self, row: int) -> str:
        return self._shots[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shots)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(MASTER_COLUMNS) + len(self._variants)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self._shots[section] if section < len(self._shots) else None
        if section < len(MASTER_COLUMNS):
            return MASTER_COLUMNS[section][1]
        return f"{self._variants[section - len(MASTER_COLUMNS)]} {VARIANT_FIELDS[self.variant_field]}"

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def _cell(self, index: Index) -> tuple[Any, bool, bool]:
        """(value, overridden by hand, stale)."""
        shot_id = self._shots[index.row()]
        col = index.column()
        if col < len(MASTER_COLUMNS):
            storyboard = self.project.storyboard
            assert storyboard is not None  # rows exist only for a storyboard's shots (reload)
            return getattr(storyboard.shot(shot_id), MASTER_COLUMNS[col][0]), False, False
        local = self.project.variant(self._variants[col - len(MASTER_COLUMNS)]).shot(shot_id)
        return getattr(local, self.variant_field), self.variant_field in local.overrides, local.stale

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.doc is None:
            return None
        try:
            value, overridden, stale = self._cell(index)
        except KeyError:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if isinstance(value, float) and role == Qt.ItemDataRole.DisplayRole:
                return f"{value:.1f}"
            return value
        if role == LANGUAGE_ROLE:  # each column's lines in their own language: an Arabic column right to left
            return self._language(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, str):
            return alignment(value, self._language(index.column()))
        if role == Qt.ItemDataRole.FontRole and overridden:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and stale and not overridden:
            return QColor("#c98a00")
        if role == Qt.ItemDataRole.ToolTipRole:
            if overridden:
                return "Written by hand for this variant; kept when the master shot changes."
            if stale:
                return "The master shot changed after this was localized: check it, or edit it to keep your wording."
        return None

    def _language(self, column: int) -> str:
        if column < len(MASTER_COLUMNS):
            return self.project.brief.master_language
        return self.project.variant(self._variants[column - len(MASTER_COLUMNS)]).language

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.doc is None or not index.isValid():
            return False
        shot_id = self._shots[index.row()]
        col = index.column()
        if col < len(MASTER_COLUMNS):
            field, label = MASTER_COLUMNS[col]
            if field == "duration_s":
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    return False
                if value <= 0:
                    return False
            return self._edit(
                f"Edit {label.lower()} of {shot_id}",
                ("storyboard", "variants"),
                lambda p: set_master_field(p, shot_id, field, value),
            )
        variant_id = self._variants[col - len(MASTER_COLUMNS)]
        field = self.variant_field
        return self._edit(
            f"Edit {variant_id} {VARIANT_FIELDS[field]} of {shot_id}",
            ("variants",),
            lambda p: set_variant_field(p, variant_id, shot_id, field, str(value)),
        )

    def _edit(self, text: str, parts: tuple[str, ...], change: Any) -> bool:
        """A value the schema refuses (an unknown framing, a negative duration) leaves the project unchanged."""
        assert self.doc is not None
        try:
            return self.doc.edit(text, parts, change)
        except ValueError:
            return False
