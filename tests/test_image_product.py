"""Diffusion with the real product (tiny random SD 1.5 / SDXL saved to disk and loaded back through the registry):
product shots are inpainted around the placed cutout and keep its pixels; the product photo steers scene shots
through a local IP-Adapter, and without one the take says so."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw
from tiny_models import TinyModels, pixels, use_tiny_models

from pipelines.image import generate_image
from pipelines.image.inpaint import OPAQUE, layout
from studio.model import ImageRequest

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


def cutout(path: Path) -> str:
    """A Korean fintech app's phone as a cutout: a textured body (every pixel differs), a soft alpha edge."""
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (80, 40, 3), dtype=np.uint8)
    rgb[10:70, 5:35] = (20, 90, 200)  # the screen
    alpha = Image.new("L", (40, 80), 0)
    ImageDraw.Draw(alpha).rounded_rectangle((2, 2, 37, 77), radius=6, fill=255)
    alpha = alpha.resize((40, 80))
    a = np.asarray(alpha).copy()
    a[2, 10:30] = 128  # a half-transparent edge
    img = Image.fromarray(np.dstack([rgb, a]))
    name = "phone-cutout.png"
    img.save(path / name)
    return name


def req(model: str, **kw: Any) -> ImageRequest:
    base: dict[str, Any] = {"shot_id": "s3", "prompt": "a phone on a marble counter, Seoul apartment, morning light"}
    base |= {"model": model, "width": 64, "height": 128, "steps": 3, "seed": 5, "guidance": 5.0, "framing": "product"}
    return ImageRequest(**(base | kw))


@pytest.mark.parametrize("model", ["tiny-sd15", "tiny-sdxl"])
def test_inpainting_keeps_the_products_pixels(models: TinyModels, tmp_path: Path, model: str) -> None:
    name = cutout(tmp_path)
    r = req(model, product_cutout=name, palette=("#f4f1ea",))
    res = generate_image(r, assets=tmp_path)
    assert res.image.size == (64, 128) and res.info["product"].startswith("inpainted")

    lay = layout(Image.open(tmp_path / name), 64, 128, "product", fill=(0xF4, 0xF1, 0xEA))
    placed = np.asarray(lay.placed, dtype=np.int16)
    inside = placed[..., 3] >= OPAQUE * 255
    assert inside.sum() > 1000, "a packshot shows the product large"
    out = pixels(res.image)
    assert np.array_equal(out[inside], placed[..., :3][inside]), "the product's pixels are the photo's"
    assert np.abs(out[inside] - placed[..., :3][inside]).mean() < 2 / 255
    x, y, w, h = (int(v) for v in res.info["product_box"].split(","))
    assert y + h > 0.8 * 128 and abs(x + w / 2 - 32) <= 1, "a packshot sits centred and low"
    background = ~(np.asarray(lay.mask) == 0)
    canvas = pixels(lay.canvas)
    assert np.abs(out[background] - canvas[background]).mean() > 10, "the background was generated, not left plain"


def test_a_restyle_keeps_the_product_and_restyles_around_it(models: TinyModels, tmp_path: Path) -> None:
    name = cutout(tmp_path)
    Image.new("RGB", (64, 128), (200, 40, 40)).save(tmp_path / "master.png")
    res = generate_image(req("tiny-sd15", product_cutout=name, init_image="master.png", strength=0.5), assets=tmp_path)
    lay = layout(Image.open(tmp_path / name), 64, 128, "product")
    inside = np.asarray(lay.placed)[..., 3] >= OPAQUE * 255
    assert np.array_equal(pixels(res.image)[inside], np.asarray(lay.placed, dtype=np.int16)[..., :3][inside])


def test_a_scene_without_ip_adapter_is_made_and_says_why(models: TinyModels, tmp_path: Path) -> None:
    name = cutout(tmp_path)
    res = generate_image(req("tiny-sd15", product_cutout=name, framing="medium"), assets=tmp_path)
    note = str(res.info["ip_adapter"])
    assert note.startswith("not used: no IP-Adapter weights found for tiny-sd15") and "ip_adapter" in note
    assert res.consistency == "seed-lock" and res.info["product"].startswith("inpainted")
    box = [int(v) for v in res.info["product_box"].split(",")]
    assert box[3] < 0.5 * 128, "in a scene the product is smaller than in a packshot"


def test_the_product_photo_steers_a_scene_through_a_local_ip_adapter(
    models: TinyModels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = tmp_path / "shelf"
    shutil.copytree(models.sd15, shelf / "with-ip")
    shutil.copytree(models.ip_adapter, shelf / "with-ip" / "ip_adapter")
    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(shelf))
    name = cutout(tmp_path)
    scene = {"product_cutout": name, "framing": "medium"}
    weak = generate_image(req("with-ip", **scene, ip_adapter_scale=0.0), assets=tmp_path)
    strong = generate_image(req("with-ip", **scene, ip_adapter_scale=1.5), assets=tmp_path)
    assert strong.consistency == "ip-adapter" and strong.info["ip_adapter_scale"] == 1.5
    assert "ip_adapter" not in strong.info
    assert np.abs(pixels(weak.image) - pixels(strong.image)).mean() > 0.5, "the scale reaches the model"


