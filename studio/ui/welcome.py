"""What the window shows before a project is open: start a new one, open one, or pick a recent one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    def __init__(
        self,
        on_new: Callable[[], None],
        on_open: Callable[[], None],
        on_recent: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel("<h1>Qianmian Studio</h1><p>From an audience brief to a video per market and audience.</p>")
        title.setWordWrap(True)
        new = QPushButton("&New project…")
        new.setObjectName("welcomeNew")
        new.clicked.connect(on_new)
        open_ = QPushButton("&Open project…")
        open_.clicked.connect(on_open)
        self.recent = QListWidget()
        self.recent.setObjectName("welcomeRecent")
        self.recent.setAccessibleName("Recent projects")
        self.recent.itemActivated.connect(lambda item: on_recent(item.text()))
        recent_label = QLabel("&Recent projects:")
        recent_label.setBuddy(self.recent)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(open_)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent, 1)

    def fill(self, recent: list[str]) -> None:
        self.recent.clear()
        self.recent.addItems(recent)
