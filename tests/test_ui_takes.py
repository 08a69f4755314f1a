"""The takes grid: candidates per shot, pick one (undoable), regenerate with fresh or locked seeds, compare two;
and the deliverables list's "show in folder"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from studio import paths
from studio.model import Deliverable, ProjectStore, load_brief


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "demo").create(plan_project(load_brief(paths.sample_brief()), name="demo"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.ops.project.open_project(tmp_path / "demo")
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def settle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.jobs.settled() and not window.thumbnails.pending(), timeout=60_000)
    failed = [j for j in window.jobs.jobs if j.state == "failed"]
    assert not failed, failed[0].error


def test_candidates_pick_regenerate_lock_and_compare(window, qtbot, test_output):
    window.go_to(4)
    page = window.pages["images"]
    vid = page.variant_id()
    assert vid == window.doc.project.variants[0].id
    page.shots.setCurrentRow(0)
    shot = page.shot_id()
    page.candidates.setValue(2)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    takes = page.takes_for(shot, vid)
    assert len(takes) == 2 and page.takes.count() == 2
    assert len({t.request.seed for t in takes}) == 2
    assert all((window.doc.root / "assets" / t.asset).is_file() for t in takes)
    assert not window.doc.dirty, "new takes are saved with the project"
    assert page.takes.item(0).icon().pixmap(64).toImage().pixelColor(32, 32).name() != "#3a3f4b"  # a real frame

    # pick the first candidate (the newest is used until one is picked); undo forgets the pick
    assert window.doc.project.selected_take(shot, vid).id == takes[1].id
    page.takes.setCurrentRow(0)
    page.takes.item(0).setSelected(True)
    qtbot.mouseClick(page.pick_button, Qt.MouseButton.LeftButton)
    assert window.doc.project.selected_take(shot, vid).id == takes[0].id
    assert page.takes.item(0).text().startswith("✓ picked")
    window.ops.project.undo()
    assert not any(t.selected for t in window.doc.project.takes)
    assert window.doc.project.selected_take(shot, vid).id == takes[1].id
    window.ops.project.redo()
    picked = window.doc.project.selected_take(shot, vid)

    # regenerate: fresh seeds; with the seed locked, the picked take's composition (its seed) is kept
    page.candidates.setValue(1)
    qtbot.mouseClick(page.regenerate_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    fresh = [t for t in page.takes_for(shot, vid) if t.id not in {x.id for x in takes}]
    assert len(fresh) == 1 and fresh[0].request.seed not in {t.request.seed for t in takes}
    page.lock_seed.setChecked(True)
    window.doc.edit(
        "Edit prompt",
        ("variants",),
        lambda p: setattr(p.variant(vid).shot(shot), "prompt", p.variant(vid).shot(shot).prompt + ", neon rain"),
    )
    qtbot.mouseClick(page.regenerate_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    locked = [t for t in page.takes_for(shot, vid) if t.request.prompt.endswith("neon rain")]
    assert len(locked) == 1 and locked[0].request.seed == picked.request.seed

    # compare two side by side (not modal)
    page.takes.clearSelection()
    page.takes.item(0).setSelected(True)
    page.takes.item(1).setSelected(True)
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    dialog = page._compare
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    pictures = [
        label for label in dialog.findChildren(type(page.info)) if label.pixmap() and not label.pixmap().isNull()
    ]
    assert len(pictures) == 2
    (test_output / "ui").mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(test_output / "ui" / "images-takes-grid.png"))
    assert dialog.grab().save(str(test_output / "ui" / "images-compare.png"))
    dialog.close()


def test_show_in_folder_opens_the_folder_of_the_file(window, qtbot, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    renders = window.doc.root / "renders"
    (renders / "th-night-owls_9x16.mp4").write_bytes(b"\0" * 64)
    d = Deliverable(
        variant_id="th-night-owls",
        market="TH",
        language="th",
        segment="night-owls",
        aspect="9:16",
        kind="video",
        path="renders/th-night-owls_9x16.mp4",
        duration_s=15.0,
    )
    window.doc.edit("Add deliverable", ("deliverables",), lambda p: p.deliverables.append(d))
    window.go_to(6)
    page = window.pages["deliver"]
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "th-night-owls"
    page.table.selectRow(0)
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert [Path(u.toLocalFile()) for u in opened] == [renders]
