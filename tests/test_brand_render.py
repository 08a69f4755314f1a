"""Rendered deliverables of a branded brief, checked on decoded MP4 frames: the brand's own product in the product
shot, its logo on the end card and in the corner, no storyboard chrome, 16:9 composed for its shape (no pillarbox).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from brand_fixtures import BAG, best_match, interior, logo_badge, write_brief
from media import frame_at
from PIL import Image

from studio.model import ProjectStore
from studio.render.frames import OVERSCAN
from studio.render.reframe import take_for_aspect

SCALE = 0.25

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from studio.render.variant import RenderVariantRequest, prepare_cut, render_variant
    from studio.workflow import PlanRequest, RenderRequest, plan, render

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QIANMIAN_HOME", str(tmp_path_factory.mktemp("home")))
        root = tmp_path_factory.mktemp("brand")
        store = ProjectStore(plan(PlanRequest(write_brief(root / "brief"), root / "project")))
        project = store.load()
        assert project.storyboard is not None
        for shot in project.storyboard.shots:  # still pictures: each frame shows the take at a known scale
            shot.camera = "static"
        for variant in project.variants:
            for shot in variant.shots:
                shot.overrides.pop("camera", None)
        project.variants = project.variants[:1]
        store.save(project)
        result = render(RenderRequest(store.root, scale=SCALE, draft=True))
        vid = project.variants[0].id
        request = RenderVariantRequest(store.root, vid, ("9:16",), root / "preview", scale=SCALE, chrome=True)
        preview = render_variant(request)
        clips = prepare_cut(request).timeline.clips  # the voice is reused: the same timing as the renders
        yield {"store": store, "result": result, "variant": vid, "preview": preview, "clips": clips}


def _video(branded: dict, aspect: str) -> Path:
    entry = next(d for d in branded["result"].deliverables if d.kind == "video" and d.aspect == aspect)
    return branded["store"].root / entry.path


def _product_time(branded: dict) -> tuple[str, float]:
    project = branded["store"].load()
    framing = {s.id: s.framing for s in project.storyboard.shots}
    for clip in branded["clips"]:
        if framing[clip.shot_id] == "product":
            return clip.shot_id, clip.start_s + clip.duration_s / 2
    raise AssertionError("the plan has no product shot")


def _cutout(branded: dict) -> Image.Image:
    store = branded["store"]
    kit = store.load().brief.brand_kit
    return Image.open(store.asset_path(kit.product_photos[0].cutout)).convert("RGBA")


@pytest.mark.parametrize("aspect", ["9:16", "16:9"])
def test_the_product_shot_shows_the_photographed_bag(branded: dict, aspect: str) -> None:
    store = branded["store"]
    shot_id, t = _product_time(branded)
    frame = frame_at(_video(branded, aspect), t)
    take = take_for_aspect(store.load(), shot_id, branded["variant"], aspect)
    assert take is not None and take.request.product_cutout
    _, y0, _, y1 = (float(v) for v in take.info["focus"].split(","))
    # At the composited scale: the take's product box, scaled as the cut scales the take (cover, static overscan).
    fh, fw = frame.shape[:2]
    scale = max(fw * OVERSCAN / take.request.width, fh * OVERSCAN / take.request.height)
    box_h = (y1 - y0) * take.request.height * scale
    template = interior(_cutout(branded))
    th = round(box_h * template.height / _cutout(branded).height)
    assert best_match(frame, template, range(max(8, th - 3), th + 4)) >= 0.9
    pixels = frame.reshape(-1, 3).astype(int)
    assert (np.abs(pixels - BAG).sum(-1) < 40).mean() > 0.01


def test_the_end_card_shows_the_logo(branded: dict) -> None:
    result = branded["result"]
    video = _video(branded, "9:16")
    duration = next(d.duration_s for d in result.deliverables if d.kind == "video" and d.aspect == "9:16")
    frame = frame_at(video, duration - 0.2)
    h, w = frame.shape[:2]
    side = round(min(w * 0.55, h * 0.2))  # the end card fits the square badge in 55 % × 20 % of the frame
    assert best_match(frame, logo_badge(), range(side - 3, side + 4)) >= 0.9
    green = (np.abs(frame.reshape(-1, 3).astype(int) - (30, 107, 82)).sum(-1) < 30).mean()
    assert green > 0.5, "the card's ground is the brand's primary colour"


def test_the_corner_logo_is_on_every_shot(branded: dict) -> None:
    for clip in branded["clips"]:
        frame = frame_at(_video(branded, "9:16"), clip.start_s + clip.duration_s / 2)
        h, w = frame.shape[:2]
        corner = frame[: h // 4, w // 2 :]
        side = max(8, round(min(w, h) * 0.08))
        assert best_match(corner, logo_badge(), range(side - 2, side + 3)) >= 0.8, clip.shot_id


def test_deliverables_carry_no_storyboard_chrome(branded: dict) -> None:
    """The same variant cut as an animatic preview shows labels and arrows; the deliverable does not."""
    store = branded["store"]
    preview = next(d for d in branded["preview"].deliverables if d.kind == "video")
    assert preview.status == "draft", "a preview with labels is never listed as final"
    project = store.load()
    variant = project.variant(branded["variant"])
    t = branded["clips"][0].duration_s / 2
    clean = frame_at(_video(branded, "9:16"), t).astype(int)
    chrome = frame_at(Path(preview.path) if Path(preview.path).is_absolute() else store.root / preview.path, t)
    chrome = chrome.astype(int)
    h, w = clean.shape[:2]
    label = (slice(round(h * 0.02), round(h * 0.08)), slice(round(w * 0.03), round(w * 0.5)))
    assert np.abs(clean[label] - chrome[label]).mean() > 10, "the preview draws the shot label there"
    take = take_for_aspect(project, variant.shots[0].shot_id, variant.id, "9:16")
    from pipelines.image.procedural import render_frame

    assert take is not None and not take.request.chrome
    stored = np.asarray(Image.open(store.asset_path(take.asset)).convert("RGB")).astype(int)
    labelled = np.asarray(
        render_frame(take.request.model_copy(update={"chrome": True}), store.assets).image.convert("RGB")
    ).astype(int)
    th, tw = stored.shape[:2]
    corner = (slice(0, round(th * 0.08)), slice(0, round(tw * 0.5)))
    assert np.abs(stored[corner] - labelled[corner]).mean() > 5, "the take itself has no label"


def test_16_9_is_composed_for_its_shape_not_pillarboxed(branded: dict) -> None:
    store = branded["store"]
    project = store.load()
    variant = project.variant(branded["variant"])
    video = _video(branded, "16:9")
    for shot in branded["clips"]:
        frame = frame_at(video, shot.start_s + shot.duration_s / 2).astype(np.float32)
        take = take_for_aspect(project, shot.shot_id, variant.id, "16:9")
        assert take is not None and take.request.width / take.request.height == pytest.approx(16 / 9, rel=0.03)
        assert take.info.get("aspect_of"), "the picked take redrawn at 16:9 from the same request"
        h, w = frame.shape[:2]
        band = w // 6  # where a 9:16 picture pillarboxed into 16:9 leaves blurred sides
        native = Image.open(store.asset_path(take.asset)).convert("RGB")
        canvas = native.resize((round(w * OVERSCAN), round(h * OVERSCAN)), Image.Resampling.LANCZOS)
        left, top = (canvas.width - w) // 2, (canvas.height - h) // 2
        expected = np.asarray(canvas.crop((left, top, left + w, top + h))).astype(np.float32)
        lo, hi = round(h * 0.12), round(h * 0.62)  # above the captions, below the draft band
        for side in (slice(0, band), slice(w - band, w)):
            diff = np.abs(frame[lo:hi, side] - expected[lo:hi, side]).mean()
            assert diff < 14, f"shot {shot.shot_id}: the frame's edges are the 16:9 picture itself ({diff:.1f})"


def test_manifest_lists_both_aspects(branded: dict) -> None:
    manifest = json.loads(branded["result"].manifest_path.read_text("utf-8"))
    aspects = {e["aspect"] for e in manifest["deliverables"] if e["kind"] == "video"}
    assert aspects == {"9:16", "16:9"}
