"""Feel: the window opens without the heavy stack, follows a dark system theme, every control is labelled for
screen readers and keyboard users, and the steps are reachable by shortcut."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from studio import paths
from studio.model import ProjectStore, load_brief

ROOT = Path(__file__).resolve().parent.parent


def test_window_opens_without_torch_diffusers_moviepy_or_the_schema():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from studio.ui.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "heavy = ('torch', 'diffusers', 'moviepy', 'transformers', 'pydantic', 'PIL')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_dark_system_theme_gives_a_dark_palette(qapp):
    from studio.ui.theme import apply_theme, is_dark

    saved_style, saved_palette = qapp.style().name(), qapp.palette()
    try:
        apply_theme(qapp, Qt.ColorScheme.Dark)
        assert is_dark(qapp.palette())
        apply_theme(qapp, Qt.ColorScheme.Light)
        assert not is_dark(qapp.palette())
    finally:
        qapp.setStyle(saved_style)
        qapp.setPalette(saved_palette)


@pytest.fixture
def window(qtbot, tmp_path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "demo").create(plan_project(load_brief(paths.sample_brief()), name="demo"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.ops.project.open_project(tmp_path / "demo")
    yield win
    win.jobs.shutdown()


def _labelled(widget: QWidget, buddies: set[int]) -> bool:
    if widget.accessibleName():
        return True
    if isinstance(widget, QAbstractButton):
        return bool(widget.text().replace("&", "").strip() or widget.toolTip())
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return True
    return id(widget) in buddies or (widget.focusProxy() is not None and id(widget.focusProxy()) in buddies)


def test_every_control_on_every_step_is_labelled(window, qtbot, test_output):
    unlabelled, checked = [], 0
    for row in range(window.steps.count()):
        window.go_to(row)
        page = window.current_page()
        buddies = {id(label.buddy()) for label in page.findChildren(QLabel) if label.buddy() is not None}
        # rows of a QFormLayout label their field through the label's buddy
        controls = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QAbstractItemView)
        for w in page.findChildren(QWidget):
            if not isinstance(w, controls) or not w.isVisibleTo(page) or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
                continue
            if isinstance(w.parent(), (QComboBox, QSpinBox)):  # their own inner line edit and popup
                continue
            if isinstance(w, QAbstractItemView) and isinstance(w.parent(), QComboBox):
                continue
            checked += 1
            if not _labelled(w, buddies):
                unlabelled.append(f"{page.step}: {type(w).__name__} {w.objectName()!r}")
    assert checked > 40
    assert not unlabelled, unlabelled


def test_steps_are_reachable_by_keyboard(window, qtbot):
    shortcuts = {a.shortcut().toString(): a for a in window.findChildren(type(window.save_action))}
    for i in range(7):
        shortcuts[QKeySequence(f"Ctrl+{i + 1}").toString()].trigger()
        assert window.steps.currentRow() == i
        assert window.current_page().step == window.steps.item(i).data(Qt.ItemDataRole.UserRole)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.render_action.shortcut().toString() == "Ctrl+R"
    window.go_to(2)
    board = window.pages["storyboard"].board
    board.setFocus()
    board.setCurrentRow(0)
    first = board.current_shot()
    qtbot.keyClick(board, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.doc.project.storyboard.shots[1].id == first
    assert QApplication.focusWidget() is not None
