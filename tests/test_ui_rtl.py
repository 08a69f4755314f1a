"""Right-to-left lines as a creator in Cairo or Karachi sees and edits them: every widget that shows a variant's
line (the wall's line editor, the board's cards and their in-place editor, the timeline's caption cues, the Variants
table, the Voice & Cut lines) lays an Arabic or Urdu line out right to left at the right, keeps a Latin brand name
and digits inside it in their order, elides its end at the left, and keeps an English line beside it at the left.
Editing an Arabic line stores exactly what was typed, as one undo step.

Briefs: the Dentara toothpaste (Egypt: Egyptian Arabic, "Dentara: مينا أقوى مع 1450…" opens with the brand) and the
Bolchal English app (Pakistan: Urdu). The Egyptian young-professionals variant has one line left in English, as an
untranslated line would be, so each list mixes the two directions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from studio.model import Project, ProjectStore, load_brief

BRIEFS = Path(__file__).resolve().parent / "briefs"
ENGLISH_CC = "Recommended by dentists"
"""The caption of the Egyptian variant's fourth shot, left in English (as an untranslated line is)."""
RIGHT, LEFT = Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignLeft


def planned(brief: str, name: str) -> Project:
    from studio.planning import plan_project

    return plan_project(load_brief(BRIEFS / brief), name=name, llm=None)


@pytest.fixture(scope="module")
def dentara() -> Project:
    project = planned("toothpaste.toml", "dentara")
    eg = next(v for v in project.variants if v.market == "EG" and v.segment == "young-professionals")
    eg.shots[3].caption = ENGLISH_CC
    return project


@pytest.fixture(scope="module")
def bolchal() -> Project:
    return planned("english-app.toml", "bolchal")


def open_window(qtbot: Any, folder: Path, project: Project) -> Any:
    from studio.ui import fonts
    from studio.ui.main_window import MainWindow

    ProjectStore(folder).create(project.model_copy(deep=True))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    assert win.ops.project.open_project(folder)
    qtbot.waitUntil(lambda: "arabic" in fonts.registered(), timeout=30_000)
    return win


@pytest.fixture
def egypt(qtbot, tmp_path: Path, dentara: Project):
    win = open_window(qtbot, tmp_path / "dentara", dentara)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


@pytest.fixture
def pakistan(qtbot, tmp_path: Path, bolchal: Project):
    win = open_window(qtbot, tmp_path / "bolchal", bolchal)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def variant(window: Any, market: str, segment: str | None = None) -> Any:
    return next(
        v for v in window.doc.project.variants if v.market == market and (segment is None or v.segment == segment)
    )


def side(flags: Any) -> Qt.AlignmentFlag:
    """RIGHT or LEFT: the horizontal side of an alignment (Qt.Alignment or the int a model role returns)."""
    horizontal = Qt.AlignmentFlag(int(flags)) & (RIGHT | LEFT)
    assert horizontal in (RIGHT, LEFT), f"no horizontal side in {flags!r}"
    return horizontal


def cell_direction(view: Any, row: int, column: int) -> tuple[Qt.LayoutDirection, Qt.AlignmentFlag]:
    """How a view's cell is painted: the paragraph direction and the side its delegate lays the text out at."""
    index = view.model().index(row, column)
    option = QStyleOptionViewItem()
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    return option.direction, side(option.displayAlignment)


def ink_columns(image: QImage, area: QRect, background: QColor) -> list[int]:
    """The x (relative to `area`) of every column of `area` with a pixel clearly unlike the background."""
    out = []
    for x in range(area.left(), area.right() + 1):
        for y in range(area.top(), area.bottom() + 1):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - background.red())
                + abs(c.green() - background.green())
                + abs(c.blue() - background.blue())
                > 150
            ):
                out.append(x - area.left())
                break
    return out


# --- the rule ----------------------------------------------------------------------------------------------------


