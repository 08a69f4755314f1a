"""Apparel try-on on a tiny SD 1.5: the brand's garment inpainted on the cast talent's torso, nothing outside the
garment region touched, the take stored, picked and shown by the cut; clear errors for briefs it does not fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from test_takes import make_project
from tiny_models import TinyModels, pixels, use_tiny_models

from studio.model import ProjectError, ProjectStore, ValidationFailed
from studio.stages import takes as takes_stage
from studio.takes import TakesRequest, generate_takes
from studio.tryon_takes import TryOn

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")

VID = "th-night-owls"
SHIRT = (30, 160, 90)  # a green none of the default frames' outfits has


def shirt(path: Path) -> Path:
    """A green T-shirt photographed flat, on transparency, with a white stripe (every brand has its detail)."""
    img = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.polygon([(30, 10), (90, 10), (118, 40), (100, 55), (95, 45), (95, 115), (25, 115), (25, 45), (20, 55), (2, 40)],
              fill=(*SHIRT, 255))  # fmt: skip
    d.rectangle([25, 60, 95, 68], fill=(250, 250, 250, 255))
    img.save(path)
    return path


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


def apparel_project(root: Path, brief: Path, *, category: str = "apparel", garment: bool = True) -> ProjectStore:
    """A Thai streetwear brand's project: default frames picked for every shot, the T-shirt in the brand kit."""
    from studio.planning.brand import BrandEdits, edit_brand_kit

    store = make_project(root, brief)
    project = store.load()
    project.brief.category = category
    project.brief.product = "a green cotton T-shirt"
    project.variants = [v for v in project.variants if v.id == VID]
    if garment:
        edits = BrandEdits(photos=[("front", shirt(root.parent / "shirt.png"))])
        project.brief.brand_kit = edit_brand_kit(project, store, edits)
    store.save(project)
    made = generate_takes(TakesRequest(store.root, variant_ids=(VID,)))
    project = takes_stage.apply(store.load(), takes_stage.TakesOutcome(tuple(made)))
    store.save(project)
    return store


def try_on(store: ProjectStore, shot: str = "s2", **kw: object) -> takes_stage.TakesOutcome:
    from tiny_models import tiny_models

    from studio.stages.settings import Settings

    options = {"try_on": TryOn(**kw), "model": "tiny-sd15", "steps": 4}  # type: ignore[arg-type]
    settings = Settings(model_folders=(tiny_models().root,), device="cpu")
    request = takes_stage.TakesRequest(
        store.root, variant_ids=(VID,), shot_ids=(shot,), options=options, settings=settings
    )
    return takes_stage.run(request)


def _start(store: ProjectStore, take: object) -> np.ndarray:
    """The talent's picture at the try-on's size, as the pipeline was given it."""
    from pipelines.image.generator import _cover

    r = take.request  # type: ignore[attr-defined]
    base = Image.open(store.asset_path(r.init_image)).convert("RGB")
    return pixels(_cover(base, r.width, r.height) if base.size != (r.width, r.height) else base)


def test_the_garment_is_inpainted_on_the_talent_and_nothing_else_changes(
    models: TinyModels, tmp_path: Path, sample_brief_path: Path
) -> None:
    store = apparel_project(tmp_path / "proj", sample_brief_path)
    before = store.load()
    talent = before.selected_take("s2", VID)
    assert talent is not None and talent.request.model == "procedural"
    outcome = try_on(store)
    [take] = outcome.takes
    project = takes_stage.apply(store.load(), outcome)
    store.save(project)

    kit = project.brief.brand_kit
    assert kit is not None and take.request.garment == kit.product_photos[0].cutout
    assert take.request.init_image == talent.asset and take.info["try_on_of"] == talent.id
    assert take.backend == "diffusers:tiny-sd15" and take.info["mask_source"] == "frame plan"
    assert take.info["ip_adapter"].startswith("not used"), "no IP-Adapter here: the take says why"
    assert project.selected_take("s2", VID).id == take.id, "the try-on is the shot's pick"  # type: ignore[union-attr]

    mask = np.asarray(Image.open(store.asset_path(take.request.tryon_mask)).convert("L")) > 127
    out = pixels(Image.open(store.asset_path(take.asset)).convert("RGB"))
    start = _start(store, take)
    assert out.shape[:2] == mask.shape and 0.1 < mask.mean() < 0.8, "the torso, not the whole frame"
    ys, _ = np.nonzero(mask)
    assert ys.min() > 0.3 * mask.shape[0], "below the face"
    assert np.abs(out[~mask] - start[~mask]).mean() < 2 / 255, "outside the garment region: the talent's picture"
    assert np.abs(out[mask] - start[mask]).mean() > 10, "inside it: redrawn"

    from pipelines.image.tryon import tryon_layout

    garment = Image.open(store.asset_path(take.request.garment))
    lay = tryon_layout(
        Image.fromarray(start.astype(np.uint8)), garment, Image.fromarray(mask), strength=0.6, steered=False
    )
    canvas = pixels(lay.canvas)
    green = (np.abs(canvas[mask] - SHIRT).sum(-1) < 30).mean()
    assert green > (np.abs(start[mask] - SHIRT).sum(-1) < 30).mean() + 0.4, "the model starts from the shirt"
    assert np.array_equal(canvas[~mask], start[~mask])

    again = try_on(store)
    assert [t.id for t in again.takes] == [take.id], "the same request: the stored try-on, nothing made"


