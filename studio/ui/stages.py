"""Compatibility names for the app's background jobs, now made of `studio.stages` (the same stages as the CLI).

New code calls `studio.stages.<stage>.run` with a request carrying `Settings` and merges with `.apply`; these wrappers
keep older callers working. Without settings they use the environment (what the app used to hand the core).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.model import Brief, Project, VoiceRequest
from studio.model.stage import CancelToken, ProgressFn
from studio.stages.settings import Settings
from studio.stages.takes import WarmUpRequest as _WarmUp
from studio.stages.voice import VoicePreview


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else Settings.from_environment()


@dataclass(frozen=True)
class PlanBriefRequest:
    brief: Brief
    name: str
    settings: Settings | None = None


def plan_brief(
    request: PlanBriefRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Project:
    """Brief → personas, insights, storyboard and variants (the offline planner or the configured LLM)."""
    from studio.stages import plan

    req = plan.PlanRequest(request.name, brief=request.brief, settings=_settings(request.settings))
    return plan.run(req, on_progress=on_progress, cancel=cancel).project


@dataclass(frozen=True)
class PlanScriptRequest:
    script_path: Path
    brief: Brief | None
    name: str
    settings: Settings | None = None


def plan_script_stage(
    request: PlanScriptRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Project:
    """Script (+ the open project's brief for what its title page lacks) → the plan."""
    from studio.stages import plan

    req = plan.PlanRequest(
        request.name, brief=request.brief, script_path=request.script_path, settings=_settings(request.settings)
    )
    return plan.run(req, on_progress=on_progress, cancel=cancel).project


@dataclass(frozen=True)
class RenderOutcome:
    """What the render job hands the window: the workflow's result and the project it saved, read on the worker."""

    result: Any
    project: Project


def render_stage(request: Any, *, on_progress: Any = None, cancel: Any = None) -> Any:
    """The whole render chain, saved (the older path; the app now submits `plan_render`'s steps itself)."""
    from studio.model import ProjectStore
    from studio.workflow import render

    result = render(request, on_progress=on_progress, cancel=cancel)
    return RenderOutcome(result=result, project=ProjectStore(request.project_dir).load())


@dataclass(frozen=True)
class MakeTakesRequest:
    project_dir: Path
    variant_ids: tuple[str | None, ...]
    shot_ids: tuple[str, ...]
    aspect: str
    candidates: int = 1
    seed: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    settings: Settings | None = None


def make_takes(
    request: MakeTakesRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> list[Any]:
    """Image candidates for some shots; returns Takes (assets are in the store, project.json is not touched)."""
    from studio.stages import takes

    options = dict(request.options)
    flags = {k: bool(options.pop(k)) for k in ("regenerate", "lock_seed") if k in options}
    req = takes.TakesRequest(
        project_dir=request.project_dir,
        variant_ids=request.variant_ids,
        shot_ids=request.shot_ids,
        aspect=request.aspect,
        candidates=request.candidates,
        seed=request.seed,
        options=options,
        settings=_settings(request.settings),
        **flags,
    )
    return list(takes.run(req, on_progress=on_progress, cancel=cancel).takes)


@dataclass(frozen=True)
class VoicePreviewRequest:
    voice: VoiceRequest
    out_dir: Path | None = None


def preview_voice(
    request: VoicePreviewRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> VoicePreview:
    """Speak one line to a WAV file the player can open."""
    from studio.stages import voice

    req = voice.VoicePreviewRequest(voice=request.voice, out_dir=request.out_dir)
    return voice.run(req, on_progress=on_progress, cancel=cancel)


@dataclass(frozen=True)
class WarmUpRequest:
    model: str
    settings: Settings | None = None


def warm_up_image_model(
    request: WarmUpRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> str:
    """Load the project's image model on the GPU lane; it stays resident for the takes that follow."""
    from studio.stages import takes

    req = _WarmUp(request.model, settings=_settings(request.settings))
    return takes.warm_up(req, on_progress=on_progress, cancel=cancel)
