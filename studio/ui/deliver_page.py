"""The deliverables: every rendered file, with "show in folder"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.ui.page import Page, heading


class DeliverPage(Page):
    step = "deliver"
    parts = frozenset({"deliverables"})
    COLUMNS = ("Variant", "Market", "Language", "Segment", "Aspect", "Kind", "Duration", "File")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("deliverablesTable")
        self.table.setAccessibleName("Deliverables")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.show_button = QPushButton("Show in &folder")
        self.show_button.setObjectName("showInFolder")
        self.show_button.clicked.connect(self.show_in_folder)
        self.open_button = QPushButton("&Open file")
        self.open_button.clicked.connect(self.open_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Deliver"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def file_for_row(self, row: int) -> Path | None:
        item = self.table.item(row, len(self.COLUMNS) - 1)
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def selected_file(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else (0 if self.table.rowCount() else -1)
        return self.file_for_row(row) if row >= 0 else None

    def folder_to_show(self) -> Path | None:
        file = self.selected_file()
        if file is not None:
            return file.parent
        return self.doc.store.renders if self.doc else None

    def show_in_folder(self) -> None:
        folder = self.folder_to_show()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def open_selected(self) -> None:
        file = self.selected_file()
        if file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(file)))

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        items = self.doc.project.deliverables if self.doc else []
        self.table.setRowCount(len(items))
        for row, d in enumerate(items):
            path = Path(d.path) if Path(d.path).is_absolute() else self.doc.root / d.path
            values = (
                d.variant_id,
                d.market,
                d.language,
                d.segment,
                d.aspect,
                d.kind,
                f"{d.duration_s:.1f} s" if d.duration_s else "",
                d.path,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == len(values) - 1:
                    item.setData(Qt.ItemDataRole.UserRole, str(path))
                    item.setToolTip(str(path))
                self.table.setItem(row, col, item)
