"""The storyboard: the board (studio.ui.board: cards as wide as their shots over a timeline strip, lines edited in
place, drag to reorder, regenerate a shot), the compact card list (add, split, delete, move) and the shot table with
each variant's own wording beside the master."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.model.project import Project
from studio.stages import edits
from studio.ui.board import Board
from studio.ui.page import Page, heading
from studio.ui.shot_table import VARIANT_FIELDS, ShotTableModel
from studio.ui.text_direction import BidiDelegate
from studio.ui.thumbnails import shot_thumbnail

THUMB = QSize(90, 160)
TABLE_START = 84
"""The shot table starts this tall under the board (its header and about two rows); the splitter makes it taller."""


class CardDelegate(QStyledItemDelegate):
    """Picture above, caption below: a card, in a list that can still be reordered by dragging."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:
        super().initStyleOption(option, index)
        option.decorationPosition = QStyleOptionViewItem.Position.Top
        option.displayAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        option.decorationAlignment = Qt.AlignmentFlag.AlignHCenter

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        return QSize(THUMB.width() + 48, THUMB.height() + 60)


class ShotBoard(QListWidget):
    """Shot cards in story order. Drag a card, or Ctrl+Left/Right, to move it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shotBoard")
        self.setAccessibleName("Storyboard shots")
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(THUMB)
        self.setWordWrap(True)
        self.setSpacing(4)
        self.setItemDelegate(CardDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def order(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def current_shot(self) -> str | None:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class StoryboardPage(Page):
    step = "storyboard"
    parts = frozenset({"storyboard", "takes", "motion_takes", "variants", "thumbnails"})
    #: What the card list shows (master shots and pictures): a change of the variants alone leaves it as it is.
    list_parts = frozenset({"storyboard", "takes", "thumbnails", "*"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self.concept = QLabel()
        self.concept.setWordWrap(True)
        self.board = ShotBoard()
        self.board.model().rowsMoved.connect(self._dragged)
        self.board.currentRowChanged.connect(self._board_selected)

        self.add_button = QPushButton("&Add shot")
        self.add_button.setToolTip("Add a blank shot after the selected one (Ctrl+Shift+N)")
        self.add_button.clicked.connect(self.add_shot)
        self.split_button = QPushButton("S&plit")
        self.split_button.setToolTip("Split the selected shot into two halves")
        self.split_button.clicked.connect(self.split_shot)
        self.delete_button = QPushButton("&Delete shot")
        self.delete_button.setToolTip(
            "Delete the selected shot from the storyboard and every variant (Undo brings it back)"
        )
        self.delete_button.clicked.connect(self.delete_shot)
        self.left_button = QPushButton("◀ Move")
        self.left_button.setAccessibleName("Move shot earlier")
        self.left_button.clicked.connect(lambda: self.nudge(-1))
        self.right_button = QPushButton("Move ▶")
        self.right_button.setAccessibleName("Move shot later")
        self.right_button.clicked.connect(lambda: self.nudge(1))
        self.presenter_button = QPushButton("Presenter to &camera")
        self.presenter_button.setObjectName("presenterToCamera")
        self.presenter_button.setCheckable(True)
        self.presenter_button.setToolTip(
            "A presenter says this shot's line to camera: each variant casts its market's presenter "
            "(Images → Presenter… lip-syncs it)"
        )
        self.presenter_button.clicked.connect(self.set_presenter)
        for keys, slot in (
            ("Ctrl+Left", lambda: self.nudge(-1)),
            ("Ctrl+Right", lambda: self.nudge(1)),
            ("Ctrl+Shift+N", self.add_shot),
        ):
            QShortcut(QKeySequence(keys), self, slot)  # the page's: from the board or the card list
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.board, self.delete_shot)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)

        self.table_model = ShotTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("shotTable")
        self.table.setAccessibleName("Shot table: master shots and each variant's wording")
        self.table.setModel(self.table_model)
        self.table.setItemDelegate(BidiDelegate(self.table))  # each variant's column in its own direction
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(170)
        self.table.setColumnWidth(0, 80)
        self.table.setColumnWidth(1, 64)
        self.variant_field = QComboBox()
        self.variant_field.setAccessibleName("Variant columns show")
        for field, label in VARIANT_FIELDS.items():
            self.variant_field.addItem(label, field)
        self.variant_field.currentIndexChanged.connect(
            lambda _i: self.table_model.set_variant_field(self.variant_field.currentData())
        )
        variant_label = QLabel("Variant &columns show:")
        variant_label.setBuddy(self.variant_field)

        buttons = QHBoxLayout()
        for b in (self.add_button, self.split_button, self.delete_button, self.left_button, self.right_button):
            buttons.addWidget(b)
        buttons.addWidget(self.presenter_button)
        buttons.addStretch(1)
        buttons.addWidget(variant_label)
        buttons.addWidget(self.variant_field)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.concept)
        self.board.setMinimumHeight(THUMB.height() + 80)
        self.visual = Board()
        self.visual.selected.connect(self._visual_selected)
        self.visual.reordered.connect(self._reorder)
        self.visual.edited.connect(self._edit_line)
        self.visual.variant_edited.connect(self._edit_variant_line)
        self.visual.regenerate.connect(self.regenerate)
        self.views = QTabWidget()
        self.views.setObjectName("storyboardViews")
        self.views.addTab(self.visual, "&Board")
        self.views.addTab(self.board, "Car&ds")
        self.views.setCornerWidget(self.visual.bar, Qt.Corner.TopRightCorner)  # beside the tabs: a row for frames
        self.views.currentChanged.connect(lambda i: self.visual.bar.setVisible(self.views.widget(i) is self.visual))
        top_layout.addWidget(self.views, 1)
        top_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setCollapsible(0, False)
        splitter.setCollapsible(1, True)  # drag the table away for the tallest frames, or up for detail
        self.table.setMinimumHeight(0)
        splitter.setSizes([1000, TABLE_START])  # the board first (its frames need the height); the table is detail
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Storyboard"))
        layout.addWidget(splitter, 1)
        self.setTabOrder(self.board, self.add_button)
        self.setTabOrder(self.right_button, self.variant_field)
        self.setTabOrder(self.variant_field, self.table)

    # --- view ------------------------------------------------------------------------------------------------

    def set_document(self, doc: Any) -> None:
        self.table_model.set_document(doc)
        super().set_document(doc)

    def sync_models(self, parts: frozenset[str]) -> None:
        self.table_model.reload()

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        current = self.board.current_shot()
        relist = not parts or bool(parts & self.list_parts)
        self._filling = True
        try:
            if relist:
                self.board.clear()
            doc = self.doc
            sb = doc.project.storyboard if doc is not None else None
            for b in (self.add_button, self.split_button, self.delete_button, self.left_button, self.right_button):
                b.setEnabled(sb is not None)
            if doc is None or sb is None:
                self.concept.setText("No storyboard yet. Plan the brief to get one.")
                self.table_model.reload()
                self.visual.fill(None, None)
                return
            self.concept.setText(f"<b>{sb.concept}</b> — {sb.theme} · {sb.total_duration():.1f} s")
            dpr = self.devicePixelRatioF()
            for shot in sb.shots if relist else ():
                icon = QIcon(shot_thumbnail(doc.root, doc.project, shot.id, None, THUMB, dpr, self.thumbs()))
                to_camera = "\nto camera" if shot.presenter else ""
                item = QListWidgetItem(icon, f"{shot.id} · {shot.beat}\n{shot.duration_s:.1f} s{to_camera}")
                item.setData(Qt.ItemDataRole.UserRole, shot.id)
                item.setToolTip(f"{shot.visual}\n\nVO: {shot.voiceover}")
                item.setData(
                    Qt.ItemDataRole.AccessibleTextRole, f"Shot {shot.id}, {shot.beat}, {shot.duration_s:.1f} seconds"
                )
                self.board.addItem(item)
            order = self.board.order()
            if relist and current in order:
                self.board.setCurrentRow(order.index(current))
        finally:
            self._filling = False
        self._show_presenter()
        self.visual.fill(self.doc, self.thumbs())
        if parts != frozenset({"thumbnails"}):
            self.table_model.reload()

    def select_variant(self, variant_id: str) -> None:
        """The board's timeline shows the variant chosen elsewhere (its voice and captions)."""
        index = self.visual.timeline_of.findData(variant_id)
        if index >= 0:
            self.visual.timeline_of.setCurrentIndex(index)

    def _board_selected(self, row: int) -> None:
        if not self._filling and row >= 0:
            self.table.selectRow(row)
            shot_id = self.board.current_shot()
            if shot_id is not None:
                self.visual.select(shot_id)
            self._show_presenter()

    def _show_presenter(self) -> None:
        """The toggle shows whether the selected shot is told to camera."""
        doc, shot_id = self.doc, self.board.current_shot()
        sb = doc.project.storyboard if doc is not None else None
        shot = next((s for s in sb.shots if s.id == shot_id), None) if sb is not None else None
        self.presenter_button.setEnabled(shot is not None)
        self.presenter_button.setChecked(bool(shot and shot.presenter))

    def set_presenter(self, on: bool) -> None:
        shot_id = self.board.current_shot()
        if shot_id is None or self.doc is None:
            return
        what = "Presenter to camera" if on else "No presenter"
        self.doc.edit(f"{what} in {shot_id}", ("storyboard", "variants"), lambda p: edits.set_presenter(p, shot_id, on))

    def _visual_selected(self, shot_id: str) -> None:
        order = self.board.order()
        if shot_id in order:
            self.board.setCurrentRow(order.index(shot_id))

    # --- edits -----------------------------------------------------------------------------------------------

    def _dragged(self, *_: Any) -> None:
        if self._filling or self.doc is None:
            return
        order = self.board.order()
        self.doc.edit("Reorder shots", ("storyboard", "variants"), lambda p: edits.reorder_shots(p, order))

    def _reorder(self, order: list[str]) -> None:
        if self.doc is not None:
            self.doc.edit("Reorder shots", ("storyboard", "variants"), lambda p: edits.reorder_shots(p, order))

    def _edit_line(self, shot_id: str, field: str, text: str) -> None:
        if self.doc is None:
            return
        label = "voice-over" if field == "voiceover" else "caption"
        self.doc.edit(
            f"Edit {label} of {shot_id}",
            ("storyboard", "variants"),
            lambda p: edits.set_master_field(p, shot_id, field, text),
        )

    def _edit_variant_line(self, variant_id: str, shot_id: str, field: str, text: str) -> None:
        """A card's line with a variant chosen: that variant's copy, in its language, as the variant wall's line
        editor and the Variants table write it (one undo step; the line is the creator's own from then on)."""
        if self.doc is None:
            return
        label = "voice-over" if field == "voiceover" else "caption"
        self.doc.edit(
            f"Edit {variant_id} {label} of {shot_id}",
            ("variants",),
            lambda p: edits.set_variant_field(p, variant_id, shot_id, field, text),
        )

    def regenerate(self, shot_id: str) -> None:
        """New candidates for one shot of the master storyboard, through the same action as Images' Regenerate."""
        if self.ops is None or self.doc is None:
            return
        aspect = (self.doc.project.brief.aspect_ratios or ["9:16"])[0]
        self.ops.takes.generate(variant_ids=(None,), shot_ids=(shot_id,), aspect=aspect, candidates=2, regenerate=True)

    def nudge(self, step: int) -> None:
        shot_id = self.board.current_shot()
        if shot_id is None or self.doc is None:
            return
        to = self.board.order().index(shot_id) + step
        if 0 <= to < self.board.count():
            self.doc.edit(f"Move {shot_id}", ("storyboard", "variants"), lambda p: edits.move_shot(p, shot_id, to))

    def add_shot(self) -> None:
        if self.doc is None or self.doc.project.storyboard is None:
            return
        after = self.board.current_shot()
        new: list[str] = []
        self.doc.edit("Add shot", ("storyboard", "variants"), lambda p: new.append(edits.add_shot(p, after)))
        if new:
            self.board.setCurrentRow(self.board.order().index(new[0]))

    def split_shot(self) -> None:
        shot_id = self.board.current_shot()
        if shot_id is not None and self.doc is not None:

            def split(p: Project) -> None:
                edits.split_shot(p, shot_id)

            self.doc.edit(f"Split {shot_id}", ("storyboard", "variants"), split)

    def delete_shot(self) -> None:
        shot_id = self.board.current_shot()
        if shot_id is not None and self.doc is not None:
            self.doc.edit(f"Delete {shot_id}", ("storyboard", "variants"), lambda p: edits.delete_shot(p, shot_id))
