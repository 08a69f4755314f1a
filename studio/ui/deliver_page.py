"""The deliverables: every rendered file with its quality (final, draft, preview) and what to check, "show in folder".

A file whose variant still has untranslated lines, a preview, or a video longer than the brief is never shown as
ready: the Quality and Check columns say why, in the row itself.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.stages.quality import is_preview, overrun, quality, untranslated, voice_label, voice_of
from studio.ui.document import ProjectDocument
from studio.ui.page import Page, heading
from studio.ui.platform_presets import PlatformPresets, platform_notes

__all__ = ["DeliverPage", "is_preview"]
WARN = QColor("#c98a00")


class DeliverPage(Page):
    step = "deliver"
    parts = frozenset({"deliverables", "brief", "voice_lines"})
    export_requested = Signal()
    """Export…: the window opens the Export dialog (storyboard PDF, shot lists, timelines, review zip, translations)."""
    COLUMNS = (
        "Variant",
        "Market",
        "Language",
        "Segment",
        "Aspect",
        "Kind",
        "Quality",
        "Voice",
        "Duration",
        "Check",
        "File",
    )
    """Voice: which voice read the video (its variant's voice lines); an espeak voice says "guide voice"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("deliverablesTable")
        self.table.setAccessibleName("Deliverables")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(self.COLUMNS.index("Check"), QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.show_button = QPushButton("Show in &folder")
        self.show_button.setObjectName("showInFolder")
        self.show_button.clicked.connect(self.show_in_folder)
        self.open_button = QPushButton("&Open file")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton("&Export…")
        self.export_button.setObjectName("deliverExport")
        self.export_button.setToolTip(
            "Storyboard PDF, contact sheet, shot lists, editor timelines, review zip, translators"
        )
        self.export_button.clicked.connect(self.export_requested)
        self.presets = PlatformPresets()
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Deliver"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.presets)
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
        if folder is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.cannot_open(folder, "folders")

    def open_selected(self) -> None:
        file = self.selected_file()
        if file is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(file))):
            self.cannot_open(file)

    def cannot_open(self, file: Path, what: str = "") -> None:
        """The desktop has no opener (xdg-open missing): say so, and offer the path to paste into a player."""
        why = (
            f"No application is set up to open {what or (file.suffix or 'this') + ' files'} here "
            "(on Linux the studio uses xdg-open; Debian/Ubuntu: sudo apt install xdg-utils)."
        )
        if self.ops is not None:
            self.ops.project.shell.notify(
                f"Could not open {file.name}", f"{why}\n{file}", [("Copy path", lambda: self.copy_path(file))]
            )

    def copy_path(self, file: Path) -> None:
        QGuiApplication.clipboard().setText(str(file))

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        doc = self.doc
        self.presets.set_document(doc)
        self.table.setRowCount(len(doc.project.deliverables) if doc else 0)
        if doc is not None:
            self._fill_rows(doc)
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        header.setSectionResizeMode(self.COLUMNS.index("Check"), QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.ResizeToContents)

    def _fill_rows(self, doc: ProjectDocument) -> None:
        project = doc.project
        items = project.deliverables
        voices: dict[str, dict | None] = {}
        for row, d in enumerate(items):
            path = Path(d.path) if Path(d.path).is_absolute() else doc.root / d.path
            grade = quality(d, doc.root) if d.kind == "video" else d.status
            checks = list(d.reasons)
            try:
                variant = project.variant(d.variant_id)
            except KeyError:
                variant = None
            todo = untranslated(variant) if variant is not None and not d.sub_variant else []
            if not d.reasons:
                checks += todo
            if todo and grade == "final":
                grade = "draft"  # the file predates the check, or was rendered before the flag: still not final
            extra = overrun(d, project)
            if extra:
                checks.insert(0, f"{extra:.1f} s longer than the brief's {project.brief.duration_s:g} s")
            if grade == "preview":
                checks.insert(0, "small preview: render final for the deliverable")
            checks += platform_notes(d, project)  # the brief's platforms (Deliver's presets) on this file
            if d.kind == "video" and d.variant_id not in voices:
                voices[d.variant_id] = voice_of(project.voice_lines, d.variant_id, d.language)
            voice = voices.get(d.variant_id) if d.kind == "video" else None
            values = (
                d.variant_id,
                d.market,
                d.language,
                d.segment,
                d.aspect,
                d.kind,
                grade,
                voice_label(voice) if voice else ("no voice-over" if d.kind == "video" else ""),
                f"{d.duration_s:.1f} s" if d.duration_s else "",
                ("⚠ " + checks[0] + (f" (+{len(checks) - 1} more)" if len(checks) > 1 else "")) if checks else "",
                d.path,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                name = self.COLUMNS[col]
                if col == len(values) - 1:
                    item.setData(Qt.ItemDataRole.UserRole, str(path))
                    item.setToolTip(str(path))
                elif name == "Check" and checks:
                    item.setToolTip("\n".join(checks))
                    item.setForeground(WARN)
                elif name == "Quality" and grade != "final":
                    item.setForeground(WARN)
                    item.setToolTip("Not a deliverable yet: " + ("; ".join(checks) if checks else grade))
                elif name == "Voice" and voice:
                    item.setToolTip(
                        f"Read by {voice['backend']} ({voice['language']})"
                        + (f"\n{voice['note']}" if voice["note"] else "")
                    )
                    if voice.get("guide"):
                        item.setForeground(WARN)
                elif name == "Duration" and extra:
                    item.setForeground(WARN)
                    item.setToolTip(f"Runs {extra:.1f} s past the brief's {project.brief.duration_s:g} s")
                self.table.setItem(row, col, item)