def test_a_local_ip_adapter_brings_the_garment_from_its_photo(
    models: TinyModels, tmp_path: Path, sample_brief_path: Path
) -> None:
    import shutil

    from studio.stages.settings import Settings

    shelf = tmp_path / "shelf"
    shutil.copytree(models.sd15, shelf / "with-ip")
    shutil.copytree(models.ip_adapter, shelf / "with-ip" / "ip_adapter")
    store = apparel_project(tmp_path / "proj", sample_brief_path)
    request = takes_stage.TakesRequest(
        store.root,
        variant_ids=(VID,),
        shot_ids=("s2",),
        options={"try_on": TryOn(), "model": "with-ip", "steps": 4},
        settings=Settings(model_folders=(shelf,), device="cpu"),
    )
    [take] = takes_stage.run(request).takes
    assert take.info["consistency"] == "ip-adapter" and str(take.info["try_on"]).startswith("steered")
    assert take.info["try_on_strength"] == 0.9, "the region is redrawn from the photo, not from a laid-in cutout"
    mask = np.asarray(Image.open(store.asset_path(take.request.tryon_mask))) > 127
    out, start = pixels(Image.open(store.asset_path(take.asset)).convert("RGB")), _start(store, take)
    assert np.abs(out[~mask] - start[~mask]).mean() < 2 / 255
    assert np.abs(out[mask] - start[mask]).mean() > 10