def test_direction_rule_follows_the_line_and_its_language():
    from studio.ui.text_direction import RLM, is_rtl, isolate, marked

    assert is_rtl("أسنانك تتألم مع الساخن أو البارد؟")
    assert is_rtl("بول چال: روزانہ صرف 15 منٹ میں سیکھیں۔", "ur")
    brand_first = "Dentara: مينا أقوى مع 1450 جزء في المليون من الفلورايد."
    assert is_rtl(brand_first, "ar-EG") and is_rtl(brand_first), "an Arabic line opening with its brand"
    assert not is_rtl(ENGLISH_CC, "ar-EG"), "an English line in an Arabic variant stays left to right"
    assert not is_rtl("Dentara 1450", "ar") and not is_rtl("1450 ppm")
    assert not is_rtl("Strengthens enamel, بول چال", "en"), "English that quotes an Urdu name"
    assert marked(brand_first, "ar") == RLM + brand_first and marked("أسنان", "ar") == "أسنان"
    assert marked(ENGLISH_CC, "ar") == ENGLISH_CC
    assert isolate("اشتري دلوقتي") == "\u2067اشتري دلوقتي\u2069" and isolate("Buy now", "ar") == "Buy now"


# --- the wall's line editor --------------------------------------------------------------------------------------


def wall_lines(window: Any, variant_id: str) -> Any:
    window.go_to(3)
    page = window.pages["variants"]
    page.tabs.setCurrentWidget(page.wall)
    page.wall.select(variant_id)
    editor = page.wall.lines
    assert editor.variant_id == variant_id
    return editor


def test_wall_line_editor_aligns_each_line_by_its_direction(egypt, qtbot):
    eg = variant(egypt, "EG", "young-professionals")
    table = wall_lines(egypt, eg.id).table
    for r, shot in enumerate(eg.shots):
        for c, text in ((1, shot.voiceover), (2, shot.caption)):
            item = table.item(r, c)
            assert item.text() == text, "the cell holds the line exactly"
            want = LEFT if text == ENGLISH_CC else RIGHT
            assert side(item.textAlignment()) == want, f"{text!r} aligned {want}"
            way, painted = cell_direction(table, r, c)
            assert painted == want
            assert way == (Qt.LayoutDirection.LeftToRight if want == LEFT else Qt.LayoutDirection.RightToLeft)
    # the Turkish variant's lines, in the same editor, are left to right
    tr = variant(egypt, "TR", "young-professionals")
    table = wall_lines(egypt, tr.id).table
    assert all(side(table.item(r, 1).textAlignment()) == LEFT for r in range(table.rowCount()))
    assert cell_direction(table, 0, 1)[0] == Qt.LayoutDirection.LeftToRight


def test_editing_an_arabic_line_in_the_wall_keeps_it_exactly_in_one_undo_step(egypt, qtbot):
    from studio.ui.text_direction import RLM, BidiLineEdit

    eg = variant(egypt, "EG", "young-professionals")
    editor = wall_lines(egypt, eg.id)
    table = editor.table
    row = next(r for r, s in enumerate(eg.shots) if s.voiceover.startswith("Dentara"))
    before = eg.shots[row].voiceover
    table.setFocus()
    table.setCurrentCell(row, 1)
    table.editItem(table.item(row, 1))
    field = QApplication.focusWidget()
    assert isinstance(field, BidiLineEdit), "the cell is edited in a direction-aware field"
    assert field.text() == before, "editing starts from the line exactly (the brand first)"
    assert field.layoutDirection() == Qt.LayoutDirection.RightToLeft and side(field.alignment()) == RIGHT
    assert field.displayText() == RLM + before, "shown right to left: the brand first, at the right"
    new = "Dentara: نفَس منعش 24 ساعة، مع 1450 ppm فلورايد."
    field.setText(new)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(row, 1).text() != before, timeout=2_000)  # the view commits on a queue
    assert table.item(row, 1).text() == new and side(table.item(row, 1).textAlignment()) == RIGHT
    steps = egypt.doc.undo_stack.count()
    assert editor.apply()
    assert egypt.doc.undo_stack.count() == steps + 1, "Apply is one undo step"
    stored = egypt.doc.project.variant(eg.id).shot(eg.shots[row].shot_id).voiceover
    assert stored == new, f"stored exactly as typed: {stored!r}"
    assert RLM not in stored and [ord(c) for c in stored] == [ord(c) for c in new]
    egypt.doc.undo_stack.undo()
    assert egypt.doc.project.variant(eg.id).shot(eg.shots[row].shot_id).voiceover == before


# --- the board: cards, their editor and the timeline's cues --------------------------------------------------------


def board_for(window: Any, variant_id: str | None) -> Any:
    window.go_to(2)
    board = window.pages["storyboard"].visual
    board.timeline_of.setCurrentIndex(board.timeline_of.findData(variant_id))
    assert board.variant_id() == variant_id
    board._rescale()
    return board


