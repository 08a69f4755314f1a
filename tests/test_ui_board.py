"""The storyboard board: cards as wide as their shots, a timeline strip with caption cues and the voice waveform,
lines edited in place (the timeline follows), drag to reorder as one undo step, regenerate one shot.
A Brazilian pet-food brief."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import QPoint, Qt

from studio.model import Brief, Project, ProjectStore, VoiceLine

BRIEF = {
    "brand": "Patinha",
    "product": "Patinha grain-free kibble",
    "category": "pet food",
    "selling_points": ["real chicken first", "shiny coat in four weeks"],
    "markets": [{"code": "BR", "language": "pt"}],
    "segments": [{"id": "tutores", "name": "First-time dog owners", "description": "25-35, city flats"}],
    "duration_s": 12,
}


@pytest.fixture(scope="module")
def planned() -> Project:
    from studio.planning import plan_project

    return plan_project(Brief.model_validate(BRIEF), name="patinha")


@pytest.fixture
def window(qtbot, tmp_path: Path, planned: Project):
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "patinha").create(planned.model_copy(deep=True))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    assert win.ops.project.open_project(tmp_path / "patinha")
    win.go_to(2)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def board_of(window: Any) -> Any:
    page = window.pages["storyboard"]
    assert page.views.currentWidget() is page.visual
    return page.visual


def test_cards_follow_durations_and_timeline_shows_cues(window, qtbot):
    board = board_of(window)
    shots = window.doc.project.storyboard.shots
    assert board.order() == [s.id for s in shots]
    qtbot.waitUntil(lambda: board.cards[shots[0].id].width() > 0)
    longest = max(shots, key=lambda s: s.duration_s)
    shortest = min(shots, key=lambda s: s.duration_s)
    if longest.duration_s > shortest.duration_s * 1.3:
        assert board.cards[longest.id].width() > board.cards[shortest.id].width()
    segments = board.strip.timeline.segments
    assert [s.shot_id for s in segments] == [s.id for s in shots]
    assert segments[-1].start_s + segments[-1].duration_s == pytest.approx(sum(s.duration_s for s in shots))


def test_inline_edit_updates_card_and_timeline_and_undoes(window, qtbot):
    board = board_of(window)
    shot = window.doc.project.storyboard.shots[1]
    line = board.cards[shot.id].caption
    qtbot.mouseDClick(line.label, Qt.MouseButton.LeftButton)
    assert line.editing()
    line.editor.setText("Frango de verdade primeiro")
    qtbot.keyClick(line.editor, Qt.Key.Key_Return)
    assert window.doc.project.storyboard.shot(shot.id).on_screen_text == "Frango de verdade primeiro"
    board = board_of(window)  # the board was rebuilt from the project
    assert "Frango de verdade primeiro" in [c.text for c in board.strip.timeline.cues]
    assert "Frango de verdade primeiro" in board.cards[shot.id].caption.label.text()
    window.ops.project.undo()
    assert "Frango de verdade primeiro" not in [c.text for c in board_of(window).strip.timeline.cues]


def test_drag_reorder_is_one_undo_step(window, qtbot):
    board = board_of(window)
    before = board.order()
    steps = window.doc.undo_stack.count()
    first = before[0]
    # a drop to the right of the third card's middle puts the first shot after it
    third = board.cards[before[2]].geometry()
    index = board.drop_index(third.center().x() + 1)
    assert index == 3
    board.move_to(first, index)
    after = [s.id for s in window.doc.project.storyboard.shots]
    assert after == [before[1], before[2], first, *before[3:]]
    assert all([s.shot_id for s in v.shots] == after for v in window.doc.project.variants)
    assert window.doc.undo_stack.count() == steps + 1
    assert board_of(window).order() == after
    assert [s.shot_id for s in board_of(window).strip.timeline.segments] == after
    window.ops.project.undo()
    assert [s.id for s in window.doc.project.storyboard.shots] == before


def test_waveform_from_rendered_voice_file(window, qtbot):
    doc = window.doc
    variant = doc.project.variants[0]
    shot = variant.shots[0]
    rate = 16_000
    t = np.linspace(0, 1.0, rate, endpoint=False)
    tone = (0.5 * np.sin(2 * np.pi * 220 * t) * (t < 0.5)).astype("float32")  # loud first half, silent second
    soundfile.write(doc.root / "assets" / "br-s1.wav", tone, rate)
    line = VoiceLine.model_validate(
        {
            "shot_id": shot.shot_id,
            "variant_id": variant.id,
            "request": {"text": shot.voiceover, "language": variant.language},
            "asset": "br-s1.wav",
            "duration_s": 1.0,
            "backend": "test",
        }
    )
    doc.edit("Voice", ("voice_lines",), lambda p: p.voice_lines.append(line))
    board = board_of(window)
    board.timeline_of.setCurrentIndex(board.timeline_of.findData(variant.id))
    waves = board.strip.timeline.waves
    assert len(waves) == 1
    peaks = waves[0][2]
    assert max(peaks[: len(peaks) // 2 - 5]) > 0.9 and max(peaks[len(peaks) // 2 + 5 :]) < 0.01


def test_regenerate_one_shot_submits_its_takes_job(window, qtbot, monkeypatch: pytest.MonkeyPatch):
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(window.ops.takes, "generate", lambda **kw: calls.append(kw))
    board = board_of(window)
    shot_id = board.order()[2]
    qtbot.mouseClick(board.cards[shot_id].regen, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert calls and calls[0]["shot_ids"] == (shot_id,) and calls[0]["regenerate"] is True
    assert calls[0]["variant_ids"] == (None,)


def test_a_shot_with_a_motion_take_says_it_moves(window, qtbot):
    """The board shows which shots play a clip (a motion take) instead of a still with a camera move."""
    from studio.model import ImageRequest, Take
    from studio.model.motion import MotionRequest

    board = board_of(window)
    shots = window.doc.project.storyboard.shots
    moving = shots[1].id
    clip = Take(
        id="motion-1",
        shot_id=moving,
        request=ImageRequest(shot_id=moving, prompt="packshot", model="packshot"),
        asset="0" * 64 + ".mp4",
        backend="turntable",
        kind="video",
        motion=MotionRequest(
            shot_id=moving,
            source_image="0" * 64 + ".png",
            prompt="turn",
            width=64,
            height=112,
            num_frames=9,
            model="turntable",
        ),
    )

    def add(p: Project) -> None:
        p.motion_takes.append(clip)

    assert not any("moves" in c.title.text() for c in board.cards.values())
    window.doc.edit("Animate", ("motion_takes",), add)
    qtbot.waitUntil(lambda: "▶ moves" in board_of(window).cards[moving].title.text(), timeout=5_000)
    board = board_of(window)
    assert [s for s, c in board.cards.items() if "moves" in c.title.text()] == [moving]


def test_regenerate_from_the_board_makes_new_images_for_that_shot_only(window, qtbot):
    """↻ on a card runs the takes job for that shot: two new candidates, the other shots and the pick untouched."""
    board = board_of(window)
    first, target = board.order()[0], board.order()[2]
    window.ops.takes.generate(variant_ids=(None,), shot_ids=(first, target), candidates=1)
    qtbot.waitUntil(lambda: window.jobs.settled() and len(window.doc.project.takes) == 2, timeout=60_000)
    picked = window.doc.project.selected_take(target, None).id
    before = {t.id: t.shot_id for t in window.doc.project.takes}
    board = board_of(window)
    qtbot.mouseClick(board.cards[target].regen, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: window.jobs.settled() and len(window.doc.project.takes) > 2, timeout=60_000)
    new = [t for t in window.doc.project.takes if t.id not in before]
    assert len(new) == 2 and {t.shot_id for t in new} == {target} and all(t.variant_id is None for t in new)
    assert (window.doc.root / "assets" / new[0].asset).is_file()
    assert window.doc.project.selected_take(target, None).id == picked, "a newer image never replaces the pick"
    assert window.jobs_dock.model.index(0, 0).data().startswith("Images"), "the job is in the dock"


def laid_out(window: Any, qtbot: Any) -> Any:
    """The board once its resize timer has placed the cards."""
    board = board_of(window)
    qtbot.wait(200)
    board._rescale()
    return board


def test_cards_never_overlap_and_sit_on_their_strip_segments(window, qtbot):
    """Each card starts where its shot starts on the strip and ends before the next one: no two cards intersect,
    on the master's timeline and on a variant's with other lengths (the cards follow the strip they sit on)."""
    from studio.ui.board import CARD_GAP

    def check(board: Any) -> None:
        cards = [board.cards[s] for s in board.order()]
        for i, a in enumerate(cards):
            for b in cards[i + 1 :]:
                assert not a.geometry().intersects(b.geometry()), f"{a.shot_id} overlaps {b.shot_id}"
        host = board.row_host
        for seg in board.strip.timeline.segments:
            card = board.cards[seg.shot_id]
            left = card.mapTo(host, QPoint(0, 0)).x()
            right = left + card.width()
            seg_left = board.strip.mapTo(host, QPoint(round(board.strip.x(seg.start_s)), 0)).x()
            seg_right = board.strip.mapTo(host, QPoint(round(board.strip.x(seg.start_s + seg.duration_s)), 0)).x()
            assert abs(left - seg_left) <= 2, f"{seg.shot_id} starts at {left}, its segment at {seg_left}"
            assert abs(right - (seg_right - CARD_GAP)) <= 2, f"{seg.shot_id} ends at {right}, segment at {seg_right}"
            bottom = card.mapTo(host, QPoint(0, card.height())).y()
            assert bottom <= board.strip.mapTo(host, QPoint(0, 0)).y(), f"{seg.shot_id} runs over the strip"

    board = laid_out(window, qtbot)
    check(board)
    variant = window.doc.project.variants[0]
    first, planned = variant.shots[0].shot_id, variant.shots[0].duration_s

    def stretch(p: Project) -> None:  # the voice ran long: this variant's first shot is three times the plan
        p.variant(variant.id).shots[0].duration_s *= 3

    window.doc.edit("Stretch", ("variants",), stretch)
    board = board_of(window)
    board.timeline_of.setCurrentIndex(board.timeline_of.findData(variant.id))
    board = laid_out(window, qtbot)
    assert board.strip.timeline.segments[0].duration_s == pytest.approx(planned * 3)
    check(board)
    widths = {s: board.cards[s].width() for s in board.order()}
    assert widths[first] > 2 * widths[board.order()[1]] * board.strip.timeline.segments[1].duration_s / (
        board.strip.timeline.segments[0].duration_s
    )
    assert "(plan" in board.cards[first].title.text(), "the card says its length differs from the plan"


def test_frame_fits_its_card_keeping_its_aspect_and_text_sits_under_it(window, qtbot):
    """At 1280×720 the frames are at least 140 px tall; each picture is inside its card, drawn at the pixmap's own
    aspect (cropped at the sides when the card is narrow, never stretched), and the lines are under it."""
    board = laid_out(window, qtbot)
    assert board.frame_h >= 140, f"frames {board.frame_h} px tall at 1280×720"
    for shot_id in board.order():
        card = board.cards[shot_id]
        picture = card.picture
        assert picture.height() == board.frame_h
        assert card.rect().contains(picture.geometry()), f"{shot_id}: the picture runs out of its card"
        target, source = picture.placement()
        assert not target.isEmpty()
        assert picture.rect().toRectF().adjusted(-0.5, -0.5, 0.5, 0.5).contains(target), f"{shot_id} overflows"
        assert target.width() / target.height() == pytest.approx(source.width() / source.height(), rel=0.02)
        assert target.height() == pytest.approx(picture.height(), abs=1), "as tall as the frame"
        bottom = picture.geometry().bottom()
        for line in (card.title, card.voiceover, card.caption):
            assert line.geometry().top() > bottom or line.mapTo(card, QPoint(0, 0)).y() > bottom, "text over frame"
            assert line.mapTo(card, QPoint(0, 0)).y() + line.height() <= card.height()


def test_long_lines_are_elided_on_the_card_and_whole_in_the_tooltip(window, qtbot):
    from PySide6.QtWidgets import QLabel

    shot = window.doc.project.storyboard.shots[0]
    long = "Ração de frango de verdade, sem grãos, para o pelo brilhar em quatro semanas " * 3

    def lengthen(p: Project) -> None:
        p.storyboard.shot(shot.id).voiceover = long.strip()

    window.doc.edit("Long line", ("storyboard",), lengthen)
    board = laid_out(window, qtbot)
    label = board.cards[shot.id].voiceover.label
    assert long.strip() in label.text() and long.strip() in label.toolTip()
    painted = QLabel.text(label)  # what the card draws
    assert "…" in painted and len(painted) < len(long)
    assert label.height() <= label.fontMetrics().lineSpacing() * 2 + 2
