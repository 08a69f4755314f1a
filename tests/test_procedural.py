"""The embedded storyboard-frame backend: real drawings that follow framing, palette, motifs, camera and label."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from pipelines.image import generate_image, generate_images
from pipelines.image.procedural import motif_kind
from studio.model import Cancelled, CancelToken, ImageRequest, Progress

SEA = ("#0b1d3a", "#1e6fb8", "#f7b267", "#ff5d8f")


def req(**kw: object) -> ImageRequest:
    base: dict[str, object] = {
        "shot_id": "s1",
        "prompt": "young woman at a beach party",
        "seed": 11,
        "width": 540,
        "height": 960,
        "palette": SEA,
        "motifs": ("palm trees", "surf", "beach"),
        "label": "S1 · HOOK",
    }
    base.update(kw)
    return ImageRequest(**base)  # type: ignore[arg-type]


def px(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.int16)


def test_frame_size_mode_and_not_flat(test_output) -> None:
    res = generate_image(req(width=1080, height=1920))
    assert res.backend == "procedural" and res.seed == 11
    assert res.image.mode == "RGB" and res.image.size == (1080, 1920)
    a = px(res.image)
    assert a.std() > 25, "a frame must not be a flat box"
    assert len(np.unique(a.reshape(-1, 3)[::97], axis=0)) > 100
    res.image.save(test_output / "procedural_wide_1080x1920.png")


def test_same_seed_same_pixels_other_seed_differs() -> None:
    a, b, c = (px(generate_image(req(seed=s)).image) for s in (5, 5, 6))
    assert np.array_equal(a, b)
    assert np.abs(a - c).mean() > 1.0


def test_palette_sets_the_sky() -> None:
    warm = px(generate_image(req(palette=("#ff3300", "#ffcc00"), motifs=())).image)
    cool = px(generate_image(req(palette=("#001133", "#0066ff"), motifs=())).image)
    top_w, top_c = warm[5:40, :, :].reshape(-1, 3).mean(0), cool[5:40, :, :].reshape(-1, 3).mean(0)
    assert top_w[0] > top_w[2] + 60
    assert top_c[2] > top_c[0] + 30


@pytest.mark.parametrize("framing", ["wide", "medium", "close-up", "extreme-close-up", "product"])
def test_each_framing_draws_its_composition(framing: str) -> None:
    img = px(generate_image(req(framing=framing, seed=3)).image)
    other = px(generate_image(req(framing="wide" if framing != "wide" else "product", seed=3)).image)
    assert np.abs(img - other).mean() > 8, f"{framing} looks like another framing"


def test_close_up_face_fills_the_frame_wide_figure_is_small() -> None:
    """Skin-coloured pixels: a close-up face covers far more of the frame than the wide shot's small figure."""

    def skin_share(framing: str) -> float:
        a = px(generate_image(req(framing=framing, motifs=(), seed=2)).image)
        r, g, b = a[..., 0], a[..., 1], a[..., 2]
        return float(((r > 120) & (r > g + 25) & (g > b) & (r - b > 40) & (r < 245)).mean())

    assert skin_share("close-up") > 0.15
    assert skin_share("wide") < 0.05


def test_motifs_change_the_picture_and_unknown_words_fall_back() -> None:
    assert motif_kind("Palm trees") == "palm" and motif_kind("surf at dusk") == "waves"
    assert motif_kind("red lanterns") == "lanterns" and motif_kind("quokka") == "generic"
    plain = px(generate_image(req(motifs=())).image)
    palms = px(generate_image(req(motifs=("palm trees",))).image)
    odd = px(generate_image(req(motifs=("quokka",))).image)
    assert np.abs(plain - palms).mean() > 2
    assert np.abs(plain - odd).mean() > 0.5


def test_label_and_camera_arrow_are_drawn_only_as_chrome() -> None:
    bare = px(generate_image(req(label="", camera="static", chrome=True)).image)
    labelled = px(generate_image(req(label="S2 · PROBLEM", camera="static", chrome=True)).image)
    corner = (slice(0, 120), slice(0, 300))
    assert np.abs(bare[corner] - labelled[corner]).mean() > 5
    clean = px(generate_image(req(label="S2 · PROBLEM", camera="pan-left")).image)
    assert np.array_equal(clean, px(generate_image(req(label="", camera="static")).image)), "no chrome by default"
    panned = px(generate_image(req(label="", camera="pan-left", chrome=True)).image)
    changed = np.abs(bare - panned).sum(-1) > 60
    assert changed[int(960 * 0.8) :].sum() > 400, "the pan arrow sits low in the frame"
    assert changed[:120, :400].sum() > 200, "the camera move is named beside the label"


def test_hanfu_wardrobe_changes_the_figure() -> None:
    street = px(generate_image(req(framing="medium", prompt="model in streetwear", seed=4)).image)
    hanfu = px(generate_image(req(framing="medium", prompt="model in hanfu, guochao", seed=4)).image)
    assert np.abs(street - hanfu)[480:].mean() > 5


def test_progress_and_cancel() -> None:
    seen: list[Progress] = []
    generate_images([req(seed=1), req(seed=2)], on_progress=seen.append)
    assert seen[-1].fraction == 1.0 and len(seen) >= 4
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        generate_image(req(), cancel=token)
