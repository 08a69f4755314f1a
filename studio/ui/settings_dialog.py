"""Settings: where models and voices live, the LLM endpoint and its key, the device, a voice per language, the
output folder; and a check, per market, that a voice, a font and a model are ready before anything runs.

The dialog is not modal: the creator can keep working (and jobs keep running) while it is open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.jobs.executor import compute_status
from studio.stages.readiness import MarketReadiness
from studio.ui.settings import (
    DEVICES,
    UserSettings,
    get_api_key,
    keyring_problem,
    load_settings,
    save_settings,
    set_api_key,
)
from studio.ui.widgets import cell_text


class FolderList(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName(name)
        self.list.setMaximumHeight(80)
        add = QPushButton("Add…")
        add.setAccessibleName(f"Add to {name}")
        add.clicked.connect(self._add)
        remove = QPushButton("Remove")
        remove.setAccessibleName(f"Remove from {name}")
        remove.clicked.connect(lambda: self.list.takeItem(self.list.currentRow()))
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def _add(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder")
        if folder:
            self.list.addItem(folder)

    def folders(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def set_folders(self, folders: list[str]) -> None:
        self.list.clear()
        self.list.addItems(folders)


class SettingsDialog(QDialog):
    """Edits UserSettings; `saved` fires after Save. `check_requested` asks the window to run the readiness job."""

    saved = Signal(object)  # UserSettings
    check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setModal(False)
        form = QFormLayout()
        self.model_folders = FolderList("Model folders")
        form.addRow("&Model folders:", self.model_folders)
        self.voice_folders = FolderList("Voice folders")
        form.addRow("Voice &folders:", self.voice_folders)
        self.image_model = QLineEdit()
        self.image_model.setPlaceholderText("procedural (built in), or a model id or folder")
        form.addRow("&Image model:", self.image_model)
        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText("http://127.0.0.1:11434/v1 (Ollama, LM Studio, vLLM, llama.cpp…)")
        form.addRow("&LLM endpoint:", self.endpoint)
        self.llm_model = QLineEdit()
        form.addRow("LLM mo&del:", self.llm_model)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName("API key")
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        key_box = QVBoxLayout()
        key_box.addWidget(self.api_key)
        key_box.addWidget(self.keyring_note)
        form.addRow("API &key:", self._wrap(key_box, self.api_key))
        self.device = QComboBox()
        self.device.addItems(DEVICES)
        form.addRow("De&vice:", self.device)
        self.voices = QTableWidget(0, 2)
        self.voices.setHorizontalHeaderLabels(("Language", "Voice id (espeak, espeak:th, piper:NAME, kokoro…)"))
        self.voices.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.voices.verticalHeader().hide()
        self.voices.setAccessibleName("Voice per language")
        self.voices.setMaximumHeight(120)
        add_voice = QPushButton("Add language")
        add_voice.clicked.connect(lambda: self._add_voice("", "espeak"))
        voice_box = QVBoxLayout()
        voice_box.addWidget(self.voices)
        voice_box.addWidget(add_voice, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow("Voice per lan&guage:", self._wrap(voice_box, self.voices))
        self.output = QLineEdit()
        self.output.setPlaceholderText("renders/ inside the project")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_output)
        out_box = QHBoxLayout()
        out_box.addWidget(self.output, 1)
        out_box.addWidget(browse)
        form.addRow("&Output folder:", self._wrap(out_box, self.output))
        self.compute = QLineEdit()  # Compute: this machine, or a Ray cluster (says what to install without Ray)
        self.compute.setPlaceholderText("this machine — or a Ray cluster address: host:6379, ray://host:10001")
        self.compute_note = QLabel(compute_status(""))
        self.compute_note.setWordWrap(True)
        self.compute.textChanged.connect(lambda text: self.compute_note.setText(compute_status(text)))
        compute_box = QVBoxLayout()
        compute_box.addWidget(self.compute)
        compute_box.addWidget(self.compute_note)
        form.addRow("Com&pute:", self._wrap(compute_box, self.compute))

        self.check_button = QPushButton("&Check what is ready")
        self.check_button.setObjectName("checkReadiness")
        self.check_button.clicked.connect(self._check)
        self.readiness = QTableWidget(0, 5)
        self.readiness.setObjectName("readinessTable")
        self.readiness.setAccessibleName("Readiness per market")
        self.readiness.setHorizontalHeaderLabels(("Market", "Language", "Voice", "Font", "Image model"))
        self.readiness.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.readiness.verticalHeader().hide()
        self.readiness.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.readiness)
        layout.addWidget(buttons)
        self.resize(760, 720)
        self.load()

    @staticmethod
    def _wrap(layout: Any, focus: QWidget) -> QWidget:
        """A layout as one form field, so its label's mnemonic moves focus to `focus`."""
        box = QWidget()
        layout.setContentsMargins(0, 0, 0, 0)
        box.setLayout(layout)
        box.setFocusProxy(focus)
        return box

    def _browse_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output folder")
        if folder:
            self.output.setText(folder)

    def _add_voice(self, language: str, voice: str) -> None:
        r = self.voices.rowCount()
        self.voices.insertRow(r)
        self.voices.setItem(r, 0, QTableWidgetItem(language))
        self.voices.setItem(r, 1, QTableWidgetItem(voice))

    def load(self) -> None:
        s = load_settings()
        self.model_folders.set_folders(s.model_folders)
        self.voice_folders.set_folders(s.voice_folders)
        self.image_model.setText(s.image_model)
        self.endpoint.setText(s.llm_endpoint)
        self.llm_model.setText(s.llm_model)
        self.device.setCurrentText(s.device)
        self.voices.setRowCount(0)
        for lang, voice in sorted(s.voices.items()):
            self._add_voice(lang, voice)
        self.output.setText(s.output_folder)
        self.compute.setText(s.compute)
        problem = keyring_problem()
        self.api_key.setEnabled(not problem)
        self.keyring_note.setText(problem or "Kept in the system keyring, never in the settings file.")
        self.api_key.setText(get_api_key(s.llm_endpoint))

    def settings(self) -> UserSettings:
        voices = {}
        for r in range(self.voices.rowCount()):
            lang = cell_text(self.voices, r, 0).strip()
            voice = cell_text(self.voices, r, 1).strip()
            if lang and voice:
                voices[lang] = voice
        return UserSettings(
            model_folders=self.model_folders.folders(),
            voice_folders=self.voice_folders.folders(),
            llm_endpoint=self.endpoint.text().strip(),
            llm_model=self.llm_model.text().strip(),
            device=self.device.currentText(),
            image_model=self.image_model.text().strip() or "procedural",
            voices=voices,
            output_folder=self.output.text().strip(),
            compute=self.compute.text().strip(),
        )

    def save(self) -> None:
        s = self.settings()
        save_settings(s)
        if s.llm_endpoint and self.api_key.isEnabled():
            problem = set_api_key(s.llm_endpoint, self.api_key.text())
            if problem:
                self.keyring_note.setText(problem)
        self.saved.emit(s)

    def _check(self) -> None:
        self.check_button.setEnabled(False)
        self.readiness.setRowCount(0)
        self.check_requested.emit()

    def show_readiness(self, results: list[MarketReadiness] | None, error: str = "") -> None:
        self.check_button.setEnabled(True)
        if results is None:
            self.readiness.setRowCount(1)
            self.readiness.setItem(0, 0, QTableWidgetItem(error or "The check could not run."))
            return
        self.readiness.setRowCount(len(results))
        for r, m in enumerate(results):
            market = QTableWidgetItem(
                ("✓ " if m.ready else "✗ ") + m.market + (f" · {len(m.notes)} note(s)" if m.notes else "")
            )
            market.setToolTip("\n".join(m.notes))  # e.g. a presenter line not lip-synced yet (blocks nothing)
            self.readiness.setItem(r, 0, market)
            self.readiness.setItem(r, 1, QTableWidgetItem(m.language))
            for c, check in enumerate((m.voice, m.font, m.model), start=2):
                item = QTableWidgetItem(("✓ " if check.ready else "✗ ") + check.what)
                item.setToolTip(check.hint or check.what)
                self.readiness.setItem(r, c, item)
        self.readiness.resizeRowsToContents()

    def readiness_rows(self) -> list[list[str]]:
        return [
            [cell_text(self.readiness, r, c) for c in range(self.readiness.columnCount()) if self.readiness.item(r, c)]
            for r in range(self.readiness.rowCount())
        ]

    def closeEvent(self, event: Any) -> None:
        super().closeEvent(event)
