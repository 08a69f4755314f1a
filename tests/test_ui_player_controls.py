"""The player as an editor uses it: timecode at the delivery fps, frame step, J/K/L, loop the current shot, jump to a
shot (from the render's cut record), and Hear line through its own player without blanking the video."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_media import FakePlayer, fake_media
from PySide6.QtCore import Qt

from studio.model import Brief
from studio.model.cut import CutRecord, CutShot
from studio.ui import player as player_module
from studio.ui.player import PreviewPlayer, ShotMark, shot_marks, timecode

BRIEF = {
    "brand": "Bếp Nhà",
    "product": "Bếp Nhà shrimp crackers",
    "category": "food-drink",
    "selling_points": ["real shrimp in every bite"],
    "markets": [{"code": "VN", "language": "vi"}],
    "segments": [{"id": "snackers", "name": "After-school snackers", "description": "14-19"}],
    "duration_s": 10,
}


def test_timecode_is_hh_mm_ss_ff_at_the_fps():
    assert timecode(0, 30) == "00:00:00:00"
    assert timecode(1_000 + 500, 30) == "00:00:01:15"
    assert timecode(3_723_040, 25) == "01:02:03:01"
    assert timecode(2_500, 24) == "00:00:02:12"


@pytest.fixture
def player(qtbot) -> tuple[PreviewPlayer, FakePlayer]:
    view = PreviewPlayer()
    qtbot.addWidget(view)
    fake = FakePlayer()
    view.attach(fake)
    view.set_shots([ShotMark("s1", 0.0, 2.0), ShotMark("s2", 2.0, 3.0), ShotMark("s3", 5.0, 4.0)], 30)
    view.show()
    return view, fake


def test_frame_step_and_jkl(player, qtbot):
    view, fake = player
    view.seek(1_000)
    assert view.time.text() == "00:00:01:00"
    fake.play()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert fake.state == 2, "a frame step pauses"
    assert fake.pos == 1_033 and view.time.text() == "00:00:01:01"
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.time.text() == "00:00:00:29"
    # L plays, again twice as fast; K stops
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert fake.state == 1 and fake.rate == 1.0
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert fake.rate == 2.0
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert fake.state == 2 and fake.rate == 1.0 and view.shuttle == 0
    # J plays backwards (seeks back each tick)
    fake.setPosition(3_000)
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.shuttle < 0
    qtbot.waitUntil(lambda: fake.pos <= 2_800, timeout=3_000)
    qtbot.keyClick(view, Qt.Key.Key_K)
    stopped = fake.pos
    qtbot.wait(120)
    assert fake.pos == stopped


def test_jump_to_shot_and_loop_it(player, qtbot):
    view, fake = player
    assert [view.shots.itemText(i) for i in range(3)] == ["s1 · 00:00:00:00", "s2 · 00:00:02:00", "s3 · 00:00:05:00"]
    view.jump_to(1)
    assert fake.pos == 2_000 and view.shots.currentData() == "s2"
    view.loop.setChecked(True)
    fake.play()
    fake.setPosition(4_500)
    assert fake.pos == 4_500
    fake.setPosition(5_000)  # the shot ends: back to its start
    assert fake.pos == 2_000 and view.time.text() == "00:00:02:00"
    view.loop.setChecked(False)
    fake.setPosition(5_100)
    assert fake.pos == 5_100 and view.shots.currentData() == "s3"


def test_shot_marks_from_cut_record_else_durations():
    from studio.planning import plan_project

    project = plan_project(Brief.model_validate(BRIEF), name="bepnha")
    vid = project.variants[0].id
    planned = shot_marks(project, vid, "9:16")
    assert [m.shot_id for m in planned] == [s.shot_id for s in project.variants[0].shots]
    assert planned[1].start_s == pytest.approx(project.variants[0].shots[0].duration_s)
    project.cuts = [
        CutRecord(
            variant_id=vid,
            aspect="9:16",
            duration_s=11.0,
            shots=[CutShot(shot_id=m.shot_id, start_s=i * 2.2, duration_s=2.2) for i, m in enumerate(planned)],
        )
    ]
    cut = shot_marks(project, vid, "9:16")
    assert cut[1].start_s == pytest.approx(2.2), "the render's voice-fitted lengths win"


def test_hear_line_keeps_the_video(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(player_module, "load_media", fake_media)
    view = PreviewPlayer()
    qtbot.addWidget(view)
    video, voice = tmp_path / "vn_9x16.mp4", tmp_path / "s1.wav"
    video.write_bytes(b"\0")
    voice.write_bytes(b"\0")
    view.open(video, play=False)
    view.seek(1_500)
    view.hear(voice)
    assert view._player.source == str(video) and view._player.pos == 1_500, "the video keeps its frame"
    assert view._voice is not view._player and view._voice.source == str(voice) and view._voice.state == 1


def test_hear_without_media_stack_says_so(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import sys

    opened: list[str] = []
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    monkeypatch.setattr(player_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    view = PreviewPlayer()
    qtbot.addWidget(view)
    voice = tmp_path / "s1.wav"
    voice.write_bytes(b"\0")
    view.hear(voice)
    assert opened == [str(voice)] and "Playback in the studio" in view.hint.text()
