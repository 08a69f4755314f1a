"""Diffusion through the registry on tiny random SD 1.5 / SDXL models saved to disk (diffusers' test style)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tiny_models import TinyModels, use_tiny_models

from pipelines.image import generate_image, generate_images
from pipelines.image.generator import generator
from pipelines.image.registry import scan
from studio.model import BackendError, Cancelled, CancelToken, ImageRequest, Progress

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


def req(model: str = "tiny-sd15", **kw: object) -> ImageRequest:
    base: dict[str, object] = {
        "shot_id": "s1",
        "prompt": "a palm tree on a beach at night",
        "model": model,
        "width": 64,
        "height": 64,
        "steps": 2,
        "seed": 7,
        "guidance": 5.0,
    }
    base.update(kw)
    return ImageRequest(**base)  # type: ignore[arg-type]


def arr(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.int16)


def test_registry_finds_folders_and_single_files(models: TinyModels) -> None:
    found = {m.id: m for m in scan()}
    assert found["tiny-sd15"].family == "sd15" and found["tiny-sd15"].kind == "folder" and found["tiny-sd15"].ready
    assert found["tiny-sdxl"].family == "sdxl" and found["tiny-sdxl"].ready
    single = found["tiny-sd15-single"]
    assert single.kind == "single-file" and single.family == "sd15" and single.ready
    assert single.config == models.root / "tiny-sd15-single"
    assert found["tiny-sd15"].native_size == 64


def test_registry_refuses_pickle_and_reports_missing_vae(models: TinyModels, tmp_path: Path) -> None:
    shelf = tmp_path / "shelf"
    shutil.copytree(models.sd15, shelf / "no-vae", ignore=shutil.ignore_patterns("vae"))
    (shelf / "old-model.ckpt").write_bytes(b"\x80\x04not really a pickle")
    shutil.copy(models.single, shelf / "lonely.safetensors")
    found = {m.id: m for m in scan([shelf])}
    assert not found["no-vae"].ready and any("has no vae/" in p for p in found["no-vae"].problems)
    assert not found["old-model"].ready and "pickle" in found["old-model"].problems[0]
    lonely = found["lonely"]
    assert lonely.family == "sd15" and lonely.ready, "configs come from a same-family folder the scan found"
    with pytest.raises(BackendError) as info:
        generate_image(req("old-model"))
    assert "No image model" in info.value.message or "pickle" in str(info.value)


def test_generate_deterministic_with_step_progress(models: TinyModels) -> None:
    seen: list[Progress] = []
    a = generate_image(req(), on_progress=seen.append)
    assert a.image.size == (64, 64) and a.image.mode == "RGB" and a.backend == "diffusers:tiny-sd15"
    steps = [p for p in seen if p.message.startswith("Step")]
    assert len(steps) == generator().resident.t2i.num_timesteps and steps[-1].fraction == 1.0
    b = generate_image(req())
    c = generate_image(req(seed=8))
    assert np.array_equal(arr(a.image), arr(b.image)), "same seed → identical pixels on CPU"
    assert np.abs(arr(a.image) - arr(c.image)).mean() > 1


def test_single_file_loads_to_the_same_model(models: TinyModels) -> None:
    folder = generate_image(req("tiny-sd15"))
    single = generate_image(req("tiny-sd15-single"))
    assert single.backend == "diffusers:tiny-sd15-single"
    assert np.abs(arr(folder.image) - arr(single.image)).max() <= 1, "LDM keys converted back to the same weights"


def test_sdxl_and_model_switch_frees_previous(models: TinyModels) -> None:
    generate_image(req("tiny-sd15"))
    first = generator().resident
    generate_image(req("tiny-sd15", seed=9))
    assert generator().resident is first, "the resident model is reused, not reloaded"
    res = generate_image(req("tiny-sdxl", guidance=0.0))
    assert res.image.size == (64, 64) and res.info["family"] == "sdxl"
    assert generator().resident is not first and generator().resident.info.id == "tiny-sdxl"


def test_cancel_stops_within_one_step(models: TinyModels) -> None:
    token = CancelToken()
    steps: list[Progress] = []

    def on_progress(p: Progress) -> None:
        if p.message.startswith("Step"):
            steps.append(p)
            token.cancel()

    with pytest.raises(Cancelled):
        generate_image(req(steps=6), on_progress=on_progress, cancel=token)
    assert len(steps) == 1


def test_image_to_image_starts_from_the_init_image(models: TinyModels, tmp_path: Path) -> None:
    """Random weights cannot show a kept composition; what must hold: the init image drives the result."""
    init = np.zeros((64, 64, 3), np.uint8)
    init[:, 32:] = (250, 200, 40)
    Image.fromarray(init).save(tmp_path / "master.png")
    Image.fromarray(255 - init).save(tmp_path / "other.png")
    seen: list[Progress] = []
    out = generate_image(req(init_image="master.png", strength=0.5, steps=4), on_progress=seen.append, assets=tmp_path)
    assert out.image.size == (64, 64)
    steps = [p for p in seen if p.message.startswith("Step")]
    assert 1 <= len(steps) == generator().resident.i2i.num_timesteps < 4
    again = generate_image(req(init_image="master.png", strength=0.5, steps=4), assets=tmp_path)
    other = generate_image(req(init_image="other.png", strength=0.5, steps=4), assets=tmp_path)
    assert np.array_equal(arr(out.image), arr(again.image))
    assert np.abs(arr(out.image) - arr(other.image)).mean() > 1
    with pytest.raises(BackendError):
        generate_image(req(init_image="missing.png"), assets=tmp_path)


def test_batch_matches_single_calls(models: TinyModels) -> None:
    calls: list[int] = []
    generator().oom_hook = calls.append
    try:
        batch = generate_images([req(seed=1), req(seed=2, prompt="a red lantern")])
    finally:
        generator().oom_hook = None
    assert len(calls) == 1, "requests that share model and size run as one pipeline call"
    single = generate_image(req(seed=2, prompt="a red lantern"))
    assert np.abs(arr(batch[1].image) - arr(single.image)).mean() < 2
    assert [r.seed for r in batch] == [1, 2]
