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
