"""Takes: images per shot (N candidates, a locked seed, restyles of the master per variant), stored as assets.

Qt-free and torch-free at import: the image backends load only when a take is actually generated.
A take is reused whenever a stored take was made from the identical request (same key), so re-running costs nothing.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studio.model import ASPECT_SIZES, Project, ProjectError, ProjectStore, Take
from studio.model.ids import new_id, stable_hash
from studio.model.requests import CastMember, ImageRequest, LoraRef
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress

if TYPE_CHECKING:
    from pipelines.image import Placement

PROCEDURAL = "procedural"


@dataclass(frozen=True)
class TakesRequest:
    """Which shots get images, how many candidates, and how seeds and restyles are chosen."""

    project_dir: Path
    variant_ids: tuple[str | None, ...] = (None,)
    """Variant ids; None stands for the master storyboard."""
    shot_ids: tuple[str, ...] = ()
    """Empty: every shot of the storyboard."""
    aspect: str = "9:16"
    candidates: int = 1
    model: str | None = None
    """Registry model id or "procedural"; None uses the project's setting."""
    steps: int | None = None
    seed: int | None = None
    """Base seed for every shot; None derives a stable seed per shot from the project name."""
    lock_seed: bool = False
    """Reuse the seed of each shot's picked take (same composition, new prompt or style)."""
    regenerate: bool = False
    """Fresh seeds for shots that already have takes (ignored where the seed is locked)."""
    restyle: bool = True
    """Diffusion: variant shots restyle the master shot's picked take with image-to-image."""
    strength: float = 0.55
    loras: tuple[LoraRef, ...] = ()
    """Added to the project's LoRAs (settings.image_loras) for this run."""
    reference_image: str | None = None
    """Asset name of a character or product image kept consistent across shots."""
    batch_size: int = 4
    extra_loras: dict[str, tuple[LoraRef, ...]] = field(default_factory=dict)
    """LoRAs attached to single shots, by shot id."""
    place: Placement | None = None
    """Model folders, device and CPU threads from the stage's settings (None: the library defaults)."""
    project: Project | None = None
    """The project as the caller has it now; None reads project.json."""
    aspects: tuple[str, ...] | None = None
    """Diffusion variant takes are also made at these aspects, each composed for its shape (same seed, prompt and
    cast; marked `info.aspect_of`), so the cut at that aspect shows a picture made for it instead of a crop.
    None: every aspect the brief delivers; (): none; ("16:9",): that one only."""


def shot_seed(project: Project, shot_id: str) -> int:
    """Stable per project and shot, shared by every variant so their frames keep the master's composition."""
    return int(stable_hash({"project": project.name, "shot": shot_id})[:8], 16) % (2**31 - 1)


def _model_family(model: str, place: Placement | None = None) -> tuple[str, int | None]:
    """Family and native side length of a registry model (torch-free: the registry reads only config files)."""
    from pipelines.image.registry import find_model

    info = find_model(model) if place is None else find_model(model, list(place.model_folders), env={})
    return info.family_key, info.native_size


def diffusion_size(aspect: str, native: int, multiple: int = 16) -> tuple[int, int]:
    """The model's native pixel area at `aspect`, each side a multiple of `multiple` (64 for big models)."""
    if aspect not in ASPECT_SIZES:
        raise ProjectError(f"Unknown aspect ratio {aspect!r}.", f"Use one of {', '.join(ASPECT_SIZES)}.")
    aw, ah = ASPECT_SIZES[aspect]
    if native >= 512:
        multiple = 64
    area = native * native
    w = (area * aw / ah) ** 0.5
    h = area / w
    return max(multiple, round(w / multiple) * multiple), max(multiple, round(h / multiple) * multiple)


