"""What each variant says, on the wall: every card shows its hook line (the first shot's voice-over, else its
caption) under its name, in the variant's language and script: Thai in Thai, Arabic right to left at the right; an
untranslated hook is tinted and marked ⚠ with why in its tooltip. A merge that changes no line keeps the cards and
their line labels (nothing rebuilt); an edit of the hook updates the card in place. Voice & Cut's lines table shows
a wrapped voice-over whole: each row as tall as its wrapped text, again when the column narrows.

Briefs: Solea sunscreen (Thailand and Vietnam, the phrase banks say the hook in Thai) and Dentara toothpaste (Turkey
and Egypt × two segments: a Turkish card beside an Arabic one). Screenshots of the Dentara wall at 1280×720 and
1920×1080 go to test-output/ui/gallery/ (or $QIANMIAN_SCREENSHOTS).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QSplitter

from studio.model import Brief, Flag, Project, ProjectStore, load_brief

BRIEFS = Path(__file__).resolve().parent / "briefs"
SOLEA = {
    "brand": "Solea",
    "product": "Daily Shield SPF50+ sunscreen",
    "category": "skincare",
    "selling_points": ["SPF50+ broad-spectrum sun protection", "no white cast"],
    "markets": [{"code": "TH", "language": "th"}, {"code": "VN", "language": "vi"}],
    "segments": [{"id": "commuters", "name": "Daily commuters", "description": "20-35, commute by bike"}],
    "duration_s": 12,
}
ENGLISH_HOOK = "Sunburn on the ride to work?"
RIGHT, LEFT = Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignLeft


def thai(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("\u0e00" <= c <= "\u0e7f" for c in letters)


def arabic(text: str) -> bool:
    return sum("\u0600" <= c <= "\u06ff" for c in text) > len([c for c in text if c.isalpha()]) // 2


@pytest.fixture(scope="module")
def solea() -> Project:
    from studio.planning import plan_project

    project = plan_project(Brief.model_validate(SOLEA), name="solea", llm=None)
    # the Vietnamese hook is still the English line, flagged (as a phrase bank's gap leaves it)
    vn = next(v for v in project.variants if v.language == "vi")
    first = vn.shots[0]
    first.voiceover = ENGLISH_HOOK
    first.flags.append(Flag(kind="untranslated", message=f"No Vietnamese voice-over for beat 'hook': {ENGLISH_HOOK}"))
    return project


@pytest.fixture(scope="module")
def dentara() -> Project:
    from studio.planning import plan_project

    return plan_project(load_brief(BRIEFS / "toothpaste.toml"), name="dentara", llm=None)


def open_window(qtbot: Any, folder: Path, project: Project, size: tuple[int, int] = (1280, 720)) -> Any:
    from studio.ui.main_window import MainWindow

    ProjectStore(folder).create(project.model_copy(deep=True))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    assert win.ops.project.open_project(folder)
    return win


@pytest.fixture
def sun(qtbot, tmp_path: Path, solea: Project):
    win = open_window(qtbot, tmp_path / "solea", solea)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


@pytest.fixture
def egypt(qtbot, tmp_path: Path, dentara: Project):
    from studio.ui import fonts

    win = open_window(qtbot, tmp_path / "dentara", dentara)
    qtbot.waitUntil(lambda: "arabic" in fonts.registered(), timeout=30_000)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def wall_of(window: Any) -> Any:
    window.go_to(3)
    page = window.pages["variants"]
    page.tabs.setCurrentWidget(page.wall)
    return page.wall


def first_line(window: Any, vid: str) -> str:
    shot = window.doc.project.variant(vid).shots[0]
    return shot.voiceover or shot.caption


def assert_tidy(card: Any) -> None:
    """Frame, name, hook line and badges stacked inside the card in that order, none over another."""
    parts = [card.picture, card.title, card.line, card.badges]
    boxes = [QRect(p.mapTo(card, QPoint(0, 0)), p.size()) for p in parts]
    for part, box in zip(parts, boxes, strict=True):
        assert part.isVisible() and box.height() > 0, part.objectName()
        assert card.rect().contains(box), f"{card.variant_id}: {part.objectName() or type(part).__name__} outside"
    for above, below in itertools.pairwise(boxes):
        assert above.bottom() < below.top(), f"{card.variant_id}: {above} overlaps {below}"
    assert card.line.height() >= 2 * card.line.fontMetrics().lineSpacing(), "two lines of room for the hook"


def test_a_thai_card_shows_its_hook_in_thai_and_an_untranslated_hook_is_marked(sun, qtbot):
    wall = wall_of(sun)
    project = sun.doc.project
    th = next(v for v in project.variants if v.language == "th")
    vn = next(v for v in project.variants if v.language == "vi")
    card = wall.cards[th.id]
    hook = first_line(sun, th.id)
    assert thai(hook), hook
    assert card.line.text() == hook and card.line.isVisible(), "the whole Thai line, as written"
    assert hook in card.line.toolTip()
    assert not card.line_untranslated() and "⚠" not in card.line.text() and not card.line.styleSheet()
    # laid out left to right at the left, under the name
    assert card.line.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert Qt.AlignmentFlag(int(card.line.alignment())) & LEFT
    assert_tidy(card)
    # the Vietnamese hook is the English master line: tinted, marked, and says why
    other = wall.cards[vn.id]
    assert other.line_untranslated()
    assert other.line.text() == f"⚠ {ENGLISH_HOOK}"
    assert "rgba(192, 57, 43" in other.line.styleSheet()
    assert "No Vietnamese voice-over" in other.line.toolTip() and ENGLISH_HOOK in other.line.toolTip()
    assert_tidy(other)
    # the painted text is elided to the card's two lines, never the whole of a long line
    long_line = "ครีมกันแดดที่บางเบา ไม่เหนียวเหนอะหนะ ปกป้องผิวจากแสงแดดตลอดทั้งวันระหว่างเดินทางไปทำงาน" * 3

    def say(p: Project) -> None:
        p.variant(th.id).shots[0].voiceover = long_line

    sun.doc.edit("Long hook", ("variants",), say)
    assert wall.cards[th.id] is card, "an edit keeps the card"
    assert card.line.text() == long_line and long_line in card.line.toolTip()
    shown = painted(card.line)
    assert "…" in shown and len(shown) < len(long_line), "elided to two lines"


def painted(label: Any) -> str:
    """What a label paints: its rich text without tags and marks (an ElidedLabel's text() is the whole line)."""
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QLabel

    doc = QTextDocument()
    doc.setHtml(QLabel.text(label))
    return doc.toPlainText().replace("\u200f", "")


def test_a_merge_that_changes_no_line_keeps_the_cards(sun, qtbot, monkeypatch):
    from studio.ui import variant_wall

    wall = wall_of(sun)
    project = sun.doc.project
    th = next(v for v in project.variants if v.language == "th")
    cards = dict(wall.cards)
    labels = {vid: c.line for vid, c in cards.items()}
    shown: list[str] = []
    real = variant_wall.VariantCard.show_line
    monkeypatch.setattr(
        variant_wall.VariantCard, "show_line", lambda self, hook: (shown.append(self.variant_id), real(self, hook))[1]
    )
    # a render's merge: the variants replaced by equal copies, new voice lines and cuts
    same = [v.model_copy(deep=True) for v in project.variants]
    sun.doc.replace("Render merge", {"variants": same, "voice_lines": list(project.voice_lines)})
    assert wall.cards == cards and all(wall.cards[vid] is c for vid, c in cards.items()), "no card rebuilt"
    assert all(wall.cards[vid].line is label for vid, label in labels.items())
    assert shown == [], "no line set again"
    # a line changed: that card's line is set again, in place
    new = "ผิวสวยไม่กลัวแดด"

    def say(p: Project) -> None:
        p.variant(th.id).shots[0].voiceover = new

    sun.doc.edit("Hook", ("variants",), say)
    assert shown == [th.id] and wall.cards[th.id] is cards[th.id] and wall.cards[th.id].line.text() == new
    sun.ops.project.undo()
    assert wall.cards[th.id].line.text() != new


def ink_columns(label: Any) -> list[int]:
    image = label.grab().toImage()
    background = QColor(image.pixelColor(1, image.height() - 1))
    out = []
    for x in range(image.width()):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - background.red())
                + abs(c.green() - background.green())
                + abs(c.blue() - background.blue())
                > 150
            ):
                out.append(x)
                break
    return out


