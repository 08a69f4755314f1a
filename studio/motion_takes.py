"""Motion takes: a shot's picked picture made to move by a local image-to-video model (Wan 2.x, LTX-Video).

The stage `generate_motion_takes(request, *, on_progress, cancel) -> list[Take]` runs on the GPU lane
(`JobQueue.submit(..., lane="gpu")`), writes clip assets and never saves project.json: the caller merges the takes
(`merge_motion_takes`). Like image takes: N candidates per shot with consecutive seeds, a seed derived per shot (or
given, or locked to the picked clip's), fresh seeds on regenerate, and a stored clip reused whenever its request is
identical. The motion prompt is the shot's picture and action plus its camera move ("…, slow push-in"); where the
model takes a last frame, `end_on_next_shot` ends the clip on the next shot's picture.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.model import ASPECT_SIZES, Project, ProjectError, ProjectStore, Take
from studio.model.ids import new_id
from studio.model.motion import MotionRequest, motion_prompt, picked_motion
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress

#: What motion models are told to avoid (the usual failure modes of image-to-video).
NEGATIVE = "static frame, frozen, jittery, flicker, blurry, distorted face, deformed hands, morphing, text, watermark"


@dataclass(frozen=True)
class MotionTakesRequest:
    """Which shots move, how many candidates, with which model, how long and how large."""

    project_dir: Path
    variant_ids: tuple[str | None, ...] = (None,)
    """Variant ids; None stands for the master storyboard."""
    shot_ids: tuple[str, ...] = ()
    """Empty: every shot of the storyboard."""
    aspect: str = "9:16"
    candidates: int = 1
    model: str | None = None
    """A video registry id or a model folder; None picks the best ready model (Wan 2.2 TI2V-5B first)."""
    seed: int | None = None
    lock_seed: bool = False
    """Reuse the seed of the shot's picked motion take (same motion, new prompt or length)."""
    regenerate: bool = False
    steps: int | None = None
    seconds: float | None = None
    """Clip length; None: the shot's own length (up to what the model makes in one go)."""
    fps: int | None = None
    """None: the model's own rate (24 for Wan 2.2 and LTX, 16 for Wan 14B)."""
    area: int | None = None
    """Pixels per frame; None: the model's trained size (720p for Wan 2.2 TI2V-5B) at the aspect."""
    short_side: int | None = None
    """The clip's short side in pixels (480 for quick drafts); overrides `area`."""
    end_on_next_shot: bool = False
    """First-and-last-frame conditioning (Wan 14B, LTXCondition): the clip ends on the next shot's picture."""
    camera: str | None = None
    """Override the shot's camera move for the motion prompt, e.g. "orbit" for a product turntable."""
    packshot: Path | None = None
    """Product turntable: this packshot image is the first frame (copied into assets/ as PNG), the camera orbits,
    and the shots default to the storyboard's product shots (else the last shot)."""


def _model(request: MotionTakesRequest) -> Any:
    from pipelines.video.registry import default_model, find_model, require_ready

    info = find_model(request.model) if request.model else default_model()
    return require_ready(info)


def clip_size(aspect: str, area: int, multiple: int, short_side: int | None = None) -> tuple[int, int]:
    """Width and height at `aspect` with `area` pixels (or that short side), each a multiple of `multiple`."""
    if aspect not in ASPECT_SIZES:
        raise ProjectError(f"Unknown aspect ratio {aspect!r}.", f"Use one of {', '.join(ASPECT_SIZES)}.")
    aw, ah = ASPECT_SIZES[aspect]
    if short_side:
        w, h = (short_side, short_side * ah / aw) if aw <= ah else (short_side * aw / ah, short_side)
    else:
        w = (area * aw / ah) ** 0.5
        h = area / w
    return max(multiple, round(w / multiple) * multiple), max(multiple, round(h / multiple) * multiple)


def _seed(project: Project, request: MotionTakesRequest, variant_id: str | None, shot_id: str) -> int:
    from studio.takes import shot_seed

    if request.lock_seed:
        picked = [t for t in picked_motion(project, shot_id, variant_id) if t.motion is not None]
        if picked and picked[0].motion is not None:
            return picked[0].motion.seed
    if request.seed is not None:
        return request.seed
    base = shot_seed(project, shot_id)
    if request.regenerate:
        used = [
            t.motion.seed
            for t in project.motion_takes
            if t.motion is not None and t.shot_id == shot_id and t.variant_id == variant_id
        ]
        if used:
            return max([*used, base]) + 1 + random.Random(f"motion:{shot_id}:{len(used)}").randrange(1000)
    return base


