"""The cut of one variant, checked by decoding what was written: size, fps, duration, sound, captions, sidecars."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from media import frame_at, probe
from render_project import SHOTS, build_project

from studio.model import BackendError, Cancelled, CancelToken, ProjectStore
from studio.render.audio import SAMPLE_RATE, loudness, true_peak
from studio.render.subtitles import read_srt, read_vtt
from studio.render.timing import VOICE_LEAD_S
from studio.render.variant import RenderVariantRequest, VariantRender, render_variant

SCALE = 1 / 3
VARIANT = "en-night-owls"


def stereo_audio(path: Path) -> np.ndarray:
    import subprocess

    import imageio_ffmpeg

    out = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(path),
            "-vn",
            "-ac",
            "2",
            "-ar",
            str(SAMPLE_RATE),
            "-f",
            "f32le",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, np.float32).reshape(-1, 2)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectStore, VariantRender]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QIANMIAN_HOME", str(tmp_path_factory.mktemp("home")))
        store = build_project(tmp_path_factory.mktemp("project"), aspects=("9:16", "1:1"))
        result = render_variant(
            RenderVariantRequest(
                project_dir=store.root,
                variant_id=VARIANT,
                aspects=("9:16", "1:1"),
                out_dir=store.renders,
                scale=SCALE,
            )
        )
    return store, result


def files(store: ProjectStore, result: VariantRender, kind: str) -> dict[str, Path]:
    return {d.aspect: store.root / d.path for d in result.deliverables if d.kind == kind}


def test_video_size_fps_duration_codecs(rendered) -> None:
    store, result = rendered
    videos = files(store, result, "video")
    assert set(videos) == {"9:16", "1:1"}
    assert videos["9:16"].name == f"{VARIANT}_9x16.mp4"
    brief = store.load().brief
    for aspect, (w, h) in {"9:16": (360, 640), "1:1": (360, 360)}.items():
        info = probe(videos[aspect])
        assert (info.width, info.height) == (w, h)
        assert info.fps == 30
        assert abs(info.duration_s - brief.duration_s) <= 0.1
        assert (info.video_codec, info.pix_fmt, info.audio_codec, info.sample_rate) == ("h264", "yuv420p", "aac", 48000)
    head = videos["9:16"].read_bytes()[:4096]
    assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096), "faststart: moov first"
    assert not list(store.renders.glob(".*partial*")), "no temp files left"


def test_shot_lengths_fill_the_brief(rendered) -> None:
    store, result = rendered
    brief = store.load().brief
    assert set(result.shot_durations) == {s[0] for s in SHOTS}
    video = files(store, result, "video")["9:16"]
    assert abs(probe(video).duration_s - brief.duration_s) <= 0.5
    assert sum(result.shot_durations.values()) == pytest.approx(probe(video).duration_s, abs=0.05), "end card counted"
    assert result.flags == []


def test_loudness_and_true_peak_after_decoding(rendered) -> None:
    store, result = rendered
    audio = stereo_audio(files(store, result, "video")["9:16"])
    assert abs(loudness(audio) - (-14.0)) <= 1.0
    assert 20 * np.log10(true_peak(audio)) <= -1.0 + 0.3  # AAC may overshoot the limiter a little
    voice_start = round((VOICE_LEAD_S + 0.1) * SAMPLE_RATE)
    assert np.sqrt(np.mean(audio[voice_start : voice_start + SAMPLE_RATE // 2] ** 2)) > 0.02, "voice is audible"


def test_sidecars_match_voice_timings(rendered) -> None:
    store, result = rendered
    srt, vtt = files(store, result, "srt")["9:16"], files(store, result, "vtt")["9:16"]
    cues = read_srt(srt)
    assert [c.text for c in cues] == [s[4] for s in SHOTS], "one cue per spoken line, in order, with its words"
    assert [(c.start_s, c.end_s, c.text) for c in read_vtt(vtt)] == [(c.start_s, c.end_s, c.text) for c in cues]
    start = 0.0
    lines = {v.shot_id: v for v in result.voice_lines}
    for shot, cue in zip(SHOTS, cues, strict=True):
        assert cue.start_s == pytest.approx(start + VOICE_LEAD_S, abs=0.002)
        assert cue.end_s - cue.start_s <= lines[shot[0]].duration_s + 0.002
        assert cue.end_s - cue.start_s > 0.5 * lines[shot[0]].duration_s
        start += result.shot_durations[shot[0]]


def _white_pixels(frame: np.ndarray) -> int:
    h = frame.shape[0]
    band = frame[int(h * 0.55) :]  # captions sit at the bottom of the safe area
    return int(np.count_nonzero(band.min(axis=2) > 215))


def test_caption_pixels_present_at_each_cue(rendered) -> None:
    store, result = rendered
    for aspect, video in files(store, result, "video").items():
        cues = read_srt(files(store, result, "srt")[aspect])
        for cue in cues:
            assert _white_pixels(frame_at(video, (cue.start_s + cue.end_s) / 2)) > 50, (aspect, cue)
        gap = (cues[0].end_s + cues[1].start_s) / 2
        assert _white_pixels(frame_at(video, gap)) == 0, "no caption between lines"


def test_end_card_and_camera_move(rendered) -> None:
    store, result = rendered
    video = files(store, result, "video")["9:16"]
    end = frame_at(video, 6.8)
    assert np.count_nonzero(end.min(axis=2) > 215) > 100, "brand and call to action on the end card"
    first, later = frame_at(video, 0.1), frame_at(video, 1.3)
    diff = np.abs(first.astype(int) - later.astype(int)).mean()
    assert diff > 1.0, "push-in moves the picture"


def test_voice_lines_point_at_stored_assets(rendered) -> None:
    store, result = rendered
    assert len(result.voice_lines) == len(SHOTS)
    for line in result.voice_lines:
        assert store.asset_path(line.asset).is_file()
        assert line.variant_id == VARIANT and line.duration_s > 0.3


def test_deliverable_paths_are_relative_inside_the_project(rendered) -> None:
    _, result = rendered
    assert all(not Path(d.path).is_absolute() and d.path.startswith("renders/") for d in result.deliverables)
    assert {d.kind for d in result.deliverables} == {"video", "srt", "vtt"}


def test_shot_without_image_says_generate_first(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p")
    project = store.load()
    project.takes = [t for t in project.takes if t.shot_id != "s2"]
    store.save(project)
    with pytest.raises(BackendError, match="No image for shot s2") as info:
        render_variant(RenderVariantRequest(tmp_path / "p", VARIANT, ("9:16",), tmp_path / "out", scale=SCALE))
    assert "Generate images" in info.value.hint
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_cancel_leaves_no_video(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p")
    token = CancelToken()

    def on_progress(p) -> None:
        if "frame" in p.message:
            threading.Thread(target=token.cancel).start()

    with pytest.raises(Cancelled):
        render_variant(
            RenderVariantRequest(store.root, VARIANT, ("9:16",), store.renders, scale=SCALE),
            on_progress=on_progress,
            cancel=token,
        )
    assert not [p for p in store.renders.iterdir() if p.suffix == ".mp4" or "partial" in p.name]


def test_broadcast_loudness_creator_music_and_wide_frame(tmp_path: Path) -> None:
    import soundfile

    rate = 44100
    t = np.arange(3 * rate) / rate
    soundfile.write(tmp_path / "bed.wav", (0.2 * np.sin(2 * np.pi * 261.6 * t)).astype(np.float32), rate)
    store = build_project(tmp_path / "p", aspects=("16:9",))
    result = render_variant(
        RenderVariantRequest(
            store.root,
            VARIANT,
            ("16:9",),
            tmp_path / "out",
            music=tmp_path / "bed.wav",
            loudness_lufs=-23.0,
            scale=0.2,
        )
    )
    video = next(Path(d.path) for d in result.deliverables if d.kind == "video")
    assert video.is_absolute() and video.name == f"{VARIANT}_16x9.mp4", "outside the project: absolute paths"
    info = probe(video)
    assert (info.width, info.height) == (384, 216)
    sound = stereo_audio(video)
    assert abs(loudness(sound) - (-23.0)) <= 1.0
    cues = read_srt(video.with_suffix(".srt"))
    gap = sound[round(cues[0].end_s * SAMPLE_RATE) + 4800 : round(cues[1].start_s * SAMPLE_RATE) - 2400]
    spectrum = np.abs(np.fft.rfft(gap.mean(axis=1)))
    freqs = np.fft.rfftfreq(len(gap), 1 / SAMPLE_RATE)
    assert freqs[np.argmax(spectrum)] == pytest.approx(261.6, abs=3), "the creator's music plays between lines"


def test_lines_too_long_for_the_brief_are_flagged(tmp_path: Path) -> None:
    long_line = "This line is far too long to be spoken in the little time this very short brief allows for it."
    shots = [
        ("s1", "hook", 1.5, "push-in", long_line, "", (80, 80, 80)),
        ("s2", "cta", 1.5, "static", "Buy.", "", (90, 60, 60)),
    ]
    store = build_project(tmp_path / "p", duration_s=3.0, shots=shots)
    result = render_variant(RenderVariantRequest(store.root, VARIANT, ("9:16",), store.renders, scale=0.15))
    assert [f.kind for f in result.flags] == ["too-long", "too-long"], "the line, then the cut's length"
    assert "s1" in result.flags[0].message and "words" in result.flags[0].message
    assert result.voice_lines[0].request.rate > 1.0, "the voice was sped up before giving up"
    assert result.voice_lines[0].request.rate <= 1.3, "never past English's bound in speech.toml"
    video = store.root / next(d.path for d in result.deliverables if d.kind == "video")
    assert probe(video).duration_s == pytest.approx(sum(result.shot_durations.values()), abs=0.05)
    assert probe(video).duration_s > 3.5, "runs long rather than clipping the line"
    assert result.verdict is not None and not result.verdict.ok, "a later gate can refuse it"
    assert result.verdict.total_s == pytest.approx(probe(video).duration_s, abs=0.05)
    assert "over the brief's 3 s" in result.flags[1].message


def test_caption_a_font_cannot_draw_stops_before_any_work(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p")
    project = store.load()
    project.variants[0].shots[1].caption = "Glow ✨ on"
    store.save(project)
    assets_before = set(store.assets.iterdir())
    with pytest.raises(BackendError, match="U\\+2728"):
        render_variant(RenderVariantRequest(store.root, VARIANT, ("9:16",), tmp_path / "out", scale=SCALE))
    assert set(store.assets.iterdir()) == assets_before, "no voice was synthesized"
    assert not (tmp_path / "out").exists()
