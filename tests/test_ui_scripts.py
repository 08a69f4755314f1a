"""Every script the studio ships a font for draws in the app's tables without boxes, also in a market added while a
project is open (fonts once loaded only when a project opened, so Korean showed as boxes). This machine's system
fonts (DejaVu) have no Hangul, Thai or Devanagari: a missing font shows here as glyph 0 (.notdef, the box).

The project is a Brazilian cold-brew coffee brief; Korea, Thailand, India and Saudi Arabia are added in the app.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QTextLayout

from studio.model import Brief, MarketTarget, ProjectStore, Segment

SAMPLES = {
    "KR": ("ko", "한 잔이면 하루가 가볍다"),
    "TH": ("th", "กาแฟเย็นที่สดชื่นทุกวัน"),
    "IN": ("hi", "हर सुबह ठंडी कॉफ़ी"),
    "SA": ("ar", "قهوة باردة لكل صباح"),
}


def missing_glyphs(text: str, font: QFont) -> list[str]:
    """The characters of `text` that Qt draws as .notdef (a box) in `font`, its fallbacks included."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    drawn = [g for run in layout.glyphRuns() for g in run.glyphIndexes()]
    assert drawn, "nothing was laid out"
    return [text] if 0 in drawn else []


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    brief = Brief(
        brand="Grão Frio",
        product="Grão Frio cold brew",
        category="beverages",
        selling_points=["steeped for 18 hours", "no sugar added"],
        markets=[MarketTarget(code="BR", language="pt-BR")],
        segments=[Segment(id="runners", name="Morning runners", description="25-40")],
        duration_s=9,
    )
    ProjectStore(tmp_path / "p").create(plan_project(brief, name="grao-frio"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    assert win.ops.project.open_project(tmp_path / "p")
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def test_markets_added_while_a_project_is_open_draw_their_script(window, qtbot):
    from studio.ui import fonts

    window.go_to(0)
    page = window.pages["brief"]
    for code, (language, _text) in SAMPLES.items():
        page.markets.add_row([code, language])
    page.commit()
    assert [m.code for m in window.doc.project.brief.markets] == ["BR", *SAMPLES]
    qtbot.waitUntil(lambda: {"cjk", "thai", "devanagari", "arabic"} <= fonts.registered(), timeout=30_000)
    # the lines as the wall's line editor and the Voice & Cut table draw them, in their own fonts
    table_fonts = [window.page("variants").wall.lines.table.font(), window.page("cut").lines.font()]
    for code, (_language, text) in SAMPLES.items():
        for font in table_fonts:
            assert missing_glyphs(text, font) == [], f"{code}: boxes instead of {text}"
    # and the check can tell a box: a character no shipped font has
    assert missing_glyphs("\U000f0000", table_fonts[0]) == ["\U000f0000"]
