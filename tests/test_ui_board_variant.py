"""The storyboard board for a chosen variant: a creator localizing for Thailand sees the Thai lines on the cards (and
the strip under them says the same), with each line's problems as badges; editing a card's line edits the Thai
variant's copy (one undo step, the master untouched, no longer untranslated); Master shows the master's lines.
A render's merge (variants announced, no line changed) keeps the cards and their text as they are.

A Thai and Vietnamese sunscreen brief: the phrase banks say the hook and the pain in Thai; the selling points have
no Thai copy in the brief, so those lines stay the English master line, flagged untranslated.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QTextLayout

from studio.model import Brief, Project, ProjectStore

BRIEF = {
    "brand": "Solea",
    "product": "Daily Shield SPF50+ sunscreen",
    "category": "skincare",
    "selling_points": ["scented with yuzu peel", "SPF50+ broad-spectrum sun protection"],
    "markets": [{"code": "TH", "language": "th"}, {"code": "VN", "language": "vi"}],
    "segments": [{"id": "commuters", "name": "Daily commuters", "description": "20-35, commute by bike"}],
    "duration_s": 12,
}
THAI_VO = "หอมกลิ่นเปลือกส้มยูซุ"
THAI_CC = "กลิ่นส้มยูซุ"


def thai(text: str) -> bool:
    """Written in Thai: Thai letters and no Latin ones (brand names aside, none in these lines)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("\u0e00" <= c <= "\u0e7f" for c in letters)


