"""Try-on takes: the brand's garment on the cast talent ("how does it look on me"), for apparel briefs.

The shot's picked picture of the talent (or its default frame, drawn when it has none) is the start. The garment
region is the lead's torso as the frame plan placed it, or a mask the creator painted (white = garment), saved as
a grey PNG in the project's assets so it can be opened, corrected and given back (`--mask FILE`). A local inpaint
pipeline redraws only that region: steered by the garment photo through an IP-Adapter where the model folder has
one, otherwise from the garment's cutout laid into the region at moderate strength (pipelines/image/tryon.py).
The take is like any other: content-addressed, its request kept for provenance, picked for its shot by default.
In the same job it is made again at every other aspect the brief delivers, on the talent's picture composed for
that shape (the start's aspect take, or the start drawn at that aspect as aspect takes are), with the torso where
that aspect's frame plan puts it (or the creator's mask carried to its geometry), same seed and garment; each is
marked `info.aspect_of` the try-on, so the cut at 16:9 or 1:1 shows the garment on a picture made for it instead
of a crop of the 9:16 try-on that could cut the garment or the face out. A render makes those a try-on shown in
its cut still lacks (`missing_aspect_try_ons`, counted with its missing images).
Torch-free at import; the stage runs it on the GPU lane (`studio.stages.takes`, option `try_on`).
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError

from studio.model import ASPECT_SIZES, Project, ProjectError, ProjectStore, Take, ValidationFailed
from studio.model.brand import ProductPhoto
from studio.model.ids import new_id
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress

if TYPE_CHECKING:
    from pipelines.image import Placement

PROCEDURAL = "procedural"
#: Categories whose product is worn (knowledge-pack ids).
APPAREL = frozenset({"apparel", "sportswear", "outdoor-apparel"})
#: How much of the region the model redraws from the laid-in garment: its folds and light, not its cut.
STRENGTH = 0.6


@dataclass(frozen=True)
class TryOn:
    """What a try-on needs besides the shot: which garment photo, whose mask, how strongly the region is redrawn."""

    angle: str | None = None
    """The product photo's angle (front, back...); None: the kit's hero picture."""
    mask: Path | None = None
    """The creator's mask over the talent's picture (white = garment); None: the lead's torso from the frame plan."""
    strength: float = STRENGTH
    pick: bool = True
    """The try-on becomes the shot's picked take (what the cut shows)."""


@dataclass(frozen=True)
class TryOnRequest:
    project_dir: Path
    variant_id: str | None
    shot_id: str
    try_on: TryOn = field(default_factory=TryOn)
    model: str | None = None
    """A diffusion model id; None: the project's image model."""
    seed: int | None = None
    steps: int | None = None
    place: Placement | None = None
    project: Project | None = None
    aspects: tuple[str, ...] | None = None
    """The try-on is also made at these aspects, each on the talent's picture composed for that shape (marked
    `info.aspect_of`), so the cut there shows it instead of a crop. None: every aspect the brief delivers."""


def garment_photo(project: Project, angle: str | None = None) -> ProductPhoto:
    """The garment photo (with its cutout) a try-on dresses the talent in, or an error saying what to add."""
    from studio.takes import category_id

    category = category_id(project)
    if category not in APPAREL:
        raise ProjectError(
            f"A try-on dresses the talent in the brand's garment; this brief's category is "
            f"{project.brief.category or 'not set'!r}, not apparel.",
            "Try-on is for apparel, sportswear and outdoor-apparel briefs (brief field `category`). For other "
            "products use the product shots, or a turntable: qianmian animate PROJECT --turntable-photos.",
        )
    kit = project.brief.brand_kit
    photos = [p for p in (kit.photos() if kit is not None else []) if p.cutout]
    if angle:
        photos = [p for p in photos if p.angle == angle]
    if not photos:
        which = f"{angle} " if angle else ""
        raise ProjectError(
            f"The brand kit has no {which}garment photo cut out (brand_kit.product_photos).",
            f"Add one: qianmian brand PROJECT --product-photo {angle or 'front'}=garment.jpg (the garment on a "
            "plain background, or a transparent PNG).",
        )
    return photos[0]


def _put(store: ProjectStore, data: bytes, created: list[str]) -> str:
    """Store a PNG asset; a new file is listed in `created` (removed again when the job fails or is cancelled)."""
    if not store.asset_path(f"{hashlib.sha256(data).hexdigest()[:32]}.png").is_file():
        created.append(f"{hashlib.sha256(data).hexdigest()[:32]}.png")
    return store.put_asset(data, "png")


