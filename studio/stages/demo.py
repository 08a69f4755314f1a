"""Demo: the sample brief, planned and rendered into a folder (videos and deliverables.json).

A chain like any other: plan → apply → save (a fresh project folder), then the render's steps. It runs through the
same `run_render` as `qianmian render`, so the demo shows exactly what the product does.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from studio import paths
from studio.model import ProjectStore
from studio.model.stage import CancelToken, Lane, ProgressFn, sub_progress
from studio.stages import plan as plan_stage
from studio.stages import render as render_stage
from studio.stages.settings import Settings

LANE: Lane = "cpu"


@dataclass(frozen=True)
class DemoRequest:
    out_dir: Path
    brief_path: Path | None = None
    settings: Settings = field(default_factory=Settings)


def run(
    request: DemoRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> render_stage.RenderResult:
    """Plan the sample brief into OUT/project and render every variant (drafts where a line or the length keeps one
    from being final, so the whole campaign shows, with what is left to do)."""
    project_dir = request.out_dir / "project"
    store = ProjectStore(project_dir)
    if store.project_file.exists():
        shutil.rmtree(project_dir / "autosave", ignore_errors=True)
    planned = plan_stage.run(
        plan_stage.PlanRequest(
            name="demo", brief_path=request.brief_path or paths.sample_brief(), settings=request.settings
        ),
        on_progress=sub_progress(on_progress, 0.0, 0.03),
        cancel=cancel,
    )
    project = plan_stage.apply(None, planned)
    store.create(project)
    render = render_stage.RenderRequest(
        project_dir=project_dir, out_dir=request.out_dir, draft=True, settings=request.settings
    )
    project, result = render_stage.run_render(
        project,
        render,
        on_progress=sub_progress(on_progress, 0.03, 1.0),
        cancel=cancel,
        on_applied=store.save,
    )
    return result
