"""Export…: every hand-off file the CLI writes, made from the app as a background job.

Storyboard PDF, contact sheet, shot lists (CSV, XLSX), editor timelines (OTIO, FCP 7 XML, FCPXML), the review zip,
and the translators' files (XLIFF or CSV, and importing them back). The dialog is not modal; the job shows in the
jobs dock and here, and what it wrote is listed with Show in folder and Open.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.operations.export import FILE_KINDS, ExportChoice, ExportDone

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.ui.document import ProjectDocument
    from studio.ui.operations.export import ExportOps


class ExportDialog(QDialog):
    def __init__(self, ops: ExportOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.setModal(False)
        self.ops = ops
        self.doc: ProjectDocument | None = None
        self.job: Job | None = None
        self.last: ExportDone | None = None

        files = QGroupBox("Hand-off files, per variant")
        grid = QGridLayout(files)
        self.kinds: dict[str, QCheckBox] = {}
        for n, (kind, label) in enumerate(FILE_KINDS.items()):
            box = QCheckBox(label)
            box.setObjectName(f"export_{kind}")
            box.setChecked(True)
            self.kinds[kind] = box
            grid.addWidget(box, n // 2, n % 2)

        self.variants = QListWidget()
        self.variants.setAccessibleName("Variants to export")
        self.variants.setMaximumHeight(110)

        review = QGroupBox("Review bundle")
        self.review_zip = QCheckBox("Review &zip (hand-off files, manifest with checksums)")
        self.review_zip.setObjectName("export_zip")
        self.with_videos = QCheckBox("with the rendered &videos")
        self.with_videos.setChecked(True)
        self.with_media = QCheckBox("with the timelines' &media (stills, voice, captions, music)")
        self.with_media.setChecked(True)
        self.review_zip.toggled.connect(self._zip_toggled)
        self._zip_toggled(False)
        r = QVBoxLayout(review)
        for w in (self.review_zip, self.with_videos, self.with_media):
            r.addWidget(w)

        translators = QGroupBox("Translators")
        self.translations = QCheckBox("&Lines for translators, one file per language:")
        self.translations.setObjectName("export_translations")
        self.xliff = QRadioButton("XLIFF 2.0")
        self.xliff.setChecked(True)
        self.csv = QRadioButton("CSV")
        group = QButtonGroup(self)
        group.addButton(self.xliff)
        group.addButton(self.csv)
        self.import_button = QPushButton("&Import translations…")
        self.import_button.setToolTip("Check a translated XLIFF or CSV file line by line and apply the valid lines")
        self.import_button.clicked.connect(self.choose_translations)
        t = QHBoxLayout(translators)
        for widget in (self.translations, self.xliff, self.csv):
            t.addWidget(widget)
        t.addStretch(1)
        t.addWidget(self.import_button)

        self.folder = QLabel()
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        browse = QPushButton("&Folder…")
        browse.clicked.connect(self.choose_folder)
        self.out_dir: Path | None = None
        where = QHBoxLayout()
        where.addWidget(QLabel("Into:"))
        where.addWidget(self.folder, 1)
        where.addWidget(browse)

        self.export_button = QPushButton("&Export")
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName("Export progress")
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.results = QListWidget()
        self.results.setObjectName("exportResults")
        self.results.setAccessibleName("Exported files")
        self.results.itemActivated.connect(lambda item: self.open_file(item))
        self.show_button = QPushButton("Show in &folder")
        self.show_button.setObjectName("exportShowInFolder")
        self.show_button.clicked.connect(self.show_in_folder)
        self.show_button.setEnabled(False)
        self.open_button = QPushButton("&Open file")
        self.open_button.clicked.connect(lambda: self.open_file(self.results.currentItem()))
        self.open_button.setEnabled(False)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(files)
        variants_label = QLabel("&Variants:")
        variants_label.setBuddy(self.variants)
        layout.addWidget(variants_label)
        layout.addWidget(self.variants)
        layout.addWidget(review)
        layout.addWidget(translators)
        layout.addLayout(where)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.resize(720, 680)
        ops.jobs.job_changed.connect(self._job_changed)

    # --- the form ------------------------------------------------------------------------------------------------

    def _zip_toggled(self, on: bool) -> None:
        """The review zip holds every hand-off file of the variants: the per-file choice then does not apply."""
        for box in self.kinds.values():
            box.setEnabled(not on)
            box.setToolTip("The review zip holds every hand-off file" if on else "")
        self.with_videos.setEnabled(on)
        self.with_media.setEnabled(on)

    def set_project(self, doc: ProjectDocument) -> None:
        if doc is not self.doc:
            self.results.clear()
            self.status.clear()
            self.out_dir = None
        self.doc = doc
        self.variants.clear()
        for v in doc.project.variants:
            item = QListWidgetItem(f"{v.name} ({v.id})")
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.variants.addItem(item)
        self.folder.setText(str(self.out_dir or self.ops.default_folder()))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export into", str(self.out_dir or self.ops.default_folder()))
        if folder:
            self.out_dir = Path(folder)
            self.folder.setText(folder)

    def choice(self) -> ExportChoice:
        ids = [
            self.variants.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.variants.count())
            if self.variants.item(r).checkState() == Qt.CheckState.Checked
        ]
        return ExportChoice(
            kinds=tuple(k for k, box in self.kinds.items() if box.isChecked()),
            variant_ids=tuple(ids),
            review_zip=self.review_zip.isChecked(),
            include_videos=self.with_videos.isChecked(),
            include_media=self.with_media.isChecked(),
            translations=("csv" if self.csv.isChecked() else "xliff") if self.translations.isChecked() else "",
            out_dir=self.out_dir,
        )

    # --- running -------------------------------------------------------------------------------------------------

    def export(self) -> Job | None:
        choice = self.choice()
        problem = choice.problem()
        if problem:
            self.status.setText(problem)
            return None
        self.results.clear()
        self.status.setText("Exporting…")
        self.export_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.job = self.ops.export(choice, self.show_result)
        if self.job is None:
            self._idle()
        return self.job

    def _job_changed(self, job: Job) -> None:
        if job is not self.job:
            return
        self.progress.setValue(int(job.fraction * 1000))
        if job.message:
            self.progress.setFormat(f"{job.message[:60]}: %p%")
        if job.state.done:
            self._idle()
            if job.state != "finished":
                self.status.setText(
                    f"Export {job.state.value}: {job.error}" + (f"\nWhat to do: {job.hint}" if job.hint else "")
                )

    def _idle(self) -> None:
        self.export_button.setEnabled(True)
        self.progress.hide()

    def show_result(self, done: ExportDone) -> None:
        self.last = done
        self.results.clear()
        for path in done.files:
            item = QListWidgetItem(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.results.addItem(item)
        text = f"{len(done.files)} files in {done.folder}"
        if done.warnings:
            text += "\n" + "\n".join(f"⚠ {w}" for w in done.warnings[:8])
            if len(done.warnings) > 8:
                text += f"\n(+{len(done.warnings) - 8} more)"
        self.status.setText(text)
        self.show_button.setEnabled(True)
        self.open_button.setEnabled(bool(done.files))
        if done.files:
            self.results.setCurrentRow(0)

    def listed_files(self) -> list[Path]:
        return [Path(self.results.item(r).data(Qt.ItemDataRole.UserRole)) for r in range(self.results.count())]

    def show_in_folder(self) -> None:
        item = self.results.currentItem()
        folder = Path(item.data(Qt.ItemDataRole.UserRole)).parent if item else (self.last.folder if self.last else None)
        if folder is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.status.setText(f"No file manager could be opened here (on Linux: xdg-open). The folder is {folder}")

    def open_file(self, item: Any) -> None:
        if item is None:
            return
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.status.setText(f"No application opens {path.suffix} files here (on Linux: xdg-open). {path}")

    def choose_translations(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import translations", str(Path.home()), "Translations (*.xlf *.xliff *.csv);;All files (*)"
        )
        if path:
            self.ops.import_translations(Path(path), self.status.setText)
