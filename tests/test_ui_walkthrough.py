"""A creator's whole path in the window, never touching a terminal: a new brief → plan → images → voice & cut →
a delivered MP4, with a screenshot of every step under test-output/ui/walkthrough/ for a person to look at."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.jobs import JobState
from studio.model import ProjectStore


def media_stack_available() -> bool:
    try:
        import PySide6.QtMultimedia  # noqa: F401
    except ImportError:
        return False
    return True


def read_video(path: Path) -> tuple[int, tuple[int, int], np.ndarray]:
    """Frame count, size and the middle frame, decoded with the same ffmpeg the render uses."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]
    return len(frames), (w, h), frames[len(frames) // 2]


def wait_job(qtbot, window, timeout_ms: int) -> None:
    qtbot.waitUntil(window.jobs.settled, timeout=timeout_ms)
    failed = [j for j in window.jobs.jobs if j.state is JobState.FAILED]
    assert not failed, f"{failed[0].title}: {failed[0].error} {failed[0].hint}"


def test_new_brief_to_delivered_mp4(qtbot, tmp_path: Path, test_output: Path):
    from studio.ui.main_window import MainWindow

    shots = test_output / "ui" / "walkthrough"
    shots.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)

    def snap(name: str) -> None:
        qtbot.wait(30)
        assert window.grab().save(str(shots / f"{name}.png"))

    # 1. Brief: a new project starts from a placeholder brief; the creator fills the form
    assert window.ops.project.new_project(tmp_path / "night-serum")
    page = window.pages["brief"]
    for field, text in (
        (page.brand, "Lumi"),
        (page.product, "Night Repair Brightening Serum"),
        (page.category, "skincare"),
    ):
        field.setFocus()
        field.setText(text)
        field.editingFinished.emit()
    page.selling_points.setPlainText("brightens dull, tired skin overnight\nlightweight gel for humid nights")
    page.selling_points.committed.emit()
    page.segments.set_rows([["night-owls", "Night owls", "18-28, out late in humid cities", "streetwear"]])
    page.segments.committed.emit()
    page.duration.setValue(6)
    page.duration.editingFinished.emit()
    brief = window.doc.project.brief
    assert (brief.brand, brief.duration_s, [m.code for m in brief.markets], brief.segments[0].id) == (
        "Lumi",
        6,
        ["TH"],
        "night-owls",
    )
    assert window.steps.item(2).text().startswith("○")
    snap("1-brief")

    # 2. Plan in the background: audience, storyboard, variants
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    wait_job(qtbot, window, 60_000)
    project = window.doc.project
    assert project.storyboard is not None and len(project.variants) == 1
    assert window.current_page() is window.pages["storyboard"]
    window.go_to(1)
    snap("2-audience")
    window.go_to(2)
    snap("3-storyboard")
    window.go_to(3)
    snap("4-variants")

    # 3. Images: one for every shot of the variant, on the GPU lane
    window.go_to(4)
    images = window.pages["images"]
    assert images.variant_id() == project.variants[0].id
    qtbot.mouseClick(images.all_button, Qt.MouseButton.LeftButton)
    wait_job(qtbot, window, 120_000)
    assert window.steps.item(4).text().startswith("✓"), window.steps.item(4).text()
    assert images.takes.count() >= 1
    snap("5-images")

    # 4. Voice & cut: a preview render of the variant (Render preview, not Render final)
    window.go_to(5)
    cut = window.pages["cut"]
    qtbot.mouseClick(cut.render_preview, Qt.MouseButton.LeftButton)
    wait_job(qtbot, window, 240_000)
    assert cut.player.pending is not None and cut.player.pending.suffix == ".mp4"
    qtbot.mouseClick(cut.player.play_button, Qt.MouseButton.LeftButton)
    assert cut.player.source.suffix == ".mp4"
    if media_stack_available():
        qtbot.waitUntil(lambda: cut.player.position.maximum() > 5_000, timeout=10_000)  # the player read its length
    else:  # a desktop without libpulse0: the player says what to install instead of failing silently
        assert "libpulse0" in cut.player.hint.text()
    cut.lines.setCurrentCell(0, 1)
    qtbot.mouseClick(cut.preview_button, Qt.MouseButton.LeftButton)  # hear one line
    wait_job(qtbot, window, 60_000)
    assert (
        cut.player.heard is not None and cut.player.heard.suffix == ".wav" and cut.player.heard.stat().st_size > 10_000
    )
    assert cut.player.source.suffix == ".mp4", "hearing a line never replaces the video"
    snap("6-voice-and-cut")

    # 5. Deliver: the preview MP4 is listed, on disk, and plays: real frames at the preview size
    window.go_to(6)
    deliver = window.pages["deliver"]
    videos = [d for d in window.doc.project.deliverables if d.kind == "video"]
    assert len(videos) == 1 and deliver.table.rowCount() >= 1
    mp4 = window.doc.root / videos[0].path if not Path(videos[0].path).is_absolute() else Path(videos[0].path)
    assert mp4.suffix == ".mp4" and mp4.stat().st_size > 10_000
    assert deliver.folder_to_show() == mp4.parent
    # a preview is listed as one, and is not a deliverable: the Deliver step is not done
    quality = deliver.COLUMNS.index("Quality")
    assert deliver.table.item(0, quality).text() == "preview"
    assert window.steps.item(6).text().startswith("○"), window.steps.item(6).text()
    assert "final" in window.steps.item(6).text()
    snap("7-deliver")
    count, (w, h), middle = read_video(mp4)
    assert 5.5 * 30 * 0.9 <= count <= 6.5 * 30 * 1.1 or videos[0].duration_s == pytest.approx(count / 30, abs=0.2)
    assert h > w, "9:16 portrait"
    assert middle.std() > 10, "the middle frame has a picture, not a flat colour"
    assert not window.doc.dirty, "the render's results were merged and saved"
    assert ProjectStore(window.doc.root).load().deliverables == window.doc.project.deliverables
    window.jobs.shutdown()
    print(f"walkthrough took {time.monotonic() - started:.1f} s")
