"""A screenshot gallery for a person to look at: the wall, the board, the takes, the player and Deliver/Export at
1280×720 and 1920×1080, saved under test-output/ui/gallery/ (or $QIANMIAN_SCREENSHOTS). The test also checks what
a screenshot can show: every page fills the window, takes and cards grow with the window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studio import paths
from studio.model import ProjectStore, load_brief

SIZES = ((1280, 720), (1920, 1080))


@pytest.fixture
def gallery(test_output: Path) -> Path:
    folder = Path(os.environ.get("QIANMIAN_SCREENSHOTS", test_output / "ui" / "gallery"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_screenshot_gallery(qtbot, tmp_path: Path, gallery: Path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "demo").create(plan_project(load_brief(paths.sample_brief()), name="demo"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.ops.project.open_project(tmp_path / "demo")
    project = window.doc.project
    vid = project.variants[0].id
    window.ops.takes.generate_missing(None)
    window.ops.takes.generate(variant_ids=(vid,), shot_ids=(project.storyboard.shots[0].id,), candidates=2)

    def settle() -> None:
        qtbot.waitUntil(lambda: window.jobs.settled() and not window.thumbnails.pending(), timeout=90_000)
        qtbot.wait(250)  # resize timers, fonts
        qtbot.waitUntil(lambda: window.jobs.settled() and not window.thumbnails.pending(), timeout=30_000)

    settle()
    # one variant rendered as a preview: the wall shows its cut frame and badge, the board its voice waveform, the
    # player a video, Deliver a file
    from studio.ui.operations.render import PREVIEW_SCALE

    window.ops.render.render(scale=PREVIEW_SCALE, variant_ids=(vid,))
    settle()
    assert not [j for j in window.jobs.jobs if j.state == "failed"]
    assert any(d.kind == "video" and d.variant_id == vid for d in window.doc.project.deliverables)
    sizes: dict[str, list[int]] = {}
    for w, h in SIZES:
        window.resize(w, h)
        qtbot.wait(50)
        shots = {
            "wall": lambda: window.go_to(3),
            "board": lambda: window.go_to(2),
            "takes": lambda: window.go_to(4),
            "player": lambda: window.go_to(5),
            "deliver": lambda: window.go_to(6),
        }
        for name, show in shots.items():
            show()
            if name == "board":
                board = window.pages["storyboard"].visual
                board.timeline_of.setCurrentIndex(board.timeline_of.findData(vid))
                assert board.strip.timeline.waves, "the rendered voice shows as a waveform"
            if name == "takes":
                page = window.pages["images"]
                page.variant.setCurrentIndex(page.variant.findData(vid))
                page.shots.setCurrentRow(0)
            settle()
            if name == "board":  # cards rebuilt while the page was hidden are on screen when it shows
                board = window.pages["storyboard"].visual
                assert board.cards and all(c.isVisible() for c in board.cards.values()), "board cards not shown"
            assert window.grab().save(str(gallery / f"{name}_{w}x{h}.png"))
        sizes.setdefault("take", []).append(window.pages["images"].takes.iconSize().height())
        sizes.setdefault("card", []).append(window.pages["storyboard"].visual.frame_h)
        window.show_export()
        settle()
        assert window._export_dialog.grab().save(str(gallery / f"export_{w}x{h}.png"))
        window._export_dialog.close()
    assert sizes["take"][1] > sizes["take"][0], "takes grow with the window"
    assert sizes["card"][1] > sizes["card"][0], "board cards grow with the window"
    assert sizes["card"][0] >= 140, "board frames at 1280×720 are large enough to judge a picture"
    window.doc.undo_stack.setClean()
    window.jobs.shutdown()