def missing_glyphs(text: str, font: QFont) -> list[str]:
    """The text when Qt draws any of it as .notdef (a box) in `font`, its fallbacks included."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    drawn = [g for run in layout.glyphRuns() for g in run.glyphIndexes()]
    assert drawn, "nothing was laid out"
    return [text] if 0 in drawn else []


@pytest.fixture(scope="module")
def planned() -> Project:
    from studio.planning import plan_project

    return plan_project(Brief.model_validate(BRIEF), name="solea")


@pytest.fixture
def window(qtbot, tmp_path: Path, planned: Project):
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "solea").create(planned.model_copy(deep=True))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    assert win.ops.project.open_project(tmp_path / "solea")
    win.go_to(2)
    yield win
    assert win.doc is not None
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def thai_variant(window: Any) -> Any:
    return next(v for v in window.doc.project.variants if v.language == "th")


def board_for(window: Any, variant_id: str | None) -> Any:
    page = window.pages["storyboard"]
    assert page.views.currentWidget() is page.visual
    board = page.visual
    board.timeline_of.setCurrentIndex(board.timeline_of.findData(variant_id))
    assert board.variant_id() == variant_id
    return board


def untranslated_shot(window: Any) -> str:
    """A shot of the Thai variant whose voice-over and caption are both the English master line, flagged."""
    th = thai_variant(window)
    shot = next(
        s
        for s in th.shots
        if {"voice-over", "caption"} <= {k for k, st in s.line_status.items() if st.origin == "untranslated"}
    )
    assert any(f.kind == "untranslated" for f in shot.flags)
    return str(shot.shot_id)


def cue_of(board: Any, shot_id: str) -> str:
    segment = next(s for s in board.strip.timeline.segments if s.shot_id == shot_id)
    cue = next(c for c in board.strip.timeline.cues if abs(c.start_s - segment.start_s) < 1e-6)
    return str(cue.text)


def test_thai_variant_cards_show_its_thai_lines_and_badges(window, qtbot):
    th = thai_variant(window)
    board = board_for(window, th.id)
    masters = {s.id: s for s in window.doc.project.storyboard.shots}
    in_thai = 0
    for local in th.shots:
        card = board.cards[local.shot_id]
        assert card.voiceover.text == local.voiceover and card.caption.text == local.caption
        assert local.voiceover in card.voiceover.label.text() and local.caption in card.caption.label.text()
        assert cue_of(board, local.shot_id) == card.caption.text, "the strip under the card says the card's caption"
        if thai(local.voiceover):
            in_thai += 1
            assert card.voiceover.text != masters[local.shot_id].voiceover
            assert "untranslated" not in card.badge_kinds()
    assert in_thai >= 2, "the hook and the pain are said in Thai"
    flagged = board.cards[untranslated_shot(window)]
    assert "untranslated" in flagged.badge_kinds()
    assert flagged.badges.isVisible() and "untranslated" in flagged.badges.text()
    assert flagged.voiceover.problems and flagged.caption.problems, "both lines are tinted, the tooltip says why"
    assert "Thai" in flagged.badges.toolTip() or "th" in flagged.badges.toolTip()
    assert board.hint.text().startswith("Lines in th") and th.name in board.hint.toolTip()

    # the Vietnamese variant's lines when it is chosen, Master's when Master is
    vn = next(v for v in window.doc.project.variants if v.language == "vi")
    board = board_for(window, vn.id)
    assert [board.cards[s.shot_id].voiceover.text for s in vn.shots] == [s.voiceover for s in vn.shots]
    board = board_for(window, None)
    for shot in window.doc.project.storyboard.shots:
        card = board.cards[shot.id]
        assert card.voiceover.text == shot.voiceover and card.caption.text == shot.on_screen_text
        assert not card.items and not card.badges.isVisible(), "the master's lines carry no variant's badges"
    assert board.hint.text().startswith("Double-click")


def test_editing_a_card_edits_the_thai_line_in_one_step_and_it_is_no_longer_untranslated(window, qtbot):
    th = thai_variant(window)
    shot_id = untranslated_shot(window)
    master_vo = window.doc.project.storyboard.shot(shot_id).voiceover
    master_cc = window.doc.project.storyboard.shot(shot_id).on_screen_text
    board = board_for(window, th.id)
    steps = window.doc.undo_stack.count()

    line = board.cards[shot_id].voiceover
    qtbot.mouseDClick(line.label, Qt.MouseButton.LeftButton)
    assert line.editing() and line.editor.text() == master_vo, "editing starts from the variant's line"
    line.editor.setText(THAI_VO)
    qtbot.keyClick(line.editor, Qt.Key.Key_Return)
    local = window.doc.project.variant(th.id).shot(shot_id)
    assert local.voiceover == THAI_VO and local.line_status["voice-over"].origin == "creator-edit"
    assert window.doc.project.storyboard.shot(shot_id).voiceover == master_vo, "the master's line is untouched"
    assert window.doc.undo_stack.count() == steps + 1
    card = board_for(window, th.id).cards[shot_id]
    assert card.voiceover.text == THAI_VO and not card.voiceover.problems
    assert "untranslated" in card.badge_kinds(), "the caption is still the English line"
    assert "VO" not in next(b.text for b in card.items if b.kind == "untranslated")

    line = card.caption
    qtbot.mouseDClick(line.label, Qt.MouseButton.LeftButton)
    line.editor.setText(THAI_CC)
    qtbot.keyClick(line.editor, Qt.Key.Key_Return)
    assert window.doc.project.variant(th.id).shot(shot_id).caption == THAI_CC
    assert window.doc.project.storyboard.shot(shot_id).on_screen_text == master_cc
    assert window.doc.undo_stack.count() == steps + 2
    board = board_for(window, th.id)
    card = board.cards[shot_id]
    assert card.caption.text == THAI_CC and thai(card.caption.label.text().removeprefix("CC "))
    assert "untranslated" not in card.badge_kinds() and not card.badges.isVisible()
    assert cue_of(board, shot_id) == THAI_CC, "the strip follows the edit"

    # the wall and its line editor say the same
    window.go_to(3)
    wall = window.pages["variants"].wall
    wall.select(th.id)
    row = [s.shot_id for s in th.shots].index(shot_id)
    assert wall.lines.table.item(row, 1).text() == THAI_VO and wall.lines.table.item(row, 2).text() == THAI_CC
    still = [
        s.shot_id
        for s in window.doc.project.variant(th.id).shots
        if s.shot_id != shot_id and any(f.kind == "untranslated" for f in s.flags)
    ]
    assert ("untranslated" in wall.cards[th.id].badge_kinds()) == bool(still)
    assert not any(m.startswith(f"{shot_id}:") for b in wall.cards[th.id].items for m in b.why.splitlines())

    # one undo brings the English caption back, with its badge; the voice-over stays the Thai one
    window.go_to(2)
    window.ops.project.undo()
    local = window.doc.project.variant(th.id).shot(shot_id)
    assert local.caption == master_cc and local.voiceover == THAI_VO
    card = board_for(window, th.id).cards[shot_id]
    assert card.caption.text == master_cc and "untranslated" in card.badge_kinds()
    window.ops.project.undo()
    assert window.doc.project.variant(th.id).shot(shot_id).voiceover == master_vo
    assert board_for(window, th.id).cards[shot_id].voiceover.text == master_vo


def test_editing_with_master_chosen_edits_the_storyboard(window, qtbot):
    th = thai_variant(window)
    board = board_for(window, None)
    shot = window.doc.project.storyboard.shots[0]
    thai_before = window.doc.project.variant(th.id).shot(shot.id).caption
    line = board.cards[shot.id].caption
    qtbot.mouseDClick(line.label, Qt.MouseButton.LeftButton)
    line.editor.setText("Morning sun, no white cast")
    qtbot.keyClick(line.editor, Qt.Key.Key_Return)
    assert window.doc.project.storyboard.shot(shot.id).on_screen_text == "Morning sun, no white cast"
    assert board_for(window, None).cards[shot.id].caption.text == "Morning sun, no white cast"
    assert thai(window.doc.project.variant(th.id).shot(shot.id).caption) or (
        window.doc.project.variant(th.id).shot(shot.id).caption == thai_before
    ), "the Thai copy is not overwritten by the English master line"


def test_a_merge_that_changes_no_line_keeps_the_cards(window, qtbot, monkeypatch: pytest.MonkeyPatch):
    """A render's merge announces the variants (and takes, deliverables): the cards stay, their lines are not read
    again, the compliance check does not run on the UI thread, and a line being edited stays in its editor."""
    import studio.ui.board as board_module

    th = thai_variant(window)
    board = board_for(window, th.id)
    cards = dict(board.cards)
    calls: list[str] = []
    real = board_module._compliance

    def counted(project: Project, variant_id: str) -> Any:
        calls.append(variant_id)
        return real(project, variant_id)

    monkeypatch.setattr(board_module, "_compliance", counted)
    line = board.cards[th.shots[0].shot_id].voiceover
    qtbot.mouseDClick(line.label, Qt.MouseButton.LeftButton)
    line.editor.setText("กำลังพิมพ์")

    def merge(p: Project) -> None:  # as a cut's merge: new objects for the variants, the same lines
        p.variants = [v.model_copy(deep=True) for v in p.variants]
        p.variants[0].shots[0].speech_rate = 1.05

    window.doc.edit("Render", ("variants", "takes", "deliverables"), merge)
    board = window.pages["storyboard"].visual
    assert all(board.cards[s] is c for s, c in cards.items()), "no card was rebuilt"
    assert calls == [], "no compliance check for a change that touched no line"
    assert line.editing() and line.editor.text() == "กำลังพิมพ์", "the line being written is not thrown away"
    qtbot.keyClick(line.editor, Qt.Key.Key_Escape)
    window.doc.edit("Line", ("variants",), lambda p: setattr(p.variant(th.id).shots[0], "caption", THAI_CC))
    assert calls == [th.id] and board.cards[th.shots[0].shot_id].caption.text == THAI_CC


def test_thai_lines_break_between_clusters_and_fit_their_card(window, qtbot, test_output: Path):
    """Thai is written without spaces: a wrapped line breaks between grapheme clusters (a vowel or tone mark never
    starts a line); at 1280×720 each card's lines are drawn in the Thai font (no boxes) inside the card."""
    from studio.ui import fonts
    from studio.ui.board import elide_lines

    qtbot.waitUntil(lambda: "thai" in fonts.registered(), timeout=30_000)
    th = thai_variant(window)
    board = board_for(window, th.id)
    qtbot.wait(200)
    board._rescale()
    label = board.cards[th.shots[0].shot_id].voiceover.label
    metrics = label.fontMetrics()
    long = "ครีมกันแดดที่ไม่ทิ้งคราบขาวบนทุกสีผิวเหมาะกับการเดินทางทุกวันในเมืองร้อนชื้น"
    lines = elide_lines(long, metrics, 90, 3)
    assert len(lines) >= 2
    for text in lines[1:]:
        assert unicodedata.category(text[0]) != "Mn", f"a line starts with a combining mark: {text!r}"
    assert "".join(lines).replace("…", "") in long

    for local in th.shots:
        card = board.cards[local.shot_id]
        for line in (card.voiceover, card.caption):
            if thai(line.text):
                assert missing_glyphs(line.text, line.label.font()) == [], f"boxes instead of {line.text}"
            drawn = line.label.sizeHint().width()  # what the label's (elided) text needs, on one line each
            assert drawn <= line.label.width() + 1, f"{local.shot_id}: {drawn} px of text in a {line.label.width()}"
            left = line.label.mapTo(card, QPoint(0, 0)).x()
            assert left >= 0 and left + line.label.width() <= card.width(), f"{local.shot_id}: past its card"
        if card.badges.isVisible():
            assert card.picture.rect().contains(card.badges.geometry()), "the badges sit on the frame"
    out = test_output / "ui" / "gallery"
    out.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out / "board_th_1280x720.png"))
