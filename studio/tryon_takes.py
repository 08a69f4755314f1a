"""Try-on takes: the brand's garment on the cast talent ("how does it look on me"), for apparel briefs.

The shot's picked picture of the talent (or its default frame, drawn when it has none) is the start. The garment
region is the lead's torso as the frame plan placed it, or a mask the creator painted (white = garment), saved as
a grey PNG in the project's assets so it can be opened, corrected and given back (`--mask FILE`). A local inpaint
pipeline redraws only that region: steered by the garment photo through an IP-Adapter where the model folder has
one, otherwise from the garment's cutout laid into the region at moderate strength (pipelines/image/tryon.py).
The take is like any other: content-addressed, its request kept for provenance, picked for its shot by default.
Torch-free at import; the stage runs it on the GPU lane (`studio.stages.takes`, option `try_on`).
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError

from studio.model import Project, ProjectError, ProjectStore, Take, ValidationFailed
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


def _edited_mask(project: Project, store: ProjectStore, base: Take, variant_id: str | None) -> Path | None:
    """A try-on mask of this picture the creator painted over in place (assets/<hash>.png no longer holds what
    its name says): their mask, used instead of the planned one."""
    for take in reversed(project.takes):
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
        edited = _edited_mask(project, store, base, request.variant_id) if opts.mask is None else None
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
        if done is not None:
            report(on_progress, 1.0, "This try-on was made before: reused")
            return [*([base] if drawn else []), done.model_copy(update={"selected": opts.pick})]
        check(cancel)
        [result] = generate_images(
            [req], on_progress=sub_progress(on_progress, 0.05, 0.98), cancel=cancel, assets=store.assets,
            place=request.place,
        )  # fmt: skip
        data = io.BytesIO()
        result.image.save(data, format="PNG", compress_level=3)
        asset = _put(store, data.getvalue(), created)
    except BaseException:
        for made in created:
            store.asset_path(made).unlink(missing_ok=True)
        raise
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
    report(on_progress, 1.0, "Try-on made")
    return [*([base] if drawn else []), take]
