"""Work that holds Python's GIL for seconds never runs on a thread of the window's process: the render's line check
(lingua loads its models for ~4 s without releasing the GIL) runs in a worker process, and the window keeps ticking
while it does."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from studio import paths
from studio.model import ProjectStore, load_brief


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    project = plan_project(load_brief(paths.sample_brief()), name="bepnha")
    ProjectStore(tmp_path / "bepnha").create(project)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.ops.project.open_project(tmp_path / "bepnha")
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def test_render_line_check_runs_in_a_worker_process(window, qtbot):
    submitted: list[dict[str, Any]] = []
    real = window.jobs.submit

    def spy(title: str, stage: Any, request: Any, **kw: Any) -> Any:
        submitted.append({"title": title, **kw})
        return real(title, stage, request, **kw)

    window.jobs.submit = spy  # type: ignore[method-assign]
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    from studio.ui.operations.render import PREVIEW_SCALE

    window.ops.render.render(scale=PREVIEW_SCALE)
    check = next(s for s in submitted if s.get("kind") == "render-check")
    assert check["lane"] == "process"
    qtbot.waitUntil(lambda: any(s.get("kind") in ("takes", "cut") for s in submitted), timeout=60_000)
    timer.stop()
    # the identifier loaded meanwhile (seconds) in the child: the window's timer was never held up for a second
    assert max(gaps) < 1.0, f"the event loop stalled {max(gaps):.2f} s while the lines were checked"
