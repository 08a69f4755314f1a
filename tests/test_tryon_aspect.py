"""Try-on takes composed per aspect (tiny SD 1.5): on a brief delivering 9:16 and 16:9 the try-on job also inpaints
the garment into the talent's own 16:9 picture (same seed and garment, the torso where the 16:9 frame plan puts it),
marked `aspect_of` the try-on, so the 16:9 cut shows the garment on a picture made for that shape instead of a crop
of the 9:16 try-on that can cut the garment or the face out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from test_tryon import VID, apparel_project
from tiny_models import TinyModels, pixels, use_tiny_models

from studio.model import Cancelled, CancelToken, Progress, ProjectStore, Take
from studio.model.stage import ProgressFn
from studio.render.reframe import same_aspect, take_for_aspect
from studio.stages import takes as takes_stage
from studio.stages.edits import pick_take
from studio.tryon_takes import TryOn

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


@pytest.fixture
def store(models: TinyModels, tmp_path: Path, sample_brief_path: Path) -> ProjectStore:
    store = apparel_project(tmp_path / "proj", sample_brief_path)
    project = store.load()
    project.brief.aspect_ratios = ["9:16", "16:9"]
    store.save(project)
    return store


def _settings() -> object:
    from tiny_models import tiny_models

    from studio.stages.settings import Settings

    return Settings(model_folders=(tiny_models().root,), device="cpu")


def try_on(
    store: ProjectStore, shot: str = "s2", on_progress: ProgressFn | None = None, **kw: object
) -> takes_stage.TakesOutcome:
    options = {"try_on": TryOn(**kw), "model": "tiny-sd15", "steps": 4}  # type: ignore[arg-type]
    request = takes_stage.TakesRequest(
        store.root,
        variant_ids=(VID,),
        shot_ids=(shot,),
        options=options,
        settings=_settings(),  # type: ignore[arg-type]
    )
    return takes_stage.run(request, on_progress=on_progress)


def _start(store: ProjectStore, take: Take) -> np.ndarray:
    """The talent's picture the try-on inpainted, at the try-on's size, as the pipeline was given it."""
    from pipelines.image.generator import _cover

    r = take.request
    assert r.init_image is not None
    base = Image.open(store.asset_path(r.init_image)).convert("RGB")
    return pixels(_cover(base, r.width, r.height) if base.size != (r.width, r.height) else base)


def _split(takes: tuple[Take, ...] | list[Take]) -> tuple[Take, Take]:
    """The try-on and its 16:9 take."""
    [tryon] = [t for t in takes if t.request.tryon_mask and "aspect_of" not in t.info]
    [wide] = [t for t in takes if t.request.tryon_mask and t.info.get("aspect_of") == tryon.id]
    return tryon, wide


def _region(store: ProjectStore, take: Take) -> np.ndarray:
    assert take.request.tryon_mask is not None
    return np.asarray(Image.open(store.asset_path(take.request.tryon_mask)).convert("L")) > 127


def test_the_try_on_is_made_at_16_9_on_the_talents_16_9_picture(store: ProjectStore) -> None:
    talent = store.load().selected_take("s2", VID)
    assert talent is not None
    seen: list[Progress] = []
    outcome = try_on(store, on_progress=seen.append)
    tryon, wide = _split(outcome.takes)
    assert wide.info["aspect"] == "16:9" and wide.variant_id == VID and wide.shot_id == "s2" and not wide.selected
    assert same_aspect(wide.request, "16:9") and wide.request.width > wide.request.height
    assert Image.open(store.asset_path(wide.asset)).size == (wide.request.width, wide.request.height), "native 16:9"
    same = ("seed", "prompt", "negative_prompt", "steps", "strength", "model", "garment", "cast")
    assert all(getattr(wide.request, f) == getattr(tryon.request, f) for f in same)

    # Its start: the talent's default frame of the same shot, drawn at 16:9 (not the 9:16 one cropped).
    [start] = [t for t in outcome.takes if t.info.get("aspect_of") == talent.id]
    assert wide.request.init_image == start.asset and wide.info["try_on_of"] == start.id
    assert same_aspect(start.request, "16:9") and start.request.seed == talent.request.seed
    assert wide.info["mask_source"] == "frame plan"

    mask, out = _region(store, wide), pixels(Image.open(store.asset_path(wide.asset)).convert("RGB"))
    base = _start(store, wide)
    assert mask.shape == out.shape[:2] and 0.05 < mask.mean() < 0.6, "the lead's torso in the wide frame"
    assert np.abs(out[~mask] - base[~mask]).max() <= 2, "outside the garment region: the 16:9 picture, unchanged"
    assert np.abs(out[mask] - base[mask]).mean() > 10, "inside it: the garment inpainted"
    # The region is where the 16:9 plan puts the torso, not the 9:16 mask stretched: it is narrower than the frame.
    xs = np.nonzero(mask.any(axis=0))[0]
    assert xs.max() - xs.min() < 0.6 * mask.shape[1]

    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("Try-on 2/2 at 16:9" in p.message for p in seen), "the extra aspect is counted in the job's progress"
    mid = next(p.fraction for p in seen if "Try-on 2/2" in p.message)
    assert 0.3 < mid < 0.7, "the second of two images starts halfway"

    project = takes_stage.apply(store.load(), outcome)
    store.save(project)
    again = try_on(store)
    assert [t.id for t in again.takes] == [tryon.id], "made before at every aspect: nothing to make again"


def test_the_16_9_cut_shows_the_try_ons_16_9_take(store: ProjectStore) -> None:
    talent = store.load().selected_take("s2", VID)
    assert talent is not None
    outcome = try_on(store)
    tryon, wide = _split(outcome.takes)
    [start] = [t for t in outcome.takes if t.info.get("aspect_of") == talent.id]
    project = takes_stage.apply(store.load(), outcome)
    store.save(project)

    assert project.selected_take("s2", VID).id == tryon.id  # type: ignore[union-attr]
    assert take_for_aspect(project, "s2", VID, "16:9").id == wide.id  # type: ignore[union-attr]
    assert take_for_aspect(project, "s2", VID, "9:16").id == tryon.id  # type: ignore[union-attr]
    project = pick_take(project, talent.id)  # the talent without the garment again: its own 16:9 picture
    assert take_for_aspect(project, "s2", VID, "16:9").id == start.id  # type: ignore[union-attr]
    project = pick_take(project, tryon.id)
    assert take_for_aspect(project, "s2", VID, "16:9").id == wide.id  # type: ignore[union-attr]


def test_cancel_during_the_16_9_try_on_leaves_no_half_take(store: ProjectStore) -> None:
    before = {p.name for p in store.assets.iterdir()}
    token = CancelToken()
    seen: list[str] = []

    def on_progress(p: Progress) -> None:
        seen.append(p.message)
        if "Step" in p.message and any("at 16:9" in m for m in seen):
            token.cancel()

    options = {"try_on": TryOn(), "model": "tiny-sd15", "steps": 4}
    request = takes_stage.TakesRequest(
        store.root,
        variant_ids=(VID,),
        shot_ids=("s2",),
        options=options,
        settings=_settings(),  # type: ignore[arg-type]
    )
    with pytest.raises(Cancelled):
        takes_stage.run(request, on_progress=on_progress, cancel=token)
    assert any("Try-on 1/2" in m for m in seen), "the 9:16 try-on was made before the cancel"
    assert {p.name for p in store.assets.iterdir()} == before, "no try-on, mask or 16:9 picture left behind"
    assert not [t for t in store.load().takes if t.request.tryon_mask]


def test_the_creators_mask_is_carried_to_the_16_9_picture(store: ProjectStore, tmp_path: Path) -> None:
    talent = store.load().selected_take("s2", VID)
    assert talent is not None
    painted = Image.new("L", (talent.request.width, talent.request.height), 0)
    w, h = painted.size
    ImageDraw.Draw(painted).rectangle([w // 4, h // 2, 3 * w // 4, 5 * h // 6], fill=255)
    painted.save(tmp_path / "mask.png")
    outcome = try_on(store, mask=tmp_path / "mask.png")
    tryon, wide = _split(outcome.takes)
    assert tryon.info["mask_source"] == "creator" and wide.info["mask_source"] == "creator, carried to 16:9"
    mask = _region(store, wide)
    out, base = pixels(Image.open(store.asset_path(wide.asset)).convert("RGB")), _start(store, wide)
    assert 0.02 < mask.mean() < 0.4
    ys, xs = np.nonzero(mask)
    assert ys.min() > 0.2 * mask.shape[0], "still the body, below the face"
    assert 0.25 < xs.mean() / mask.shape[1] < 0.75, "on the lead, in the middle of the wide frame"
    assert np.abs(out[~mask] - base[~mask]).max() <= 2
    assert np.abs(out[mask] - base[mask]).mean() > 10


def test_the_render_counts_and_makes_a_try_ons_missing_16_9_take(store: ProjectStore) -> None:
    from studio.stages.render import RenderRequest, missing_images, plan_render

    outcome = try_on(store)
    outcome = takes_stage.TakesOutcome(tuple(t for t in outcome.takes if "aspect_of" not in t.info))
    tryon = outcome.takes[0]
    project = takes_stage.apply(store.load(), outcome)  # a try-on made before it was made per aspect
    store.save(project)
    settings = _settings()
    assert missing_images(project, store.root, [VID], "9:16", settings, ("9:16",)) == 0  # type: ignore[arg-type]
    assert missing_images(project, store.root, [VID], "9:16", settings) == 1, "its 16:9 take"  # type: ignore[arg-type]

    plan = plan_render(project, RenderRequest(store.root, variant_ids=(VID,), draft=True, settings=settings))  # type: ignore[arg-type]
    assert plan.missing == 1
    [step] = plan.image_steps(project)
    assert "1 missing" in step.title
    project = step.apply(store.load(), step.run(step.request))
    store.save(project)
    wide = take_for_aspect(project, "s2", VID, "16:9")
    assert wide is not None and wide.info.get("aspect_of") == tryon.id and wide.request.tryon_mask
    assert same_aspect(wide.request, "16:9")
    assert missing_images(project, store.root, [VID], "9:16", settings) == 0  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_16_9_render_shows_the_garment_on_the_16_9_picture(store: ProjectStore) -> None:
    from media import frame_at

    from studio.render.frames import OVERSCAN
    from studio.workflow import RenderRequest, render

    project = store.load()
    assert project.storyboard is not None
    for planned in project.storyboard.shots:
        planned.camera = "static"
    store.save(project)
    outcome = try_on(store)
    tryon, wide = _split(outcome.takes)
    store.save(takes_stage.apply(store.load(), outcome))

    result = render(RenderRequest(store.root, variant_ids=(VID,), aspects=("9:16", "16:9"), scale=0.25, draft=True))
    project = store.load()
    cut = project.cut(VID, "16:9")
    assert cut is not None
    shot = cut.shot("s2")
    assert shot is not None and shot.take_id == tryon.id, "the record names the pick; the picture is its 16:9 take"
    assert take_for_aspect(project, "s2", VID, "16:9").id == wide.id  # type: ignore[union-attr]
    video = next(d for d in result.deliverables if d.kind == "video" and d.aspect == "16:9")
    frame = frame_at(store.root / video.path, shot.start_s + shot.duration_s / 2).astype(np.float32)
    h, w = frame.shape[:2]

    def shown(pic: Image.Image) -> np.ndarray:
        canvas = pic.resize((round(w * OVERSCAN), round(h * OVERSCAN)), Image.Resampling.LANCZOS)
        left, top = (canvas.width - w) // 2, (canvas.height - h) // 2
        return np.asarray(canvas.crop((left, top, left + w, top + h))).astype(np.float32)

    region = shown(Image.fromarray(_region(store, wide).astype(np.uint8) * 255).convert("RGB"))[..., 0] > 127
    region[: round(h * 0.12)] = False  # the draft band
    assert region.mean() > 0.03
    start = Image.fromarray(_start(store, wide).astype(np.uint8))
    to_try_on = np.abs(frame[region] - shown(Image.open(store.asset_path(wide.asset)).convert("RGB"))[region]).mean()
    to_talent = np.abs(frame[region] - shown(start)[region]).mean()
    assert to_try_on < 0.6 * to_talent, f"the garment is on the 16:9 picture ({to_try_on:.1f} vs {to_talent:.1f})"


def test_a_diffusion_talent_is_composed_at_16_9_as_its_aspect_takes_are(store: ProjectStore) -> None:
    from studio.takes import TakesRequest, generate_takes

    project = store.load()
    project.settings.image_model = "tiny-sd15"
    project.settings.image_steps = 2
    store.save(project)
    made = generate_takes(TakesRequest(store.root, variant_ids=(VID,), shot_ids=("s2",), aspects=()))
    project = takes_stage.apply(store.load(), takes_stage.TakesOutcome(tuple(made)))
    for take in made:  # the creator picks the model's pictures over the default frames
        project = pick_take(project, take.id)
    store.save(project)
    talent, master = project.selected_take("s2", VID), project.selected_take("s2", None)
    assert talent is not None and master is not None and talent.request.model == "tiny-sd15"
    assert talent.request.init_image == master.asset, "the variant restyles the master"

    from studio.stages.render import missing_images
    from studio.tryon_takes import missing_aspect_try_ons

    before = missing_images(project, store.root, [VID], "9:16", _settings())  # type: ignore[arg-type]
    options = {"try_on": TryOn(), "model": "tiny-sd15", "steps": 4, "aspects": ()}
    request = takes_stage.TakesRequest(store.root, (VID,), ("s2",), options=options, settings=_settings())  # type: ignore[arg-type]
    [only] = takes_stage.run(request).takes
    project = takes_stage.apply(store.load(), takes_stage.TakesOutcome((only,)))
    store.save(project)
    [(shown, lacking, images)] = missing_aspect_try_ons(project, store, [VID], ("9:16", "16:9"))
    assert shown.id == only.id and lacking == ["16:9"]
    assert images == 3, "the try-on at 16:9, and the talent's picture and its master made at 16:9 for it"
    count = missing_images(project, store.root, [VID], "9:16", _settings())  # type: ignore[arg-type]
    assert count == before + 1, "the talent's two 16:9 takes were counted before; now the try-on's too"

    outcome = try_on(store)  # the same try-on, now made at 16:9 too
    tryon, wide = _split(outcome.takes)
    assert tryon.id == only.id and tryon.asset == only.asset
    [start] = [t for t in outcome.takes if t.info.get("aspect_of") == talent.id]
    [master_wide] = [t for t in outcome.takes if t.info.get("aspect_of") == master.id]
    assert wide.request.init_image == start.asset
    assert same_aspect(start.request, "16:9") and same_aspect(master_wide.request, "16:9")
    same = ("seed", "prompt", "negative_prompt", "cast", "steps", "model", "strength")
    assert all(getattr(start.request, f) == getattr(talent.request, f) for f in same)
    assert start.request.init_image == master_wide.asset, "restyled from the master made at 16:9"
    assert (wide.request.width, wide.request.height) == (start.request.width, start.request.height)
    out, base = pixels(Image.open(store.asset_path(wide.asset)).convert("RGB")), _start(store, wide)
    mask = _region(store, wide)
    assert np.abs(out[~mask] - base[~mask]).max() <= 2
    assert np.abs(out[mask] - base[mask]).mean() > 10