def line_ink(card: Any, line: Any) -> tuple[int, int, int]:
    """Where a card's painted line has ink: (leftmost, rightmost, width of the line) in the line's own box."""
    image = card.grab().toImage()
    area = QRect(line.label.mapTo(card, line.label.rect().topLeft()), line.label.size())
    background = image.pixelColor(area.left() + 1, area.bottom() - 1)
    cols = ink_columns(image, area, background)
    assert cols, "the line is painted"
    return min(cols), max(cols), area.width()


@pytest.mark.parametrize("where", ["EG", "PK"])
def test_board_cards_lay_rtl_lines_out_at_the_right(request, qtbot, where):
    window = request.getfixturevalue("egypt" if where == "EG" else "pakistan")
    v = variant(window, where, "young-professionals")
    board = board_for(window, v.id)
    assert board.lines_of == v.id
    seen = {RIGHT: 0, LEFT: 0}
    for shot in v.shots:
        card = board.cards[shot.shot_id]
        for line, text in ((card.voiceover, shot.voiceover), (card.caption, shot.caption)):
            assert line.text == text
            want = LEFT if text == ENGLISH_CC else RIGHT
            seen[want] += 1
            label = line.label
            assert side(label.alignment()) == want
            assert label.layoutDirection() == (
                Qt.LayoutDirection.RightToLeft if want == RIGHT else Qt.LayoutDirection.LeftToRight
            )
            left, right, width = line_ink(card, line)
            if want == RIGHT:  # the line ends at the card's right edge; a short one leaves the left empty
                assert right >= width - 8, f"{text!r}: ink ends at {right} of {width}"
            else:
                assert left <= 8, f"{text!r}: ink starts at {left} of {width}"
    assert seen[RIGHT] >= 8
    assert seen[LEFT] == (1 if where == "EG" else 0)
    # a short Arabic caption sits at the right, leaving the left of its row empty; the English one the reverse
    shot = min((s for s in v.shots if s.caption != ENGLISH_CC), key=lambda s: len(s.caption))
    left, right, width = line_ink(board.cards[shot.shot_id], board.cards[shot.shot_id].caption)
    assert left > 8 and right >= width - 8 and left + right > width, f"{shot.caption!r}: ink {left}..{right} of {width}"
    if where == "EG":
        english = next(s for s in v.shots if s.caption == ENGLISH_CC)
        left, right, width = line_ink(board.cards[english.shot_id], board.cards[english.shot_id].caption)
        assert left <= 8, "the English caption starts at the card's left"


def test_a_long_rtl_line_is_elided_at_its_end_on_the_left(egypt, qtbot):
    from studio.ui.text_direction import RLM

    eg = variant(egypt, "EG", "young-professionals")
    board = board_for(egypt, eg.id)
    shot = next(s for s in eg.shots if s.voiceover.startswith("Dentara"))
    card = board.cards[shot.shot_id]
    label = card.voiceover.label
    label.set_lines(1)
    card.resize(150, card.height())  # narrower than the line
    label.resize(120, label.height())
    shown = type(label).__mro__[1].text(label)  # what the QLabel paints (rich text)
    assert shown.startswith(RLM), "one right-to-left paragraph, its VO tag first (at the right)"
    assert shown.rstrip().endswith("…"), f"elided at the line's end: {shown!r}"
    assert label.text() == f"VO {shot.voiceover}", "the whole line stays the label's text"
    assert "Dentara" in shown, "the brand opening the line is kept; the end is cut"


