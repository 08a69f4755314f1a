"""Diffusion through the registry on tiny random SD 1.5 / SDXL models saved to disk (diffusers' test style)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tiny_models import StopAtFirstStep, TinyModels, pixels, use_tiny_models

from pipelines.image import generate_image, generate_images
from pipelines.image.generator import generator
from pipelines.image.registry import find_model, scan
from studio.model import BackendError, Cancelled, ImageRequest, LoraRef, Progress

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


def test_registry_finds_folders_and_single_files(models: TinyModels) -> None:
    found = {m.id: m for m in scan()}
    assert found["tiny-sd15"].family == "sd15" and found["tiny-sd15"].kind == "folder" and found["tiny-sd15"].ready
    assert found["tiny-sdxl"].family == "sdxl" and found["tiny-sdxl"].ready
    single = found["tiny-sd15-single"]
    assert single.kind == "single-file" and single.family == "sd15" and single.ready
    assert single.config == models.root / "tiny-sd15-single"
    assert found["tiny-sd15"].native_size == 64
    assert found["tiny-sdxl-single"].family == "sdxl" and found["tiny-sdxl-single"].kind == "single-file"
    assert not any(m.id == "lora" or m.id.startswith("tiny-style") for m in found.values()), "LoRAs are not models"


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
    assert np.array_equal(pixels(a.image), pixels(b.image)), "same seed → identical pixels on CPU"
    assert np.abs(pixels(a.image) - pixels(c.image)).mean() > 1


@pytest.mark.parametrize(
    ("folder_id", "single_id"), [("tiny-sd15", "tiny-sd15-single"), ("tiny-sdxl", "tiny-sdxl-single")]
)
def test_single_file_loads_to_the_same_model(models: TinyModels, folder_id: str, single_id: str) -> None:
    assert find_model(single_id).kind == "single-file"
    folder = generate_image(req(folder_id))
    single = generate_image(req(single_id))
    assert single.backend == f"diffusers:{single_id}"
    assert np.abs(pixels(folder.image) - pixels(single.image)).max() <= 1, "LDM keys converted back to the same weights"


def test_sdxl_and_model_switch_frees_previous(models: TinyModels) -> None:
    generate_image(req("tiny-sd15"))
    first = generator().resident
    generate_image(req("tiny-sd15", seed=9))
    assert generator().resident is first, "the resident model is reused, not reloaded"
    res = generate_image(req("tiny-sdxl", guidance=0.0))
    assert res.image.size == (64, 64) and res.info["family"] == "sdxl"
    assert generator().resident is not first and generator().resident.info.id == "tiny-sdxl"


def test_cancel_stops_within_one_step(models: TinyModels) -> None:
    stop = StopAtFirstStep()
    with pytest.raises(Cancelled):
        generate_image(req(steps=6), on_progress=stop, cancel=stop.token)
    assert len(stop.steps) == 1


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
    assert np.array_equal(pixels(out.image), pixels(again.image))
    assert np.abs(pixels(out.image) - pixels(other.image)).mean() > 1
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
    assert np.abs(pixels(batch[1].image) - pixels(single.image)).mean() < 2
    assert [r.seed for r in batch] == [1, 2]


def test_lora_attaches_and_detaches(models: TinyModels) -> None:
    from pipelines.image.registry import lora_files

    assert models.lora in lora_files()
    plain = generate_image(req())
    styled = generate_image(req(loras=(LoraRef(path=str(models.lora), scale=1.0),)))
    assert np.abs(pixels(plain.image) - pixels(styled.image)).mean() > 0.5
    assert np.array_equal(pixels(generate_image(req()).image), pixels(plain.image)), "the LoRA is removed again"
    with pytest.raises(BackendError, match="pickle"):
        generate_image(req(loras=(LoraRef(path=str(models.lora.with_suffix(".bin"))),)))


def test_reference_without_ip_adapter_falls_back_to_seed_lock(models: TinyModels, tmp_path: Path) -> None:
    Image.new("RGB", (64, 64), (200, 120, 90)).save(tmp_path / "face.png")
    res = generate_image(req(reference_image="face.png"), assets=tmp_path)
    assert res.consistency == "seed-lock"
    assert find_model("tiny-sd15").ip_adapter is None


def test_ip_adapter_is_used_when_its_weights_are_local(
    models: TinyModels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = tmp_path / "shelf"
    shutil.copytree(models.sd15, shelf / "with-ip")
    shutil.copytree(models.ip_adapter, shelf / "with-ip" / "ip_adapter")
    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(shelf))
    assert find_model("with-ip").ip_adapter == shelf / "with-ip" / "ip_adapter"
    for name, colour in (("red.png", (230, 30, 30)), ("blue.png", (20, 40, 220))):
        Image.new("RGB", (64, 64), colour).save(tmp_path / name)
    red = generate_image(req("with-ip", reference_image="red.png"), assets=tmp_path)
    blue = generate_image(req("with-ip", reference_image="blue.png"), assets=tmp_path)
    assert red.consistency == "ip-adapter" == blue.consistency
    assert np.abs(pixels(red.image) - pixels(blue.image)).mean() > 0.5, "the reference image steers the result"
    plain = generate_image(req("with-ip"))
    assert plain.consistency == "seed-lock" and not generator().resident.ip_adapter


def test_hf_cache_snapshot_is_found_and_loads(models: TinyModels, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "hub"
    snap = cache / "models--studio--tiny-cached" / "snapshots" / "0123abcd"
    shutil.copytree(models.sd15, snap)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    info = find_model("studio/tiny-cached")
    assert info.kind == "hf-cache" and info.family == "sd15" and info.ready
    assert generate_image(req("studio/tiny-cached")).image.size == (64, 64)


def test_out_of_memory_ladder_offload_then_smaller_batches_then_clear_error() -> None:
    """The ladder runs on a fake CUDA resident whose pipeline raises torch's OOM error a given number of times."""
    from types import SimpleNamespace

    import torch

    from pipelines.image.device import DeviceChoice
    from pipelines.image.generator import Generator, Resident
    from pipelines.image.registry import ModelInfo

    class FakePipe:
        def __init__(self, failures: int) -> None:
            self.failures, self.calls, self.offloaded, self.num_timesteps = failures, [], False, 1

        def __call__(self, **kw: object) -> SimpleNamespace:
            self.calls.append(len(kw["prompt"]))  # type: ignore[arg-type]
            if self.failures:
                self.failures -= 1
                raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
            return SimpleNamespace(images=[Image.new("RGB", (64, 64))] * len(kw["prompt"]))  # type: ignore[arg-type]

        def enable_model_cpu_offload(self, device: str | None = None) -> None:
            self.offloaded = True

        def enable_attention_slicing(self) -> None:
            self.sliced = True

    info = ModelInfo(id="fake", path=Path("/nonexistent"), family="sdxl", kind="folder", ready=True)

    def ladder(failures: int) -> tuple[FakePipe, list[Image.Image]]:
        pipe = FakePipe(failures)
        resident = Resident(info=info, device=DeviceChoice("cuda", "float16", 6.0), t2i=pipe)
        images, _ = Generator()._ladder(resident, pipe, [req(seed=i) for i in range(4)], None, None, "none", None, None)
        return pipe, images

    pipe, images = ladder(1)
    assert pipe.offloaded and pipe.calls == [4, 4] and len(images) == 4
    pipe, images = ladder(2)
    assert pipe.calls == [4, 4, 2, 2] and len(images) == 4
    pipe, images = ladder(4)
    assert pipe.calls == [4, 4, 2, 1, 1, 1, 1, 1] and pipe.sliced and len(images) == 4
    with pytest.raises(BackendError) as err:
        ladder(99)
    assert "out of memory" in err.value.message and "QIANMIAN_DEVICE=cpu" in err.value.hint


