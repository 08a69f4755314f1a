"""Takes on a real (tiny) diffusion model: master take, variant restyled from it with img2img, reuse, cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_takes import make_project
from tiny_models import TinyModels, use_tiny_models

from studio.model import Cancelled, CancelToken, LoraRef, Progress, ProjectStore
from studio.takes import TakesRequest, generate_takes, image_request_for

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


@pytest.fixture
def store(tmp_path: Path, sample_brief_path: Path, models: TinyModels) -> ProjectStore:
    store = make_project(tmp_path / "proj", sample_brief_path)
    project = store.load()
    project.settings.image_model = "tiny-sd15"
    project.settings.image_steps = 2
    store.save(project)
    return store


def test_diffusion_size_comes_from_the_model(store: ProjectStore) -> None:
    project = store.load()
    r = image_request_for(project, "th-guochao", "s1", "9:16")
    assert r.model == "tiny-sd15" and r.width % 16 == 0 and r.height % 16 == 0 and r.height > r.width
    assert abs(r.width * r.height - 64 * 64) / (64 * 64) < 0.1, "the model's native pixel area"
    assert "hanfu" in r.prompt


def test_variant_is_restyled_from_the_master_take(store: ProjectStore) -> None:
    req = TakesRequest(project_dir=store.root, variant_ids=("th-guochao",), shot_ids=("s1",), aspect="1:1")
    takes = generate_takes(req)
    master = next(t for t in takes if t.variant_id is None)
    variant = next(t for t in takes if t.variant_id == "th-guochao")
    assert master.request.init_image is None and variant.request.init_image == master.asset
    assert variant.backend == "diffusers:tiny-sd15" and variant.info["consistency"] == "seed-lock"
    assert Image.open(store.asset_path(variant.asset)).size == (64, 64)

    project = store.load()
    project.takes.extend(takes)
    store.save(project)
    again = generate_takes(req)
    assert [t.id for t in again] == [variant.id], "same requests → the stored take is reused, nothing regenerated"


def test_candidates_are_batched_and_distinct(store: ProjectStore) -> None:
    takes = generate_takes(TakesRequest(project_dir=store.root, shot_ids=("s2",), aspect="1:1", candidates=3))
    assert [t.request.seed - takes[0].request.seed for t in takes] == [0, 1, 2]
    pixels = [np.asarray(Image.open(store.asset_path(t.asset)), dtype=np.int16) for t in takes]
    assert np.abs(pixels[0] - pixels[1]).mean() > 1 and len({t.asset for t in takes}) == 3


def test_cancel_mid_denoising_leaves_nothing(store: ProjectStore) -> None:
    token = CancelToken()

    def on_progress(p: Progress) -> None:
        if "Step" in p.message:
            token.cancel()

    with pytest.raises(Cancelled):
        generate_takes(
            TakesRequest(project_dir=store.root, shot_ids=("s1", "s2"), aspect="1:1", steps=6),
            on_progress=on_progress,
            cancel=token,
        )
    assert not store.assets.exists() or not any(store.assets.iterdir())


def test_lora_per_project_and_per_shot(store: ProjectStore, models: TinyModels) -> None:
    project = store.load()
    project.settings.image_loras = [LoraRef(path=str(models.lora), scale=0.5)]
    store.save(project)
    shot_lora = LoraRef(path=str(models.lora), scale=1.5)
    takes = generate_takes(
        TakesRequest(project_dir=store.root, shot_ids=("s1", "s2"), aspect="1:1", extra_loras={"s2": (shot_lora,)})
    )
    by_shot = {t.shot_id: t for t in takes}
    assert [lr.scale for lr in by_shot["s1"].request.loras] == [0.5]
    assert [lr.scale for lr in by_shot["s2"].request.loras] == [0.5, 1.5]