def test_board_card_editor_edits_an_arabic_line_exactly(egypt, qtbot):
    from studio.ui.text_direction import RLM

    eg = variant(egypt, "EG", "young-professionals")
    board = board_for(egypt, eg.id)
    shot = next(s for s in eg.shots if s.voiceover.startswith("Dentara"))
    line = board.cards[shot.shot_id].voiceover
    line.start_editing()
    assert line.editing() and line.editor.text() == shot.voiceover
    assert line.editor.displayText() == RLM + shot.voiceover, "shown right to left, brand first at the right"
    assert line.editor.layoutDirection() == Qt.LayoutDirection.RightToLeft and side(line.editor.alignment()) == RIGHT
    steps = egypt.doc.undo_stack.count()
    qtbot.keyClick(line.editor, Qt.Key.Key_Return)
    assert egypt.doc.undo_stack.count() == steps, "an unchanged line is no edit (the editor's mark is not the line's)"
    line.start_editing()
    new = "Dentara: مينا أقوى خلال 14 يوم."
    line.editor.setText(new)
    qtbot.keyClick(line.editor, Qt.Key.Key_Return)
    assert egypt.doc.undo_stack.count() == steps + 1
    assert egypt.doc.project.variant(eg.id).shot(shot.shot_id).voiceover == new
    # typing an English line into the field turns it left to right as it is typed
    line.start_editing()
    line.editor.selectAll()
    qtbot.keyClicks(line.editor, "Fresh")
    assert line.editor.text() == "Fresh" and side(line.editor.alignment()) == LEFT
    qtbot.keyClick(line.editor, Qt.Key.Key_Escape)


@pytest.mark.parametrize("where", ["EG", "PK"])
def test_timeline_caption_cues_are_drawn_at_their_right(request, qtbot, where):
    from studio.ui.timeline_strip import STRIP_CUE_BACKGROUND

    window = request.getfixturevalue("egypt" if where == "EG" else "pakistan")
    v = variant(window, where, "young-professionals")
    strip = board_for(window, v.id).strip
    assert strip.timeline.language == v.language
    image = strip.grab().toImage()
    checked = 0
    for cue in strip.timeline.cues:
        if cue.text == ENGLISH_CC:
            continue
        rect = strip.cue_rect(cue).toAlignedRect().adjusted(3, 2, -3, -2)
        cols = ink_columns(image, rect, QColor(STRIP_CUE_BACKGROUND))
        assert cols, f"cue {cue.text!r} is drawn"
        assert max(cols) >= rect.width() - 6, f"{cue.text!r} ends at the cue's right ({max(cols)} of {rect.width()})"
        checked += 1
    assert checked >= 4
    if where == "EG":
        english = next(c for c in strip.timeline.cues if c.text == ENGLISH_CC)
        rect = strip.cue_rect(english).toAlignedRect().adjusted(3, 2, -3, -2)
        cols = ink_columns(image, rect, QColor(STRIP_CUE_BACKGROUND))
        assert cols and min(cols) <= 4, "the English cue starts at its left"


# --- the Variants table and Voice & Cut ---------------------------------------------------------------------------


def test_variants_table_and_cut_lines_follow_each_line(pakistan, egypt, qtbot):
    from studio.ui.variants_page import LOCAL_COLUMNS

    for window, market in ((pakistan, "PK"), (egypt, "EG")):
        v = variant(window, market, "young-professionals")
        window.go_to(3)
        page = window.pages["variants"]
        page.select_variant(v.id)
        assert page.shot_model.variant_id == v.id
        columns = [f for f, _ in LOCAL_COLUMNS]
        for r, shot in enumerate(v.shots):
            for field in ("voiceover", "caption"):
                c = columns.index(field)
                text = getattr(shot, field)
                want = LEFT if text == ENGLISH_CC else RIGHT
                index = page.shot_model.index(r, c)
                assert side(page.shot_model.data(index, Qt.ItemDataRole.TextAlignmentRole)) == want
                way, painted = cell_direction(page.shots, r, c)
                assert painted == want and (way == Qt.LayoutDirection.RightToLeft) == (want == RIGHT), text
        assert "\u2067" + v.call_to_action + "\u2069" in page.detail.text(), "the CTA isolated in the sentence"

        window.go_to(5)
        cut = window.pages["cut"]
        cut.select_variant(v.id)
        for r, shot in enumerate(v.shots):
            for c, text in ((1, shot.voiceover), (2, shot.caption)):
                assert cut.lines.item(r, c).text() == text
                want = LEFT if text == ENGLISH_CC else RIGHT
                assert side(cut.lines.item(r, c).textAlignment()) == want
                assert cell_direction(cut.lines, r, c)[1] == want
        assert side(cut.lines.item(0, 0).textAlignment() or int(LEFT)) == LEFT, "the shot id stays at the left"