def _talent(
    project: Project, store: ProjectStore, variant_id: str | None, shot_id: str, created: list[str]
) -> tuple[Take, bool]:
    """The talent's picture the try-on starts from: the shot's picked take (a try-on's own start, never a try-on
    of a try-on), else its default frame drawn now. True when the take is new."""
    from studio.takes import image_request_for

    take = project.selected_take(shot_id, variant_id)
    while take is not None and take.request.tryon_mask is not None:
        take = next((t for t in project.takes if t.asset == take.request.init_image and t is not take), None)
    if take is not None and store.asset_path(take.asset).is_file():
        return take, False
    from pipelines.image import generate_image

    request = image_request_for(project, variant_id, shot_id, "9:16", model=PROCEDURAL)
    result = generate_image(request, assets=store.assets)
    buf = io.BytesIO()
    result.image.save(buf, format="PNG", compress_level=3)
    asset = _put(store, buf.getvalue(), created)
    info = {"consistency": result.consistency, **result.info}
    return Take(
        id=new_id("take"), shot_id=shot_id, variant_id=variant_id, request=request, asset=asset,
        backend=PROCEDURAL, info=info,
    ), True  # fmt: skip


def _creator_mask(path: Path, picture: tuple[int, int], size: tuple[int, int]) -> Image.Image:
    """The creator's mask at the try-on's size: painted over the talent's picture, or over a stored try-on mask
    (the picture as the model sees it, `size`)."""
    if not path.is_file():
        raise ValidationFailed(f"The try-on mask {path} does not exist.", "Give the mask file (a grey PNG).")
    try:
        with Image.open(path) as img:
            mask = img.convert("L")
    except (UnidentifiedImageError, OSError) as e:
        raise ValidationFailed(f"The try-on mask {path} is not an image.", "Give a PNG, white = garment.") from e
    if mask.getbbox() is None:
        raise ValidationFailed(f"The try-on mask {path} is all black.", "Paint the garment's region white.")
    ratio = mask.width / mask.height
    for shape in (size, picture):
        if abs(ratio - shape[0] / shape[1]) <= 0.02 * shape[0] / shape[1]:
            return ImageOps.fit(mask, size, Image.Resampling.NEAREST)
    raise ValidationFailed(
        f"The try-on mask {path} is {mask.width}×{mask.height}; the talent's picture is {picture[0]}×{picture[1]} "
        f"and the try-on {size[0]}×{size[1]}.",
        "Paint the mask over the picture itself, or over a copy of the stored try-on mask (same shape, "
        "white = garment, black = keep).",
    )


def _edited_mask(takes: list[Take], store: ProjectStore, base: Take, variant_id: str | None) -> Path | None:
    """A try-on mask of this picture the creator painted over in place (assets/<hash>.png no longer holds what
    its name says): their mask, used instead of the planned one."""
    for take in reversed(takes):
        name = take.request.tryon_mask
        if not name or take.variant_id != variant_id or take.request.init_image != base.asset:
            continue
        path = store.asset_path(name)
        if path.is_file() and Path(name).stem != hashlib.sha256(path.read_bytes()).hexdigest()[:32]:
            return path
    return None


def _planned_mask(take: Take, store: ProjectStore, size: tuple[int, int]) -> Image.Image:
    """The lead's torso where the frame plan puts them in this shot, as a mask over the picture."""
    from pipelines.image.procedural import render_frame
    from pipelines.image.tryon import torso_mask

    plan = take.request.model_copy(update={"model": PROCEDURAL, "chrome": False})
    frame = render_frame(plan, store.assets)
    if not frame.torsos:
        raise ProjectError(
            f"Shot {take.shot_id} shows nobody to dress (a {take.request.framing} shot).",
            "Pick a shot with the cast talent (wide, medium or close-up), or paint a mask over its picture "
            "(white = garment) and give it with --mask FILE.",
        )
    return torso_mask(frame.image.size, frame.torsos[0]).resize(size, Image.Resampling.NEAREST)


