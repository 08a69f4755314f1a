"""The variants: the wall of cards (studio.ui.variant_wall) and, in a second tab, the matrix (markets down, audience
segments across; each cell one video) with the picked variant's localized shot list, editable; a creator's wording is
kept as an override."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.stages.edits import set_variant_field
from studio.stages.quality import LINE_KINDS, final_videos, line_problems, untranslated
from studio.ui.document import ProjectDocument
from studio.ui.page import Page, heading
from studio.ui.text_direction import BidiDelegate, alignment, isolate

Index = QModelIndex | QPersistentModelIndex
LOCAL_COLUMNS = (
    ("shot_id", "Shot"),
    ("flags", "Check"),
    ("duration_s", "Seconds"),
    ("voiceover", "Voice-over"),
    ("caption", "Caption"),
    ("prompt", "Image prompt"),
    ("talent", "Talent"),
    ("wardrobe", "Wardrobe"),
    ("setting", "Setting"),
)
#: The line kind (LocalizedShot.line_status key) a column shows.
PROBLEM = QColor("#c98a00")


EDITABLE = {"voiceover", "caption", "prompt", "talent", "wardrobe", "setting"}
LINES = ("voiceover", "caption")
"""The columns in the variant's language: each cell laid out and aligned in its own direction."""


class LocalizedShotModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: ProjectDocument | None = None
        self.variant_id: str | None = None
        self._rows: list[str] = []

    def set_variant(self, variant_id: str | None) -> None:
        self.variant_id = variant_id
        self.reload(force=True)

    def _shots(self) -> list[Any]:
        if self.doc is None or self.variant_id is None:
            return []
        try:
            return self.doc.project.variant(self.variant_id).shots
        except KeyError:
            return []

    def reload(self, force: bool = False) -> None:
        rows = [s.shot_id for s in self._shots()]
        if rows == self._rows and not force:
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(LOCAL_COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LOCAL_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return LOCAL_COLUMNS[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if LOCAL_COLUMNS[index.column()][0] in EDITABLE else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shots = self._shots()
        if not index.isValid() or index.row() >= len(shots):
            return None
        shot = shots[index.row()]
        field = LOCAL_COLUMNS[index.column()][0]
        problems = line_problems(shot, field, self._language())
        if role == Qt.ItemDataRole.DisplayRole and problems:
            return f"⚠ {getattr(shot, field)}"
        if role == Qt.ItemDataRole.BackgroundRole and problems:
            return QColor(201, 138, 0, 70)
        if role == Qt.ItemDataRole.ToolTipRole and problems:
            return "\n".join(problems)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and problems:
            return "; ".join(problems)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if field == "flags":
                marks = [f.message for f in shot.flags]
                marks += [p for f in LINE_KINDS for p in line_problems(shot, f, self._language()) if p not in marks]
                return ("⚠ " + "; ".join(marks)) if marks else ("stale" if shot.stale else "")
            value = getattr(shot, field)
            return f"{value:.1f}" if isinstance(value, float) and role == Qt.ItemDataRole.DisplayRole else value
        if role == Qt.ItemDataRole.TextAlignmentRole and field in LINES:
            return alignment(str(getattr(shot, field)), self._language())
        if role == Qt.ItemDataRole.FontRole and field in shot.overrides:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and field == "flags" and (shot.flags or shot.stale):
            return PROBLEM
        if role == Qt.ItemDataRole.ToolTipRole:
            if field == "flags" and shot.flags:
                return "\n".join(f"{f.kind}: {f.message}" for f in shot.flags)
            if field in shot.overrides:
                return "Written by hand; kept when the master changes."
            if field == "voiceover" and shot.back_translation:
                return f"Back-translation: {shot.back_translation}"
        return None

    def _language(self) -> str:
        try:
            return self.doc.project.variant(self.variant_id).language if self.doc and self.variant_id else ""
        except KeyError:
            return ""

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.doc is None or self.variant_id is None:
            return False
        field = LOCAL_COLUMNS[index.column()][0]
        shot_id, vid = self._rows[index.row()], self.variant_id
        try:
            return self.doc.edit(
                f"Edit {vid} {field} of {shot_id}",
                ("variants",),
                lambda p: set_variant_field(p, vid, shot_id, field, str(value).strip()),
            )
        except ValueError:
            return False


class VariantsPage(Page):
    step = "variants"
    parts = frozenset({"brief", "variants", "takes", "deliverables", "cuts", "thumbnails"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix = QTableWidget()
        self.matrix.setObjectName("variantMatrix")
        self.matrix.setAccessibleName("Variants: markets by segments")
        self.matrix.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.matrix.currentCellChanged.connect(lambda *_: self._select())
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.shot_model = LocalizedShotModel(self)
        self.shots = QTableView()
        self.shots.setObjectName("variantShots")
        self.shots.setAccessibleName("Shots of the selected variant")
        self.shots.setModel(self.shot_model)
        self.shots.setWordWrap(True)
        self.shots.horizontalHeader().setDefaultSectionSize(160)
        self.shots.setColumnWidth(0, 50)
        self.shots.setColumnWidth(1, 180)  # Check: problems are in view without scrolling
        self.shots.setColumnWidth(2, 64)
        self.bidi = BidiDelegate(self.shots)
        for field in LINES:
            self.shots.setItemDelegateForColumn([f for f, _ in LOCAL_COLUMNS].index(field), self.bidi)
        self.detail = QLabel()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.matrix)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.detail)
        bl.addWidget(self.shots, 1)
        split.addWidget(bottom)
        split.setStretchFactor(1, 2)
        from studio.ui.variant_wall import VariantWall

        self.wall = VariantWall()
        self.wall.variant_selected.connect(self._wall_selected)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("variantTabs")
        self.tabs.addTab(self.wall, "&Wall")
        table = QWidget()
        tl = QVBoxLayout(table)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.info)
        tl.addWidget(split, 1)
        self.tabs.addTab(table, "&Table")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Variants"))
        layout.addWidget(self.tabs, 1)

    def _wall_selected(self, variant_id: str) -> None:
        self.select_variant(variant_id)
        self.variant_selected.emit(variant_id)

    def select_variant(self, variant_id: str) -> None:
        """Select a variant in the matrix and on the wall (without announcing it again)."""
        self.wall.select(variant_id, announce=False)
        for r in range(self.matrix.rowCount()):
            for c in range(self.matrix.columnCount()):
                item = self.matrix.item(r, c)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == variant_id:
                    if self.matrix.currentItem() is not item:
                        self.matrix.setCurrentCell(r, c)
                    return

    def set_document(self, doc: Any) -> None:
        self.shot_model.doc = doc
        super().set_document(doc)

    def selected_variant(self) -> str | None:
        item = self.matrix.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _select(self) -> None:
        vid = self.selected_variant()
        self.bidi.language = self.doc.project.variant(vid).language if vid and self.doc is not None else None
        self.shot_model.set_variant(vid)
        if vid and self.doc is not None:
            v = self.doc.project.variant(vid)
            # the variant's own words (an Arabic call to action) isolated in the English sentence: neither reorders
            cta, legal = isolate(v.call_to_action, v.language), isolate(v.legal, v.language)
            self.detail.setText(f"<b>{v.name}</b> ({v.id}, {v.language}) — CTA “{cta}” · {legal}")
        else:
            self.detail.setText("Pick a cell to see its shot list.")

    def sync_models(self, parts: frozenset[str]) -> None:
        self.shot_model.reload()

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        self.wall.set_context(self.doc, self.ops, self.thumbs())
        if parts == frozenset({"thumbnails"}):
            self.wall.refresh_pictures()
            return
        self.wall.refresh()
        doc = self.doc
        current = self.selected_variant()
        self.matrix.clear()
        if doc is None:
            self.matrix.setRowCount(0)
            self.matrix.setColumnCount(0)
            self.shot_model.set_variant(None)
            return
        project = doc.project
        markets = project.brief.market_rows()  # a market planned in two languages has a row per language
        segments = [s.id for s in project.brief.segments]
        self.matrix.setRowCount(len(markets))
        self.matrix.setColumnCount(len(segments))
        self.matrix.setVerticalHeaderLabels(markets)
        self.matrix.setHorizontalHeaderLabels([s.name for s in project.brief.segments])
        rendered = {d.variant_id for d in project.deliverables if d.kind == "video"}
        where = {}
        for v in project.variants:
            row = project.brief.market_row(v.market, v.language)
            if row is None or v.segment not in segments:
                continue
            missing = sum(1 for s in v.shots if project.own_take(s.shot_id, v.id) is None)
            stale = sum(1 for s in v.shots if s.stale)
            lines = [v.name, f"{v.language} · {len(v.shots)} shots"]
            todo = untranslated(v)
            finals = final_videos(project, doc.root, v.id)
            if todo:
                lines.append(f"⚠ {len(todo)} untranslated — draft only")
            elif finals:
                lines.append("✓ final video")
            else:
                lines.append("preview only" if v.id in rendered else "not rendered")
            if missing:
                lines.append(f"{missing} images missing")
            if stale:
                lines.append(f"{stale} shots stale")
            item = QTableWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setToolTip(f"{v.id}: CTA “{v.call_to_action}”" + "".join(f"\n⚠ {t}" for t in todo))
            if todo:
                item.setBackground(QColor(201, 138, 0, 70))
            col = segments.index(v.segment)
            self.matrix.setItem(row, col, item)
            where[v.id] = (row, col)
        self.matrix.resizeRowsToContents()
        self.info.setText(f"{len(project.variants)} variants ({len(markets)} markets × {len(segments)} segments).")
        if current in where:
            self.matrix.setCurrentCell(*where[current])
        elif where:
            self.matrix.setCurrentCell(*next(iter(where.values())))
        self._select()
        self.shot_model.reload()
