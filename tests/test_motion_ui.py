"""The Images page's motion takes: Animate runs the stage on the GPU lane, the clips are listed, the shot list says
which shots move, Enter picks the clip the cut plays, "Use still" goes back (all undoable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from render_project import build_project
from tiny_video_models import TinyVideoModels, build_tiny_video_models

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def tiny_video(tmp_path_factory: pytest.TempPathFactory) -> TinyVideoModels:
    return build_tiny_video_models(tmp_path_factory.mktemp("video-models"))


class SyncOps:
    """The app's operations with the job runner run inline: the real `ops.takes.animate`, recording the lanes."""

    def __init__(self, doc: Any) -> None:
        from types import SimpleNamespace

        from studio.ui.operations.takes import TakeOps

        self.lanes: list[str] = []
        lanes = self.lanes

        class InlineTakes(TakeOps):
            def run_job(self, title: str, stage: Any, request: Any, *, lane: str = "cpu", **kw: Any) -> Any:
                lanes.append(lane)
                result = stage(request)
                kw["on_success"](result)
                return result

        shell = SimpleNamespace(doc=doc)
        self.takes = InlineTakes(shell, None, SimpleNamespace(save=lambda: True))  # type: ignore[arg-type]


def test_animate_lists_clips_marks_moving_shots_and_picks(
    qtbot: Any, tmp_path: Path, tiny_video: TinyVideoModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.model.motion import picked_motion
    from studio.ui.document import ProjectDocument
    from studio.ui.images_page import ImagesPage

    monkeypatch.setenv("QIANMIAN_VIDEO_MODELS", str(tiny_video.root))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-cache"))
    store = build_project(tmp_path / "p", duration_s=7.0)
    doc = ProjectDocument.open(store.root)
    page = ImagesPage()
    qtbot.addWidget(page)
    actions = SyncOps(doc)
    page.ops = actions  # type: ignore[assignment]
    page.set_document(doc)
    doc.changed.connect(page.refresh)  # as the main window, the one subscriber, does
    page.variant.setCurrentIndex(0)  # the master storyboard
    page.shots.setCurrentRow(1)
    panel = page.motion_panel
    models = [panel.model.itemText(i) for i in range(panel.model.count())]
    assert models == ["tiny-wan22-ti2v (wan22-ti2v)", "tiny-wan22-a14b (wan-a14b)"], "the default first, no LTX"
    assert panel.licence_button.isVisibleTo(page)
    assert "still with a camera move" in panel.status.text()

    from studio import motion_takes

    original = motion_takes.MotionTakesRequest

    def small(**kw: Any) -> Any:  # the panel asks for the model's own size; tiny sizes keep the test quick
        return original(**{**kw, "steps": 2, "fps": 8, "short_side": 32, "seconds": 1.0})

    monkeypatch.setattr("studio.motion_takes.MotionTakesRequest", small)
    panel.candidates.setValue(2)
    panel.animate_button.click()
    assert actions.lanes == ["gpu"]
    takes = doc.project.motion_takes
    assert [t.shot_id for t in takes] == ["s2", "s2"] and panel.clips.count() == 2
    assert "▶ moves" in page.shots.item(1).text() and "moves" not in page.shots.item(0).text()
    assert "✓ in the cut" in panel.clips.item(1).text(), "the newest plays until one is picked"

    panel.pick(takes[0].id)
    assert [t.id for t in picked_motion(doc.project, "s2", None)] == [takes[0].id]
    assert "✓ in the cut" in panel.clips.item(0).text()
    panel.still_button.click()
    assert doc.project.motion_takes == [] and panel.clips.count() == 0
    doc.undo_stack.undo()
    assert len(doc.project.motion_takes) == 2, "undo brings the clips back"


def test_animate_in_the_window_runs_on_the_gpu_lane(
    qtbot: Any, tmp_path: Path, tiny_video: TinyVideoModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio import motion_takes
    from studio.ui.main_window import MainWindow

    monkeypatch.setenv("QIANMIAN_VIDEO_MODELS", str(tiny_video.root))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-cache"))
    original = motion_takes.MotionTakesRequest
    monkeypatch.setattr(
        motion_takes,
        "MotionTakesRequest",
        lambda **kw: original(**{**kw, "steps": 2, "fps": 8, "short_side": 32, "seconds": 1.0}),
    )
    store = build_project(tmp_path / "p", duration_s=7.0)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.ops.project.open_project(store.root)
    try:
        win.go_to(4)
        page = win.page("images")
        page.variant.setCurrentIndex(0)
        page.shots.setCurrentRow(0)
        job = page.motion_panel.animate(regenerate=False)
        assert job is not None and job.lane == "gpu"
        qtbot.waitUntil(lambda: win.jobs.settled(), timeout=60_000)
        assert [j.error for j in win.jobs.jobs if j.state == "failed"] == []
        assert [t.shot_id for t in win.doc.project.motion_takes] == ["s1"]
        assert "▶ moves" in page.shots.item(0).text() and page.motion_panel.clips.count() == 1
        assert len(store.load().motion_takes) == 1, "saved with the project"
    finally:
        win.doc.undo_stack.setClean()
        win.jobs.shutdown()