def try_on_takes(
    request: TryOnRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> list[Take]:
    """The try-on take (and the default frame it started from, when the shot had no picture yet). Writes assets;
    never saves project.json. A try-on made before from the identical request is returned as it is."""
    from pipelines.image import generate_images
    from studio.render.reframe import nearest_aspect
    from studio.takes import _model_family, image_request_for

    store = ProjectStore(request.project_dir)
    project = request.project if request.project is not None else store.load()
    opts = request.try_on
    photo = garment_photo(project, opts.angle)
    model = request.model or project.settings.image_model
    if model == PROCEDURAL:
        raise ProjectError(
            "A try-on is made by a diffusion model; the project's image model is the procedural default frames.",
            "Choose an SD 1.5, SDXL, SD3 or FLUX model from your model folders (--model ID, or Settings → Images).",
        )
    if not 0.05 <= opts.strength <= 1.0:
        raise ValidationFailed(f"Try-on strength {opts.strength} is out of range.", "Use 0.05 to 1 (default 0.6).")
    _model_family(model, request.place)  # an unknown model is refused before anything is drawn
    report(on_progress, 0.0, f"Try-on for {request.variant_id or 'master'}/{request.shot_id}")
    created: list[str] = []
    try:
        base, drawn = _talent(project, store, request.variant_id, request.shot_id, created)
        plain = image_request_for(
            project,
            request.variant_id,
            request.shot_id,
            nearest_aspect(base.request),
            model=model,
            seed=request.seed if request.seed is not None else base.request.seed,
            steps=request.steps,
            place=request.place,
        )
        size = (base.request.width, base.request.height) if base.request.model == model else (plain.width, plain.height)
        with Image.open(store.asset_path(base.asset)) as img:
            picture = img.size
        edited = _edited_mask(project.takes, store, base, request.variant_id) if opts.mask is None else None
        if opts.mask is not None:
            mask, source = _creator_mask(opts.mask, picture, size), "creator"
        elif edited is not None:
            mask, source = _creator_mask(edited, picture, size), "creator (painted over the stored mask)"
        else:  # over the picture: fitted as the pipeline fits the picture (cover, centred)
            mask = ImageOps.fit(_planned_mask(base, store, picture), size, Image.Resampling.NEAREST)
            source = "frame plan"
        mask = mask.point(lambda v: 255 if v > 127 else 0)
        buf = io.BytesIO()
        mask.save(buf, format="PNG")
        mask_asset = _put(store, buf.getvalue(), created)
        product = project.brief.product.strip() or "the garment"
        req = plain.model_copy(
            update={
                "width": size[0],
                "height": size[1],
                "prompt": f"{plain.prompt}, wearing {product} as in the garment photo, natural fit and folds",
                "init_image": base.asset,
                "strength": opts.strength,
                "steps": max(plain.steps, math.ceil(2 / opts.strength)),
                "product_cutout": None,
                "reference_image": None,
                "tryon_mask": mask_asset,
                "garment": photo.cutout,
            }
        )
        done = next(
            (t for t in project.takes if t.request.key() == req.key() and store.asset_path(t.asset).is_file()), None
        )
        wanted = request.aspects if request.aspects is not None else tuple(project.brief.aspect_ratios)
        if done is not None:
            take = done.model_copy(update={"selected": opts.pick})
            others = lacking_aspects(project, store, take, wanted)
            total = len(others)
            report(on_progress, 0.0, "This try-on was made before: reused")
        else:
            others = [a for a in dict.fromkeys(wanted) if a in ASPECT_SIZES and a != nearest_aspect(req)]
            total = 1 + len(others)
            check(cancel)
            report(on_progress, 0.02, f"Try-on 1/{total}" + (f" at {nearest_aspect(req)}" if others else ""))
            [result] = generate_images(
                [req], on_progress=sub_progress(on_progress, 0.05, 0.98 / total), cancel=cancel,
                assets=store.assets, place=request.place,
            )  # fmt: skip
            data = io.BytesIO()
            result.image.save(data, format="PNG", compress_level=3)
            asset = _put(store, data.getvalue(), created)
            take = Take(
                id=new_id("take"),
                shot_id=request.shot_id,
                variant_id=request.variant_id,
                request=req,
                asset=asset,
                backend=result.backend,
                selected=opts.pick,
                info={
                    "consistency": result.consistency,
                    **result.info,
                    "try_on_of": base.id,
                    "garment_angle": photo.angle,
                    "mask_source": source,
                },
            )
        first = (total - len(others)) / max(1, total)
        extra = aspect_try_ons(
            store, [*project.takes, *([base] if drawn else [])], take, others, base=base, place=request.place,
            on_progress=sub_progress(on_progress, max(first, 0.0), 1.0), cancel=cancel, created=created,
            counted=(total - len(others), total),
        )  # fmt: skip
    except BaseException:
        for made in created:
            store.asset_path(made).unlink(missing_ok=True)
        raise
    report(on_progress, 1.0, "Try-on made" + (f" at {1 + len(others)} aspects" if others else ""))
    return [*([base] if drawn else []), take, *extra]


def _aspect_size(model: str, aspect: str, place: Placement | None) -> tuple[int, int]:
    """A diffusion model's size at `aspect`, in the shape the cut counts as that aspect (as aspect takes are)."""
    from pipelines.image.families import facts
    from studio.takes import _model_family, aspect_size

    family, native = _model_family(model, place)
    return aspect_size(aspect, native or facts(family).native_size)


def _stored(store: ProjectStore, take: Take) -> bool:
    return store.asset_path(take.asset).is_file()


def start_of(takes: list[Take], store: ProjectStore, tryon: Take) -> Take | None:
    """The talent's picture a try-on started from (`info.try_on_of`, else the take whose picture it inpainted)."""
    of = tryon.info.get("try_on_of")
    found = [t for t in takes if t.id == of] or [
        t for t in takes if t.asset == tryon.request.init_image and t.request.tryon_mask is None and t is not tryon
    ]
    found = [t for t in found if _stored(store, t)]
    return found[-1] if found else None


def lacking_aspects(project: Project, store: ProjectStore, tryon: Take, aspects: Iterable[str]) -> list[str]:
    """The aspects (of `aspects`, other than the try-on's own) the try-on has no stored aspect take at."""
    from studio.render.reframe import nearest_aspect, same_aspect

    own = nearest_aspect(tryon.request)
    made = [t for t in project.takes if t.info.get("aspect_of") == tryon.id and _stored(store, t)]
    return [
        a
        for a in dict.fromkeys(aspects)
        if a in ASPECT_SIZES and a != own and not any(same_aspect(t.request, a) for t in made)
    ]


def _aspect_start_of(takes: list[Take], store: ProjectStore, base: Take, aspect: str) -> Take | None:
    """The talent's picture already made at `aspect` for `base` (its aspect take), if stored."""
    from studio.render.reframe import same_aspect

    found = [
        t for t in takes if t.info.get("aspect_of") == base.id and same_aspect(t.request, aspect) and _stored(store, t)
    ]
    return found[-1] if found else None


def _master_of(takes: list[Take], store: ProjectStore, base: Take) -> Take | None:
    """The master take a variant's diffusion take was restyled from (its init image), if stored."""
    if base.variant_id is None or base.request.init_image is None:
        return None
    masters = [
        t
        for t in takes
        if t.shot_id == base.shot_id
        and t.variant_id is None
        and t.asset == base.request.init_image
        and "aspect_of" not in t.info
        and _stored(store, t)
    ]
    masters.sort(key=lambda t: t.selected)
    return masters[-1] if masters else None


def _start_images(takes: list[Take], store: ProjectStore, base: Take, aspect: str) -> int:
    """How many diffusion images drawing `base` at `aspect` takes (default frames are drawn, not counted)."""
    if base.request.model == PROCEDURAL or _aspect_start_of(takes, store, base, aspect) is not None:
        return 0
    master = _master_of(takes, store, base)
    return 1 + (_start_images(takes, store, master, aspect) if master is not None else 0)


def _start_at(
    store: ProjectStore,
    takes: list[Take],
    base: Take,
    aspect: str,
    place: Placement | None,
    on_progress: ProgressFn | None,
    cancel: CancelToken | None,
    created: list[str],
) -> tuple[Take, list[Take]]:
    """The talent's picture at `aspect`: `base`'s aspect take when it has one, else `base` composed for that shape
    as aspect takes are (a default frame drawn at the aspect's delivery size; a diffusion take made again at the
    model's size for it, a variant restyled from the master made at that aspect), marked `aspect_of` `base`.
    Returns it and the takes made for it."""
    from pipelines.image import generate_image, generate_images

    found = _aspect_start_of(takes, store, base, aspect)
    if found is not None:
        return found, []
    made: list[Take] = []
    if base.request.model == PROCEDURAL:
        w, h = ASPECT_SIZES[aspect]
        req = base.request.model_copy(update={"width": w, "height": h})
    else:
        w, h = _aspect_size(base.request.model, aspect, place)
        req = base.request.model_copy(update={"width": w, "height": h})
        master = _master_of(takes, store, base)
        if master is not None:
            start, made = _start_at(store, takes, master, aspect, place, on_progress, cancel, created)
            req = req.model_copy(update={"init_image": start.asset})
    stored = next((t for t in [*takes, *made] if t.request.key() == req.key() and _stored(store, t)), None)
    if stored is not None:
        asset, backend, info = stored.asset, stored.backend, dict(stored.info)
    else:
        check(cancel)
        if req.model == PROCEDURAL:
            result = generate_image(req, assets=store.assets)
        else:
            [result] = generate_images([req], on_progress=on_progress, cancel=cancel, assets=store.assets, place=place)
        data = io.BytesIO()
        result.image.save(data, format="PNG", compress_level=3)
        asset, backend = _put(store, data.getvalue(), created), result.backend
        info = {"consistency": result.consistency, **result.info}
    take = Take(
        id=new_id("take"),
        shot_id=base.shot_id,
        variant_id=base.variant_id,
        request=req,
        asset=asset,
        backend=backend,
        info={**info, "aspect_of": base.id, "aspect": aspect},
    )
    return take, [*made, take]


def _planned_fit(take: Take, store: ProjectStore, size: tuple[int, int]) -> Image.Image | None:
    """The lead's torso region (as the try-on mask draws it) over `take`'s picture, fitted to `size` as the
    pipeline fits the picture; None when the frame plan shows nobody."""
    with Image.open(store.asset_path(take.asset)) as img:
        picture = img.size
    try:
        return ImageOps.fit(_planned_mask(take, store, picture), size, Image.Resampling.NEAREST)
    except ProjectError:
        return None


def _map_mask(
    mask: Image.Image,
    src: tuple[int, int, int, int] | None,
    dst: tuple[int, int, int, int] | None,
    size: tuple[int, int],
) -> Image.Image:
    """A mask painted over one aspect's picture carried to another aspect's geometry: scaled and moved so the
    lead's torso there lands on the torso here (same size of person, same place on them); without a torso in
    both plans, scaled to the new frame's height and centred."""
    if src is not None and dst is not None:
        sw, sh, dw, dh = src[2] - src[0], src[3] - src[1], dst[2] - dst[0], dst[3] - dst[1]
        scale = math.sqrt((dw * dh) / max(1, sw * sh))
        (sx, sy), (dx, dy) = (
            ((src[0] + src[2]) / 2, (src[1] + src[3]) / 2),
            ((dst[0] + dst[2]) / 2, (dst[1] + dst[3]) / 2),
        )
    else:
        scale = size[1] / mask.height
        (sx, sy), (dx, dy) = (mask.width / 2, mask.height / 2), (size[0] / 2, size[1] / 2)
    scaled = mask.resize(
        (max(1, round(mask.width * scale)), max(1, round(mask.height * scale))), Image.Resampling.NEAREST
    )
    out = Image.new("L", size, 0)
    out.paste(scaled, (round(dx - sx * scale), round(dy - sy * scale)))
    return out


def aspect_try_ons(
    store: ProjectStore,
    takes: list[Take],
    tryon: Take,
    aspects: Iterable[str],
    *,
    base: Take | None = None,
    place: Placement | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    created: list[str],
    counted: tuple[int, int] | None = None,
) -> list[Take]:
    """The try-on made again at each of `aspects`, so the cut there shows the garment on a picture composed for
    that shape instead of cropping the try-on (which can cut the garment or the face out).

    Each is the garment inpainted, with the try-on's seed, prompt, strength and garment, into the talent's own
    picture at that aspect (`base`'s aspect take, else `base` composed for it, as aspect takes are); the region is
    the lead's torso as the frame plan places them at that aspect, or the creator's mask carried to its geometry.
    Each is marked `aspect_of` the try-on, so picking the try-on makes the cut use it (`take_for_aspect`).
    Returns the new takes (the talent's pictures drawn for them too); assets written are listed in `created`
    for the caller to remove when the job fails or is cancelled. `takes`: the project's takes (and any new ones
    not in it yet). `counted`: (images before these, images in the job), for the progress messages."""
    from pipelines.image import generate_images

    aspects = [a for a in dict.fromkeys(aspects) if a in ASPECT_SIZES]
    base = base if base is not None else start_of(takes, store, tryon)
    if not aspects or base is None:
        return []
    done_before, total = counted if counted is not None else (0, len(aspects))
    model, who = tryon.request.model, f"{tryon.variant_id or 'master'}/{tryon.shot_id}"
    with Image.open(store.asset_path(tryon.request.tryon_mask or "")) as img:
        tryon_mask = img.convert("L")
    planned = tryon.info.get("mask_source") == "frame plan"
    src_box: tuple[int, int, int, int] | None = None
    made: list[Take] = []
    for i, aspect in enumerate(aspects):
        check(cancel)
        part = sub_progress(on_progress, i / len(aspects), (i + 1) / len(aspects))
        report(part, 0.0, f"Try-on {done_before + i + 1}/{total} at {aspect}: {who}")
        known = [*takes, *made]
        start, drawn = _start_at(store, known, base, aspect, place, sub_progress(part, 0.0, 0.4), cancel, created)
        made += drawn
        size = (start.request.width, start.request.height) if start.request.model == model else None
        size = size or _aspect_size(model, aspect, place)
        with Image.open(store.asset_path(start.asset)) as img:
            picture = img.size
        edited = _edited_mask(known, store, start, tryon.variant_id)
        here = _planned_fit(start, store, size) if edited is None else None
        if edited is not None:
            mask, source = _creator_mask(edited, picture, size), "creator (painted over the stored mask)"
        elif planned and here is not None and here.getbbox() is not None:
            mask, source = here, "frame plan"
        else:  # the creator's region (or nobody planned here): carried to this aspect's geometry
            if src_box is None:
                there = _planned_fit(base, store, tryon_mask.size)
                src_box = there.getbbox() if there is not None else None
            mask = _map_mask(tryon_mask, src_box, here.getbbox() if here is not None else None, size)
            source = f"{tryon.info.get('mask_source', 'creator')}, carried to {aspect}"
        mask = mask.point(lambda v: 255 if v > 127 else 0)
        if mask.getbbox() is None:
            raise ProjectError(
                f"The try-on's garment region of shot {tryon.shot_id} falls outside its {aspect} picture.",
                "Paint the region over the talent at that aspect (white = garment) and give it with --mask FILE.",
            )
        buf = io.BytesIO()
        mask.save(buf, format="PNG")
        req = tryon.request.model_copy(
            update={
                "width": size[0],
                "height": size[1],
                "init_image": start.asset,
                "tryon_mask": _put(store, buf.getvalue(), created),
            }
        )
        stored = next((t for t in known if t.request.key() == req.key() and _stored(store, t)), None)
        if stored is not None:
            asset, backend = stored.asset, stored.backend
            info = {k: v for k, v in stored.info.items() if k not in ("aspect_of", "aspect")}
        else:
            check(cancel)
            [result] = generate_images(
                [req], on_progress=sub_progress(part, 0.4, 1.0), cancel=cancel, assets=store.assets, place=place
            )
            data = io.BytesIO()
            result.image.save(data, format="PNG", compress_level=3)
            asset, backend = _put(store, data.getvalue(), created), result.backend
            info = {"consistency": result.consistency, **result.info}
        angle = tryon.info.get("garment_angle")
        info |= {"try_on_of": start.id, "mask_source": source, **({"garment_angle": angle} if angle else {})}
        made.append(
            Take(
                id=new_id("take"),
                shot_id=tryon.shot_id,
                variant_id=tryon.variant_id,
                request=req,
                asset=asset,
                backend=backend,
                info={**info, "aspect_of": tryon.id, "aspect": aspect},
            )
        )
    return made


def missing_aspect_try_ons(
    project: Project,
    store: ProjectStore,
    variant_ids: Iterable[str | None],
    aspects: Iterable[str],
    shot_ids: Iterable[str] = (),
) -> list[tuple[Take, list[str], int]]:
    """The shown try-on takes of these variant shots that are not yet made at some of `aspects`: (try-on, the
    aspects it lacks, how many images making them takes, the talent's pictures at those aspects included)."""
    if project.storyboard is None:
        return []
    shots = list(shot_ids) or [s.id for s in project.storyboard.shots]
    wanted = list(aspects)
    out: list[tuple[Take, list[str], int]] = []
    seen: set[str] = set()
    for vid in variant_ids:
        for shot_id in shots:
            take = project.selected_take(shot_id, vid)
            if take is None or take.request.tryon_mask is None or take.id in seen or not _stored(store, take):
                continue
            seen.add(take.id)
            base = start_of(project.takes, store, take)
            lacking = lacking_aspects(project, store, take, wanted)
            if base is None or not lacking:
                continue
            out.append((take, lacking, sum(1 + _start_images(project.takes, store, base, a) for a in lacking)))
    return out