def test_storyboard_table_sets_each_variant_column_in_its_own_direction(egypt, qtbot):
    from studio.ui.shot_table import MASTER_COLUMNS
    from studio.ui.text_direction import BidiLineEdit

    egypt.go_to(2)
    page = egypt.pages["storyboard"]
    model, view = page.table_model, page.table
    project = egypt.doc.project
    eg = variant(egypt, "EG", "young-professionals")
    tr = variant(egypt, "TR", "young-professionals")
    eg_col = len(MASTER_COLUMNS) + [v.id for v in project.variants].index(eg.id)
    tr_col = len(MASTER_COLUMNS) + [v.id for v in project.variants].index(tr.id)
    vo_col = [f for f, _ in MASTER_COLUMNS].index("voiceover")
    for r, shot in enumerate(eg.shots):
        assert model.data(model.index(r, eg_col)) == shot.voiceover
        assert cell_direction(view, r, eg_col) == (Qt.LayoutDirection.RightToLeft, RIGHT), shot.voiceover
        assert cell_direction(view, r, tr_col) == (Qt.LayoutDirection.LeftToRight, LEFT)
        assert cell_direction(view, r, vo_col) == (Qt.LayoutDirection.LeftToRight, LEFT), "the English master"
    # an Arabic cell is edited right to left and stored exactly; the Seconds cell keeps its number editor
    row = next(r for r, s in enumerate(eg.shots) if s.voiceover.startswith("Dentara"))
    index = model.index(row, eg_col)
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    field = QApplication.focusWidget()
    assert isinstance(field, BidiLineEdit) and field.text() == eg.shots[row].voiceover
    assert field.layoutDirection() == Qt.LayoutDirection.RightToLeft
    new = "Dentara: 1450 جزء في المليون، لأسنان أقوى."
    field.setText(new)
    steps = egypt.doc.undo_stack.count()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: egypt.doc.undo_stack.count() == steps + 1, timeout=2_000)
    assert egypt.doc.project.variant(eg.id).shot(eg.shots[row].shot_id).voiceover == new
    seconds = model.index(0, [f for f, _ in MASTER_COLUMNS].index("duration_s"))
    view.setCurrentIndex(seconds)
    view.edit(seconds)
    assert not isinstance(QApplication.focusWidget(), BidiLineEdit), "a number is edited as a number"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)


# --- screenshots ---------------------------------------------------------------------------------------------------


def test_rtl_screenshots_of_the_wall_and_the_board(egypt, qtbot, test_output: Path):
    folder = Path(os.environ.get("QIANMIAN_SCREENSHOTS", test_output / "ui" / "gallery"))
    folder.mkdir(parents=True, exist_ok=True)
    eg = variant(egypt, "EG", "young-professionals")
    qtbot.waitUntil(lambda: egypt.jobs.settled() and not egypt.thumbnails.pending(), timeout=60_000)
    wall_lines(egypt, eg.id)
    qtbot.wait(200)
    assert egypt.grab().save(str(folder / "rtl_wall_1280x720.png"))
    board_for(egypt, eg.id)
    qtbot.wait(200)
    assert egypt.grab().save(str(folder / "rtl_board_1280x720.png"))
    image = QImage(str(folder / "rtl_board_1280x720.png"))
    assert (image.width(), image.height()) == (1280, 720)
    egypt.go_to(3)  # the Variants table and the Voice & Cut lines of the same variant, for a person to look at
    page = egypt.pages["variants"]
    page.tabs.setCurrentIndex(1)
    page.select_variant(eg.id)
    qtbot.wait(100)
    assert egypt.grab().save(str(folder / "rtl_table_1280x720.png"))
    egypt.go_to(5)
    egypt.pages["cut"].select_variant(eg.id)
    qtbot.wait(100)
    assert egypt.grab().save(str(folder / "rtl_cut_1280x720.png"))


def test_urdu_board_screenshot(pakistan, qtbot, test_output: Path):
    folder = Path(os.environ.get("QIANMIAN_SCREENSHOTS", test_output / "ui" / "gallery"))
    folder.mkdir(parents=True, exist_ok=True)
    qtbot.waitUntil(lambda: pakistan.jobs.settled() and not pakistan.thumbnails.pending(), timeout=60_000)
    board = board_for(pakistan, variant(pakistan, "PK", "ielts-students").id)
    assert all(side(c.voiceover.label.alignment()) == RIGHT for c in board.cards.values())
    qtbot.wait(200)
    assert pakistan.grab().save(str(folder / "rtl_board_ur_1280x720.png"))
