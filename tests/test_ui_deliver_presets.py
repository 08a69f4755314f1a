"""Deliver's platform presets: tick where the ads run, read what to render, write it into the brief as one undo
step; each rendered file is held against the chosen platforms in its row; Show in folder says why when it can't.

The brief: a Japanese matcha-latte kit for Japan, 12 s, 9:16 only, with a 16:9 cut-down already rendered.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from test_ui_honesty import fake_mp4

from studio.model import Brief, Deliverable, MarketTarget, ProjectStore, Segment


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    brief = Brief(
        brand="Midori Ya",
        product="Midori Ya matcha latte kit",
        category="beverages",
        selling_points=["stone-ground Uji matcha", "whisk included"],
        markets=[MarketTarget(code="JP", language="ja")],
        segments=[Segment(id="students", name="University students", description="18-23")],
        duration_s=12,
    )
    root = tmp_path / "midori"
    project = plan_project(brief, name="midori")
    ProjectStore(root).create(project)
    v = project.variants[0]
    for aspect, size, seconds in (("9:16", (1080, 1920), 12.0), ("16:9", (1920, 1080), 12.0)):
        rel = f"renders/{v.id}_{aspect.replace(':', 'x')}.mp4"
        fake_mp4(root / rel, *size)
        project.deliverables.append(
            Deliverable(
                variant_id=v.id,
                market=v.market,
                language=v.language,
                segment=v.segment,
                aspect=aspect,
                kind="video",
                path=rel,
                duration_s=seconds,
            )
        )
    ProjectStore(root).save(project)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    assert win.ops.project.open_project(root)
    win.go_to(6)
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def check_of(page, aspect: str) -> str:
    col = {name: i for i, name in enumerate(page.COLUMNS)}
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, col["Aspect"]).text() == aspect)
    item = page.table.item(row, col["Check"])
    return f"{item.text()}\n{item.toolTip()}"


def test_platform_preset_says_what_to_render_and_goes_into_the_brief(window, qtbot):
    page = window.pages["deliver"]
    presets = page.presets
    assert presets.isVisible() and presets.list.count() >= 6
    names = [presets.list.item(i).text() for i in range(presets.list.count())]
    assert "TikTok (in-feed ads)" in names and any("抖音" in n for n in names)
    assert not presets.apply_button.isEnabled() and "No platform ticked" in presets.summary.text()
    assert "not accepted" not in check_of(page, "16:9")

    presets.set_chosen(["instagram-reels", "youtube-shorts"])
    assert presets.summary.text().startswith("Render 9:16 ·")
    assert "the brief's 12 s" in presets.summary.text()
    presets.set_chosen(["instagram-reels", "youtube-instream"])
    assert presets.aspects() == ["9:16", "16:9"]
    assert presets.apply_button.isEnabled()

    steps = window.doc.undo_stack.count()
    qtbot.mouseClick(presets.apply_button, Qt.MouseButton.LeftButton)
    brief = window.doc.project.brief
    assert brief.platforms == ["instagram-reels", "youtube-instream"] and brief.aspect_ratios == ["9:16", "16:9"]
    assert window.doc.undo_stack.count() == steps + 1 and not presets.apply_button.isEnabled()
    # Reels takes 9:16 only: the 16:9 file's row says so; the 9:16 file is fine for both
    assert "Instagram Reels ads: 16:9 not accepted" in check_of(page, "16:9")
    assert "not accepted" not in check_of(page, "9:16")
    # the wall offers the new aspect
    window.go_to(3)
    wall = window.pages["variants"].wall
    assert [wall.aspect.itemText(i) for i in range(wall.aspect.count())] == ["9:16", "16:9"]

    window.ops.project.undo()
    window.go_to(6)
    assert window.doc.project.brief.platforms == [] and window.doc.project.brief.aspect_ratios == ["9:16"]
    assert presets.chosen() == [] and "not accepted" not in check_of(page, "16:9")


def test_a_length_no_platform_takes_is_said(window):
    presets = window.pages["deliver"].presets
    presets.set_chosen(["youtube-shorts"])
    window.doc.edit("Longer", ("brief",), lambda p: setattr(p.brief, "duration_s", 75))
    assert presets.chosen() == ["youtube-shorts"], "a tick not applied yet survives an edit of the brief"
    assert "⚠ the brief's 75 s is outside" in presets.summary.text()


def test_show_in_folder_without_a_file_manager_says_why(window, qtbot, monkeypatch):
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    page = window.pages["deliver"]
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    bar = window.notifications
    assert not bar.isHidden() and "xdg-open" in bar.label.text() and "folders" in bar.label.text()
