"""Compatibility layer: the project-level calls older code and tests use, now made of `studio.stages`.

Each call does load → run → apply → save with the stages (which never save by themselves). New code uses
`studio.stages` directly; the CLI does too. Settings left at their defaults are read from the environment here (the
CLI's way), so scripts that set QIANMIAN_* keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from studio.model import ProjectError, ProjectStore
from studio.model.stage import CancelToken, ProgressFn, sub_progress
from studio.stages import plan as plan_stage
from studio.stages.demo import DemoRequest
from studio.stages.render import (
    RenderRequest,
    RenderResult,
    deliverable_file,
    run_render,
    write_manifest,
)
from studio.stages.settings import Settings

__all__ = [
    "DemoRequest",
    "PlanRequest",
    "RenderRequest",
    "RenderResult",
    "deliverable_file",
    "demo",
    "plan",
    "render",
    "write_manifest",
]


def settings_or_environment(settings: Settings) -> Settings:
    """Default settings mean "not given": the CLI's environment (and nothing else) fills them."""
    return Settings.from_environment() if settings == Settings() else settings


@dataclass(frozen=True)
class PlanRequest:
    brief_path: Path | None
    out_dir: Path
    name: str | None = None
    overwrite: bool = False
    script_path: Path | None = None
    """A Fountain or plain-text script to plan from; `brief_path` (optional then) fills what its title page lacks."""
    settings: Settings = field(default_factory=Settings)


def plan(request: PlanRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Path:
    """Brief file → project folder (insights, storyboard, variants). Refuses to overwrite unless asked."""
    store = ProjectStore(request.out_dir)
    if store.exists() and not request.overwrite:
        raise ProjectError(
            f"{request.out_dir} already holds a project.",
            "Choose another folder, or pass --force to replace its plan (images and renders are kept).",
        )
    outcome = plan_stage.run(
        plan_stage.PlanRequest(
            name=plan_stage.project_name(request.name, request.out_dir),
            brief_path=request.brief_path,
            script_path=request.script_path,
            settings=settings_or_environment(request.settings),
        ),
        on_progress=on_progress,
        cancel=cancel,
    )
    store.create(plan_stage.apply(None, outcome))
    return request.out_dir


def render(
    request: RenderRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> RenderResult:
    """Project → images for every shot that lacks one → one MP4 + SRT + VTT per variant and aspect; saved."""
    store = ProjectStore(request.project_dir)
    request = replace(request, settings=settings_or_environment(request.settings))
    _, result = run_render(store.load(), request, on_progress=on_progress, cancel=cancel, on_applied=store.save)
    return result


def demo(
    request: DemoRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> RenderResult:
    """The sample brief, planned and rendered: videos and deliverables.json in `out_dir`."""
    from studio.stages import demo as demo_stage

    request = replace(request, settings=settings_or_environment(request.settings))
    return demo_stage.run(request, on_progress=sub_progress(on_progress, 0.0, 1.0), cancel=cancel)
