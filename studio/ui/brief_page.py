"""The brief form: every field of the brief, checked against the schema as the creator types.

An edit is applied (one undo step) only when the whole brief is valid; otherwise the problems are listed under the
form, naming the field, and the project keeps its last valid brief.
"""

from __future__ import annotations

import html
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.model import Brief, MarketTarget, Segment
from studio.model.ids import check_file_name
from studio.ui.page import Page, heading

ASPECTS = ("9:16", "1:1", "16:9")
FIELD_LABELS = {
    "brand": "Brand",
    "product": "Product",
    "category": "Category",
    "selling_points": "Selling points",
    "markets": "Market",
    "segments": "Segment",
    "duration_s": "Duration",
    "aspect_ratios": "Aspect ratios",
    "master_language": "Master language",
}


def starter_brief() -> Brief:
    """What a new project starts from: valid, obviously a placeholder, every field a creator must change in view."""
    return Brief(
        brand="Your brand",
        product="Your product",
        category="skincare",
        selling_points=["What makes it worth buying"],
        markets=[MarketTarget(code="TH", language="th")],
        segments=[Segment(id="everyone", name="Everyone", description="Who the ad speaks to")],
        duration_s=15,
    )


class LinesEdit(QPlainTextEdit):
    """One item per line; emits `committed` when focus leaves (so each change is one undo step)."""

    committed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMaximumHeight(84)

    def lines(self) -> list[str]:
        return [line.strip() for line in self.toPlainText().splitlines() if line.strip()]

    def set_lines(self, lines: list[str]) -> None:
        if self.lines() != lines:
            self.setPlainText("\n".join(lines))

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.committed.emit()


