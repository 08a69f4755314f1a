"""Takes: image candidates for shots, on the GPU lane (the one resident diffusion model). Never saves project.json.

`run` writes the image assets (content-addressed, atomic) and returns the takes; `apply` adds them to the current
project by request key, so takes and picks the creator made meanwhile stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.model import Project, ProjectStore, Take
from studio.model.stage import CancelToken, Lane, ProgressFn, check, report, sub_progress
from studio.stages.settings import Settings

if TYPE_CHECKING:
    from pipelines.image import Placement
    from studio.takes import TakesRequest as GenerateRequest

LANE: Lane = "gpu"


@dataclass(frozen=True)
class TakesRequest:
    """Which shots get images (variant ids: None is the master storyboard; no shot ids: every shot)."""

    project_dir: Path
    variant_ids: tuple[str | None, ...] = (None,)
    shot_ids: tuple[str, ...] = ()
    aspect: str = "9:16"
    candidates: int = 1
    seed: int | None = None
    regenerate: bool = False
    lock_seed: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    """Other `studio.takes.TakesRequest` fields (model, steps, strength, loras, reference_image, batch_size,
    aspects...); or `try_on`: a `studio.tryon_takes.TryOn`, for the garment on the talent of each shot asked for
    (apparel briefs)."""
    settings: Settings = field(default_factory=Settings)
    """Model folders, device and CPU threads the images are made with."""
    project: Project | None = None
    """The project as the caller has it now (a render's chain passes its snapshot); None reads project.json."""


def lane_for(request: TakesRequest) -> Lane:
    """Where a takes job runs: the GPU lane holds the one resident model; frames drawn without a model (the
    procedural backend) run in a worker process instead, so drawing them never takes the app's GIL from the window
    (on a lane thread they stalled it at each Generate click). A try-on always needs its inpainting model."""
    if "try_on" in request.options or request.project is None:
        return LANE
    model = request.options.get("model") or request.project.settings.image_model
    return "process" if model in ("", "procedural") else LANE


@dataclass(frozen=True)
class TakesOutcome:
    takes: tuple[Take, ...]
    """Every take asked for, new or reused (reused ones are already in the project)."""


def placement(settings: Settings) -> Placement:
    """What the image pipelines need of the settings."""
    from pipelines.image import Placement

    return Placement(model_folders=settings.model_folders, device=settings.device, cpu_threads=settings.cpu_threads)


def run(
    request: TakesRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> TakesOutcome:
    """Make (or reuse) the takes; the assets are in the project's store, project.json is not touched."""
    from studio.takes import TakesRequest as Generate
    from studio.takes import generate_takes

    if "try_on" in request.options:
        return _try_on(request, on_progress, cancel)
    known = set(Generate.__dataclass_fields__)
    unknown = sorted(set(request.options) - known)
    if unknown:
        raise TypeError(f"Unknown take options: {', '.join(unknown)}")
    wanted: dict[str, Any] = {
        "variant_ids": request.variant_ids,
        "shot_ids": request.shot_ids,
        "aspect": request.aspect,
        "candidates": request.candidates,
        "seed": request.seed,
        "regenerate": request.regenerate,
        "lock_seed": request.lock_seed,
        **request.options,
    }
    report(on_progress, 0.0, "Starting the image backend")
    generate = Generate(
        project_dir=request.project_dir,
        place=placement(request.settings),
        project=request.project,
        **{k: v for k, v in wanted.items() if v is not None},
    )
    created: list[str] = []
    try:
        tried, generate, share = _try_on_aspects(generate, on_progress, cancel, created)
        takes = generate_takes(generate, on_progress=sub_progress(on_progress, share, 1.0), cancel=cancel)
    except BaseException:
        store = ProjectStore(request.project_dir)
        for name in created:
            store.asset_path(name).unlink(missing_ok=True)
        raise
    return TakesOutcome(takes=(*takes, *tried))


def _try_on_aspects(
    generate: GenerateRequest, on_progress: ProgressFn | None, cancel: CancelToken | None, created: list[str]
) -> tuple[list[Take], GenerateRequest, float]:
    """A try-on the cut shows, not yet made at the other aspects this job composes takes for: made first, as the
    variant's other diffusion takes are made again at those aspects (and counted in the render's missing images).
    Returns the takes made, the takes request with them in its project, and the share of the progress they had."""
    from studio.takes import missing_takes
    from studio.tryon_takes import aspect_try_ons, missing_aspect_try_ons

    store = ProjectStore(generate.project_dir)
    project = generate.project if generate.project is not None else store.load()
    aspects = generate.aspects if generate.aspects is not None else tuple(project.brief.aspect_ratios)
    pending = missing_aspect_try_ons(project, store, generate.variant_ids, aspects, generate.shot_ids)
    if not pending:
        return [], generate, 0.0
    total = sum(n for _, _, n in pending)
    share = total / (total + len(missing_takes(generate)))
    made: list[Take] = []
    done = 0
    for tryon, lacking, n in pending:
        part = sub_progress(on_progress, share * done / total, share * (done + n) / total)
        made += aspect_try_ons(
            store, [*project.takes, *made], tryon, lacking, place=generate.place, on_progress=part,
            cancel=cancel, created=created,
        )  # fmt: skip
        done += n
    project = project.model_copy(deep=True)
    project.takes = [*project.takes, *made]
    return made, replace(generate, project=project), share


def _try_on(request: TakesRequest, on_progress: ProgressFn | None, cancel: CancelToken | None) -> TakesOutcome:
    """The garment on the talent, one try-on take per shot and variant asked for."""
    from studio.model import ProjectError
    from studio.tryon_takes import TryOnRequest, try_on_takes

    extra = sorted(set(request.options) - {"try_on", "model", "steps", "aspects"})
    if extra:
        raise TypeError(f"Take options not used with try_on: {', '.join(extra)}")
    if not request.shot_ids:
        raise ProjectError("A try-on needs the shot whose talent wears the garment.", "Pick a shot of the talent.")
    pairs = [(v, s) for v in request.variant_ids for s in request.shot_ids]
    takes: list[Take] = []
    for i, (vid, shot_id) in enumerate(pairs):
        check(cancel)
        takes += try_on_takes(
            TryOnRequest(
                project_dir=request.project_dir,
                variant_id=vid,
                shot_id=shot_id,
                try_on=request.options["try_on"],
                model=request.options.get("model"),
                seed=request.seed,
                steps=request.options.get("steps"),
                place=placement(request.settings),
                project=request.project,
                aspects=request.options.get("aspects"),
            ),
            on_progress=sub_progress(on_progress, i / len(pairs), (i + 1) / len(pairs)),
            cancel=cancel,
        )
    return TakesOutcome(takes=tuple(takes))


def apply(project: Project, outcome: TakesOutcome) -> Project:
    """New takes join the project (by request key); the take the creator sees as picked stays picked."""
    from studio.stages.edits import keep_shown_picks, pick_in

    known = {(t.request.key(), t.info.get("aspect_of")) for t in project.takes}  # an aspect take: once per base
    new = [t for t in outcome.takes if (t.request.key(), t.info.get("aspect_of")) not in known]
    if new:
        keep_shown_picks(project, {(t.shot_id, t.variant_id) for t in new})
        project.takes = [*project.takes, *new]
    for made in outcome.takes:  # a try-on asked to be the pick: the project's copy of it is picked
        if made.selected and "try_on" in made.info:
            key = made.request.key()
            stored = next((t for t in project.takes if t.request.key() == key and "aspect_of" not in t.info), None)
            if stored is not None:
                pick_in(project, stored)
    return project


@dataclass(frozen=True)
class WarmUpRequest:
    model: str
    settings: Settings = field(default_factory=Settings)


WARM_UP_LANE: Lane = "gpu"


def warm_up(request: WarmUpRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> str:
    """Load torch, diffusers and the image model on the GPU lane while the creator reads the storyboard, so the
    first Generate does not wait. The model stays resident for the takes that follow (same device and folders)."""
    from pipelines.image.device import pick_device
    from pipelines.image.generator import generator
    from pipelines.image.registry import find_model, require_ready

    report(on_progress, 0.0, f"Loading {request.model}")
    check(cancel)
    place = placement(request.settings)
    info = require_ready(find_model(request.model, list(place.model_folders), env={}))
    generator().load(info, pick_device(info.family, place.device, threads=place.cpu_threads))
    report(on_progress, 1.0, f"{request.model} is ready")
    return request.model
