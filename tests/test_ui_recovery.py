"""Safety: autosave on a timer, a recovery offer after a crash, recent projects, settings that persist."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from studio import paths
from studio.model import ProjectStore, load_brief


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from studio.planning import plan_project

    ProjectStore(tmp_path / "demo").create(plan_project(load_brief(paths.sample_brief()), name="demo"))
    return tmp_path / "demo"


def new_window(qtbot):
    from studio.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


def crash(win) -> None:
    """What a crash leaves: no save, no close event; only the autosave on disk."""
    win.jobs.shutdown()
    win.doc.undo_stack.setClean()  # so the test teardown's close does not ask
    win.doc._autosave_timer.stop()
    win.hide()


def test_autosave_then_crash_then_recover(qtbot, folder: Path, test_output: Path):
    from studio.ui.document import ProjectDocument

    ProjectDocument.AUTOSAVE_MS, saved_interval = 50, ProjectDocument.AUTOSAVE_MS
    try:
        win = new_window(qtbot)
        assert win.ops.project.open_project(folder)
        saved_json = (folder / "project.json").read_bytes()
        page = win.pages["brief"]
        page.brand.setText("Lumi After Dark")
        page.brand.editingFinished.emit()
        autosave = folder / "autosave" / "project.json"
        qtbot.waitUntil(autosave.is_file, timeout=5_000)
    finally:
        ProjectDocument.AUTOSAVE_MS = saved_interval
    assert ProjectStore(folder / "autosave").load().brief.brand == "Lumi After Dark"
    assert (folder / "project.json").read_bytes() == saved_json, "autosave never touches project.json"
    past = time.time() - 60
    os.utime(folder / "project.json", (past, past))
    crash(win)

    again = new_window(qtbot)
    assert again.ops.project.open_project(folder)
    assert again.doc.project.brief.brand == "Lumi"
    qtbot.waitUntil(again.recovery_bar.isVisible, timeout=2_000)
    assert "newer than the saved project" in again.recovery_bar.label.text()
    assert QApplication.activeModalWidget() is None
    (test_output / "ui").mkdir(parents=True, exist_ok=True)
    assert again.grab().save(str(test_output / "ui" / "recovery-offer.png"))
    restore = next(
        b for b in again.recovery_bar.findChildren(type(again.jobs_dock.stop_button)) if b.text() == "Restore"
    )
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert again.doc.project.brief.brand == "Lumi After Dark"
    assert again.pages["brief"].brand.text() == "Lumi After Dark"
    assert again.doc.dirty and again.doc.undo_stack.undoText() == "Recover unsaved changes"
    again.ops.project.undo()
    assert again.doc.project.brief.brand == "Lumi"
    again.ops.project.redo()
    assert again.ops.project.save()
    assert not (folder / "autosave" / "project.json").exists(), "a save makes the autosave obsolete"
    assert ProjectStore(folder).load().brief.brand == "Lumi After Dark"
    again.jobs.shutdown()

    third = new_window(qtbot)
    assert third.ops.project.open_project(folder)
    assert not third.recovery_bar.isVisible()
    third.jobs.shutdown()


def test_discarding_the_autosave(qtbot, folder: Path):
    win = new_window(qtbot)
    win.ops.project.open_project(folder)
    win.doc.edit("Rename", ("name",), lambda p: setattr(p, "name", "renamed"))
    assert win.doc.autosave() is not None
    past = time.time() - 60
    os.utime(folder / "project.json", (past, past))
    crash(win)
    again = new_window(qtbot)
    again.ops.project.open_project(folder)
    assert again.recovery_bar.isVisible()
    discard = next(
        b for b in again.recovery_bar.findChildren(type(again.jobs_dock.stop_button)) if b.text() == "Discard"
    )
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    assert not (folder / "autosave" / "project.json").exists()
    assert again.doc.project.name == "demo"
    again.jobs.shutdown()


def test_closing_with_unsaved_edits_asks_without_blocking(qtbot, folder: Path):
    win = new_window(qtbot)
    win.ops.project.open_project(folder)
    win.doc.edit("Rename", ("name",), lambda p: setattr(p, "name", "renamed"))
    assert not win.close()
    box = win.findChild(QMessageBox, "closeQuestion")
    assert box.isVisible() and not box.isModal()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5_000)
    assert ProjectStore(folder).load().name == "renamed"


def test_recent_projects_and_settings_persist(qtbot, folder: Path, tmp_path: Path):
    from studio.ui.settings import UserSettings, load_settings, save_settings

    win = new_window(qtbot)
    win.ops.project.open_project(folder)
    other = tmp_path / "other"
    win.ops.project.new_project(other)
    assert (other / "project.json").is_file()
    assert win.doc.project.brief.brand == "Your brand"
    win.jobs.shutdown()

    again = new_window(qtbot)
    assert again.ops.project.recent()[:2] == [str(other), str(folder)]
    assert [a.text() for a in again.recent_menu.actions()][:2] == [str(other), str(folder)]
    again.recent_menu.actions()[1].trigger()
    assert again.doc.root == folder
    again.jobs.shutdown()

    s = UserSettings(
        model_folders=[str(tmp_path / "models")],
        llm_endpoint="http://127.0.0.1:8080/v1",
        device="cpu",
        voices={"th": "espeak:th", "ja": "kokoro"},
        output_folder=str(tmp_path / "out"),
    )
    save_settings(s)
    assert load_settings() == s
