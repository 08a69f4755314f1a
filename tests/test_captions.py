"""Burned-in captions: inside the platform safe area, two lines at most, and fonts checked before any rendering."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio.model.brief import ASPECT_SIZES
from studio.model.errors import BackendError, StudioError
from studio.render.captions import (
    MAX_LINES,
    SAFE_AREAS,
    caption_layout,
    caption_overlay,
    check_caption_fonts,
)

LONG_TH = "เหงื่อกลายเป็นแสงดาว ผิวสวยตลอดคืนแม้ปาร์ตี้จนเช้า กับ Lumi เซรั่มบำรุงผิวกลางคืนที่ทำงานขณะคุณสนุก"
CAPTIONS = [
    ("th", "เหงื่อกลายเป็นแสงดาว"),
    ("th", LONG_TH),
    ("id", "Keringat jadi cahaya bintang. Pesta semalaman, wajah tetap segar bersama Lumi."),
    ("zh", "汗水化作星光。整夜派对，妆容不掉！"),
    ("ar", "مرحبا بالعالم، بشرة مشرقة طوال الليل مع Lumi"),
    ("hi", "पसीना बने तारों की चमक।"),
]


@pytest.mark.parametrize("aspect", sorted(SAFE_AREAS))
@pytest.mark.parametrize(("language", "text"), CAPTIONS, ids=[f"{lang}{i}" for i, (lang, _) in enumerate(CAPTIONS)])
def test_caption_sits_inside_the_safe_area(aspect: str, language: str, text: str) -> None:
    w, h = ASPECT_SIZES[aspect]
    overlay = caption_overlay(text, language, w, h, aspect=aspect)
    left, top, right, bottom = SAFE_AREAS[aspect].rect(w, h)
    assert overlay.image.mode == "RGBA"
    assert left <= overlay.x and overlay.x + overlay.image.width <= right
    assert top <= overlay.y and overlay.y + overlay.image.height <= bottom
    assert overlay.y + overlay.image.height > h * 0.6, "captions belong in the lower part of the frame"
    _, lines = caption_layout(text, language, w, h, aspect=aspect)
    assert 1 <= len(lines) <= MAX_LINES


def test_vertical_captions_avoid_the_platform_overlays() -> None:
    w, h = ASPECT_SIZES["9:16"]
    overlay = caption_overlay(LONG_TH, "th", w, h, aspect="9:16")
    assert overlay.y + overlay.image.height <= 0.80 * h
    assert overlay.x + overlay.image.width <= 0.88 * w


def test_a_long_caption_shrinks_to_stay_on_two_lines() -> None:
    w, h = ASPECT_SIZES["9:16"]
    short_size, short_lines = caption_layout("ผิวสวยตลอดคืน", "th", w, h, aspect="9:16")
    long_size, long_lines = caption_layout(LONG_TH, "th", w, h, aspect="9:16")
    assert len(short_lines) == 1
    assert len(long_lines) == 2
    assert long_size < short_size


def test_caption_pixels_are_drawn_on_the_frame() -> None:
    w, h = ASPECT_SIZES["1:1"]
    frame = Image.new("RGB", (w, h), (30, 120, 200))
    overlay = caption_overlay("Pesta semalaman", "id", w, h, aspect="1:1")
    out = np.asarray(overlay.composite_onto(frame)).astype(int)
    before = np.asarray(frame).astype(int)
    changed = np.abs(out - before).sum(axis=2) > 30
    ys, xs = np.nonzero(changed)
    assert changed.sum() > 2000
    assert xs.min() >= overlay.x and xs.max() < overlay.x + overlay.image.width
    assert ys.min() >= overlay.y and ys.max() < overlay.y + overlay.image.height
    white = (out[..., 0] > 230) & (out[..., 1] > 230) & (out[..., 2] > 230)
    assert white.sum() > 500, "white caption text"


def test_fonts_cover_every_sample_language() -> None:
    check_caption_fonts([*CAPTIONS, ("ja", "一晩中パーティー"), ("ko", "밤새 파티"), ("vi", "Tiệc thâu đêm")])


def test_a_caption_the_fonts_cannot_draw_is_stopped_with_a_clear_message() -> None:
    with pytest.raises(BackendError) as info:
        check_caption_fonts([("ผิวสวย ✨ ตลอดคืน", "th"), ("Pesta 😀 malam", "id"), ("fine", "en")])
    err = info.value
    assert isinstance(err, StudioError)
    text = str(err)
    assert "U+2728" in text and "U+1F600" in text
    assert "th:" in text and "id:" in text and "en:" not in text
    assert "ผิวสวย" in text
    assert "Edit" in err.hint


def test_a_missing_font_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.fonts as fonts

    real = fonts._package_dir
    monkeypatch.setattr(fonts, "_package_dir", lambda name: None if name == "manimgx_fonts" else real(name))
    fonts.font_path.cache_clear()
    fonts._cmap.cache_clear()
    try:
        with pytest.raises(BackendError) as info:
            check_caption_fonts([("ผิว", "th")])
    finally:
        monkeypatch.undo()
        fonts.font_path.cache_clear()
        fonts._cmap.cache_clear()
    assert "thai" in str(info.value)
    assert "pip install manimgx-fonts" in info.value.hint


def test_a_script_the_fonts_do_not_cover_is_named() -> None:
    with pytest.raises(BackendError) as info:
        check_caption_fonts([("გამარჯობა", "ka")])
    assert "U+10D2" in str(info.value) and "ka:" in str(info.value)
    assert "thai" in info.value.hint and "cjk" in info.value.hint


def test_empty_caption_draws_nothing_and_file_name_aspects_work() -> None:
    w, h = ASPECT_SIZES["9:16"]
    empty = caption_overlay("  ", "th", w, h, aspect="9:16")
    assert empty.image.getchannel("A").getbbox() is None
    a = caption_overlay("ผิวสวย", "th", w, h, aspect="9:16")
    b = caption_overlay("ผิวสวย", "th", w, h, aspect="9x16")
    assert (a.x, a.y, a.image.size) == (b.x, b.y, b.image.size)


def test_a_caption_too_long_for_two_lines_stays_whole_inside_the_frame() -> None:
    w, h = ASPECT_SIZES["16:9"]
    text = " ".join(["Keringat jadi cahaya bintang, pesta semalaman wajah tetap segar."] * 6)
    overlay = caption_overlay(text, "id", w, h, aspect="16:9")
    assert overlay.x >= 0 and overlay.x + overlay.image.width <= w
    assert overlay.y >= 0 and overlay.y + overlay.image.height <= SAFE_AREAS["16:9"].rect(w, h)[3]
    _, lines = caption_layout(text, "id", w, h, aspect="16:9")
    assert len(lines) > MAX_LINES
    alpha = np.asarray(overlay.image.getchannel("A"))
    assert alpha[:5].max() > 0 and alpha[-5:].max() > 0, "box drawn to both edges, nothing cropped"