def test_an_arabic_card_shows_its_hook_right_to_left_at_the_right(egypt, qtbot, test_output: Path):
    wall = wall_of(egypt)
    project = egypt.doc.project
    eg = next(v for v in project.variants if v.market == "EG")
    tr = next(v for v in project.variants if v.market == "TR")
    card, turkish = wall.cards[eg.id], wall.cards[tr.id]
    hook = first_line(egypt, eg.id)
    assert arabic(hook) and card.line.text() == hook
    assert card.line.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert Qt.AlignmentFlag(int(card.line.alignment())) & RIGHT
    assert turkish.line.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert Qt.AlignmentFlag(int(turkish.line.alignment())) & LEFT
    qtbot.wait(50)
    # what a person sees: the Arabic line's ink ends at the card's right edge, the Turkish one starts at the left
    ink = ink_columns(card.line)
    assert ink and card.line.width() - 1 - ink[-1] <= 8, (ink[:1], ink[-1:], card.line.width())
    ink_tr = ink_columns(turkish.line)
    assert ink_tr and ink_tr[0] <= 8
    folder = Path(os.environ.get("QIANMIAN_SCREENSHOTS", test_output / "ui" / "gallery"))
    folder.mkdir(parents=True, exist_ok=True)
    for w, h in ((1280, 720), (1920, 1080)):
        egypt.resize(w, h)
        qtbot.wait(50)
        wall.refresh_pictures()
        qtbot.waitUntil(lambda: egypt.jobs.settled() and not egypt.thumbnails.pending(), timeout=60_000)
        qtbot.wait(250)  # the wall's resize timer
        for c in wall.cards.values():
            assert_tidy(c)
        cards = list(wall.cards.values())
        for i, a in enumerate(cards):
            for b in cards[i + 1 :]:
                assert not a.geometry().intersects(b.geometry()), f"{a.variant_id} overlaps {b.variant_id}"
        assert egypt.grab().save(str(folder / f"wall_lines_{w}x{h}.png"))


