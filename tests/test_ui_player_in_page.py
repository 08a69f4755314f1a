"""The player on the Voice & Cut page, as an editor uses it: the rendered video's shots (from its cut record) to jump
to and loop, and Hear line speaking the shot's line through its own player while the video keeps its frame.

The brief: a Filipino ube-jam brand for the Philippines, one segment; one variant already rendered.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_media import fake_media
from PySide6.QtCore import Qt
from test_ui_honesty import fake_mp4

from studio.model import Brief, Deliverable, MarketTarget, ProjectStore, Segment
from studio.model.cut import CutRecord, CutShot
from studio.ui import player as player_module


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    monkeypatch.setattr(player_module, "load_media", fake_media)  # this desktop may have no libpulse
    brief = Brief(
        brand="Lola Ube",
        product="Lola Ube halaya jam",
        category="food-drink",
        selling_points=["real purple yam", "grandmother's recipe"],
        markets=[MarketTarget(code="PH", language="en")],
        segments=[Segment(id="bakers", name="Home bakers", description="25-45")],
        duration_s=10,
    )
    root = tmp_path / "ube"
    project = plan_project(brief, name="lola-ube")
    v = project.variants[0]
    rel = f"renders/{v.id}_9x16.mp4"
    fake_mp4(root / rel, 1080, 1920)
    project.deliverables.append(
        Deliverable(
            variant_id=v.id,
            market=v.market,
            language=v.language,
            segment=v.segment,
            aspect="9:16",
            kind="video",
            path=rel,
            duration_s=10.5,
        )
    )
    # the render fitted the shots to the voice: 1.5 s, then the rest, in its own lengths
    starts, t = [], 0.0
    for i, s in enumerate(v.shots):
        length = 1.5 if i == 0 else (9.0 / (len(v.shots) - 1))
        image = "poster-s1.png" if i == 0 else None  # the picture the render opened on
        starts.append(CutShot(shot_id=s.shot_id, start_s=round(t, 3), duration_s=round(length, 3), image=image))
        t += length
    from PIL import Image

    (root / "assets").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1080, 1920), (120, 60, 170)).save(root / "assets" / "poster-s1.png")  # ube purple
    project.cuts = [CutRecord(variant_id=v.id, aspect="9:16", duration_s=10.5, shots=starts)]
    ProjectStore(root).create(project)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    assert win.ops.project.open_project(root)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def test_jump_to_a_shot_of_the_render_and_loop_it(window, qtbot):
    window.go_to(5)
    page = window.pages["cut"]
    player = page.player
    cut = window.doc.project.cuts[0]
    assert [player.shots.itemData(i) for i in range(player.shots.count())] == [s.shot_id for s in cut.shots]
    assert player.shots.itemText(1).endswith("00:00:01:15"), "shot 2 starts where the render put it (1.5 s)"
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    media = player._player
    assert media.source.endswith(f"{cut.variant_id}_9x16.mp4") and media.state == 1
    player.shots.activated.emit(1)  # picked from the Shot list
    assert media.pos == 1_500 and player.time.text() == "00:00:01:15"
    player.loop.setChecked(True)
    end = round((cut.shots[1].start_s + cut.shots[1].duration_s) * 1000)
    media.setPosition(end)
    assert media.pos == 1_500, "the shot plays again from its start"


def test_hear_line_keeps_the_video_on_screen(window, qtbot):
    window.go_to(5)
    page = window.pages["cut"]
    player = page.player
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    media = player._player
    media.pause()
    player.seek(2_000)
    page.lines.setCurrentCell(1, 1)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.heard is not None, timeout=60_000)
    assert player.heard.suffix == ".wav" and player.heard.stat().st_size > 1_000
    assert player._voice is not media and player._voice.state == 1 and player._voice.source == str(player.heard)
    assert media.source.endswith("_9x16.mp4") and media.pos == 2_000, "the video keeps its file and frame"


def test_the_player_shows_the_first_frame_large_until_play(window, qtbot):
    window.go_to(5)
    player = window.pages["cut"].player
    qtbot.waitUntil(lambda: not window.thumbnails.pending(), timeout=20_000)

    def fills() -> bool:  # the frame fills the poster's height or width (it keeps its shape)
        shown, room = player.poster.pixmap().size(), player.poster.size()
        return player.poster.isVisible() and (shown.height() >= room.height() - 2 or shown.width() >= room.width() - 2)

    qtbot.waitUntil(fills, timeout=10_000)
    image = player.poster.pixmap().toImage()
    middle = image.pixelColor(image.width() // 2, image.height() // 2)
    assert (middle.red(), middle.green(), middle.blue()) == (120, 60, 170), "the render's first picture"
    assert player.poster.height() >= 0.7 * player.height(), "as large as the panel allows"
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: fills() and player.poster.pixmap().height() > 400, timeout=10_000)
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert not player.poster.isVisible(), "the video takes its place"
