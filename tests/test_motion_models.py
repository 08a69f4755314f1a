"""Image-to-video models from local folders: tiny random Wan 2.2 (TI2V-5B shape) and LTX-Video pipelines built in
code, saved, recognised by the video registry, loaded through the product's loader and run on CPU."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from tiny_video_models import TinyVideoModels, build_tiny_video_models

from pipelines import resident as slot
from pipelines.video import licence
from pipelines.video.generator import VideoGenerator, snap_frames, snap_size
from pipelines.video.registry import RULES, default_model, find_model, inspect_folder, require_ready, scan, shown
from studio.model import BackendError, Cancelled, CancelToken, Progress
from studio.model.motion import MotionRequest

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")


@pytest.fixture(scope="session")
def tiny_video(tmp_path_factory: pytest.TempPathFactory) -> TinyVideoModels:
    return build_tiny_video_models(tmp_path_factory.mktemp("video-models"))


@pytest.fixture
def models(tiny_video: TinyVideoModels, monkeypatch: pytest.MonkeyPatch) -> TinyVideoModels:
    monkeypatch.setenv("QIANMIAN_VIDEO_MODELS", str(tiny_video.root))
    monkeypatch.setenv("HF_HUB_CACHE", str(tiny_video.root / "no-cache"))
    return tiny_video


def picture(size: tuple[int, int] = (64, 64)) -> Image.Image:
    """A Korean fintech app's hero frame stand-in: a phone-blue field with a bright card."""
    img = Image.new("RGB", size, (20, 70, 160))
    ImageDraw.Draw(img).rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(250, 220, 60))
    return img


def request(model: str, **kw: object) -> MotionRequest:
    base: dict[str, object] = dict(
        shot_id="s1",
        source_image="x.png",
        prompt="the phone screen glows, slow push-in",
        steps=2,
        width=32,
        height=64,
        num_frames=9,
        fps=8,
        model=model,
    )
    base.update(kw)
    return MotionRequest(**base)  # type: ignore[arg-type]


def test_registry_recognises_wan_and_ltx(models: TinyVideoModels) -> None:
    found = {m.id: m for m in scan()}
    wan, ltx = found["tiny-wan22-ti2v"], found["tiny-ltx-i2v"]
    assert wan.ready and wan.family == "wan22-ti2v" and wan.pipeline == "WanImageToVideoPipeline"
    assert ltx.ready and ltx.family == "ltx" and ltx.needs_licence
    assert wan.rules.frame_step == 4 and ltx.rules.frame_step == 8
    assert found["tiny-wan22-a14b"].family == "wan-a14b" and found["tiny-ltx-condition"].family == "ltx-condition"
    assert default_model().id == "tiny-wan22-ti2v", "Wan 2.2 TI2V-5B is the default, before the 14B tier and LTX"


def test_a14b_folder_is_the_high_tier(tmp_path: Path) -> None:
    folder = tmp_path / "Wan2.2-I2V-A14B"
    folder.mkdir()
    index = {
        "_class_name": "WanImageToVideoPipeline",
        "boundary_ratio": 0.9,
        "transformer": ["diffusers", "WanTransformer3DModel"],
        "transformer_2": ["diffusers", "WanTransformer3DModel"],
        "vae": ["diffusers", "AutoencoderKLWan"],
    }
    (folder / "model_index.json").write_text(json.dumps(index))
    info = inspect_folder(folder)
    assert info.family == "wan-a14b" and info.rules.last_frame
    assert not info.ready and any("transformer_2/" in p for p in info.problems), "says which parts are missing"


def test_missing_transformer_is_named(models: TinyVideoModels, tmp_path: Path) -> None:
    broken = tmp_path / "wan-no-transformer"
    shutil.copytree(models.wan, broken)
    shutil.rmtree(broken / "transformer")
    info = inspect_folder(broken)
    assert not info.ready
    assert any("no transformer/" in p for p in info.problems), info.problems
    with pytest.raises(BackendError, match="transformer/"):
        require_ready(info)


def test_pickle_only_folder_is_refused(models: TinyVideoModels, tmp_path: Path) -> None:
    import torch

    bad = tmp_path / "wan-bin"
    shutil.copytree(models.wan, bad)
    for f in (bad / "transformer").glob("*.safetensors"):
        f.unlink()
    torch.save({"w": torch.zeros(1)}, bad / "transformer" / "diffusion_pytorch_model.bin")
    info = inspect_folder(bad)
    assert not info.ready and any("pickle" in p for p in info.problems)
    with pytest.raises(BackendError, match="pickle"):
        VideoGenerator().run(request(str(bad)), picture(), info=info)
    from pipelines.image.device import DeviceChoice
    from pipelines.video.generator import load_pipeline

    with pytest.raises(BackendError, match="pickle"):  # the loader checks again, whatever the scan said
        load_pipeline(info, DeviceChoice("cpu", "float32"))


def test_wan_makes_frames_with_progress_per_step(models: TinyVideoModels) -> None:
    seen: list[str] = []
    gen = VideoGenerator()
    info = find_model("tiny-wan22-ti2v")
    result = gen.run(request(info.id, steps=3), picture(), info=info, on_progress=lambda p: seen.append(p.message))
    assert [m for m in seen if m.startswith("Step")] == ["Step 1/3", "Step 2/3", "Step 3/3"]
    assert len(result.frames) == 9 and result.frames[0].shape == (64, 32, 3) and result.frames[0].dtype == np.uint8
    diffs = [
        np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(result.frames[:-1], result.frames[1:], strict=True)
    ]
    assert min(diffs) > 0.5, "every frame differs from the one before: it moves"
    assert result.backend == "diffusers:tiny-wan22-ti2v" and result.info["device"] == "cpu"
    gen.unload()


