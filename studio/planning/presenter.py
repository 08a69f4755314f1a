"""Presenter beats: the brief's `[presenter]` beats become shots a presenter says to camera, and each market's
supplied presenter photo is checked and copied into the project.

The planner marks those shots `presenter=True` with a to-camera framing (a close-up, static camera, the presenter
looking into the lens saying the line); each variant then casts its market's presenter (scene.py: the brief's talent
line for the market, else the market's casting). A photo of a real person is taken only with the consent note the
brief validates; `qianmian presenter` and the app's Presenter… action lip-sync the shot to each variant's line.
"""

from __future__ import annotations

from pathlib import Path

from studio.model.brief import Brief, PresenterPlan
from studio.model.errors import ValidationFailed
from studio.model.project import Project, Shot, Storyboard
from studio.model.stage import CancelToken, check

#: What a presenter shot shows, before the beat's own picture (the image prompt reads the first words most).
TO_CAMERA = "Presenter to camera: head and shoulders, looks into the lens and says the line"
#: Beats of the longer structures answer to the core beat they extend (storyboard.BEAT_FAMILY).
_FAMILY = {"setup": "hook", "demo": "solution", "testimonial": "proof", "offer": "cta"}


def presenter_beats(brief: Brief) -> list[str]:
    return list(brief.presenter.beats) if brief.presenter is not None else []


def _to_camera(shot: Shot) -> Shot:
    visual = shot.visual if shot.visual.startswith(TO_CAMERA) else f"{TO_CAMERA}; {shot.visual}"
    return shot.model_copy(update={"presenter": True, "framing": "close-up", "camera": "static", "visual": visual})


def presenter_shot(shot: Shot, on: bool) -> Shot:
    """The shot told to camera (on), or no longer (off: the to-camera words go; framing and camera stay as set)."""
    if on:
        return _to_camera(shot)
    visual = shot.visual.removeprefix(f"{TO_CAMERA}; ").removeprefix(TO_CAMERA).strip() or shot.beat
    return shot.model_copy(update={"presenter": False, "visual": visual})


def mark_presenter_shots(storyboard: Storyboard, brief: Brief, *, source: str = "the brief") -> Storyboard:
    """The storyboard with the brief's presenter beats told to camera. A beat is matched by name, else by the core
    beat it extends ('solution' also marks a 'demo'); a beat the storyboard does not have is an error that lists the
    beats it has (a brief asking for a presenter must get one)."""
    beats = presenter_beats(brief)
    if not beats:
        return storyboard
    have = [s.beat for s in storyboard.shots]
    marked: set[str] = set()
    for i, beat in enumerate(beats):
        exact = {s.id for s in storyboard.shots if s.beat == beat}
        found = exact or {s.id for s in storyboard.shots if _FAMILY.get(s.beat) == beat}
        if not found:
            raise ValidationFailed(
                f"{source}: presenter.beats[{i}] is {beat!r}, but this storyboard has no such beat "
                f"(its beats: {', '.join(dict.fromkeys(have))}).",
                "Name one of those beats in [presenter] beats, or remove the entry.",
            )
        marked |= found
    shots = [_to_camera(s) if s.id in marked else s for s in storyboard.shots]
    return storyboard.model_copy(update={"shots": shots})


def market_portrait(project: Project, market: str) -> str | None:
    """The supplied presenter photo for a market, as a project asset (None: the brief gives none, the presenter is
    drawn). A photo the brief names but the project does not hold yet is an error saying how to bring it in."""
    plan = project.brief.presenter
    ref = plan.portraits.get(market.upper()) if plan is not None else None
    if ref is None:
        return None
    if ref.asset is None:
        raise ValidationFailed(
            f"The brief names a presenter photo for {market.upper()} ({ref.path}) that is not in the project yet "
            f"(presenter.portraits.{market.upper()}).",
            "Plan again from the brief file (`qianmian plan BRIEF -o PROJECT` copies it in), or give the photo with "
            "its consent note in Presenter… / --portrait.",
        )
    return ref.asset


def attach_presenter_portraits(
    project: Project, store_root: Path | None, brief_path: Path | None, *, cancel: CancelToken | None = None
) -> None:
    """Check each market's presenter photo (it exists, is an image, stays inside the brief's folder) and, given a
    project folder, copy it into the project's assets (the brief records the asset next to the path). Errors name
    the brief file and the field (`presenter.portraits.VN`)."""
    plan = project.brief.presenter
    if plan is None or not plan.portraits or (brief_path is None and store_root is None):
        return  # nothing to read the paths against (a brief edited in the app): the presenter stage says what to do
    from studio.model import ProjectStore
    from studio.planning.brand import IMAGE_TYPES, Sources, _image, _png, _read

    source = str(brief_path) if brief_path is not None else "the brief"
    base = brief_path.parent if brief_path is not None else None
    sources = Sources(base=base, project=store_root)
    store = ProjectStore(store_root) if store_root is not None else None
    portraits = dict(plan.portraits)
    for market, ref in plan.portraits.items():
        check(cancel)
        field = f"presenter.portraits.{market}"
        if ref.asset is not None and store is not None and store.asset_path(ref.asset).is_file():
            continue
        path = sources.path(ref.path, field, source)
        image = _image(_read(path, field, source, IMAGE_TYPES), path, field, source)
        if store is not None:
            store.assets.mkdir(parents=True, exist_ok=True)
            portraits[market] = ref.model_copy(update={"asset": store.put_asset(_png(image.convert("RGB")), "png")})
    if store is not None:
        project.brief.presenter = PresenterPlan.model_validate(
            {**plan.model_dump(), "portraits": {k: v.model_dump() for k, v in portraits.items()}}
        )