def _project_with_reference_takes(root: Path, brief: Path) -> tuple[Any, str, dict[str, Any], list[Any]]:
    """A Brazilian pet-food style project on the tiny model whose variant takes were made with a reference image."""
    from test_takes import make_project

    from studio.takes import TakesRequest, generate_takes

    store = make_project(root, brief)
    project = store.load()
    project.settings.image_model = "tiny-sd15"
    project.settings.image_steps = 2
    project.variants = project.variants[:1]
    vid = project.variants[0].id
    store.save(project)
    store.assets.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64), (230, 200, 40)).save(store.assets / "product-photo.png")
    made = generate_takes(
        TakesRequest(project_dir=store.root, variant_ids=(vid,), aspect="9:16", reference_image="product-photo.png")
    )
    ours = {t.shot_id: t for t in made if t.variant_id == vid}
    assert len(ours) == 3 and all(t.request.reference_image == "product-photo.png" for t in ours.values())
    project = store.load()
    project.takes.extend(made)
    store.save(project)
    return store, vid, ours, made


def test_renders_planning_keeps_a_reference_take(models: TinyModels, tmp_path: Path, sample_brief_path: Path) -> None:
    """A take made with a reference image answers the same plan as a plain one: render's planning (no reference)
    must reuse it, not make a plain one beside it that, being newer, the cut would show."""
    from studio.takes import TakesRequest, generate_takes

    store, vid, ours, _ = _project_with_reference_takes(tmp_path / "proj", sample_brief_path)
    again = generate_takes(TakesRequest(project_dir=store.root, variant_ids=(vid,), aspect="9:16"))
    assert {t.id for t in again if t.variant_id == vid} == {t.id for t in ours.values()}, "nothing new beside them"
    project = store.load()
    assert all(project.selected_take(s, vid).id == t.id for s, t in ours.items())


@pytest.mark.slow
def test_a_reference_take_survives_render_and_is_what_the_cut_shows(
    models: TinyModels, tmp_path: Path, sample_brief_path: Path
) -> None:
    from studio.workflow import RenderRequest, render

    store, vid, ours, made = _project_with_reference_takes(tmp_path / "proj", sample_brief_path)
    project = store.load()
    plain = [t for t in project.takes if t.request.reference_image is None]
    result = render(RenderRequest(store.root, variant_ids=(vid,), aspects=("9:16",), scale=0.25, draft=True))
    project = store.load()
    assert [t.id for t in project.takes] == [t.id for t in made], "render kept the takes as they were"
    assert all(project.selected_take(s, vid).id == t.id for s, t in ours.items()), "the cut's pictures"
    assert len(result.deliverables) >= 1 and not plain


@pytest.mark.parametrize("family", ["sd3", "flux"])
def test_flow_models_inpaint_around_the_product_too(
    family: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiny_models import tiny_flow_models

    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(tiny_flow_models()))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("QIANMIAN_DEVICE", "cpu")
    name = cutout(tmp_path)
    res = generate_image(req(f"tiny-{family}", product_cutout=name, guidance=4.0, steps=2), assets=tmp_path)
    lay = layout(Image.open(tmp_path / name), 64, 128, "product")
    inside = np.asarray(lay.placed)[..., 3] >= OPAQUE * 255
    assert np.array_equal(pixels(res.image)[inside], np.asarray(lay.placed, dtype=np.int16)[..., :3][inside])
    outside = np.asarray(lay.mask) > 0
    assert np.abs(pixels(res.image)[outside] - pixels(lay.canvas)[outside]).mean() > 10


def test_a_dedicated_inpainting_release_beside_the_model_is_used(
    models: TinyModels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch
    from diffusers import StableDiffusionInpaintPipeline, StableDiffusionPipeline, UNet2DConditionModel

    from pipelines.image.registry import find_model, scan

    shelf = tmp_path / "shelf"
    shutil.copytree(models.sd15, shelf / "tiny-sd15")
    base = StableDiffusionPipeline.from_pretrained(str(models.sd15), safety_checker=None)
    torch.manual_seed(8)
    unet = UNet2DConditionModel.from_config({**base.unet.config, "in_channels": 9})  # image + mask + masked image
    parts = {k: v for k, v in base.components.items() if k != "unet"}
    inpaint = StableDiffusionInpaintPipeline(**parts, unet=unet, requires_safety_checker=False)
    inpaint.save_pretrained(str(shelf / "tiny-sd15-inpainting"), safe_serialization=True)
    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(shelf))

    assert find_model("tiny-sd15").inpaint == shelf / "tiny-sd15-inpainting"
    assert [m.id for m in scan()] == ["tiny-sd15"], "an inpainting release is not a model of its own"
    name = cutout(tmp_path)
    res = generate_image(req("tiny-sd15", product_cutout=name), assets=tmp_path)
    assert res.info["inpaint_model"] == "tiny-sd15-inpainting"
    lay = layout(Image.open(tmp_path / name), 64, 128, "product")
    inside = np.asarray(lay.placed)[..., 3] >= OPAQUE * 255
    assert np.array_equal(pixels(res.image)[inside], np.asarray(lay.placed, dtype=np.int16)[..., :3][inside])
