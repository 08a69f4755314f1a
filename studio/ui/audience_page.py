"""The audience: personas per market × segment, and the insights the storyboard cites (editable, undoable).

The insights table shows the selected persona's own insights and those of its market and segment (a plan has
70-odd; a flat list of all of them said nothing about anyone); "All insights" shows every one."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.model import Insight
from studio.model.ids import new_id
from studio.ui.document import ProjectDocument
from studio.ui.page import Page, heading

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (("kind", "Kind"), ("text", "Insight"), ("market", "Market"), ("segment", "Segment"), ("source", "Source"))
EDITABLE = {"kind", "text", "market", "segment"}


class InsightModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: ProjectDocument | None = None
        self._ids: list[str] = []

    def reload(self) -> None:
        ids = [i.id for i in self.doc.project.insights] if self.doc else []
        if ids == self._ids:
            if ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._ids = ids
        self.endResetModel()

    def insight(self, row: int) -> Insight:
        assert self.doc is not None  # rows exist only while a project is shown (reload)
        return self.doc.project.insights[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if COLUMNS[index.column()][0] in EDITABLE else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.doc is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return getattr(self.insight(index.row()), COLUMNS[index.column()][0]) or ""
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.doc is None:
            return False
        field = COLUMNS[index.column()][0]
        insight_id = self._ids[index.row()]
        text = str(value).strip()

        def change(p: Any) -> None:
            insight = next(i for i in p.insights if i.id == insight_id)
            setattr(insight, field, (text or None) if field in ("market", "segment") else text)
            if field == "text":
                insight.source = "edited"

        try:
            return self.doc.edit(f"Edit insight {insight_id}", ("insights",), change)
        except ValueError:
            return False


class PersonaInsights(QSortFilterProxyModel):
    """The insights that speak of one persona: its own, and those of its market and segment that name no other
    persona (an insight without a market or segment holds for every one). None shows every insight."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.persona: Any = None

    def show_persona(self, persona: Any) -> None:
        self.beginFilterChange()
        self.persona = persona
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        p = self.persona
        if p is None:
            return True
        source = self.sourceModel()
        assert isinstance(source, InsightModel)
        i = source.insight(source_row)
        if i.persona_id is not None:
            return bool(i.persona_id == p.id)
        return i.market in (None, "", p.market) and i.segment in (None, "", p.segment)


class AudiencePage(Page):
    step = "audience"
    parts = frozenset({"personas", "insights", "brief"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.personas = QListWidget()
        self.personas.setObjectName("personaList")
        self.personas.setAccessibleName("Personas")
        self.persona_view = QTextBrowser()
        self.persona_view.setAccessibleName("Persona details")
        self.personas.currentRowChanged.connect(self._show_persona)
        self.model = InsightModel(self)
        self.shown = PersonaInsights(self)
        self.shown.setSourceModel(self.model)
        self.all_insights = QCheckBox("A&ll insights")
        self.all_insights.setToolTip("Every insight of the plan, not only the selected persona's")
        self.all_insights.toggled.connect(lambda _on: self._filter())
        self.table = QTableView()
        self.table.setObjectName("insightTable")
        self.table.setAccessibleName("Insights")
        self.table.setModel(self.shown)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("&Add insight")
        self.add_button.clicked.connect(self.add_insight)
        self.delete_button = QPushButton("&Delete insight")
        self.delete_button.clicked.connect(self.delete_insight)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Double-click an insight to edit it; the storyboard cites them by id."), 1)
        buttons.addWidget(self.all_insights)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)

        top = QSplitter()
        top.addWidget(self.personas)
        top.addWidget(self.persona_view)
        top.setStretchFactor(1, 2)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(buttons)
        bl.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Audience"))
        layout.addWidget(split, 1)

    def set_document(self, doc: Any) -> None:
        self.model.doc = doc
        super().set_document(doc)

    def sync_models(self, parts: frozenset[str]) -> None:
        self.model.reload()

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        self.model.reload()
        row = self.personas.currentRow()
        self.personas.clear()
        if self.doc is None:
            self.persona_view.clear()
            return
        for p in self.doc.project.personas:
            item = QListWidgetItem(f"{p.name}\n{p.market} · {p.segment}")
            self.personas.addItem(item)
        if self.personas.count():
            self.personas.setCurrentRow(min(max(row, 0), self.personas.count() - 1))
            self._filter()
        else:
            self.persona_view.setHtml("<p>No personas yet: plan the brief (Brief step) to get them.</p>")

    def selected_persona(self) -> Any:
        row = self.personas.currentRow()
        if self.doc is None or not 0 <= row < len(self.doc.project.personas):
            return None
        return self.doc.project.personas[row]

    def _filter(self) -> None:
        self.shown.show_persona(None if self.all_insights.isChecked() else self.selected_persona())

    def _show_persona(self, row: int) -> None:
        if self.doc is None or not 0 <= row < len(self.doc.project.personas):
            return
        self._filter()
        p = self.doc.project.personas[row]
        e = html.escape

        def items(title: str, values: list[str]) -> str:
            return f"<p><b>{title}</b></p><ul>{''.join(f'<li>{e(v)}</li>' for v in values)}</ul>" if values else ""

        self.persona_view.setHtml(
            f"<h3>{e(p.name)}</h3><p>{e(p.summary)}</p>"
            + items("Needs", p.needs)
            + items("Pain points", p.pain_points)
            + items("Local context", p.local_context)
            + items("How they talk", p.platform_voice)
        )

    def add_insight(self) -> None:
        if self.doc is None:
            return
        persona = None if self.all_insights.isChecked() else self.selected_persona()
        insight = Insight(
            id=new_id("ins"),
            kind="need",
            text="A new insight",
            source="edited",
            market=persona.market if persona else None,
            segment=persona.segment if persona else None,
        )  # added where the creator is looking, so it stays in view
        self.doc.edit("Add insight", ("insights",), lambda p: p.insights.append(insight))
        self.table.setCurrentIndex(self.shown.mapFromSource(self.model.index(self.model.rowCount() - 1, 1)))

    def delete_insight(self) -> None:
        rows = sorted({self.shown.mapToSource(i).row() for i in self.table.selectionModel().selectedIndexes()})
        if self.doc is None or not rows:
            return
        ids = {self.doc.project.insights[r].id for r in rows}
        self.doc.edit(
            "Delete insight",
            ("insights",),
            lambda p: setattr(p, "insights", [i for i in p.insights if i.id not in ids]),
        )
