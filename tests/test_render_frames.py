"""Frame generation without encoding: camera windows, caption compositing, crossfades, the end card, captions timing."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from render_project import build_project

from studio.model import VoiceLine, VoiceRequest, WordTiming
from studio.render.frames import OVERSCAN, CameraClip, FrameSource, Sprite, end_card_frame
from studio.render.timeline import Clip, EndCard, build_timeline
from studio.render.timing import SpokenLine, fit_timing


def _clip(tmp_path: Path, camera: str) -> CameraClip:
    img = Image.linear_gradient("L").resize((300, 400)).convert("RGB")
    path = tmp_path / "g.png"
    img.save(path)
    return CameraClip(Clip("s1", path, 0.0, 2.0, camera=camera), 90, 160)


def test_push_in_goes_from_the_whole_canvas_to_one_to_one(tmp_path: Path) -> None:
    clip = _clip(tmp_path, "push-in")
    ch, cw = clip.canvas.shape[:2]
    assert cw == pytest.approx(90 * OVERSCAN, abs=2) and ch == pytest.approx(160 * OVERSCAN, abs=2)
    assert clip.window(0.0)[2:] == pytest.approx((90 * OVERSCAN, 160 * OVERSCAN), abs=1)
    assert clip.window(1.0)[2:] == (90, 160)
    first, last = clip.frame(0.0)[0], clip.frame(1.0)[0]
    assert first.shape == last.shape == (160, 90, 3) and first.flags.c_contiguous
    assert not np.array_equal(first, last)


def test_pans_and_tilts_move_the_right_way(tmp_path: Path) -> None:
    assert _clip(tmp_path, "pan-right").window(1.0)[0] > _clip(tmp_path, "pan-right").window(0.0)[0]
    assert _clip(tmp_path, "pan-left").window(1.0)[0] < _clip(tmp_path, "pan-left").window(0.0)[0]
    assert _clip(tmp_path, "tilt-down").window(1.0)[1] > _clip(tmp_path, "tilt-down").window(0.0)[1]
    gradient = _clip(tmp_path, "tilt-down")  # the gradient gets brighter downwards
    assert gradient.frame(1.0)[0].mean() > gradient.frame(0.0)[0].mean()


def test_static_frame_is_made_once_and_shared(tmp_path: Path) -> None:
    clip = _clip(tmp_path, "static")
    a, fresh_a = clip.frame(0.1)
    b, _ = clip.frame(0.9)
    assert a is b and not fresh_a


def test_sprite_matches_pillow_alpha_composite() -> None:
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    overlay = Image.fromarray(rng.integers(0, 256, (20, 30, 4), dtype=np.uint8))
    expected = Image.fromarray(base).convert("RGBA")
    expected.alpha_composite(overlay, (25, 10))
    frame = base.copy()
    Sprite.from_rgba(overlay, 25, 10, 60, 40).draw(frame)
    assert np.abs(frame.astype(int) - np.asarray(expected.convert("RGB")).astype(int)).max() <= 1
    clipped = base.copy()
    Sprite.from_rgba(overlay, 45, 30, 60, 40).draw(clipped)  # hangs over the edge: drawn clipped, no error
    assert not np.array_equal(clipped, base)


def test_end_card_shows_brand_cta_and_legal_above_the_caption_zone() -> None:
    card = EndCard(0.0, 2.0, "Lumi", "สั่งเลย", "ผลลัพธ์อาจแตกต่างกัน", "th", palette=("#111111", "#ff3366"))
    frame = end_card_frame(card, 270, 480)
    assert frame.shape == (480, 270, 3)
    pink = np.all(np.abs(frame.astype(int) - (255, 51, 102)) < 40, axis=2)
    assert pink.sum() > 200, "the CTA button takes the vivid palette colour"
    ink = np.nonzero(frame.min(axis=2) > 200)[0]
    assert ink.size and ink.max() < 0.68 * 480, "nothing under the captions' zone"


def test_frames_crossfade_and_captions(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p", duration_s=7.0)
    project = store.load()
    variant = project.variants[0]
    words = [
        WordTiming(text=w, start_s=0.2 * i, end_s=0.2 * i + 0.18) for i, w in enumerate(["Party", "all", "night."])
    ]
    line = SpokenLine(
        "s1",
        "Party all night.",
        np.zeros(16000, np.float32),
        16000,
        words,
        VoiceLine(
            shot_id="s1",
            variant_id=variant.id,
            request=VoiceRequest(text="x", language="en"),
            asset="a.wav",
            duration_s=1.0,
            backend="test",
        ),
    )
    fit = fit_timing([s.duration_s for s in variant.shots], [1.0, None, None], 7.0)
    timeline = build_timeline(project, store, variant, fit, {"s1": line})
    assert [c.text for c in timeline.subtitles] == ["Party all night.", "Shop now"], "the line; a silent shot's super"
    assert timeline.captions == timeline.subtitles, "burned-in captions follow the voice, cue for cue"
    source = FrameSource(timeline, 72, 128, 10, "9:16")
    frames = list(source)
    assert len(frames) == source.n_frames == 70
    boundary = round(timeline.clips[0].end_s * 10)
    before, at, after = frames[boundary - 3], frames[boundary], frames[boundary + 3]
    mid = at.astype(int)
    assert np.abs(mid - before).mean() > 2 and np.abs(mid - after).mean() > 2, "a blend, not a hard cut"


def test_long_line_splits_into_cues_at_word_times(tmp_path: Path) -> None:
    text = "Humid nights and late hours leave your skin dull and tired by the time the morning comes around again"
    store = build_project(tmp_path / "p", duration_s=12.0)
    project = store.load()
    variant = project.variants[0]
    variant.shots[0].voiceover = text
    variant.shots[0].caption = ""
    words = [WordTiming(text=w, start_s=0.3 * i, end_s=0.3 * i + 0.25) for i, w in enumerate(text.split())]
    line = SpokenLine(
        "s1",
        text,
        np.zeros(16000 * 6, np.float32),
        16000,
        words,
        VoiceLine(
            shot_id="s1",
            variant_id=variant.id,
            request=VoiceRequest(text=text, language="en"),
            asset="a.wav",
            duration_s=6.0,
            backend="test",
        ),
    )
    fit = fit_timing([s.duration_s for s in variant.shots], [6.0, None, None], 12.0)
    timeline = build_timeline(project, store, variant, fit, {"s1": line})
    cues = [c for c in timeline.subtitles if c.start_s < timeline.clips[0].end_s]  # the last shot's super follows
    assert len(cues) >= 2
    assert " ".join(" ".join(c.text.split()) for c in cues) == text
    first_words = len(cues[0].text.split())
    assert cues[1].start_s == pytest.approx(0.25 + words[first_words].start_s, abs=0.002), "split at a word start"
    assert all(a.end_s <= b.start_s + 1e-6 for a, b in itertools.pairwise(cues))


def test_a_take_of_another_shape_is_cropped_around_its_subject_not_pillarboxed() -> None:
    from studio.render.frames import fit_to_frame

    tall = Image.new("RGB", (90, 160), (0, 0, 255))
    tall.paste((255, 0, 0), (20, 100, 70, 140))  # the subject: a red box low in the picture
    wide = np.asarray(fit_to_frame(tall, 320, 180, (20 / 90, 100 / 160, 70 / 90, 140 / 160))).astype(int)
    red = (np.abs(wide - (255, 0, 0)).sum(-1) < 30).mean(0)
    assert red[100:220].min() > 0.5, "the subject is in view, across the middle of the frame"
    assert (np.abs(wide[:, :4] - (0, 0, 255)).sum(-1) < 30).all(), "the sides are the picture itself, no blur bands"
    found = np.asarray(fit_to_frame(tall, 320, 180)).astype(int)  # nothing recorded: found by its detail
    assert (np.abs(found - (255, 0, 0)).sum(-1) < 30).mean() > 0.2
    close = np.asarray(fit_to_frame(Image.new("RGB", (100, 100), (9, 9, 9)), 120, 100))
    assert close.shape == (100, 120, 3) and (close == 9).all(), "close shapes are simply cropped to cover"
