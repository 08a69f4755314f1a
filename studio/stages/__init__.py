"""The stages a creator runs (plan, takes, voice, cut, export, demo, presenter), the same for the app and the CLI.

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

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the package itself stays light: the window imports `status` before the schema loads
    from studio.model.stage import Lane
    from studio.stages.settings import Settings

    STAGES: dict[str, StageSpec]

__all__ = ["STAGES", "Lane", "Settings", "StageSpec", "lane_of", "stage"]


@dataclass(frozen=True)
class StageSpec:
    """What the job queue and the app need to know of a stage: its name (the job's kind), lane, run and apply."""

    name: str
    lane: Lane
    run: Callable[..., Any]
    apply: Callable[[Any, Any], Any]


_REGISTRY: dict[str, StageSpec] = {}


def _registry() -> dict[str, StageSpec]:
    """The stages by name, imported on first use (each stage module imports the schema)."""
    if not _REGISTRY:
        from studio.stages import cut, demo, export, plan, presenter, takes, voice

        _REGISTRY.update(
            {
                "plan": StageSpec("plan", plan.LANE, plan.run, plan.apply),
                "takes": StageSpec("takes", takes.LANE, takes.run, takes.apply),
                "voice": StageSpec("voice", voice.LANE, voice.run, voice.apply),
                "cut": StageSpec("cut", cut.LANE, cut.run, cut.apply),
                "export": StageSpec("export", export.LANE, export.run, export.apply),
                "demo": StageSpec("demo", demo.LANE, demo.run, _unchanged),
                "warm-up": StageSpec("warm-up", takes.WARM_UP_LANE, takes.warm_up, _unchanged),
                "presenter": StageSpec("presenter", presenter.LANE, presenter.run, presenter.apply),
            }
        )
    return _REGISTRY


def _unchanged(project: Any, outcome: Any) -> Any:
    """For stages whose outcome changes nothing in the project (the demo makes its own; a warm-up none)."""
    return project


def __getattr__(name: str) -> Any:
    if name == "STAGES":
        return _registry()
    if name == "Settings":
        from studio.stages.settings import Settings

        return Settings
    if name == "Lane":
        from studio.model.stage import Lane

        return Lane
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def stage(name: str) -> StageSpec:
    try:
        return _registry()[name]
    except KeyError:
        raise KeyError(f"No stage {name!r}; known: {', '.join(_registry())}") from None


def lane_of(name: str) -> Lane:
    return stage(name).lane