def aspect_size(aspect: str, native: int) -> tuple[int, int]:
    """`diffusion_size`, or where rounding to the model's multiple bends the shape past what the cut counts as that
    aspect (16:9 at 512 rounds to 704×384, 3 % too wide), the size nearest the native area that keeps it."""
    from studio.render.reframe import ASPECT_TOLERANCE

    w, h = diffusion_size(aspect, native)
    aw, ah = ASPECT_SIZES[aspect]
    ratio, limit = aw / ah, ASPECT_TOLERANCE * 2 / 3
    if abs(w / h - ratio) <= limit * ratio:
        return w, h
    multiple = 64 if native >= 512 else 16
    best: tuple[float, int, int] | None = None
    for rows in range(1, 4 * native // multiple + 1):
        hh = rows * multiple
        ww = max(multiple, round(hh * ratio / multiple) * multiple)
        if abs(ww / hh - ratio) > limit * ratio:
            continue
        score = abs(math.log(ww * hh / (native * native)))
        if best is None or score < best[0]:
            best = (score, ww, hh)
    return (best[1], best[2]) if best is not None else (w, h)


def _shot_index(project: Project, shot_id: str) -> int:
    assert project.storyboard is not None
    for i, s in enumerate(project.storyboard.shots):
        if s.id == shot_id:
            return i
    raise ProjectError(f"The storyboard has no shot {shot_id!r}.", "Pick a shot from the storyboard list.")


def image_request_for(
    project: Project,
    variant_id: str | None,
    shot_id: str,
    aspect: str,
    candidate: int = 0,
    *,
    model: str | None = None,
    seed: int | None = None,
    steps: int | None = None,
    loras: tuple[LoraRef, ...] = (),
    init_image: str | None = None,
    strength: float = 0.55,
    reference_image: str | None = None,
    place: Placement | None = None,
) -> ImageRequest:
    """The full request for one image of one shot: prompt and look from the (localized) shot, size from the aspect."""
    if project.storyboard is None:
        raise ProjectError("The project has no storyboard yet.", "Plan the project first.")
    index = _shot_index(project, shot_id)
    master = project.storyboard.shots[index]
    model = model or project.settings.image_model
    base = seed if seed is not None else shot_seed(project, shot_id)

    palette: tuple[str, ...] = ()
    motifs: tuple[str, ...] = ()
    props: tuple[str, ...] = ()
    cast: tuple[CastMember, ...] = ()
    occasion = ""
    prompt, negative = master.visual, ""
    if variant_id is not None:
        try:
            variant = project.variant(variant_id)
            shot = variant.shot(shot_id)
        except KeyError as e:
            raise ProjectError(
                f"Variant {variant_id!r} has no shot {shot_id!r}.", "Re-plan the variants, or pick another shot."
            ) from e
        palette, motifs = tuple(variant.palette), tuple(shot.motifs)
        props, cast, occasion = tuple(shot.props), tuple(shot.cast), shot.occasion
        prompt, negative = shot.prompt or master.visual, shot.negative_prompt
        extras = [shot.wardrobe and f"wearing {shot.wardrobe}", shot.setting, shot.talent]
        prompt = ", ".join([prompt, *(e for e in extras if e and e.lower() not in prompt.lower())])

    if model == PROCEDURAL:
        width, height = ASPECT_SIZES.get(aspect, ASPECT_SIZES["9:16"])
        step_count, guidance = steps or project.settings.image_steps, 0.0
        init_image, loras = None, ()
    else:
        from pipelines.image.families import facts

        family, native = _model_family(model, place)
        known = facts(family)  # steps, guidance and size that suit the family (pipelines/image/families.py)
        guidance = known.guidance
        width, height = diffusion_size(aspect, native or known.native_size)
        step_count = steps or known.steps or project.settings.image_steps

    from studio.planning.brand import brand_palette, product_cutout_for

    kit = project.brief.brand_kit
    return ImageRequest(
        shot_id=shot_id,
        variant_id=variant_id,
        prompt=prompt,
        negative_prompt=negative,
        seed=base + candidate,
        steps=step_count,
        guidance=guidance,
        width=width,
        height=height,
        model=model,
        loras=loras,
        init_image=init_image,
        strength=strength,
        reference_image=reference_image,
        framing=master.framing,
        camera=master.camera,
        palette=brand_palette(kit, palette),
        motifs=motifs,
        label=f"S{index + 1} · {master.beat.upper()}",
        category=category_id(project),
        props=tuple(dict.fromkeys(p for p in (project.brief.product.strip(), *props) if p)),
        cast=cast,
        occasion=occasion,
        product_cutout=product_cutout_for(kit, master.framing, category_id(project), master.beat),
    )


def category_id(project: Project) -> str:
    """The brief's category as a knowledge-pack id (aliases resolved: "sunscreen" may be written for skincare).

    An unknown category is passed on as written (lower case): the default frames then read its words.
    """
    from studio.planning.knowledge import load_knowledge

    name = project.brief.category.strip()
    pack = load_knowledge().category(name) if name else None
    return pack.id if pack is not None else name.lower()


def own_take(project: Project, shot_id: str, variant_id: str | None) -> Take | None:
    """The variant's own take, never the master's (`Project.own_take`)."""
    return project.own_take(shot_id, variant_id)


def _existing(project: Project, store: ProjectStore) -> dict[str, Take]:
    return {t.request.key(): t for t in project.takes if store.asset_path(t.asset).is_file()}


def _base_seed(project: Project, request: TakesRequest, variant_id: str | None, shot_id: str) -> int:
    if request.lock_seed:
        picked = project.selected_take(shot_id, variant_id)
        if picked is not None:
            return picked.request.seed
    if request.seed is not None:
        return request.seed
    base = shot_seed(project, shot_id)
    if request.regenerate:
        used = [t.request.seed for t in project.takes if t.shot_id == shot_id and t.variant_id == variant_id]
        if used:
            return max([*used, base]) + 1 + random.Random(f"{shot_id}:{len(used)}").randrange(1000)
    return base


@dataclass
class _Job:
    request: ImageRequest
    variant_id: str | None
    after: str | None = None
    """Key of the master job whose image this restyle starts from."""
    of: str | None = None
    """Key of the take this one makes again at `aspect` (an aspect take: `info.aspect_of`)."""
    aspect: str = ""


def _png(image: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=3)  # type: ignore[attr-defined]
    return buf.getvalue()


def _batch_key(r: ImageRequest) -> tuple[object, ...]:
    """The image backend's own grouping (cast, props, occasion and prompts never split a batch; strength does)."""
    from pipelines.image import batch_key

    return batch_key(r)


def _batches(jobs: list[_Job], size: int) -> Iterable[list[_Job]]:
    """Shots that share a model, size and settings go through the pipeline together (img2img restyles one by one)."""
    groups: dict[tuple[object, ...], list[_Job]] = {}
    for job in jobs:
        groups.setdefault(_batch_key(job.request), []).append(job)
    for group in groups.values():
        step = 1 if group[0].request.model == PROCEDURAL else max(1, size)
        for i in range(0, len(group), step):
            yield group[i : i + step]


@dataclass
class _Plan:
    store: ProjectStore
    project: Project
    results: dict[str, Take]
    planned: dict[str, _Job]
    order: list[str]
    aspect_keys: list[str] = field(default_factory=list)
    """The aspect takes to make or to record for another take, in order (those already stored are left out)."""
    relabel: dict[str, tuple[Take, str, str]] = field(default_factory=dict)
    """Aspect takes whose picture is stored under another take: key → (stored take, base key, aspect)."""


def _plan(request: TakesRequest) -> _Plan:
    """Which images are reused (same request key, file present) and which must be made, in order."""
    store = ProjectStore(request.project_dir)
    project = request.project if request.project is not None else store.load()
    if project.storyboard is None:
        raise ProjectError("The project has no storyboard yet.", "Plan the project first.")
    shot_ids = list(request.shot_ids) or [s.id for s in project.storyboard.shots]
    model = request.model or project.settings.image_model
    existing = _existing(project, store)
    diffusion = model != PROCEDURAL
    from pipelines.image.reference import plan_key, reference_takes  # a take made with a reference image stands

    with_reference = reference_takes(project.takes, lambda t: store.asset_path(t.asset).is_file())

    results: dict[str, Take] = {}
    planned: dict[str, _Job] = {}

    def plan(variant_id: str | None, shot_id: str, candidate: int, init: str | None, after: str | None) -> str:
        req = image_request_for(
            project,
            variant_id,
            shot_id,
            request.aspect,
            candidate,
            model=model,
            seed=_base_seed(project, request, variant_id, shot_id),
            steps=request.steps,
            loras=(*project.settings.image_loras, *request.loras, *request.extra_loras.get(shot_id, ())),
            init_image=init,
            strength=request.strength,
            reference_image=request.reference_image,
            place=request.place,
        )
        key = req.key()
        if key in existing:
            results[key] = existing[key]
        elif req.reference_image is None and plan_key(req) in with_reference:
            results[key] = with_reference[plan_key(req)]
        elif key not in planned:
            planned[key] = _Job(req, variant_id, after)
        return key

    order: list[str] = []
    for variant_id in request.variant_ids:
        for shot_id in shot_ids:
            master_key = None
            init = None
            if diffusion and variant_id is not None and request.restyle:
                picked = project.selected_take(shot_id, None)
                size_ok = picked is not None and picked.request.model == model
                if size_ok and picked is not None:
                    init = picked.asset
                else:
                    master_key = plan(None, shot_id, 0, None, None)
            for c in range(max(1, request.candidates)):
                order.append(plan(variant_id, shot_id, c, init, master_key))

    made = _Plan(store, project, results, planned, order)
    if diffusion:
        _plan_aspects(made, request, shot_ids, existing)
    return made


def _plan_aspects(plan: _Plan, request: TakesRequest, shot_ids: list[str], existing: dict[str, Take]) -> None:
    """Each variant shot's shown diffusion take made again at the other aspects (studio/aspect_takes.py does the
    default frames). A variant restyled from the master starts from the master made at that aspect, so every
    variant keeps the master's composition in each shape too."""
    from studio.render.reframe import nearest_aspect

    project, planned, results = plan.project, plan.planned, plan.results
    model = request.model or project.settings.image_model
    wanted = request.aspects if request.aspects is not None else tuple(project.brief.aspect_ratios)
    aspects = [a for a in dict.fromkeys(wanted) if a in ASPECT_SIZES]
    sizes: dict[tuple[str, str], tuple[int, int]] = {}

    def size(model: str, aspect: str) -> tuple[int, int]:
        if (model, aspect) not in sizes:
            from pipelines.image.families import facts

            family, native = _model_family(model, request.place)
            sizes[model, aspect] = aspect_size(aspect, native or facts(family).native_size)
        return sizes[model, aspect]

    def base_of(key: str) -> ImageRequest | None:
        take = results.get(key) or existing.get(key)
        return take.request if take is not None else planned[key].request if key in planned else None

    def add(base_key: str, req: ImageRequest, variant_id: str | None, aspect: str, after: str | None) -> str:
        key = req.key()
        stored = existing.get(key) if after is None else None
        if key in planned or key in plan.relabel or key in plan.aspect_keys:
            return key
        base = results.get(base_key) or existing.get(base_key)
        if stored is not None and base is not None and stored.info.get("aspect_of") == base.id:
            results[key] = stored  # made before: not returned again, the project has it
            return key
        if stored is not None:
            plan.relabel[key] = (stored, base_key, aspect)
        else:
            planned[key] = _Job(req, variant_id, after, of=base_key, aspect=aspect)
        plan.aspect_keys.append(key)
        return key

    def master_of(base_key: str, shot_id: str) -> str | None:
        job = planned.get(base_key)
        if job is not None and job.after is not None:
            return job.after
        base = base_of(base_key)
        init = base.init_image if base is not None else None
        if init is None:
            return None
        masters = [t for t in project.takes if t.shot_id == shot_id and t.variant_id is None and t.asset == init]
        masters.sort(key=lambda t: t.selected)
        return masters[-1].request.key() if masters and masters[-1].request.key() in existing else None

    for variant_id in request.variant_ids:
        if variant_id is None:
            continue
        for shot_id in shot_ids:
            own = project.own_take(shot_id, variant_id)
            mine = [k for k in plan.order if (results.get(k) or planned[k]).variant_id == variant_id]
            mine = [k for k in mine if base_of(k) is not None and base_of(k).shot_id == shot_id]  # type: ignore[union-attr]
            base_key = own.request.key() if own is not None else (mine[-1] if mine else None)
            if own is not None:
                if base_key not in existing:
                    continue
                results[base_key] = own
            base = base_of(base_key) if base_key is not None else None
            if base_key is None or base is None or base.model != model or base.tryon_mask is not None:
                continue  # default frames: the cut draws them per aspect; another model's or a try-on: reframed
            master_key = master_of(base_key, shot_id)
            for aspect in aspects:
                if aspect == nearest_aspect(base):
                    continue
                w, h = size(base.model, aspect)
                if master_key is None:
                    add(base_key, base.model_copy(update={"width": w, "height": h}), variant_id, aspect, None)
                    continue
                master = base_of(master_key)
                if master is None:
                    continue
                mkey = add(master_key, master.model_copy(update={"width": w, "height": h}), None, aspect, None)
                made = results.get(mkey) or (plan.relabel[mkey][0] if mkey in plan.relabel else None)
                if made is not None:
                    req = base.model_copy(update={"width": w, "height": h, "init_image": made.asset})
                    add(base_key, req, variant_id, aspect, None)
                else:
                    req = base.model_copy(update={"width": w, "height": h, "init_image": None})
                    add(base_key, req, variant_id, aspect, mkey)


def missing_takes(request: TakesRequest) -> list[ImageRequest]:
    """The images `generate_takes` would make for this request (none: every one is already stored). Torch-free."""
    return [job.request for job in _plan(request).planned.values()]


def generate_takes(
    request: TakesRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> list[Take]:
    """Make (or reuse) the takes asked for. Writes image assets; never saves project.json (the caller merges).

    Cancel stops within one denoising step; the assets this call wrote are removed and no Take is returned.
    """
    from pipelines.image import generate_images

    plan = _plan(request)
    store, project, results, planned, order = plan.store, plan.project, plan.results, plan.planned, plan.order
    created: list[str] = []
    made: list[Take] = []
    total = max(1, len(planned))
    done = 0
    try:
        pending = list(planned.values())
        for phase in (
            [j for j in pending if j.after is None and j.of is None],
            [j for j in pending if j.after is not None and j.of is None],
            [j for j in pending if j.after is None and j.of is not None],  # the other aspects: masters first
            [j for j in pending if j.after is not None and j.of is not None],
        ):
            for batch in _batches(phase, request.batch_size):
                check(cancel)
                reqs = []
                for job in batch:
                    if job.after is not None:
                        job.request = job.request.model_copy(update={"init_image": results[job.after].asset})
                    reqs.append(job.request)
                part = sub_progress(on_progress, done / total, (done + len(batch)) / total)
                label = ", ".join(
                    sorted(
                        {
                            f"{j.variant_id or 'master'}/{j.request.shot_id}" + (j.aspect and f" at {j.aspect}")
                            for j in batch
                        }
                    )
                )
                report(part, 0.0, f"Image {done + 1}/{total}: {label}")
                images = generate_images(
                    reqs, on_progress=part, cancel=cancel, assets=store.assets, place=request.place
                )
                for job, res in zip(batch, images, strict=True):
                    name = store.put_asset(_png(res.image), "png")
                    if not any(t.asset == name for t in project.takes):
                        created.append(name)
                    take = Take(
                        id=new_id("take"),
                        shot_id=job.request.shot_id,
                        variant_id=job.variant_id,
                        request=job.request,
                        asset=name,
                        backend=res.backend,
                        info={"consistency": res.consistency, **res.info, **_aspect_info(job, results)},
                    )
                    planned_key = next(k for k, v in planned.items() if v is job)
                    results[planned_key] = take
                    made.append(take)
                done += len(batch)
    except BaseException:
        for name in created:
            store.asset_path(name).unlink(missing_ok=True)
        raise
    for key, (stored, base_key, aspect) in plan.relabel.items():  # the same picture, made for another take
        info = {**stored.info, "aspect_of": results[base_key].id, "aspect": aspect}
        results[key] = stored.model_copy(update={"id": new_id("take"), "selected": False, "info": info})
    report(on_progress, 1.0, f"{len(made)} new image(s), {len(results) - len(made)} reused")
    wanted = list(dict.fromkeys([*(j for j in order), *(k for k, j in planned.items()), *plan.aspect_keys]))
    return [results[k] for k in wanted if k in results]


def _aspect_info(job: _Job, results: dict[str, Take]) -> dict[str, str]:
    """An aspect take names the take it makes again (the cut at that aspect shows it instead of a crop)."""
    return {"aspect_of": results[job.of].id, "aspect": job.aspect} if job.of is not None else {}
