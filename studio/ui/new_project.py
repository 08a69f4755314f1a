"""The New project dialog: a name and where to keep it; the project's folder is created, never asked for empty."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)


def folder_problem(folder: Path) -> str:
    """Why `folder` cannot hold a new project ('' when it can: new, empty, or already a project to open)."""
    if not folder.name:
        return "Give the project a name."
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file; choose another name."
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "project.json").exists():
        return f"{folder} already holds other files; choose another name or location."
    if not folder.exists() and not _writable_ancestor(folder.parent):
        return f"{folder.parent} cannot be written to; choose another location."
    return ""


def _writable_ancestor(path: Path) -> bool:
    import os

    while not path.exists():
        path = path.parent
    return os.access(path, os.W_OK)


class NewProjectDialog(QDialog):
    """Project name + location; `chosen(folder)` is emitted with location/name (created by the window)."""

    chosen = Signal(Path)

    def __init__(self, location: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newProjectDialog")
        self.setWindowTitle("New project")
        self.name = QLineEdit()
        self.name.setObjectName("newProjectName")
        self.name.setPlaceholderText("e.g. night-serum-launch")
        self.location = QLineEdit(str(location))
        self.location.setObjectName("newProjectLocation")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.location, 1)
        where.addWidget(browse)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Project &name:", self.name)
        form.addRow("&Location:", where)
        form.addRow(self.folder_label)
        form.addRow(self.buttons)
        self.name.textChanged.connect(self._update)
        self.location.textChanged.connect(self._update)
        self._update()

    def folder(self) -> Path:
        return Path(self.location.text().strip()).expanduser() / self.name.text().strip()

    def _update(self) -> None:
        problem = folder_problem(self.folder()) if self.name.text().strip() else "Give the project a name."
        self.folder_label.setText(problem or f"The project is created in {self.folder()}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where to keep the project", self.location.text())
        if folder:
            self.location.setText(folder)

    def accept(self) -> None:
        if folder_problem(self.folder()) or not self.name.text().strip():
            return
        super().accept()
        self.chosen.emit(self.folder())
