"""Platform specs as data, briefs that name their platforms, and deliverables probed and held against the specs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile
from render_project import build_project

from studio.model import Deliverable, ValidationFailed, load_brief
from studio.planning.platform_specs import (
    VideoProbe,
    check_deliverable,
    check_project_platforms,
    load_platforms,
    platform_spec,
    preset,
    probe_video,
)
from studio.render.encode import EncodeSettings, encode

SIX = {"tiktok", "douyin", "kuaishou", "instagram-reels", "youtube-shorts", "youtube-instream"}


def write_video(path: Path, seconds: float, size: tuple[int, int] = (64, 112), fps: int = 5) -> Path:
    """A small H.264 + AAC MP4 of known length: grey frames that change every second, a quiet tone."""
    w, h = size
    n = round(seconds * fps)
    t = np.arange(round(seconds * 48_000)) / 48_000
    tone = (0.05 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    wav = path.with_suffix(".wav")
    soundfile.write(wav, np.stack([tone, tone], axis=1), 48_000)
    frames = (np.full((h, w, 3), 60 if (i // fps) % 2 else 160, np.uint8) for i in range(n))
    encode(frames, n, EncodeSettings(w, h, fps), path, audio=wav)
    wav.unlink()
    return path


@pytest.fixture(scope="module")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_video(tmp_path_factory.mktemp("v") / "kimchi-pay_9x16.mp4", 62.0)


def full_size(seconds: float, aspect: str = "9:16") -> VideoProbe:
    w, h = {"9:16": (1080, 1920), "16:9": (1920, 1080), "1:1": (1080, 1080)}[aspect]
    return VideoProbe("ad.mp4", "mp4", 12_000_000, seconds, w, h, 30.0, 4000.0, "h264", "aac", 48000)


def test_the_six_platforms_are_data_with_sources_and_dates() -> None:
    specs = load_platforms()
    assert set(specs) == SIX
    for spec in specs.values():
        assert spec.source and re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec.checked)
        assert spec.min_s <= spec.recommended_s[0] <= spec.recommended_s[1] <= spec.max_s
        assert spec.recommended_aspect in spec.aspects
        if spec.kind == "in-feed":
            zone = spec.safe_zone("9:16")
            assert zone is not None and zone.bottom >= zone.top > 0 and zone.right > 0
    assert specs["tiktok"].max_s == 60 and specs["youtube-shorts"].max_s == 60
    assert specs["instagram-reels"].safe_zone("9:16").bottom == pytest.approx(0.35)
    assert "safe_zones" in specs["tiktok"].approximate  # rules of thumb say so


def test_names_and_aliases_resolve_and_a_typo_says_did_you_mean() -> None:
    assert platform_spec("Reels").id == "instagram-reels"
    assert platform_spec("抖音").id == "douyin"
    assert platform_spec("youtube shorts").id == "youtube-shorts"
    with pytest.raises(ValidationFailed) as e:
        platform_spec("tiktokk")
    assert 'Did you mean "tiktok"' in e.value.hint


def test_a_brief_names_its_platforms(tmp_path: Path) -> None:
    """Written as people write them; stored as ids. A misspelt one is refused naming the field and the fix."""
    from studio import paths

    base = paths.sample_brief().read_text(encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text('platforms = ["TikTok", "YouTube Shorts", "Reels", "tiktok"]\n' + base, encoding="utf-8")
    from studio.planning import plan_project

    assert plan_project(load_brief(good)).brief.platforms == ["tiktok", "youtube-shorts", "instagram-reels"]
    bad = tmp_path / "bad.toml"
    bad.write_text('platforms = ["Kuaishuo"]\n' + base, encoding="utf-8")
    with pytest.raises(ValidationFailed) as e:
        plan_project(load_brief(bad))
    text = str(e.value)
    assert "platforms" in text and "Kuaishuo" in text and 'Did you mean "kuaishou"' in text
    assert load_brief(paths.sample_brief()).platforms == []  # old briefs load unchanged


def test_probe_reads_what_a_player_reads(long_video: Path) -> None:
    p = probe_video(long_video)
    assert p.duration_s == pytest.approx(62.0, abs=0.1)
    assert (p.width, p.height, p.fps) == (64, 112, 5.0)
    assert p.video_codec == "h264" and p.audio_codec == "aac" and p.sample_rate == 48000
    assert p.container == "mp4" and p.size_bytes == long_video.stat().st_size and p.bitrate_kbps
    assert p.aspect == "9:16"  # 64x112 is within 2 % of 9:16 (encoders round sizes to even numbers)


def test_a_too_long_deliverable_fails_tiktok_and_shorts_max_duration(long_video: Path) -> None:
    for platform in ("tiktok", "youtube-shorts"):
        findings = check_deliverable(platform, long_video)
        duration = [f for f in findings if f.field == "duration"]
        assert len(duration) == 1 and duration[0].severity == "block"
        assert "62.0 s" in duration[0].message and "maximum of 60 s" in duration[0].message
        assert duration[0].path == str(long_video)
        assert any(f.field == "resolution" and f.severity == "block" for f in findings)  # 64 px wide
    reels = [f for f in check_deliverable("instagram-reels", long_video) if f.field == "duration"]
    assert [f.severity for f in reels] == ["warn"]  # within Reels' 90 s, over its recommended 15-30 s


def test_a_file_that_meets_the_spec_has_no_findings() -> None:
    assert check_deliverable("tiktok", full_size(21.0)) == []
    assert check_deliverable("youtube-instream", full_size(20.0, "16:9")) == []
    short = check_deliverable("youtube-instream", full_size(8.0, "16:9"))
    assert [(f.field, f.severity) for f in short] == [("duration", "block")]  # under the 12 s minimum
    wide = check_deliverable("instagram-reels", full_size(20.0, "16:9"))
    assert [(f.field, f.severity) for f in wide] == [("aspect", "block")]
    assert "9:16" in wide[0].fix


def test_project_checked_against_its_platforms(tmp_path: Path, long_video: Path) -> None:
    store = build_project(tmp_path / "p")
    project = store.load()
    project.brief.platforms = ["tiktok", "instagram-reels"]
    project.brief.duration_s = 75.0
    project.deliverables.append(
        Deliverable(
            variant_id="en-night-owls",
            market="TH",
            language="en",
            segment="night-owls",
            aspect="9:16",
            kind="video",
            path=str(long_video),
        )
    )
    findings = check_project_platforms(project)
    plan = [f for f in findings if not f.path]
    assert [(f.platform, f.field, f.severity) for f in plan] == [
        ("tiktok", "duration", "block"),
        ("instagram-reels", "duration", "warn"),
    ]
    assert "The brief's cut runs 75.0 s" in plan[0].message
    files = [f for f in findings if f.path]
    assert {f.variant_id for f in files} == {"en-night-owls"}
    assert any(f.platform == "tiktok" and f.field == "duration" and f.severity == "block" for f in files)
    assert all(f.line().startswith(f"[{f.severity}] {f.platform}") for f in findings)
    assert check_project_platforms(project, []) == []


def test_preset_for_several_platforms() -> None:
    p = preset(["tiktok", "Reels", "youtube-instream"])
    assert p.aspect_ratios == ("9:16", "16:9")
    assert (p.min_s, p.max_s) == (12, 60)  # in-stream's minimum, TikTok's maximum
    assert p.recommended_s == (15, 30)


def test_a_briefs_platform_bounds_the_final_cut(tmp_path: Path) -> None:
    """TikTok's 60 s maximum holds for a market whose own pack names only longer-running platforms."""
    from studio.render.timing import cut_verdict
    from studio.render.variant import brief_platforms

    store = build_project(tmp_path / "p")
    project = store.load()
    assert brief_platforms(project) == []
    project.brief.platforms = ["youtube-instream", "tiktok"]
    names = brief_platforms(project)
    assert names == ["YouTube skippable in-stream ads", "TikTok (in-feed ads)"]
    assert cut_verdict(61.0, 61.0, names).max_s == 60 and not cut_verdict(61.0, 61.0, names).ok
