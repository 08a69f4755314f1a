"""Small behaviours every form in the studio shares.

A spin box or combo box under the pointer must not change when the creator scrolls the page past it: it changes only
once it has focus (clicked or tabbed into), and the wheel otherwise scrolls the page as if the field were not there.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

GUARDED = (QAbstractSpinBox, QComboBox, QSlider)


class _WheelGuard(QObject):
    """Swallows wheel events on an unfocused field and hands them to the field's parent (the page scrolls)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        parent = watched.parentWidget()
        if parent is not None:
            QApplication.sendEvent(parent, event)
        return True


_guard: _WheelGuard | None = None


def wheel_only_when_focused(*widgets: QWidget) -> None:
    """Spin boxes, combo boxes and sliders take the wheel only with focus; a click or Tab gives them focus."""
    global _guard
    if _guard is None:
        _guard = _WheelGuard(QApplication.instance())
    for w in widgets:
        if w.property("wheelGuarded"):
            continue
        w.setProperty("wheelGuarded", True)
        w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        w.installEventFilter(_guard)


def guard_wheel_in(root: QWidget) -> None:
    """Apply `wheel_only_when_focused` to every spin box, combo box and slider under `root` (and root itself)."""
    found = [w for kind in GUARDED for w in root.findChildren(kind)]
    if isinstance(root, GUARDED):
        found.append(root)
    wheel_only_when_focused(*found)


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    """The text of a table cell, "" for a cell nobody has filled (Qt has no item there)."""
    item = table.item(row, column)
    return item.text() if item is not None else ""


def lay_out_action_dialog(
    dialog: QDialog, intro: QLabel, form: QFormLayout, note: QLabel, ok_text: str
) -> tuple[QDialogButtonBox, QPushButton]:
    """An action dialog's layout (what it does, the choices, why it can't go yet, OK/Cancel): the buttons and the
    OK button, renamed to the action, for the dialog to enable as its choices allow."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addLayout(form)
    layout.addWidget(note)
    layout.addWidget(buttons)
    return buttons, ok