def test_device_override_and_cpu_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from pipelines.image.device import pick_device

    monkeypatch.setenv("QIANMIAN_DEVICE", "cpu")
    choice = pick_device("sdxl")
    assert choice.name == "cpu" and choice.dtype == "float32" and torch.get_num_threads() == 1
    if not torch.cuda.is_available():
        monkeypatch.setenv("QIANMIAN_DEVICE", "cuda")
        with pytest.raises(BackendError, match="QIANMIAN_DEVICE"):
            pick_device()


def test_registry_tells_sd3_flux_and_turbo_apart(tmp_path: Path) -> None:
    """Family from model_index.json for folders, from tensor names for single files (headers only, no torch)."""
    import json

    from safetensors.numpy import save_file

    shelf = tmp_path / "shelf"
    for name, cls in (
        ("sd3-medium", "StableDiffusion3Pipeline"),
        ("flux-schnell", "FluxPipeline"),
        ("sdxl-turbo", "StableDiffusionXLPipeline"),
    ):
        (shelf / name).mkdir(parents=True)
        (shelf / name / "model_index.json").write_text(json.dumps({"_class_name": cls, "vae": ["diffusers", "X"]}))
    tiny = np.zeros((1,), np.float16)
    save_file({"double_blocks.0.img_attn.qkv.weight": tiny}, str(shelf / "flux-dev-fp8.safetensors"))
    save_file({"model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight": tiny}, str(shelf / "sd35.safetensors"))
    save_file({"cond_stage_model.model.transformer.resblocks.0.ln_1.weight": tiny}, str(shelf / "sd21.safetensors"))
    found = {m.id: m for m in scan([shelf], include_hf_cache=False)}
    assert found["sd3-medium"].family == "sd3" and found["flux-schnell"].family == "flux"
    assert found["sdxl-turbo"].turbo and found["sdxl-turbo"].family_key == "sdxl-turbo"
    assert any("no vae/" in p for p in found["flux-schnell"].problems)
    assert found["flux-dev-fp8"].family == "flux" and not found["flux-dev-fp8"].ready
    assert "needs the model's configs" in found["flux-dev-fp8"].problems[0]
    assert found["sd35"].family == "sd3"
    assert "2.x" in found["sd21"].problems[0]
