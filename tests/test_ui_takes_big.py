"""Takes as large as the panel allows, one at 100 %, A/B compare with a wipe; a newer generation never replaces the
take the creator picked. An Arabic modest-fashion brief, generated with the procedural backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

from studio.model import Brief, ProjectStore

BRIEF = {
    "brand": "Sitara",
    "product": "Sitara breathable abaya",
    "category": "apparel",
    "selling_points": ["breathable crepe for summer evenings", "pockets that hold a phone"],
    "markets": [{"code": "AE", "language": "ar"}],
    "segments": [{"id": "commuters", "name": "Office commuters", "description": "24-38, Dubai metro"}],
    "duration_s": 10,
}


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "sitara").create(plan_project(Brief.model_validate(BRIEF), name="sitara"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    assert win.ops.project.open_project(tmp_path / "sitara")
    win.go_to(4)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def settle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.jobs.settled() and not window.thumbnails.pending(), timeout=60_000)
    failed = [j for j in window.jobs.jobs if j.state == "failed"]
    assert not failed, failed[0].error


def generate(qtbot, window, page, n: int) -> None:
    page.candidates.setValue(n)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.wait(200)  # the grid refits after the resize timer
    settle(qtbot, window)


def test_takes_fill_the_panel_zoom_and_wipe(window, qtbot):
    page = window.pages["images"]
    page.shots.setCurrentRow(0)
    generate(qtbot, window, page, 2)
    assert page.takes.count() == 2
    small = page.takes.iconSize()
    assert small.height() >= 256
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: page.takes.iconSize().height() > small.height() + 100, timeout=5_000)
    big = page.takes.iconSize()
    assert abs(big.width() / big.height() - 9 / 16) < 0.02, "takes keep the aspect's shape"
    settle(qtbot, window)
    icon = page.takes.item(0).icon().pixmap(big)
    assert icon.height() >= big.height() - 1 and icon.toImage().pixelColor(10, 10).name() != "#3a3f4b"

    # 100 %: the picture is the image's own size
    page.takes.item(0).setSelected(True)
    qtbot.mouseClick(page.zoom_button, Qt.MouseButton.LeftButton)
    zoom = page._zoom
    assert zoom is not None and zoom.isVisible()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: zoom.picture.pixmap() is not None and not zoom.picture.pixmap().isNull(), timeout=10_000)
    take = page.takes_for(page.shot_id(), page.variant_id())[0]
    from PySide6.QtGui import QImageReader

    full = QImageReader(str(window.doc.root / "assets" / take.asset)).size()
    pixmap = zoom.picture.pixmap()
    assert QSize(pixmap.width(), pixmap.height()) == full
    zoom.close()

    # A/B wipe: left of the seam is A, right of it is B
    page.takes.item(1).setSelected(True)
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    dialog = page._compare
    assert dialog is not None, page.info.text()
    dialog.show_wipe()
    dialog.resize(600, 900)
    qtbot.waitExposed(dialog)
    wipe = dialog.wipe
    rect = wipe.frame_rect()

    def frame(seam: int) -> QImage:
        dialog.seam.setValue(seam)
        return wipe.grab().toImage()

    all_a, all_b, half = frame(1000), frame(0), frame(500)
    points = [
        (x, y) for x in range(rect.left() + 2, rect.right() - 2, 7) for y in range(rect.top() + 2, rect.bottom(), 23)
    ]
    differ = [(x, y) for x, y in points if all_a.pixelColor(x, y) != all_b.pixelColor(x, y)]
    assert len(differ) > len(points) // 10, "two seeds, two different frames"
    seam = rect.left() + rect.width() // 2
    for x, y in differ:
        if abs(x - seam) > 2:
            got, want = half.pixelColor(x, y), (all_a if x < seam else all_b).pixelColor(x, y)
            assert max(abs(got.red() - want.red()), abs(got.green() - want.green()), abs(got.blue() - want.blue())) <= 3
    dialog.close()


def test_a_newer_generation_never_replaces_the_pick(window, qtbot):
    page = window.pages["images"]
    page.shots.setCurrentRow(1)
    shot, vid = page.shot_id(), page.variant_id()
    generate(qtbot, window, page, 2)
    first = page.takes_for(shot, vid)
    page.takes.item(0).setSelected(True)
    qtbot.mouseClick(page.pick_button, Qt.MouseButton.LeftButton)
    assert window.doc.project.selected_take(shot, vid).id == first[0].id
    qtbot.mouseClick(page.regenerate_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert len(page.takes_for(shot, vid)) == 4
    assert window.doc.project.selected_take(shot, vid).id == first[0].id, "the newest take did not take over"
    row = [page.takes.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.takes.count())].index(first[0].id)
    assert page.takes.item(row).text().startswith("✓ picked")
    # and without an explicit pick, the take shown as used stays used when new ones arrive
    page.shots.setCurrentRow(2)
    shot2 = page.shot_id()
    generate(qtbot, window, page, 1)
    shown = window.doc.project.selected_take(shot2, vid)
    generate(qtbot, window, page, 1)
    assert window.doc.project.selected_take(shot2, vid).id == shown.id
