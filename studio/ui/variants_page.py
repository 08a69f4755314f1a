"""The variant matrix: markets down, audience segments across; each cell is one video."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from studio.ui.page import Page, heading


class VariantsPage(Page):
    step = "variants"
    parts = frozenset({"brief", "variants", "takes", "deliverables"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix = QTableWidget()
        self.matrix.setObjectName("variantMatrix")
        self.matrix.setAccessibleName("Variants: markets by segments")
        self.matrix.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Variants"))
        layout.addWidget(self.info)
        layout.addWidget(self.matrix, 1)

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        doc = self.doc
        self.matrix.clear()
        if doc is None:
            self.matrix.setRowCount(0)
            self.matrix.setColumnCount(0)
            return
        project = doc.project
        markets = [m.code for m in project.brief.markets]
        segments = [s.id for s in project.brief.segments]
        self.matrix.setRowCount(len(markets))
        self.matrix.setColumnCount(len(segments))
        self.matrix.setVerticalHeaderLabels(markets)
        self.matrix.setHorizontalHeaderLabels([s.name for s in project.brief.segments])
        rendered = {d.variant_id for d in project.deliverables if d.kind == "video"}
        for v in project.variants:
            if v.market not in markets or v.segment not in segments:
                continue
            missing = sum(1 for s in v.shots if project.selected_take(s.shot_id, v.id) is None)
            lines = [v.name, f"{v.language} · {len(v.shots)} shots"]
            lines.append("rendered" if v.id in rendered else "not rendered")
            if missing:
                lines.append(f"{missing} images missing")
            item = QTableWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setToolTip(f"{v.id}: CTA “{v.call_to_action}”")
            self.matrix.setItem(markets.index(v.market), segments.index(v.segment), item)
        self.matrix.resizeRowsToContents()
        self.info.setText(f"{len(project.variants)} variants ({len(markets)} markets × {len(segments)} segments).")
