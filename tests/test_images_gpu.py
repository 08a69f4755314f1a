"""The tiny models on a CUDA device: half precision, repeatable pixels, cancel within a step (skipped without one)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_models import StopAtFirstStep, TinyModels, use_tiny_models

from pipelines.image import generate_image, generate_images
from pipelines.image.generator import generator
from studio.model import Cancelled, ImageRequest

torch = pytest.importorskip("torch")
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
    pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning"),
]


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> TinyModels:
    found = use_tiny_models(monkeypatch, tmp_path)
    monkeypatch.setenv("QIANMIAN_DEVICE", "auto")
    return found


def req(model: str = "tiny-sd15", **kw: object) -> ImageRequest:
    base: dict[str, object] = {
        "shot_id": "s1",
        "prompt": "a palm tree",
        "model": model,
        "width": 64,
        "height": 64,
        "steps": 4,
        "seed": 7,
        "guidance": 5.0,
    }
    base.update(kw)
    return ImageRequest(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", ["tiny-sd15", "tiny-sdxl-single"])
def test_cuda_half_precision_and_repeatable(models: TinyModels, model: str) -> None:
    a = generate_image(req(model))
    assert a.info["device"] == "cuda" and a.info["dtype"] == "float16"
    assert next(generator().resident.t2i.unet.parameters()).dtype == torch.float16
    b = generate_image(req(model))
    assert np.abs(np.asarray(a.image, np.int16) - np.asarray(b.image, np.int16)).max() <= 1
    batch = generate_images([req(model, seed=s) for s in (1, 2, 3)])
    assert len({r.image.tobytes() for r in batch}) == 3


def test_cuda_cancel_within_one_step(models: TinyModels) -> None:
    stop = StopAtFirstStep()
    with pytest.raises(Cancelled):
        generate_image(req(steps=8), on_progress=stop, cancel=stop.token)
    assert len(stop.steps) == 1
