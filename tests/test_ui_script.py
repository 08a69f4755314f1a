"""File → Import script…: a script planned into the open project as one undo step, through the CLI's planner."""

from __future__ import annotations

from pathlib import Path

import pytest

SCRIPT = """Title: Quiet Hours
Brand: Lumen
Product: Sleep Mask
Category: home
Markets: TH, ID

INT. BEDROOM - NIGHT

WIDE on a city bedroom, the street light leaking through thin curtains.

NARRATOR (V.O.)
The city never switches off.

INT. BEDROOM - LATER

[[CLOSE ON the mask slipping over her eyes]]

NARRATOR (V.O.)
Lumen blocks every last glow.

INT. BEDROOM - MORNING

She wakes rested as the alarm rings.

NARRATOR (V.O.)
Sleep like the lights went out.
"""


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.ops.project.new_project(tmp_path / "project")
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def test_import_script_plans_the_open_project(window, qtbot, tmp_path: Path) -> None:
    script = tmp_path / "quiet-hours.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    doc = window.doc
    assert doc.project.storyboard is None
    menu_texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Import script…" in menu_texts and window.import_script_action.isEnabled()

    job = window.ops.plan.import_script(script)
    qtbot.waitUntil(lambda: doc.project.storyboard is not None, timeout=30_000)
    assert job.state.value == "finished"
    board = doc.project.storyboard
    assert [s.voiceover for s in board.shots] == [
        "The city never switches off.",
        "Lumen blocks every last glow.",
        "Sleep like the lights went out.",
    ]
    assert board.shots[1].framing == "close-up"
    # The title page wins over the starter brief; the starter brief's length sets the cut's length.
    assert doc.project.brief.brand == "Lumen" and doc.project.brief.category == "home"
    assert sum(s.duration_s for s in board.shots) == pytest.approx(doc.project.brief.duration_s, abs=0.01)
    assert {v.market for v in doc.project.variants} == {"TH", "ID"}
    assert window.pages["brief"].brand.text() == "Lumen"
    assert window.pages["storyboard"].board.count() == 3
    assert doc.undo_stack.undoText() == "Import script"
    window.ops.project.undo()
    assert doc.project.storyboard is None and doc.project.brief.brand == "Your brand"


def test_a_script_with_no_scenes_fails_with_a_reason_and_changes_nothing(window, qtbot, tmp_path: Path) -> None:
    script = tmp_path / "notes.txt"
    script.write_text("Brand: Lumen\nMarkets: TH\n\n\n", encoding="utf-8")
    job = window.ops.plan.import_script(script)
    qtbot.waitUntil(lambda: job.state.value in ("finished", "failed"), timeout=30_000)
    assert job.state.value == "failed"
    assert "has no scenes" in job.error and "notes.txt" in job.error
    assert window.doc.project.storyboard is None and window.doc.project.brief.brand == "Your brand"
