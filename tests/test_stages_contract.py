"""The stage contract: every stage declares its lane, the queue reads it, and one builder makes voice requests."""

from __future__ import annotations

import inspect
from pathlib import Path

from render_project import build_project

from studio.jobs import JobQueue
from studio.stages import STAGES, StageSpec, lane_of


def test_every_stage_declares_a_lane_and_never_takes_a_store() -> None:
    assert {name: spec.lane for name, spec in STAGES.items()} == {
        "plan": "cpu",
        "takes": "gpu",
        "voice": "cpu",
        "cut": "process",
        "export": "cpu",
        "demo": "cpu",
        "warm-up": "gpu",
        "presenter": "gpu",
    }
    for spec in STAGES.values():
        params = inspect.signature(spec.run).parameters
        assert list(params)[1:] == ["on_progress", "cancel"], spec.name
    assert lane_of("takes") == "gpu"


def test_the_queue_runs_a_stage_on_its_lane_as_a_job_of_its_kind() -> None:
    def shout(request: str, *, on_progress: object = None, cancel: object = None) -> str:
        return request.upper()

    queue = JobQueue(cpu_workers=1)
    try:
        job = queue.submit_stage(StageSpec("shout", "gpu", shout, lambda p, o: p), "xin chào", title="Shout")
        assert job.wait(timeout=10) == "XIN CHÀO"
        assert (job.kind, job.lane, job.title) == ("shout", "gpu", "Shout")
    finally:
        queue.shutdown()


def test_the_voice_preview_asks_for_what_the_render_speaks(tmp_path: Path) -> None:
    """A Vietnamese variant with the voice chosen for "vi": preview and render both use it, at the fitted speed."""
    from studio.render.timing import line_voice_request
    from studio.stages.settings import Settings
    from studio.stages.voice import voice_request_for

    store = build_project(tmp_path / "proj", language="vi-VN", variant_id="vi-snack")
    project = store.load()
    project.settings.voices = {"vi": "espeak:vi"}
    variant = project.variant("vi-snack")
    variant.shot("s1").voiceover, variant.shot("s1").speech_rate = "Bánh tráng giòn tan.", 1.1
    preview = voice_request_for(project, "vi-snack", "s1")
    assert preview == line_voice_request(project, variant, variant.shot("s1"))
    assert preview.voice == "espeak:vi" and preview.rate == 1.1

    # A default voice from the settings counts where the project chooses none; the project's own choice wins.
    project.settings.voices = {}
    assert voice_request_for(project, "vi-snack", "s1", Settings(voices=(("vi", "piper:vi-x"),))).voice == "piper:vi-x"
    project.settings.voices = {"vi-VN": "espeak:vi"}
    assert voice_request_for(project, "vi-snack", "s1", Settings(voices=(("vi", "piper:vi-x"),))).voice == "espeak:vi"
