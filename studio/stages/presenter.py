"""Presenter: a variant's presenter shots lip-synced to its own voice-over line, on the GPU lane. Never saves.

`run` makes (or reuses) one presenter take per shot (`studio.presenter_takes.generate_presenter_take`: the clip and
the portrait are written into the project's assets) and returns them; `apply` merges them into the current project
(`merge_presenter_take`: picked for its shot, with the voice recording the lips follow), so a pick or an edit made
while the model ran stays. Who presents: the portrait the request gives, else the market's photo from the brief's
`[presenter]` table (with the brief's consent note), else a presenter drawn from the variant shot's cast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.model import Project, ProjectError, ProjectStore, Take
from studio.model.stage import CancelToken, Lane, ProgressFn, check, report, sub_progress
from studio.stages.settings import Settings

LANE: Lane = "gpu"


@dataclass(frozen=True)
class PresenterTakesRequest:
    """Which variant's presenter shots to lip-sync, from which portrait, with which model folder."""

    project_dir: Path
    variant_id: str
    shot_ids: tuple[str, ...] = ()
    """No shot ids: the storyboard's presenter shots."""
    aspect: str = ""
    """"": the brief's first aspect ratio."""
    model: str | None = None
    """A lip-sync model folder; None: the first found in the settings' model folders, then where the studio looks."""
    portrait: Path | None = None
    """A photo of the presenter for this variant; None: the brief's photo for the market, else one drawn."""
    consent: str = ""
    """With a portrait: who agreed to their likeness being used (kept with the take); "" with the brief's photo
    takes the brief's consent note."""
    use_motion: bool = True
    """Drive the shot's motion take (head movement) when it has one, else the still."""
    settings: Settings = field(default_factory=Settings)
    """Model folders and the device the lip-sync runs on."""


@dataclass(frozen=True)
class PresenterOutcome:
    takes: tuple[Take, ...]
    """One presenter take per shot asked for, new or reused."""


def presenter_shots(project: Project, shot_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The shots asked for, else the storyboard's presenter shots; an error says how to mark one."""
    shots = shot_ids or tuple(s.id for s in (project.storyboard.shots if project.storyboard else []) if s.presenter)
    if not shots:
        raise ProjectError(
            "No shot given and the storyboard has no presenter shots.",
            'Name a shot, or add [presenter] beats = ["hook"] to the brief and plan again (or mark a shot as '
            "presenter to camera).",
        )
    return shots


def run(
    request: PresenterTakesRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> PresenterOutcome:
    """Make (or reuse) the presenter takes; assets are written, project.json is not touched."""
    from pipelines.presenter.registry import find_lipsync
    from studio.planning.presenter import market_portrait
    from studio.presenter_takes import PresenterRequest, generate_presenter_take

    store = ProjectStore(request.project_dir)
    project = store.load()
    try:
        variant = project.variant(request.variant_id)
    except KeyError as e:
        known = ", ".join(v.id for v in project.variants) or "none"
        raise ProjectError(f"The project has no variant {request.variant_id!r}.", f"Known variants: {known}.") from e
    shots = presenter_shots(project, request.shot_ids)
    report(on_progress, 0.0, "Finding the lip-sync model")
    model = request.model or str(find_lipsync(None, request.settings.model_folders).path)
    portrait, consent = request.portrait, request.consent
    if portrait is None and (asset := market_portrait(project, variant.market)) is not None:
        portrait = store.asset_path(asset, f"brief.presenter.portraits.{variant.market}.asset")
        consent = consent or (project.brief.presenter.consent if project.brief.presenter else "")
    device = None if request.settings.device == "auto" else request.settings.device
    takes: list[Take] = []
    for i, shot in enumerate(shots):
        check(cancel)
        step = sub_progress(on_progress, i / len(shots), (i + 1) / len(shots))
        report(step, 0.0, f"Presenter {variant.id}/{shot}")
        take = generate_presenter_take(
            PresenterRequest(
                project_dir=request.project_dir,
                variant_id=variant.id,
                shot_id=shot,
                aspect=request.aspect or (project.brief.aspect_ratios[:1] or ["9:16"])[0],
                model=model,
                portrait=portrait,
                consent=consent,
                use_motion=request.use_motion,
                device=device,
            ),
            on_progress=step,
            cancel=cancel,
        )
        takes.append(take)
    report(on_progress, 1.0, f"{len(takes)} presenter take(s) for {variant.id}")
    return PresenterOutcome(takes=tuple(takes))


def apply(project: Project, outcome: PresenterOutcome) -> Project:
    """Each take joins the current project, picked for its shot, with the voice line its lips follow."""
    from studio.presenter_takes import merge_presenter_take

    for take in outcome.takes:
        merge_presenter_take(project, take)
    return project
