"""The stages a creator runs (plan, takes, voice, cut, export, demo), the same for the app and the CLI.

The contract, for every stage module here:
- a frozen request dataclass (carrying `settings: Settings` where it needs the machine's configuration);
- `LANE`: where the job queue runs it ("gpu": the one resident diffusion model, "process": a child process,
  "cpu": a thread);
- `run(request, *, on_progress=None, cancel=None) -> outcome`, which never saves project.json (it may write its own
  asset and render files inside the project, atomically);
- `apply(project, outcome) -> project`, pure merging by key into the *current* project (a render never replaces
  takes, picks or edits made while it ran). The CLI does load → run → apply → save; the app applies on the main
  thread as one undo step.

A render is a chain of stages (`studio.stages.render.plan_render`): the missing images on the GPU lane, then one cut
per variant on the process lane. Qt-free domain code the app shows lives here too: `status` (the flow's steps),
`quality`, `readiness`, `edits` (storyboard edits, picking a take).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use: the app's window imports `status` at start, before the schema loads
    from studio.model.stage import Lane
    from studio.stages.settings import Settings

__all__ = ["STAGES", "Lane", "Settings", "StageSpec", "lane_of", "stage"]


@dataclass(frozen=True)
class StageSpec:
    """What the job queue and the app need to know of a stage: its name (the job's kind), lane, run and apply."""

    name: str
    lane: Lane
    run: Callable[..., Any]
    apply: Callable[[Any, Any], Any]


_MODULES = (
    "cut",
    "demo",
    "edits",
    "export",
    "plan",
    "quality",
    "readiness",
    "render",
    "settings",
    "status",
    "takes",
    "voice",
)


@cache
def _stages() -> dict[str, StageSpec]:
    from studio.stages import cut, demo, export, plan, takes, voice

    return {
        "plan": StageSpec("plan", plan.LANE, plan.run, plan.apply),
        "takes": StageSpec("takes", takes.LANE, takes.run, takes.apply),
        "voice": StageSpec("voice", voice.LANE, voice.run, voice.apply),
        "cut": StageSpec("cut", cut.LANE, cut.run, cut.apply),
        "export": StageSpec("export", export.LANE, export.run, export.apply),
        "demo": StageSpec("demo", demo.LANE, demo.run, lambda project, outcome: project),
        "warm-up": StageSpec("warm-up", takes.WARM_UP_LANE, takes.warm_up, lambda project, outcome: project),
    }


def __getattr__(name: str) -> Any:
    """`STAGES`, `Settings`, `Lane` and the stage modules load when first asked for (PEP 562)."""
    if name == "STAGES":
        return _stages()
    if name == "Settings":
        from studio.stages.settings import Settings

        return Settings
    if name == "Lane":
        from studio.model.stage import Lane

        return Lane
    if name in _MODULES:
        return importlib.import_module(f"studio.stages.{name}")
    raise AttributeError(f"module 'studio.stages' has no attribute {name!r}")


def stage(name: str) -> StageSpec:
    try:
        return _stages()[name]
    except KeyError:
        raise KeyError(f"No stage {name!r}; known: {', '.join(_stages())}") from None


def lane_of(name: str) -> Lane:
    return stage(name).lane
