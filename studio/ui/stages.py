"""Job functions the app runs in the background. Each imports its heavy stage only when it runs.

They follow the stage contract (request, *, on_progress, cancel) and return plain data; the window merges the
result into the project on the main thread. Nothing here touches a widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio import paths
from studio.model import Brief, Project, VoiceRequest
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress


@dataclass(frozen=True)
class PlanBriefRequest:
    brief: Brief
    name: str


def plan_brief(
    request: PlanBriefRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Project:
    """Brief → personas, insights, storyboard and variants (the offline planner or the configured LLM)."""
    from studio.planning import plan_project

    return plan_project(request.brief, name=request.name, on_progress=on_progress, cancel=cancel)


@dataclass(frozen=True)
class PlanScriptRequest:
    script_path: Path
    brief: Brief | None
    name: str


def plan_script_stage(
    request: PlanScriptRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Project:
    """Script (+ the open project's brief for what its title page lacks) → the plan; what `qianmian plan SCRIPT`
    runs too."""
    from studio.planning.script import plan_script, read_script

    return plan_script(
        read_script(request.script_path),
        request.brief,
        filename=str(request.script_path),
        name=request.name,
        on_progress=on_progress,
        cancel=cancel,
    )


@dataclass(frozen=True)
class RenderOutcome:
    """What the render job hands the window: the workflow's result and the project it saved, read on the worker."""

    result: Any
    project: Project


def render_stage(request: Any, *, on_progress: Any = None, cancel: Any = None) -> Any:
    """The render, imported only when it runs (it pulls in the video stack); also reads back the project it saved,
    here on the worker, so the UI thread only merges."""
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


def make_takes(
    request: MakeTakesRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> list[Any]:
    """Image candidates for some shots; returns Takes (assets are in the store, project.json is not touched)."""
    from studio.takes import TakesRequest, generate_takes

    known = set(getattr(TakesRequest, "model_fields", None) or getattr(TakesRequest, "__dataclass_fields__", {}))
    wanted = {
        "project_dir": request.project_dir,
        "variant_ids": request.variant_ids,
        "shot_ids": request.shot_ids,
        "aspect": request.aspect,
        "candidates": request.candidates,
        "seed": request.seed,
        **request.options,
    }
    kwargs = {k: v for k, v in wanted.items() if k in known and v is not None} if known else wanted
    report(on_progress, 0.0, "Starting the image backend")
    return generate_takes(TakesRequest(**kwargs), on_progress=on_progress, cancel=cancel)


@dataclass(frozen=True)
class VoicePreviewRequest:
    voice: VoiceRequest
    out_dir: Path | None = None


@dataclass(frozen=True)
class VoicePreview:
    path: Path
    duration_s: float
    backend: str


def preview_voice(
    request: VoicePreviewRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> VoicePreview:
    """Speak one line to a WAV file the player can open."""
    import soundfile as sf

    from pipelines.voice import synthesize

    speech = synthesize(request.voice, on_progress=sub_progress(on_progress, 0.0, 0.9), cancel=cancel)
    check(cancel)
    folder = request.out_dir or paths.cache_dir() / "voice-preview"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{request.voice.key()[:16]}.wav"
    tmp = path.with_suffix(".partial.wav")
    sf.write(tmp, speech.samples, speech.sample_rate, subtype="PCM_16")
    tmp.replace(path)
    report(on_progress, 1.0, f"{speech.duration_s:.1f} s ({speech.backend})")
    return VoicePreview(path=path, duration_s=speech.duration_s, backend=speech.backend)


@dataclass(frozen=True)
class WarmUpRequest:
    model: str


def warm_up_image_model(
    request: WarmUpRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> str:
    """Load torch, diffusers and the project's image model on the GPU lane while the creator reads the storyboard,
    so the first Generate does not wait for them. The model stays resident for the takes that follow."""
    from pipelines.image.generator import generator
    from pipelines.image.registry import find_model

    report(on_progress, 0.0, f"Loading {request.model}")
    check(cancel)
    info = find_model(request.model)
    generator().load(info)
    report(on_progress, 1.0, f"{request.model} is ready")
    return request.model
