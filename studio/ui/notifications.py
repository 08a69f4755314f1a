"""In-window notifications: what happened and what to do. Never modal; the newest replaces the last."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from studio.ui.page import escape

Actions = Sequence[tuple[str, Callable[[], None]]]


class NotificationBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.actions_box = QHBoxLayout()
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addLayout(self.actions_box)
        layout.addWidget(close)
        self.history: list[tuple[str, str]] = []
        self.hide()

    def show_message(self, title: str, text: str, actions: Actions = ()) -> None:
        self.history.append((title, text))
        while self.actions_box.count():
            item = self.actions_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for label, callback in actions:
            button = QPushButton(label)
            button.clicked.connect(callback)
            button.clicked.connect(self.hide)
            self.actions_box.addWidget(button)
        body = escape(text).replace("\n", "<br>")
        self.label.setText(f"<b>{escape(title)}</b><br>{body}")
        self.show()