def packshot_source(project: Project, shot_id: str, variant_id: str | None, asset: str, size: tuple[int, int]) -> Take:
    """A supplied packshot as the picture a turntable starts from (its provenance says it was supplied, not made)."""
    from studio.model import ImageRequest

    product = " ".join(p for p in (project.brief.brand, project.brief.product) if p)
    return Take(
        id="packshot",
        shot_id=shot_id,
        variant_id=variant_id,
        request=ImageRequest(
            shot_id=shot_id,
            variant_id=variant_id,
            prompt=f"{product}, product packshot, clean studio background",
            width=size[0],
            height=size[1],
            model="packshot",
            framing="product",
        ),
        asset=asset,
        backend="packshot",
    )


def motion_request_for(
    project: Project,
    variant_id: str | None,
    shot_id: str,
    request: MotionTakesRequest,
    info: Any,
    candidate: int = 0,
    *,
    packshot: Take | None = None,
) -> tuple[MotionRequest, Take]:
    """The request for one clip of one shot, and the image take it starts from."""
    from pipelines.video.generator import snap_frames

    if project.storyboard is None:
        raise ProjectError("The project has no storyboard yet.", "Plan the project first.")
    try:
        master = project.storyboard.shot(shot_id)
    except KeyError as e:
        raise ProjectError(f"The storyboard has no shot {shot_id!r}.", "Pick a shot from the storyboard.") from e
    visual, duration, camera = master.visual, master.duration_s, str(master.camera)
    if variant_id is not None:
        try:
            vshot = project.variant(variant_id).shot(shot_id)
        except KeyError as e:
            raise ProjectError(f"Variant {variant_id!r} has no shot {shot_id!r}.", "Re-plan the variants.") from e
        visual = vshot.prompt or visual
        duration = vshot.duration_s
        camera = str(vshot.overrides.get("camera") or camera)
    source = project.selected_take(shot_id, variant_id) if packshot is None else packshot
    if packshot is not None:
        visual, camera = packshot.request.prompt, "orbit"
    if source is None:
        raise ProjectError(
            f"Shot {shot_id} of {variant_id or 'the master'} has no picture to animate yet.",
            "Generate its image takes first (Images → Generate, or `qianmian render`), pick one, then animate.",
        )
    last = None
    if request.end_on_next_shot and info.rules.last_frame:
        ids = [s.id for s in project.storyboard.shots]
        nxt = ids.index(shot_id) + 1
        following = project.selected_take(ids[nxt], variant_id) if nxt < len(ids) else None
        last = following.asset if following is not None else None
    rules = info.rules
    fps = request.fps or rules.fps
    seconds = request.seconds or duration
    frames = snap_frames(round(seconds * fps) + 1, rules)
    area = request.area or rules.native[0] * rules.native[1]
    width, height = clip_size(request.aspect, area, rules.size_multiple, request.short_side)
    cam = request.camera or camera
    return (
        MotionRequest(
            shot_id=shot_id,
            variant_id=variant_id,
            source_image=source.asset,
            last_image=last,
            prompt=motion_prompt(visual, cam),
            negative_prompt=NEGATIVE,
            camera=cam,
            seed=_seed(project, request, variant_id, shot_id) + candidate,
            steps=request.steps or rules.steps,
            guidance=rules.guidance,
            width=width,
            height=height,
            aspect=request.aspect,
            num_frames=frames,
            fps=fps,
            model=info.id,
        ),
        source,
    )