def test_model_rules_snap_frames_and_size() -> None:
    wan, ltx = RULES["wan22-ti2v"], RULES["ltx"]
    assert snap_frames(120, wan) == 121 and (snap_frames(50, wan) - 1) % 4 == 0
    assert snap_frames(100, ltx) == 97 and snap_frames(1000, ltx) == ltx.max_frames
    assert snap_size(720, 1290, wan) == (704, 1280)
    assert all(v % 32 == 0 for v in snap_size(500, 900, ltx))


def test_cancel_lands_within_one_step(models: TinyVideoModels) -> None:
    token = CancelToken()
    steps: list[str] = []

    def on_progress(p: Progress) -> None:
        if p.message.startswith("Step"):
            steps.append(p.message)
            token.cancel()

    info = find_model("tiny-wan22-ti2v")
    with pytest.raises(Cancelled):
        VideoGenerator().run(request(info.id, steps=8), picture(), info=info, on_progress=on_progress, cancel=token)
    assert steps == ["Step 1/8"], "stopped at the end of the step in which it was asked"


def test_out_of_memory_ladder_then_a_clear_error(models: TinyVideoModels) -> None:
    info = find_model("tiny-wan22-ti2v")
    gen = VideoGenerator()
    plans = []

    def oom_twice(attempt: int, plan: object) -> None:
        plans.append(plan)
        if attempt < 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB")

    gen.oom_hook = oom_twice
    result = gen.run(request(info.id, num_frames=17), picture(), info=info)
    assert result.info["memory_ladder"] == "vae-tiling,fewer-frames"
    assert len(result.frames) == 9 < 17, "fewer frames on the third try"

    gen.oom_hook = lambda attempt, plan: (_ for _ in ()).throw(RuntimeError("CUDA out of memory."))
    with pytest.raises(BackendError) as e:
        gen.run(request(info.id, num_frames=17), picture(), info=info)
    assert "ran out of memory" in e.value.message and "shorter clips" in e.value.hint
    gen.unload()


def test_ltx_needs_the_licence_acknowledged(models: TinyVideoModels) -> None:
    info = find_model("tiny-ltx-i2v")
    assert info.id not in [m.id for m in shown(scan())], "LTX is not offered before the acknowledgement"
    with pytest.raises(BackendError) as e:
        VideoGenerator().run(request(info.id), picture(), info=info)
    assert "licence" in e.value.message and "revenue threshold" in e.value.message
    assert "--accept-ltx-licence" in e.value.hint

    licence.acknowledge()
    assert info.id in [m.id for m in shown(scan())]
    gen = VideoGenerator()
    result = gen.run(request(info.id, width=32, height=32), picture(), info=info)
    assert len(result.frames) == 9 and result.frames[0].shape == (32, 32, 3)
    gen.unload()


def test_one_resident_model_across_image_and_video(models: TinyVideoModels) -> None:
    from pipelines.image.device import DeviceChoice
    from pipelines.image.generator import Generator, Resident
    from pipelines.image.registry import inspect_folder as inspect_image

    images = Generator()
    images.resident = Resident(info=inspect_image(models.wan), device=DeviceChoice("cpu", "float32"), t2i=None)
    slot.claim("image", images.unload)
    video = VideoGenerator()
    video.load(find_model("tiny-wan22-ti2v"))
    assert images.resident is None, "loading the video model freed the image model"
    assert slot.holder() == "video"
    video.unload()
    assert slot.holder() is None


@pytest.mark.parametrize("model", ["tiny-wan22-a14b", "tiny-ltx-condition"])
def test_first_and_last_frame_conditioning(models: TinyVideoModels, model: str) -> None:
    licence.acknowledge()
    info = find_model(model)
    assert info.ready and info.rules.last_frame, info.problems
    assert info.family == ("wan-a14b" if "wan" in model else "ltx-condition")
    gen = VideoGenerator()
    size = {"width": 32, "height": 32}
    first_only = gen.run(request(info.id, **size), picture(), info=info)
    last = Image.new("RGB", (64, 64), (240, 240, 240))
    both = gen.run(request(info.id, **size), picture(), last, info=info)
    assert both.info["last_frame"] is True and first_only.info["last_frame"] is False
    assert len(both.frames) == 9
    change = np.abs(both.frames[-1].astype(int) - first_only.frames[-1].astype(int)).mean()
    assert change > 0.1, "the last frame given changes the clip's end (same seed: identical without it)"
    gen.unload()


def test_a_busy_image_generator_never_blocks_the_video_load(models: TinyVideoModels) -> None:
    """A render's image takes (one thread) and an animate job (the GPU lane) at once: the video model loads without
    waiting, and the image model is freed as soon as its generation ends."""
    import threading

    from pipelines.image.device import DeviceChoice
    from pipelines.image.generator import Generator, Resident
    from pipelines.image.registry import inspect_folder as inspect_image

    images = Generator()
    images.resident = Resident(info=inspect_image(models.wan), device=DeviceChoice("cpu", "float32"), t2i=None)
    slot.claim("image", images.release_when_idle)
    busy, finish = threading.Event(), threading.Event()

    def generating() -> None:
        with images._lock:
            busy.set()
            finish.wait(30)

    worker = threading.Thread(target=generating)
    worker.start()
    busy.wait(5)
    video = VideoGenerator()
    loader = threading.Thread(target=lambda: video.load(find_model("tiny-wan22-ti2v")))
    loader.start()
    loader.join(20)
    try:
        assert not loader.is_alive(), "the video load did not wait for the image generation"
        assert images.resident is not None and images._release_after, "freed when its generation ends"
    finally:
        finish.set()
        worker.join()
        video.unload()