def test_voice_and_cut_rows_fit_their_wrapped_lines(sun, qtbot):
    sun.go_to(5)
    page = sun.pages["cut"]
    project = sun.doc.project
    th = next(v for v in project.variants if v.language == "th")
    long_vo = "ครีมกันแดดบางเบา ไม่เหนียว ไม่วอก ปกป้องผิวจากแดดตลอดวัน ระหว่างขี่มอเตอร์ไซค์ไปทำงานทุกเช้า"

    def say(p: Project) -> None:
        shots = p.variant(th.id).shots
        shots[0].voiceover = long_vo
        shots[-1].voiceover, shots[-1].caption = "ผิวสวย", ""

    sun.doc.edit("Long line", ("variants",), say)
    page.select_variant(th.id)
    table = page.lines
    assert table.item(0, 1).text() == long_vo
    assert table.wordWrap()

    def needed(row: int) -> int:
        """Height of the row's voice-over wrapped at its column's width (the cell's padding aside)."""
        width = table.columnWidth(1) - 8
        metrics = QFontMetrics(table.font())
        flags = int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere)
        return metrics.boundingRect(QRect(0, 0, width, 10_000), flags, table.item(row, 1).text()).height()

    qtbot.wait(50)
    one = table.fontMetrics().lineSpacing()
    assert needed(0) >= 2 * one, "the line wraps in its column"
    assert table.rowHeight(0) >= needed(0), (table.rowHeight(0), needed(0))
    short_row = table.rowCount() - 1
    assert needed(short_row) < 2 * one, "one line"
    assert table.rowHeight(short_row) < table.rowHeight(0), "a one-line row stays one line tall"
    # the column narrows (the splitter moved): the row grows with its wrapped text
    before, width = table.rowHeight(0), table.columnWidth(1)
    split = page.findChild(QSplitter)
    left, right = split.sizes()
    split.setSizes([left - 100, right + 100])
    qtbot.waitUntil(lambda: table.columnWidth(1) < width, timeout=3_000)
    qtbot.waitUntil(lambda: table.rowHeight(0) > before, timeout=3_000)
    assert table.rowHeight(0) >= needed(0)


def test_deliver_says_which_voice_read_each_video(sun, qtbot):
    """A video read by espeak says "guide voice" in Deliver's Voice column (warned, why in its tooltip); a video
    whose variant spoke through a neural voice names it plainly."""
    from studio.model import Deliverable, VoiceLine, VoiceRequest

    project = sun.doc.project
    th = next(v for v in project.variants if v.language == "th")
    vn = next(v for v in project.variants if v.language == "vi")

    def rendered(p: Project) -> None:
        for v, backend in ((th, "espeak:th"), (vn, "piper:vi_VN-vais1000-medium")):
            request = VoiceRequest(text=v.shots[0].voiceover, language=v.language, voice=backend.partition(":")[0])
            p.voice_lines.append(
                VoiceLine(
                    shot_id=v.shots[0].shot_id,
                    variant_id=v.id,
                    request=request,
                    asset="a.wav",
                    duration_s=1.0,
                    backend=backend,
                )
            )
            p.deliverables.append(
                Deliverable(
                    variant_id=v.id,
                    market=v.market,
                    language=v.language,
                    segment=v.segment,
                    aspect="9:16",
                    kind="video",
                    path=f"renders/{v.id}_9x16.mp4",
                )
            )

    sun.doc.edit("Render", ("voice_lines", "deliverables"), rendered)
    sun.go_to(6)
    deliver = sun.pages["deliver"]
    col = {name: i for i, name in enumerate(deliver.COLUMNS)}
    rows = {deliver.table.item(r, col["Variant"]).text(): r for r in range(deliver.table.rowCount())}
    robot = deliver.table.item(rows[th.id], col["Voice"])
    assert robot.text() == "espeak:th · guide voice"
    assert "publish" in robot.toolTip() and robot.foreground().color() == QColor("#c98a00")
    neural = deliver.table.item(rows[vn.id], col["Voice"])
    assert neural.text() == "piper:vi_VN-vais1000-medium" and "guide" not in neural.toolTip()