def generate_motion_takes(
    request: MotionTakesRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> list[Take]:
    """Make (or reuse) the motion takes asked for. Writes clip assets; never saves project.json.

    Cancel stops within one denoising step; the clips this call wrote are removed and no Take is returned.
    """
    from PIL import Image

    from pipelines.video.generator import generate_clip
    from studio.render.motion import encode_clip

    store = ProjectStore(request.project_dir)
    project = store.load()
    if project.storyboard is None:
        raise ProjectError("The project has no storyboard yet.", "Plan the project first.")
    info = _model(request)
    shot_ids = list(request.shot_ids) or [s.id for s in project.storyboard.shots]
    packshot_asset, packshot_size, fresh = None, (0, 0), False
    if request.packshot is not None:
        packshot_asset, packshot_size, fresh = _import_packshot(store, request.packshot)
        if not request.shot_ids:
            products = [s.id for s in project.storyboard.shots if s.framing == "product"]
            shot_ids = products or [project.storyboard.shots[-1].id]
    existing = {
        t.motion.key(): t for t in project.motion_takes if t.motion is not None and store.asset_path(t.asset).is_file()
    }
    planned: dict[str, tuple[MotionRequest, Take]] = {}
    order: list[str] = []
    for variant_id in request.variant_ids:
        for shot_id in shot_ids:
            for c in range(max(1, request.candidates)):
                packshot = None
                if packshot_asset is not None:
                    packshot = packshot_source(project, shot_id, variant_id, packshot_asset, packshot_size)
                mreq, source = motion_request_for(project, variant_id, shot_id, request, info, c, packshot=packshot)
                key = mreq.key()
                order.append(key)
                if key not in existing:
                    planned.setdefault(key, (mreq, source))
    created: list[str] = [packshot_asset] if packshot_asset is not None and fresh else []
    made: dict[str, Take] = {}
    total = max(1, len(planned))
    try:
        for n, (key, (mreq, source)) in enumerate(planned.items()):
            check(cancel)
            part = sub_progress(on_progress, n / total, (n + 1) / total)
            report(part, 0.0, f"Clip {n + 1}/{total}: {mreq.variant_id or 'master'}/{mreq.shot_id}")
            with Image.open(store.asset_path(mreq.source_image, "source_image")) as im:
                first = im.convert("RGB")
            last = None
            if mreq.last_image:
                with Image.open(store.asset_path(mreq.last_image, "last_image")) as im:
                    last = im.convert("RGB")
            result = generate_clip(mreq, first, last, info=info, on_progress=part, cancel=cancel)
            check(cancel)
            store.assets.mkdir(parents=True, exist_ok=True)
            name = store.put_asset_file(encode_clip(result.frames, result.fps, store.assets), "mp4")
            if not any(t.asset == name for t in project.motion_takes):
                created.append(name)
            made[key] = Take(
                id=new_id("motion"),
                shot_id=mreq.shot_id,
                variant_id=mreq.variant_id,
                request=source.request,
                asset=name,
                backend=result.backend,
                kind="video",
                motion=mreq,
                info={
                    **result.info,
                    "source_take": source.id,
                    "fps": result.fps,
                    "duration_s": round(len(result.frames) / result.fps, 3),
                },
            )
    except BaseException:
        for name in created:
            store.asset_path(name).unlink(missing_ok=True)
        raise
    report(on_progress, 1.0, f"{len(made)} new clip(s), {len(set(order)) - len(made)} reused")
    out: list[Take] = []
    for key in dict.fromkeys(order):
        take = made.get(key) or existing.get(key)
        if take is not None:
            out.append(take)
    return out


def _import_packshot(store: ProjectStore, path: Path) -> tuple[str, tuple[int, int], bool]:
    """The packshot as a PNG asset (re-encoded: only pixels enter the project); refused clearly when unreadable."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            image = im.convert("RGB")
    except (OSError, UnidentifiedImageError) as e:
        raise ProjectError(
            f"The packshot {path} could not be read as an image ({e}).",
            "Give a PNG, JPEG or WebP picture of the product (a clean packshot works best).",
        ) from e
    buf = io.BytesIO()
    image.save(buf, "PNG")
    data = buf.getvalue()
    fresh = not any(store.assets.glob(f"{hashlib.sha256(data).hexdigest()[:32]}.png"))
    return store.put_asset(data, "png"), image.size, fresh


def merge_motion_takes(project: Project, takes: list[Take]) -> list[Take]:
    """Add the new takes to the project (the caller saves); returns those added."""
    known = {t.id for t in project.motion_takes}
    added = [t for t in takes if t.id not in known]
    project.motion_takes.extend(added)
    return added


def pick_motion(project: Project, take_id: str) -> Take:
    """Make one motion take the shot's clip at its aspect (the others of that shot and aspect are unpicked)."""
    take = next((t for t in project.motion_takes if t.id == take_id), None)
    if take is None or take.motion is None:
        raise ProjectError(f"No motion take {take_id!r}.", "Pick one of the shot's motion takes.")
    for t in project.motion_takes:
        if (
            t.shot_id == take.shot_id
            and t.variant_id == take.variant_id
            and t.motion is not None
            and t.motion.aspect == take.motion.aspect
        ):
            t.selected = t.id == take_id
    return take


def use_still(project: Project, shot_id: str, variant_id: str | None) -> int:
    """Back to the still and its camera move: the shot's motion takes are removed from the project (their clip
    files stay in assets/ until cleaned). Returns how many were removed."""
    before = len(project.motion_takes)
    project.motion_takes = [
        t for t in project.motion_takes if not (t.shot_id == shot_id and t.variant_id == variant_id)
    ]
    return before - len(project.motion_takes)


# --- the CLI subcommand ---------------------------------------------------------------------------------------------


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", help="project folder")
    p.add_argument("--shots", nargs="+", default=[], help="shot ids (default: every shot)")
    p.add_argument("--variant", action="append", help="variant id (repeatable; default: the master storyboard)")
    p.add_argument("--candidates", type=int, default=1, help="clips per shot, consecutive seeds")
    p.add_argument("--model", help="video model id or diffusers folder (default: the best installed)")
    p.add_argument(
        "--aspect",
        action="append",
        choices=list(ASPECT_SIZES),
        help="aspect ratio of the clips (repeatable: one clip per aspect; default: the brief's first)",
    )
    p.add_argument("--seconds", type=float, help="clip length (default: each shot's length)")
    p.add_argument("--steps", type=int, help="denoising steps (default: the model's)")
    p.add_argument("--fps", type=int, help="frames per second (default: the model's, 24 for Wan 2.2)")
    p.add_argument("--short-side", type=int, help="clip size as its short side in pixels, e.g. 480 (default: 720p)")
    p.add_argument("--seed", type=int)
    p.add_argument("--regenerate", action="store_true", help="fresh seeds for shots that already have clips")
    p.add_argument("--end-on-next-shot", action="store_true", help="end each clip on the next shot's picture")
    p.add_argument("--camera", help="camera move for the prompt, e.g. orbit (a product turntable)")
    p.add_argument("--turntable", metavar="PACKSHOT", help="an orbit around the product from this packshot image")
    p.add_argument(
        "--turntable-photos",
        action="store_true",
        help="a turntable of the brand kit's product photos (front, three-quarter, side, back), no model needed",
    )
    p.add_argument("--accept-ltx-licence", action="store_true", help="record that you accept LTX-Video's licence")


def run_cli(args: argparse.Namespace, run_job: Callable[..., Any]) -> int:
    """`qianmian animate`: make the clips on the GPU lane, merge them into the project, say where they are."""
    if args.accept_ltx_licence:
        from pipelines.video.licence import LTX_TERMS, acknowledge

        print(f"{LTX_TERMS}\nAcknowledged; recorded in {acknowledge()}.")
    store = ProjectStore(Path(args.project))
    project = store.load()
    aspects = args.aspect or project.brief.aspect_ratios[:1] or ["9:16"]
    takes: list[Take] = []
    added: list[Take] = []
    if args.turntable_photos:
        return _turntable_cli(args, store, project, [str(a) for a in aspects])
    for aspect in dict.fromkeys(aspects):
        request = MotionTakesRequest(
            project_dir=store.root,
            variant_ids=tuple(args.variant) if args.variant else (None,),
            shot_ids=tuple(args.shots),
            aspect=aspect,
            candidates=max(1, args.candidates),
            model=args.model,
            seed=args.seed,
            regenerate=args.regenerate,
            steps=args.steps,
            seconds=args.seconds,
            fps=args.fps,
            short_side=args.short_side,
            end_on_next_shot=args.end_on_next_shot,
            camera=args.camera,
            packshot=Path(args.turntable) if args.turntable else None,
        )
        made = run_job(f"Animate {aspect}", generate_motion_takes, request, quiet=args.quiet, lane="gpu")
        project = store.load()  # merged into what is on disk now, and per aspect: a later Ctrl-C keeps these
        added += merge_motion_takes(project, made)
        if added:
            store.save(project)
        takes += made
    for t in takes:
        print(f"{t.variant_id or 'master'}/{t.shot_id}: {store.asset_path(t.asset)} ({t.info.get('duration_s')} s)")
    print(f"{len(added)} new motion take(s); `qianmian render` now plays them in place of the stills.")
    return 0


def photo_turntable(
    project: Project,
    store: ProjectStore,
    shot_id: str,
    variant_id: str | None = None,
    *,
    aspect: str = "9:16",
    fps: int = 24,
    seconds: float | None = None,
) -> Take:
    """A turntable clip of the real product from the brand kit's photos (front, three-quarter, side, back: the
    angles there are, in turn order), drawn without a model; a motion take the cut plays like any other. Never saves
    the project; the clip is written into its assets."""
    from PIL import Image

    from pipelines.image.turntable import TURN_ORDER, turn_order, turntable_frames
    from studio.render.motion import encode_clip

    kit = project.brief.brand_kit
    photos = [p for p in (kit.product_photos if kit else []) if p.cutout is not None]
    order = turn_order([p.angle for p in photos])
    if len(order) < 2:
        raise ProjectError(
            "A turntable needs product photos from at least two angles, each cut out "
            f"(the brand kit has {', '.join(p.angle for p in photos) or 'none'}).",
            f"Add photos named {', '.join(TURN_ORDER)} with `qianmian brand PROJ --product-photo ANGLE=FILE`, or "
            "orbit one packshot with a video model: `qianmian animate PROJ --turntable PACKSHOT`.",
        )
    if project.storyboard is None or not any(s.id == shot_id for s in project.storyboard.shots):
        raise ProjectError(f"No shot {shot_id!r} in the storyboard.", "Pick a shot id from `qianmian plan`'s list.")
    shot = next(s for s in project.storyboard.shots if s.id == shot_id)
    width, height = ASPECT_SIZES[aspect]
    cutouts = []
    for i in order:
        asset = photos[i].cutout
        assert asset is not None
        with Image.open(store.asset_path(asset, "brand_kit.product_photos.cutout")) as im:
            cutouts.append(im.convert("RGBA"))
    colour = (40, 44, 52)
    if kit is not None and kit.colours.primary:
        hex_ = kit.colours.primary.lstrip("#")
        colour = (int(hex_[0:2], 16), int(hex_[2:4], 16), int(hex_[4:6], 16))
    length = seconds or shot.duration_s
    frames = turntable_frames(cutouts, width, height, fps=fps, seconds=length, colour=colour)
    store.assets.mkdir(parents=True, exist_ok=True)
    name = store.put_asset_file(encode_clip(frames, fps, store.assets), "mp4")
    first = photos[order[0]].cutout
    assert first is not None
    source = packshot_source(project, shot_id, variant_id, first, cutouts[0].size)
    angles = [photos[i].angle for i in order]
    motion = MotionRequest(
        shot_id=shot_id,
        variant_id=variant_id,
        source_image=first,
        prompt=f"turntable of the product from {len(order)} photos: {', '.join(angles)}",
        camera="orbit",
        width=width,
        height=height,
        aspect=aspect,
        num_frames=len(frames),
        fps=fps,
        model="turntable",
    )
    return Take(
        id=new_id("motion"),
        shot_id=shot_id,
        variant_id=variant_id,
        request=source.request,
        asset=name,
        backend="turntable",
        kind="video",
        motion=motion,
        info={
            "source_take": "brand-kit",
            "angles": ",".join(angles),
            "fps": fps,
            "frames": len(frames),
            "duration_s": round(len(frames) / fps, 3),
        },
    )


def _turntable_cli(args: argparse.Namespace, store: ProjectStore, project: Project, aspects: list[str]) -> int:
    """`animate --turntable-photos`: the product shots (else the last shot) turn through the kit's photos."""
    assert project.storyboard is not None
    shots = list(args.shots) or [s.id for s in project.storyboard.shots if s.framing == "product"]
    shots = shots or [project.storyboard.shots[-1].id]
    variants = list(args.variant) if args.variant else [None]
    made = [
        photo_turntable(project, store, shot, vid, aspect=aspect, fps=args.fps or 24, seconds=args.seconds)
        for aspect in dict.fromkeys(aspects)
        for shot in shots
        for vid in variants
    ]
    merge_motion_takes(project, made)
    store.save(project)
    for t in made:
        print(f"{t.variant_id or 'master'}/{t.shot_id}: {store.asset_path(t.asset)} ({t.info.get('angles')})")
    print(f"{len(made)} turntable clip(s); `qianmian render` now plays them in their shots.")
    return 0
