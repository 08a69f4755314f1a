"""The variant wall at every aspect: a card per market × segment, each saying final, draft, preview or not rendered
for the aspect shown, and never "final" for a variant whose lines are still untranslated (Deliver says draft there
too). Also: a wheel over an unfocused combo box changes nothing, and the brief's style cell picks from the packs.

The brief: a Mexican mineral sunscreen for Mexico and Spanish-speaking US, two segments, rendered 9:16 and 1:1.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from test_ui_honesty import fake_mp4

from studio.model import Brief, Deliverable, Flag, MarketTarget, Project, ProjectStore, Segment

ASPECTS = ["9:16", "1:1"]


@functools.cache
def _planned() -> Project:
    from studio.planning import plan_project

    brief = Brief(
        brand="Sol Manso",
        product="Sol Manso mineral sunscreen SPF 50",
        category="skincare",
        selling_points=["reef-safe minerals", "no white cast"],
        markets=[MarketTarget(code="MX", language="es"), MarketTarget(code="US", language="es")],
        segments=[
            Segment(id="surfers", name="Weekend surfers", description="20-35"),
            Segment(id="parents", name="Beach parents", description="30-45, young kids"),
        ],
        duration_s=10,
        aspect_ratios=ASPECTS,
    )
    return plan_project(brief, name="sol-manso")


def rendered(project: Project, root: Path, vid: str, aspect: str, size: tuple[int, int], **kw: Any) -> Deliverable:
    v = project.variant(vid)
    rel = f"renders/{vid}_{aspect.replace(':', 'x')}.mp4"
    fake_mp4(root / rel, *size)
    return Deliverable(
        variant_id=vid,
        market=v.market,
        language=v.language,
        segment=v.segment,
        aspect=aspect,
        kind="video",
        path=rel,
        duration_s=10.0,
        **kw,
    )


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.ui.main_window import MainWindow

    root = tmp_path / "sol"
    project = _planned().model_copy(deep=True)
    for v in project.variants:  # a translator wrote every line...
        for s in v.shots:
            s.flags = [f for f in s.flags if f.kind != "untranslated"]
    ids = [v.id for v in project.variants]
    # ...but the last variant's first line is still the English master line, flagged
    project.variants[-1].shots[0].flags.append(
        Flag(kind="untranslated", message="s1 voice-over: no Spanish voice-over yet (the en master line)")
    )
    ProjectStore(root).create(project)
    project.deliverables = [
        rendered(project, root, ids[0], "9:16", (1080, 1920)),  # final
        rendered(project, root, ids[1], "9:16", (360, 640)),  # a quick preview
        rendered(project, root, ids[2], "9:16", (1080, 1920), status="draft", reasons=["rendered with --draft"]),
        rendered(project, root, ids[3], "9:16", (1080, 1920)),  # full size, but a line is untranslated
        rendered(project, root, ids[0], "1:1", (1080, 1080)),  # final at 1:1 too
    ]
    ProjectStore(root).save(project)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    assert win.ops.project.open_project(root)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def status_of(card: Any) -> str:
    kinds = card.badge_kinds() & {"final", "draft", "preview", "not-rendered"}
    assert len(kinds) == 1, card.badge_kinds()
    return next(iter(kinds))


def test_every_variant_at_every_aspect_says_how_far_it_is(window, qtbot):
    window.go_to(3)
    wall = window.pages["variants"].wall
    project = window.doc.project
    ids = [v.id for v in project.variants]
    assert [wall.aspect.itemText(i) for i in range(wall.aspect.count())] == ASPECTS
    seen: dict[str, dict[str, str]] = {}
    for aspect in ASPECTS:
        wall.aspect.setCurrentText(aspect)
        assert set(wall.cards) == set(ids), "a card for every market × segment"
        seen[aspect] = {vid: status_of(wall.cards[vid]) for vid in ids}
        for card in wall.cards.values():  # what the card shows is what the badges say
            assert card.isVisible() and card.picture.pixmap() is not None and not card.picture.pixmap().isNull()
            assert all(b.text in card.badges.text() for b in card.items)
    assert seen["9:16"] == {ids[0]: "final", ids[1]: "preview", ids[2]: "draft", ids[3]: "draft"}
    assert seen["1:1"] == {ids[0]: "final", ids[1]: "not-rendered", ids[2]: "not-rendered", ids[3]: "not-rendered"}
    wall.aspect.setCurrentText("9:16")
    untranslated = wall.cards[ids[3]]
    assert "untranslated" in untranslated.badge_kinds()
    draft = next(b for b in untranslated.items if b.kind == "draft")
    assert "untranslated" in draft.why, "the card says why a full-size video is not final"
    assert "1 final" in wall.summary.text() and "1 with untranslated" in wall.summary.text()
    # Deliver agrees, row by row
    window.go_to(6)
    deliver = window.pages["deliver"]
    col = {name: i for i, name in enumerate(deliver.COLUMNS)}
    grades = {
        (deliver.table.item(r, col["Variant"]).text(), deliver.table.item(r, col["Aspect"]).text()): deliver.table.item(
            r, col["Quality"]
        ).text()
        for r in range(deliver.table.rowCount())
    }
    assert grades[(ids[3], "9:16")] == "draft" and grades[(ids[0], "9:16")] == "final"


def wheel(widget: Any, steps: int = 3) -> None:
    center = widget.rect().center()
    for _ in range(steps):
        event = QWheelEvent(
            QPointF(center),
            QPointF(widget.mapToGlobal(center)),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)


def test_wheel_over_an_unfocused_combo_box_changes_nothing(window, qtbot):
    window.go_to(3)
    wall = window.pages["variants"].wall
    wall.compare_button.setFocus()
    for combo in (wall.aspect, wall.compare_with):
        before = combo.currentIndex()
        assert combo.count() > 1 and not combo.hasFocus()
        wheel(combo)
        assert combo.currentIndex() == before, combo.accessibleName()
    window.go_to(2)
    timeline = window.pages["storyboard"].visual.timeline_of
    before = timeline.currentIndex()
    wheel(timeline)
    assert timeline.currentIndex() == before
    # focused, the wheel works as usual
    wall.aspect.setFocus()
    window.go_to(3)
    wall.aspect.setFocus()
    qtbot.waitUntil(wall.aspect.hasFocus, timeout=2_000)
    wheel(wall.aspect, 1)
    assert wall.aspect.currentText() == "1:1"


def test_segment_style_is_picked_from_the_style_packs(window):
    window.go_to(0)
    page = window.pages["brief"]
    editor = page.segments.itemDelegateForColumn(3).createEditor(page.segments, None, page.segments.model().index(0, 3))
    styles = [editor.itemText(i) for i in range(editor.count())]
    assert styles[0] == "" and "minimalist" in styles and "luxury" in styles
    assert styles[1:] == sorted(page.choices().styles())


def test_a_card_plays_its_video_in_place_muted_one_at_a_time(window, qtbot, monkeypatch):
    from fake_media import fake_media

    from studio.ui import variant_wall

    monkeypatch.setattr(variant_wall, "load_media", fake_media)
    window.go_to(3)
    wall = window.pages["variants"].wall
    wall.aspect.setCurrentText("1:1")
    ids = [v.id for v in window.doc.project.variants]
    final, unrendered = wall.cards[ids[0]], wall.cards[ids[1]]
    assert final.play_button.isEnabled() and not unrendered.play_button.isEnabled(), "▶ only where a video is"
    qtbot.mouseClick(final.play_button, Qt.MouseButton.LeftButton)
    player = wall._player
    assert wall.playing == ids[0] and player.state == 1 and wall._audio.muted
    assert player.source.endswith(f"{ids[0]}_1x1.mp4")
    assert final.video is not None and final.video.isVisible() and not final.picture.isVisible()
    assert final.play_button.text() == "■"
    # another card: the first shows its frame again
    wall.aspect.setCurrentText("9:16")
    assert wall.playing is None and player.state == 0, "rebuilding the wall stops the preview"
    wall.play(ids[1])
    assert wall.playing == ids[1] and player.source.endswith(f"{ids[1]}_9x16.mp4")
    qtbot.mouseClick(wall.cards[ids[2]].play_button, Qt.MouseButton.LeftButton)
    assert wall.playing == ids[2] and wall.cards[ids[1]].picture.isVisible() and wall.cards[ids[1]].video is None
    qtbot.mouseClick(wall.cards[ids[2]].play_button, Qt.MouseButton.LeftButton)  # again: stop
    assert wall.playing is None and player.state == 0 and wall.cards[ids[2]].picture.isVisible()


def test_a_card_without_the_media_stack_says_what_to_install(window, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    window.go_to(3)
    wall = window.pages["variants"].wall
    vid = window.doc.project.variants[0].id
    assert not wall.play(vid)
    assert "Playback in the studio" in wall.summary.text() and f"{vid}_9x16.mp4" in wall.summary.text()
    assert wall.cards[vid].picture.isVisible()
