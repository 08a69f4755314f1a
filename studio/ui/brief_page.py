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
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.model import Brief, MarketTarget, Segment
from studio.model.ids import check_file_name
from studio.ui.page import Page, heading
from studio.ui.widgets import cell_text, guard_wheel_in

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


class PackChoices:
    """What the knowledge packs offer the form: market codes, their languages, categories and styles (with aliases).

    Read once, on first use (after a project opens), never at start-up.
    """

    def __init__(self) -> None:
        from studio.planning.knowledge import load_knowledge

        self.knowledge = load_knowledge()

    def markets(self) -> list[str]:
        return sorted(self.knowledge.markets)

    def market_label(self, code: str) -> str:
        market = self.knowledge.markets.get(code)
        return f"{code} — {market.name}" if market else code

    def languages(self, market: str) -> list[str]:
        m = self.knowledge.markets.get(market.strip().upper())
        return [lang.code for lang in m.languages] if m else []

    def categories(self) -> list[str]:
        return sorted(self.knowledge.categories)

    def category_words(self) -> list[str]:
        return sorted({w for c in self.knowledge.categories.values() for w in (c.id, *c.aliases)})

    def styles(self) -> list[str]:
        return sorted(self.knowledge.styles)

    def style_words(self) -> list[str]:
        return sorted({w for s in self.knowledge.styles.values() for w in (s.id, *s.aliases)})

    def problems(self, brief: Brief) -> list[str]:
        """What the planner would refuse, named by the form's field, checked before Plan (not when Plan fails)."""
        out = []
        if self.knowledge.category(brief.category) is None:
            out.append(
                f"Category: '{brief.category}' is not a category pack; pick one of {', '.join(self.categories())}"
            )
        for i, m in enumerate(brief.markets, 1):
            if m.code not in self.knowledge.markets:
                out.append(f"Market {i}: '{m.code}' is not a market pack; pick one of {', '.join(self.markets())}")
        for i, seg in enumerate(brief.segments, 1):
            if seg.style and self.knowledge.style(seg.style) is None:
                out.append(
                    f"Segment {i} style: '{seg.style}' is not a style pack; pick one of {', '.join(self.styles())}"
                )
        return out


class Picker(QComboBox):
    """An editable combo box over a pack's ids, completing aliases too; reads and writes like a line edit."""

    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.lineEdit()
        assert line is not None  # an editable combo box has its line edit
        line.editingFinished.connect(self.editingFinished)
        self.activated.connect(lambda _i: self.editingFinished.emit())

    def set_choices(self, items: list[str], words: list[str] | None = None) -> None:
        text = self.text()
        self.blockSignals(True)
        self.clear()
        self.addItems(items)
        self.setEditText(text)
        self.blockSignals(False)
        completer = QCompleter(words or items, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)

    def text(self) -> str:
        return self.currentText()

    def setText(self, text: str) -> None:
        self.setEditText(text)


class ChoiceDelegate(QStyledItemDelegate):
    """A table cell edited with an editable combo box; `choices(row)` gives the items for that row."""

    def __init__(self, choices: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        editor = Picker(parent)
        editor.set_choices(self.choices(index.row()))
        return editor

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        assert isinstance(editor, Picker)  # made by createEditor above
        editor.setText(index.data() or "")

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        assert isinstance(editor, Picker)
        model.setData(index, editor.text().strip())


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
            out.append([cell_text(self, r, c).strip() for c in range(self.columnCount())])
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
        self.category = Picker()
        self.category.setObjectName("brief_category")
        self.category.setToolTip("A category pack, e.g. skincare; aliases like 'sunscreen' complete to it")
        self.category.editingFinished.connect(self.commit)
        form.addRow("Ca&tegory:", self.category)
        self.fields["category"] = self.category
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
        self._choices: PackChoices | None = None
        self.markets.setItemDelegateForColumn(0, ChoiceDelegate(lambda _r: self.choices().markets(), self.markets))
        self.markets.setItemDelegateForColumn(1, ChoiceDelegate(self._languages_of_row, self.markets))
        self.segments.setItemDelegateForColumn(3, ChoiceDelegate(lambda _r: ["", *self.choices().styles()], self))

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
        from studio.ui.brand_panel import BrandPanel

        self.brand_panel = BrandPanel()
        self.brand_panel.edited.connect(self.edit_brand)
        form.addRow(self.brand_panel)

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
        body_layout.addStretch(1)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        plan_bar = QHBoxLayout()  # outside the scroll area: Plan and the problems are always in view
        plan_bar.addWidget(self.errors, 1)
        plan_bar.addWidget(self.plan_button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Brief"))
        layout.addWidget(scroll, 1)
        layout.addLayout(plan_bar)
        guard_wheel_in(self)
        self._commit_timer = QTimer(self)
        self._commit_timer.setSingleShot(True)
        self._commit_timer.setInterval(0)

    def choices(self) -> PackChoices:
        if self._choices is None:
            self._choices = PackChoices()
            self.category.set_choices(self._choices.categories(), self._choices.category_words())
        return self._choices

    def _languages_of_row(self, row: int) -> list[str]:
        code = cell_text(self.markets, row, 0)
        return self.choices().languages(code)

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
            brief = Brief.model_validate(self.form_data())
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
        problems = self.choices().problems(brief)
        return (None, problems) if problems else (brief, [])

    def commit(self) -> bool:
        """Apply the form as one undo step if it is valid; otherwise list what to fix."""
        if self._filling or self.doc is None:
            return False
        brief, problems = self.validate()
        name = self.name.text().strip()
        if problems:
            self.errors.setText(
                "<b>Fix these to apply the brief:</b><br>" + "<br>".join(html.escape(p, quote=False) for p in problems)
            )
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
        self.setEnabled(self.doc is not None)
        if self.doc is None:
            return
        self.choices()
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
            self.brand_panel.show_kit(b.brand_kit, self.doc.root / "assets")
            self.errors.hide()
        finally:
            self._filling = False

    def edit_brand(self, edits: Any) -> None:
        if self.ops is not None:
            self.ops.project.edit_brand(edits)

    def plan(self) -> None:
        """Plan only a brief the planner will take: the form is applied first, and any problem is shown instead."""
        if self.ops is None or self.doc is None:
            return
        self.commit()
        if not self.errors.isHidden():
            self.errors.setText(self.errors.text().replace("to apply the brief", "before planning", 1))
            return
        self.ops.plan.plan_brief()
