"""SD3 and FLUX through the registry and the generator, on tiny random pipelines saved as diffusers folders.

Both families use flow matching, 16-channel latents and a T5 text encoder; their image-to-image pipelines size the
init image to the width/height they are given (not the image's own), which is why those are checked directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from tiny_models import StopAtFirstStep, pixels, tiny_flow_models

from pipelines.image import generate_image, generate_images
from pipelines.image.generator import _image_to_image, generator
from pipelines.image.registry import scan
from studio.model import BackendError, Cancelled, ImageRequest, Progress

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")

FAMILIES = ("sd3", "flux")


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    root = tiny_flow_models()
    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(root))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("QIANMIAN_DEVICE", "cpu")
    return root


def req(family: str, **kw: object) -> ImageRequest:
    base: dict[str, object] = {
        "shot_id": "s1",
        "prompt": "a palm tree on a beach at night",
        "negative_prompt": "blurry",
        "model": f"tiny-{family}",
        "width": 64,
        "height": 96,
        "steps": 2,
        "seed": 7,
        "guidance": 4.0,
    }
    base.update(kw)
    return ImageRequest(**base)  # type: ignore[arg-type]


def step_reports(seen: list[Progress]) -> list[Progress]:
    return [p for p in seen if p.message.startswith("Step")]


def test_registry_detects_sd3_and_flux(models: Path, tmp_path: Path) -> None:
    found = {m.id: m for m in scan()}
    for family in FAMILIES:
        info = found[f"tiny-{family}"]
        assert (info.family, info.kind, info.ready, info.problems) == (family, "folder", True, ())
    assert found["tiny-sd3"].native_size == 64, "transformer sample_size 32 × VAE factor 2"
    assert found["tiny-flux"].native_size == 1024, "FLUX configs carry no sample size: the family's native size"
    shelf = tmp_path / "shelf"
    shutil.copytree(models / "tiny-sd3", shelf / "no-t5", ignore=shutil.ignore_patterns("*.safetensors"))
    shutil.rmtree(shelf / "no-t5" / "tokenizer_3")
    broken = {m.id: m for m in scan([shelf])}["no-t5"]
    assert broken.family == "sd3" and not broken.ready
    assert any("no tokenizer_3/" in p for p in broken.problems)
    assert any("text_encoder_3/ has no .safetensors" in p for p in broken.problems)


@pytest.mark.parametrize("family", FAMILIES)
def test_text_to_image_sized_deterministic_with_step_progress(models: Path, family: str) -> None:
    seen: list[Progress] = []
    a = generate_image(req(family), on_progress=seen.append)
    pipe = generator().resident.t2i
    assert type(pipe).__name__ == {"sd3": "StableDiffusion3Pipeline", "flux": "FluxPipeline"}[family]
    assert a.image.size == (64, 96) and a.image.mode == "RGB" and a.backend == f"diffusers:tiny-{family}"
    assert a.info["family"] == family and a.info["dtype"] == "float32" and a.info["device"] == "cpu"
    steps = step_reports(seen)
    assert len(steps) == pipe.num_timesteps == 2 and steps[-1].fraction == 1.0
    b = generate_image(req(family))
    c = generate_image(req(family, seed=8))
    assert np.array_equal(pixels(a.image), pixels(b.image)), "same seed → identical pixels on CPU"
    assert np.abs(pixels(a.image) - pixels(c.image)).mean() > 1.0, "another seed → another image"
    assert pixels(a.image).std() > 1.0, "not a flat image"


@pytest.mark.parametrize("family", FAMILIES)
def test_image_to_image_encodes_the_init_at_the_requested_size(
    models: Path, family: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init = Image.new("RGB", (128, 192), (220, 40, 40))
    init.paste((30, 60, 220), (0, 96, 128, 192))
    init.save(tmp_path / "master.png")
    generate_image(req(family))  # load, so the image-to-image view can be spied on
    resident = generator().resident
    i2i = resident.i2i or _image_to_image(resident)
    encoded: list[tuple[int, ...]] = []
    encode = i2i.vae.encode

    def spy(x: Any, *a: Any, **kw: Any) -> Any:
        encoded.append(tuple(x.shape))
        return encode(x, *a, **kw)

    monkeypatch.setattr(i2i.vae, "encode", spy)
    seen: list[Progress] = []
    restyle = req(family, init_image="master.png", steps=4, strength=0.5)
    a = generate_image(restyle, on_progress=seen.append, assets=tmp_path)
    name = {"sd3": "StableDiffusion3Img2ImgPipeline", "flux": "FluxImg2ImgPipeline"}[family]
    assert type(generator().resident.i2i).__name__ == name
    assert encoded == [(1, 3, 96, 64)], "the init image is encoded at the requested size, not the model's native one"
    assert a.image.size == (64, 96)
    steps = step_reports(seen)
    assert len(steps) == generator().resident.i2i.num_timesteps == 2, "strength 0.5 of 4 steps"
    assert steps[-1].fraction == 1.0
    b = generate_image(restyle, assets=tmp_path)
    assert np.array_equal(pixels(a.image), pixels(b.image))
    fresh = generate_image(req(family, steps=4))
    assert np.abs(pixels(a.image) - pixels(fresh.image)).mean() > 1.0, "the init image changes the result"


@pytest.mark.parametrize("family", FAMILIES)
def test_cancel_stops_within_one_step(models: Path, family: str) -> None:
    stop = StopAtFirstStep()
    with pytest.raises(Cancelled):
        generate_image(req(family, steps=6), on_progress=stop, cancel=stop.token)
    assert len(stop.steps) == 1


def test_batch_keeps_each_seed(models: Path) -> None:
    results = generate_images([req("flux", seed=7), req("flux", seed=8)])
    assert [r.seed for r in results] == [7, 8] and all(r.image.size == (64, 96) for r in results)
    assert np.abs(pixels(results[0].image) - pixels(results[1].image)).mean() > 1.0


def test_flow_matching_models_refuse_other_schedulers(models: Path) -> None:
    with pytest.raises(BackendError) as info:
        generate_image(req("sd3", scheduler="euler"))
    assert "flow-matching" in info.value.message and "unset" in info.value.hint


def test_takes_restyle_a_variant_from_the_sd3_master(models: Path, tmp_path: Path, sample_brief_path: Path) -> None:
    from test_takes import make_project

    from studio.takes import TakesRequest, generate_takes

    store = make_project(tmp_path / "proj", sample_brief_path)
    project = store.load()
    project.settings.image_model = "tiny-sd3"
    project.settings.image_steps = 2
    store.save(project)
    takes = generate_takes(
        TakesRequest(project_dir=store.root, variant_ids=("th-guochao",), shot_ids=("s1",), aspect="9:16", steps=4)
    )
    master = next(t for t in takes if t.variant_id is None)
    variant = next(t for t in takes if t.variant_id == "th-guochao")
    assert variant.request.init_image == master.asset and variant.backend == "diffusers:tiny-sd3"
    assert master.request.guidance == 5.0, "the SD3 family default"
    size = (master.request.width, master.request.height)
    assert size[1] > size[0] and abs(size[0] * size[1] - 64 * 64) / (64 * 64) < 0.1
    assert Image.open(store.asset_path(master.asset)).size == size
    assert Image.open(store.asset_path(variant.asset)).size == size
