"""The walking skeleton of the studio window: open the demo project, see it, render in the background, stop."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio import paths
from studio.jobs import JobState
from studio.model import ProjectStore, load_brief
from studio.model.stage import check, report


def make_demo_project(folder: Path) -> Path:
    """The sample brief planned into a project folder (the same plan `qianmian demo` starts from)."""
    from studio.planning import plan_project

    project = plan_project(load_brief(paths.sample_brief()), name="demo")
    ProjectStore(folder).create(project)
    return folder


def real_render_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("studio.render.variant", "studio.takes"))


def slow_stage(request, *, on_progress=None, cancel=None):
    """Stands in for a long stage: reports progress and stops at the next check when cancelled."""
    for i in range(600):
        check(cancel)
        report(on_progress, i / 600, f"frame {i}")
        time.sleep(0.01)
    return request


@pytest.fixture
def window(qtbot):
    from studio.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.jobs.shutdown()


def test_open_demo_project_render_and_stop(window, qtbot, tmp_path, test_output):
    folder = make_demo_project(tmp_path / "demo")
    assert window.ops.project.open_project(folder)
    project = window.doc.project

    assert window.pages["brief"].brand.text() == project.brief.brand
    board = window.pages["storyboard"].board
    assert board.count() == len(project.storyboard.shots)
    assert not board.item(0).icon().isNull()
    matrix = window.pages["variants"].matrix
    cells = {
        matrix.item(r, c).text().splitlines()[0] for r in range(matrix.rowCount()) for c in range(matrix.columnCount())
    }
    assert cells == {v.name for v in project.variants}
    assert window.steps.item(2).text().startswith("✓")  # storyboard planned
    assert window.steps.item(6).text().startswith("○")  # nothing delivered yet

    if not real_render_available():
        window.ops.render.stand_ins.update(takes=slow_stage, cut=slow_stage)
    window.go_to(2)
    run = window.ops.render.render(scale=0.25)
    assert run is not None
    qtbot.waitUntil(lambda: run.first is not None, timeout=30_000)  # the lines are checked first, off the UI thread
    job = run.first
    assert job.kind == "takes" and job.lane == "process", "the missing frames are drawn first, in a worker process"
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING and job.fraction > 0, timeout=30_000)
    qtbot.waitUntil(lambda: window.progress.isVisible() and window.jobs_dock.stop_button.isEnabled(), timeout=5_000)
    assert window.jobs_dock.model.rowCount() == 1
    shots = test_output / "ui"
    shots.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(shots / "skeleton-rendering.png"))

    qtbot.mouseClick(window.jobs_dock.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state is JobState.CANCELLED, timeout=60_000)
    qtbot.waitUntil(lambda: not window.progress.isVisible(), timeout=5_000)
    assert "Cancelled" in window.jobs_dock.model.data(window.jobs_dock.model.index(0, 1))
    assert not window.jobs_dock.stop_button.isEnabled()
    qtbot.waitUntil(lambda: run.ended, timeout=5_000)
    assert len(run.jobs) == 1, "no cut starts after the images were stopped"
    assert not list((folder / "renders").glob("**/*.mp4")), "a stopped render must not leave a video behind"
    assert ProjectStore(folder).load().deliverables == []


def test_a_folder_that_is_not_a_project_is_explained(window, tmp_path):
    assert not window.ops.project.open_project(tmp_path)
    title, text = window.notifications.history[-1]
    assert title == "Could not open the project"
    assert "not a Qianmian project" in text and "project.json" in text
    (tmp_path / "project.json").write_text('{"name": "x", "brief": {"brand": 1}', encoding="utf-8")
    assert not window.ops.project.open_project(tmp_path)
    assert "cannot be read" in window.notifications.history[-1][1]
    assert (tmp_path / "project.json").read_text(encoding="utf-8").startswith('{"name"'), "nothing is changed"
    assert window.doc is None and window.stack.currentWidget() is window.welcome


def test_a_refused_render_is_a_notification_listing_the_lines(window, qtbot, tmp_path):
    """The app renders through the same gate as the CLI; what it refused is listed, line by line, in a notification."""
    folder = make_demo_project(tmp_path / "demo")
    project = ProjectStore(folder).load()
    variant = next(v for v in project.variants if v.language == "th")
    line = "Humid nights call for a lighter serum that never feels heavy on the skin."
    variant.shots[1].voiceover = line  # the English master line where Thai belongs
    variant.shots[1].overrides["voiceover"] = line
    ProjectStore(folder).save(project)
    assert window.ops.project.open_project(folder)
    seen: list[tuple[str, str]] = []
    window.notify = lambda title, text, actions=(): seen.append((title, text))
    vid = variant.id
    run = window.ops.render.render(variant_ids=(vid,))  # a final render of an untranslated variant: refused
    assert run is not None
    qtbot.waitUntil(lambda: run.ended, timeout=30_000)
    assert not run.jobs and window.jobs_dock.model.rowCount() == 0, "nothing is queued for a refused variant"
    assert len(seen) == 1
    title, text = seen[0]
    assert "not rendered" in title or "No variant" in title
    assert vid in text and "lighter serum" in text