def test_the_creators_mask_replaces_the_planned_one(
    models: TinyModels, tmp_path: Path, sample_brief_path: Path
) -> None:
    store = apparel_project(tmp_path / "proj", sample_brief_path)
    talent = store.load().selected_take("s1", VID)
    assert talent is not None
    painted = Image.new("L", (talent.request.width, talent.request.height), 0)
    ImageDraw.Draw(painted).rectangle([0, painted.height // 2, painted.width // 2, painted.height], fill=255)
    painted.save(tmp_path / "mask.png")
    [take] = try_on(store, "s1", mask=tmp_path / "mask.png", pick=False).takes
    assert take.info["mask_source"] == "creator" and not take.selected
    mask = np.asarray(Image.open(store.asset_path(take.request.tryon_mask))) > 127
    assert abs(mask.mean() - 0.25) < 0.05, "the painted quarter"
    out, start = pixels(Image.open(store.asset_path(take.asset)).convert("RGB")), _start(store, take)
    assert np.abs(out[~mask] - start[~mask]).mean() < 2 / 255
    assert np.abs(out[mask] - start[mask]).mean() > 10

    project = takes_stage.apply(store.load(), takes_stage.TakesOutcome((take,)))
    store.save(project)
    stored = store.asset_path(take.request.tryon_mask)  # painted over in place: the right half instead
    edited = Image.new("L", Image.open(stored).size, 0)
    ImageDraw.Draw(edited).rectangle([edited.width // 2, 0, edited.width, edited.height], fill=255)
    edited.save(stored)
    [again] = try_on(store, "s1", pick=False).takes
    assert again.info["mask_source"].startswith("creator") and again.request.tryon_mask != take.request.tryon_mask
    assert np.array_equal(
        np.asarray(Image.open(store.asset_path(again.request.tryon_mask))) > 127, np.asarray(edited) > 127
    )

    Image.new("L", (100, 100), 255).save(tmp_path / "square.png")
    with pytest.raises(ValidationFailed, match="Paint the mask over the picture"):
        try_on(store, "s1", mask=tmp_path / "square.png")


def test_a_try_on_needs_an_apparel_brief_a_garment_and_a_person(
    models: TinyModels, tmp_path: Path, sample_brief_path: Path
) -> None:
    serum = apparel_project(tmp_path / "serum", sample_brief_path, category="skincare")
    with pytest.raises(ProjectError, match="not apparel") as e:
        try_on(serum)
    assert "turntable" in e.value.hint
    bare = apparel_project(tmp_path / "bare", sample_brief_path, garment=False)
    with pytest.raises(ProjectError, match="no garment photo") as e:
        try_on(bare)
    assert "--product-photo front=" in e.value.hint
    dressed = apparel_project(tmp_path / "dressed", sample_brief_path)
    with pytest.raises(ProjectError, match="shows nobody to dress"):
        try_on(dressed, "s3")  # the product shot
    assert not [t for t in dressed.load().takes if t.request.tryon_mask]


def test_the_cli_makes_and_picks_a_try_on(
    models: TinyModels, tmp_path: Path, sample_brief_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from studio.cli import main

    store = apparel_project(tmp_path / "proj", sample_brief_path)
    argv = ["--quiet", "try-on", str(store.root), "--variant", VID, "--shot", "s2", "--model", "tiny-sd15"]
    assert main([*argv, "--steps", "4", "--image-models", str(models.root), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    project = store.load()
    take = project.selected_take("s2", VID)
    assert take is not None and take.request.tryon_mask and str(store.asset_path(take.asset)) in out
    assert "--mask FILE" in out and str(store.asset_path(take.request.tryon_mask)) in out


@pytest.mark.slow
def test_the_rendered_variant_shows_the_try_on(models: TinyModels, tmp_path: Path, sample_brief_path: Path) -> None:
    from media import frame_at

    from studio.render.frames import OVERSCAN
    from studio.workflow import RenderRequest, render

    store = apparel_project(tmp_path / "proj", sample_brief_path)
    project = store.load()
    assert project.storyboard is not None
    for shot in project.storyboard.shots:
        shot.camera = "static"
    store.save(project)
    talent = project.selected_take("s2", VID)
    assert talent is not None
    project = takes_stage.apply(store.load(), try_on(store))
    store.save(project)
    take = project.selected_take("s2", VID)
    assert take is not None and take.request.tryon_mask

    result = render(RenderRequest(store.root, variant_ids=(VID,), aspects=("9:16",), scale=0.25, draft=True))
    project = store.load()
    cut = project.cut(VID, "9:16")
    assert cut is not None and cut.shot("s2").take_id == take.id  # type: ignore[union-attr]
    shot = cut.shot("s2")
    assert shot is not None
    video = next(d for d in result.deliverables if d.kind == "video" and d.aspect == "9:16")
    frame = frame_at(store.root / video.path, shot.start_s + shot.duration_s / 2).astype(np.float32)
    h, w = frame.shape[:2]

    def shown(asset: str) -> np.ndarray:
        pic = Image.open(store.asset_path(asset)).convert("RGB")
        canvas = pic.resize((round(w * OVERSCAN), round(h * OVERSCAN)), Image.Resampling.LANCZOS)
        left, top = (canvas.width - w) // 2, (canvas.height - h) // 2
        return np.asarray(canvas.crop((left, top, left + w, top + h))).astype(np.float32)

    mask = Image.open(store.asset_path(take.request.tryon_mask)).convert("L")
    region = shown_mask = np.asarray(
        mask.resize((round(w * OVERSCAN), round(h * OVERSCAN))).crop(
            ((round(w * OVERSCAN) - w) // 2, (round(h * OVERSCAN) - h) // 2, (round(w * OVERSCAN) - w) // 2 + w,
             (round(h * OVERSCAN) - h) // 2 + h)
        )
    ) > 127  # fmt: skip
    region[: round(h * 0.12)] = False  # the draft band
    assert shown_mask.mean() > 0.05
    to_try_on = np.abs(frame[region] - shown(take.asset)[region]).mean()
    to_talent = np.abs(frame[region] - shown(talent.asset)[region]).mean()
    assert to_try_on < 0.6 * to_talent, f"the cut shows the try-on ({to_try_on:.1f} vs {to_talent:.1f})"