class RowsTable(QTableWidget):
    """A small editable table (markets, segments) with add/remove buttons."""

    committed = Signal()

    def __init__(self, columns: tuple[str, ...], name: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(columns), parent)
        self.setHorizontalHeaderLabels(columns)
        self.setAccessibleName(name)
        self.setTabKeyNavigation(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setMaximumHeight(130)
        self._filling = False
        self.itemChanged.connect(lambda _i: None if self._filling else self.committed.emit())

    def rows(self) -> list[list[str]]:
        out = []
        for r in range(self.rowCount()):
            out.append([(self.item(r, c).text().strip() if self.item(r, c) else "") for c in range(self.columnCount())])
        return out

    def set_rows(self, rows: list[list[str]]) -> None:
        if self.rows() == rows:
            return
        self._filling = True
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.setItem(r, c, QTableWidgetItem(value))
        self._filling = False

    def add_row(self, values: list[str]) -> None:
        self._filling = True
        r = self.rowCount()
        self.insertRow(r)
        for c, value in enumerate(values):
            self.setItem(r, c, QTableWidgetItem(value))
        self._filling = False
        self.setCurrentCell(r, 0)
        self.committed.emit()

    def remove_current(self) -> None:
        if self.currentRow() >= 0:
            self.removeRow(self.currentRow())
            self.committed.emit()


class BriefPage(Page):
    step = "brief"
    parts = frozenset({"brief", "name"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QWidget] = {}

        def line(key: str, label: str, tip: str = "") -> QLineEdit:
            w = QLineEdit()
            w.setObjectName(f"brief_{key}")
            w.setToolTip(tip)
            w.editingFinished.connect(self.commit)
            form.addRow(label, w)
            self.fields[key] = w
            return w

        def lines(key: str, label: str, tip: str) -> LinesEdit:
            w = LinesEdit()
            w.setObjectName(f"brief_{key}")
            w.setToolTip(tip)
            w.committed.connect(self.commit)
            form.addRow(label, w)
            self.fields[key] = w
            return w

        self.name = line("name", "Project &name:")
        self.brand = line("brand", "&Brand:")
        self.product = line("product", "&Product:")
        self.category = line("category", "Ca&tegory:", "A category pack, e.g. skincare")
        self.selling_points = lines("selling_points", "&Selling points:", "One per line; at least one")
        self.mandatory = lines("mandatory_claims", "&Must say:", "Claims every variant must carry, one per line")
        self.forbidden = lines("forbidden_claims", "Must not sa&y:", "Words and claims no variant may use")

        self.markets = RowsTable(("Market code", "Language"), "Markets")
        self.markets.setObjectName("brief_markets")
        self.markets.committed.connect(self.commit)
        form.addRow("Mar&kets:", self._with_buttons(self.markets, ["TH", "th"]))
        self.segments = RowsTable(("Id", "Name", "Description", "Style"), "Audience segments")
        self.segments.setObjectName("brief_segments")
        self.segments.committed.connect(self.commit)
        form.addRow("Se&gments:", self._with_buttons(self.segments, ["new-segment", "New segment", "", ""]))

        self.master_language = line("master_language", "Master &language:", "BCP-47 code, e.g. en")
        self.duration = QDoubleSpinBox()
        self.duration.setObjectName("brief_duration_s")
        self.duration.setRange(3, 180)
        self.duration.setSuffix(" s")
        self.duration.setDecimals(1)
        self.duration.editingFinished.connect(self.commit)
        form.addRow("&Duration:", self.duration)
        aspects = QHBoxLayout()
        self.aspects: dict[str, QCheckBox] = {}
        for a in ASPECTS:
            box = QCheckBox(a)
            box.setAccessibleName(f"Aspect ratio {a}")
            box.toggled.connect(lambda _on: self.commit())
            aspects.addWidget(box)
            self.aspects[a] = box
        aspects.addStretch(1)
        aspect_box = QWidget()
        aspects.setContentsMargins(0, 0, 0, 0)
        aspect_box.setLayout(aspects)
        aspect_box.setFocusProxy(self.aspects[ASPECTS[0]])
        form.addRow("&Aspect ratios:", aspect_box)
        self.tone = line("tone", "T&one:")
        self.cta = line("call_to_action", "&Call to action:")
        self.legal = line("legal", "L&egal line:")
        self.notes = lines("notes", "Notes:", "Anything else the planner should know")

        self.errors = QLabel()
        self.errors.setObjectName("briefErrors")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #d64541;")
        self.errors.setAccessibleName("Problems in the brief")
        self.errors.hide()

        self.plan_button = QPushButton("Plan audience, storyboard && &variants")
        self.plan_button.setObjectName("planButton")
        self.plan_button.setToolTip("Runs in the background; the result can be undone as one step (Ctrl+Z).")
        self.plan_button.clicked.connect(self.plan)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(form)
        body_layout.addWidget(self.errors)
        body_layout.addWidget(self.plan_button, 0, Qt.AlignmentFlag.AlignLeft)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Brief"))
        layout.addWidget(scroll, 1)
        self._commit_timer = QTimer(self)
        self._commit_timer.setSingleShot(True)
        self._commit_timer.setInterval(0)

    def _with_buttons(self, table: RowsTable, blank: list[str]) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(table, 1)
        buttons = QVBoxLayout()
        add = QPushButton("Add")
        add.setAccessibleName(f"Add to {table.accessibleName()}")
        add.clicked.connect(lambda: table.add_row(list(blank)))
        remove = QPushButton("Remove")
        remove.setAccessibleName(f"Remove from {table.accessibleName()}")
        remove.clicked.connect(table.remove_current)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    # --- form <-> brief --------------------------------------------------------------------------------------

    def form_data(self) -> dict[str, Any]:
        """The brief as typed, merged over the current one (fields without a widget, like supplied copy, are kept)."""
        base = (
            self.doc.project.brief.model_dump(by_alias=True) if self.doc else starter_brief().model_dump(by_alias=True)
        )
        markets = [{"code": c, "language": lang or None} for c, lang in self.markets.rows() if c or lang]
        old_segments = {s["id"]: s for s in base.get("segments", [])}
        segments = []
        for sid, name, desc, style in self.segments.rows():
            if not (sid or name):
                continue
            seg = dict(old_segments.get(sid, {}))
            seg.update({"id": sid, "name": name, "description": desc, "style": style or None})
            seg.setdefault("markets", [])
            segments.append(seg)
        base.update(
            brand=self.brand.text().strip(),
            product=self.product.text().strip(),
            category=self.category.text().strip(),
            selling_points=self.selling_points.lines(),
            mandatory_claims=self.mandatory.lines(),
            forbidden_claims=self.forbidden.lines(),
            markets=markets,
            segments=segments,
            master_language=self.master_language.text().strip() or "en",
            duration_s=round(self.duration.value(), 1),
            aspect_ratios=[a for a, box in self.aspects.items() if box.isChecked()],
            tone=self.tone.text().strip(),
            call_to_action=self.cta.text().strip(),
            legal=self.legal.text().strip(),
            notes="\n".join(self.notes.lines()),
        )
        return base

    def validate(self) -> tuple[Brief | None, list[str]]:
        try:
            return Brief.model_validate(self.form_data()), []
        except ValidationError as e:
            problems = []
            for err in e.errors():
                loc = list(err["loc"])
                where = FIELD_LABELS.get(str(loc[0]), str(loc[0])) if loc else "Brief"
                if len(loc) > 1:
                    where += " " + " ".join(str(p + 1) if isinstance(p, int) else str(p) for p in loc[1:])
                message = err["msg"].removeprefix("Value error, ")
                if err["type"] == "too_short":
                    message = "needs at least one"
                problems.append(f"{where}: {message}")
            return None, problems

    def commit(self) -> bool:
        """Apply the form as one undo step if it is valid; otherwise list what to fix."""
        if self._filling or self.doc is None:
            return False
        brief, problems = self.validate()
        name = self.name.text().strip()
        if problems:
            self.errors.setText("<b>Fix these to apply the brief:</b><br>" + "<br>".join(map(html.escape, problems)))
            self.errors.show()
            return False
        self.errors.hide()
        assert brief is not None
        if not name:
            self.errors.setText("<b>The project needs a name.</b>")
            self.errors.show()
            return False
        try:
            check_file_name(name)  # it names the review zip: no slashes, no '..'
        except ValueError as e:
            self.errors.setText(f"<b>Project name:</b> {html.escape(str(e))}")
            self.errors.show()
            return False

        def change(p: Any) -> None:
            p.brief = brief
            p.name = name

        return self.doc.edit("Edit brief", ("brief", "name"), change)

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        has = self.doc is not None
        self.setEnabled(has)
        if not has:
            return
        b = self.doc.project.brief
        self._filling = True
        try:
            self.name.setText(self.doc.project.name)
            self.brand.setText(b.brand)
            self.product.setText(b.product)
            self.category.setText(b.category)
            self.selling_points.set_lines(b.selling_points)
            self.mandatory.set_lines(b.mandatory_claims)
            self.forbidden.set_lines(b.forbidden_claims)
            self.markets.set_rows([[m.code, m.language or ""] for m in b.markets])
            self.segments.set_rows([[s.id, s.name, s.description, s.style or ""] for s in b.segments])
            self.master_language.setText(b.master_language)
            self.duration.setValue(b.duration_s)
            for a, box in self.aspects.items():
                box.setChecked(a in b.aspect_ratios)
            self.tone.setText(b.tone)
            self.cta.setText(b.call_to_action)
            self.legal.setText(b.legal)
            self.notes.set_lines(b.notes.splitlines())
            self.errors.hide()
        finally:
            self._filling = False

    def plan(self) -> None:
        if self.window_actions is not None:
            self.window_actions.start_plan()
