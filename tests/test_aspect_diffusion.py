"""Diffusion takes composed for each aspect the brief delivers (tiny SD 1.5): the variant's take is made again at
16:9 (same seed, prompt and cast, restyled from the master made at 16:9), marked `aspect_of`, and the 16:9 cut
shows it edge to edge instead of cropping or pillarboxing the 9:16 picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_takes import make_project
from tiny_models import TinyModels, use_tiny_models

from studio.model import Cancelled, CancelToken, Progress, ProjectStore
from studio.render.reframe import same_aspect, take_for_aspect
from studio.stages import takes as takes_stage
from studio.takes import TakesRequest, aspect_size, generate_takes, missing_takes

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")

VID = "th-guochao"


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


@pytest.fixture
def store(tmp_path: Path, sample_brief_path: Path, models: TinyModels) -> ProjectStore:
    store = make_project(tmp_path / "proj", sample_brief_path)
    project = store.load()
    project.settings.image_model = "tiny-sd15"
    project.settings.image_steps = 2
    project.brief.aspect_ratios = ["9:16", "16:9"]
    store.save(project)
    return store


def test_aspect_sizes_keep_the_shape_the_cut_counts_as_that_aspect() -> None:
    for native in (64, 512, 1024):
        for aspect, ratio in (("16:9", 16 / 9), ("9:16", 9 / 16), ("1:1", 1.0)):
            w, h = aspect_size(aspect, native)
            assert w / h == pytest.approx(ratio, rel=0.02), (native, aspect, w, h)
            assert 0.5 < w * h / native**2 < 2.0, "about the model's native pixel area"
    assert aspect_size("16:9", 1024) == (1344, 768), "unchanged where the family's size already fits"


def test_a_variant_take_is_made_at_every_aspect_the_brief_delivers(store: ProjectStore) -> None:
    request = TakesRequest(project_dir=store.root, variant_ids=(VID,), shot_ids=("s1",), aspect="9:16")
    assert len(missing_takes(request)) == 4, "master and variant at 9:16, each again at 16:9"
    takes = generate_takes(request)
    base = next(t for t in takes if t.variant_id == VID and "aspect_of" not in t.info)
    master = next(t for t in takes if t.variant_id is None and "aspect_of" not in t.info)
    wide = next(t for t in takes if t.variant_id == VID and t.info.get("aspect_of") == base.id)
    master_wide = next(t for t in takes if t.variant_id is None and t.info.get("aspect_of") == master.id)
    assert wide.info["aspect"] == "16:9" and same_aspect(wide.request, "16:9")
    assert Image.open(store.asset_path(wide.asset)).size == (wide.request.width, wide.request.height)
    assert wide.request.width > wide.request.height
    same = ("seed", "prompt", "negative_prompt", "cast", "steps", "model", "strength")
    assert all(getattr(wide.request, f) == getattr(base.request, f) for f in same)
    assert wide.request.init_image == master_wide.asset, "restyled from the master made at 16:9"
    assert base.request.init_image == master.asset
    wide_px = np.asarray(Image.open(store.asset_path(wide.asset)), dtype=np.int16)
    assert wide_px.std() > 5, "a picture, not a blank"

    project = takes_stage.apply(store.load(), takes_stage.TakesOutcome(tuple(takes)))
    store.save(project)
    assert take_for_aspect(project, "s1", VID, "16:9").id == wide.id  # type: ignore[union-attr]
    assert take_for_aspect(project, "s1", VID, "9:16").id == base.id  # type: ignore[union-attr]
    assert project.selected_take("s1", VID).id == base.id, "the aspect take is never the pick"  # type: ignore[union-attr]
    assert missing_takes(request) == [], "stored: nothing to make again"
    again = generate_takes(request)
    assert [t.id for t in again] == [base.id], "the variant's take, reused; its other aspects are stored already"


def test_aspects_can_be_limited_or_left_out(store: ProjectStore) -> None:
    none = TakesRequest(store.root, variant_ids=(VID,), shot_ids=("s1",), aspects=())
    assert len(missing_takes(none)) == 2
    project = store.load()
    project.brief.aspect_ratios = ["9:16", "1:1", "16:9"]
    store.save(project)
    square = TakesRequest(store.root, variant_ids=(VID,), shot_ids=("s1",), aspects=("1:1",))
    sizes = sorted((r.width, r.height) for r in missing_takes(square))
    assert len(sizes) == 4 and (64, 64) in sizes and not any(w > h for w, h in sizes)


def test_cancel_during_the_other_aspects_leaves_nothing(store: ProjectStore) -> None:
    token = CancelToken()
    seen: list[str] = []

    def on_progress(p: Progress) -> None:
        seen.append(p.message)
        if "Step" in p.message and sum("Image 3/" in m for m in seen):
            token.cancel()

    with pytest.raises(Cancelled):
        generate_takes(
            TakesRequest(store.root, variant_ids=(VID,), shot_ids=("s1",)), on_progress=on_progress, cancel=token
        )
    assert not store.assets.exists() or not any(store.assets.iterdir())


@pytest.mark.slow
def test_a_16_9_render_of_diffusion_takes_is_composed_edge_to_edge(store: ProjectStore) -> None:
    from media import frame_at

    from studio.render.frames import OVERSCAN
    from studio.workflow import RenderRequest, render

    project = store.load()
    assert project.storyboard is not None
    for shot in project.storyboard.shots:
        shot.camera = "static"
    project.variants = [v for v in project.variants if v.id == VID]
    store.save(project)
    result = render(RenderRequest(store.root, variant_ids=(VID,), aspects=("9:16", "16:9"), scale=0.25, draft=True))
    project = store.load()
    wide = take_for_aspect(project, "s1", VID, "16:9")
    assert wide is not None and wide.info.get("aspect_of") and wide.request.model == "tiny-sd15"
    assert wide.request.width / wide.request.height == pytest.approx(16 / 9, rel=0.03)
    video = next(d for d in result.deliverables if d.kind == "video" and d.aspect == "16:9")
    cut = project.cut(VID, "16:9")
    assert cut is not None
    frame = frame_at(store.root / video.path, cut.shots[0].duration_s / 2).astype(np.float32)
    h, w = frame.shape[:2]
    native = Image.open(store.asset_path(wide.asset)).convert("RGB")
    canvas = native.resize((round(w * OVERSCAN), round(h * OVERSCAN)), Image.Resampling.LANCZOS)
    left, top = (canvas.width - w) // 2, (canvas.height - h) // 2
    expected = np.asarray(canvas.crop((left, top, left + w, top + h))).astype(np.float32)
    band, lo, hi = w // 6, round(h * 0.12), round(h * 0.62)  # above the captions, below the draft band

    def detail(region: np.ndarray) -> float:
        return float(np.abs(np.diff(region, axis=1)).mean() + np.abs(np.diff(region, axis=0)).mean())

    centre = detail(frame[lo:hi, w // 2 - band // 2 : w // 2 + band // 2])
    for side in (slice(0, band), slice(w - band, w)):
        assert np.abs(frame[lo:hi, side] - expected[lo:hi, side]).mean() < 14, "the edges are the 16:9 picture"
        assert detail(frame[lo:hi, side]) > 0.5 * centre, "as much detail at the edges as in the centre: no blur"
