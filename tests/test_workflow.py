"""End to end on the embedded defaults: the sample brief planned, imaged, voiced and cut, checked by decoding."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from media import audio_samples, frame_at, probe, rms_dbfs

from studio.cli import main as cli_main
from studio.model import ProjectError, ProjectStore
from studio.render.captions import caption_overlay
from studio.render.subtitles import read_srt
from studio.workflow import PlanRequest, RenderRequest, plan, render


@pytest.fixture(scope="module")
def thai_render(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectStore, str, Path]:
    from studio import paths

    root = tmp_path_factory.mktemp("wf")
    project_dir = plan(PlanRequest(paths.sample_brief(), root / "project"))
    store = ProjectStore(project_dir)
    variant = next(v for v in store.load().variants if v.language == "th")
    # espeak's Thai voice runs the sample's Thai copy past its 15 s: final is refused, a marked draft is cut.
    request = RenderRequest(project_dir, variant_ids=(variant.id,), aspects=("9:16",), out_dir=root / "out")
    assert render(request).refused == {variant.id: render(request).refused[variant.id]}
    result = render(dataclasses.replace(request, draft=True))
    assert result.drafts[variant.id] and "over the brief's 15 s" in " ".join(result.drafts[variant.id])
    return store, variant.id, result.manifest_path


def _entries(manifest: Path, kind: str) -> list[dict]:
    return [e for e in json.loads(manifest.read_text("utf-8"))["deliverables"] if e["kind"] == kind]


def test_video_matches_the_storyboard(thai_render: tuple[ProjectStore, str, Path]) -> None:
    store, variant_id, manifest = thai_render
    (entry,) = _entries(manifest, "video")
    assert entry["variant"] == variant_id and entry["market"] == "TH" and entry["language"] == "th"
    video = manifest.parent / entry["path"]
    info = probe(video)
    assert (info.width, info.height) == (1080, 1920)
    assert (info.video_codec, info.pix_fmt, info.audio_codec) == ("h264", "yuv420p", "aac")
    variant = store.load().variant(variant_id)
    storyboard_s = sum(s.duration_s for s in variant.shots)
    assert info.duration_s == pytest.approx(storyboard_s, abs=0.1)
    assert entry["duration_s"] == pytest.approx(info.duration_s, abs=0.1)
    assert rms_dbfs(audio_samples(video)) > -35  # a voice and a music bed, not silence


def test_one_thai_cue_per_spoken_line_with_caption_pixels(thai_render: tuple[ProjectStore, str, Path]) -> None:
    store, variant_id, manifest = thai_render
    variant = store.load().variant(variant_id)
    spoken = [s for s in variant.shots if s.voiceover.strip()]
    (srt_entry,) = _entries(manifest, "srt")
    cues = read_srt(manifest.parent / srt_entry["path"])
    assert len(cues) == len(spoken)
    for cue in cues:
        assert any(unicodedata.name(ch, "").startswith("THAI") for ch in cue.text), cue.text
    video = manifest.parent / _entries(manifest, "video")[0]["path"]
    for cue, shot in zip(cues, spoken, strict=True):
        frame = frame_at(video, (cue.start_s + cue.end_s) / 2).astype(np.int16)
        assert "".join(cue.text.split()) == "".join(shot.voiceover.split()), "the cue says the spoken line"
        overlay = caption_overlay(cue.text, "th", 1080, 1920, aspect="9:16")  # burned in: the SRT cue itself
        alpha = np.asarray(overlay.image)[..., 3] > 250
        glyph = np.asarray(overlay.image.convert("L")) > 240  # the white fill of the letters
        region = frame[overlay.y : overlay.y + overlay.image.height, overlay.x : overlay.x + overlay.image.width]
        luma = region.mean(axis=2)
        # Where the caption has white letters the decoded frame is bright; its dark outline stays dark.
        assert luma[glyph & alpha].mean() > 200, cue.text
        assert luma[alpha & ~glyph].mean() < luma[glyph & alpha].mean() - 80, cue.text


def test_project_records_takes_voice_and_deliverables(thai_render: tuple[ProjectStore, str, Path]) -> None:
    store, variant_id, _ = thai_render
    project = store.load()
    variant = project.variant(variant_id)
    for shot in variant.shots:
        take = project.selected_take(shot.shot_id, variant_id)
        assert take is not None and store.asset_path(take.asset).is_file()
    assert {v.shot_id for v in project.voice_lines if v.variant_id == variant_id} == {
        s.shot_id for s in variant.shots if s.voiceover.strip()
    }
    assert {d.kind for d in project.deliverables if d.variant_id == variant_id} >= {"video", "srt", "vtt"}


def test_plan_refuses_to_overwrite(tmp_path: Path, sample_brief_path: Path) -> None:
    plan(PlanRequest(sample_brief_path, tmp_path / "p"))
    with pytest.raises(ProjectError, match="--force"):
        plan(PlanRequest(sample_brief_path, tmp_path / "p"))


def test_render_unknown_variant_lists_known(tmp_path: Path, sample_brief_path: Path) -> None:
    plan(PlanRequest(sample_brief_path, tmp_path / "p"))
    with pytest.raises(ProjectError, match="th-night-owls"):
        render(RenderRequest(tmp_path / "p", variant_ids=("xx-nobody",)))


def test_cli_plan_and_bad_brief(tmp_path: Path, sample_brief_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--quiet", "plan", str(sample_brief_path), "--out", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "th-night-owls" in out and "id-late-shift" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('brand = "X"\n', "utf-8")
    assert cli_main(["--quiet", "plan", str(bad), "--out", str(tmp_path / "q")]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "product" in err
    assert not (tmp_path / "q" / "project.json").exists()


def test_cli_export_and_safe_import(
    thai_render: tuple[ProjectStore, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, variant_id, _ = thai_render
    zip_path = tmp_path / "review.zip"
    assert cli_main(["--quiet", "export", str(store.root), "--variant", variant_id, "--out", str(zip_path)]) == 0
    out = capsys.readouterr().out
    assert "Review bundle" in out and zip_path.is_file()
    # The fixture rendered outside the project folder: a bundle packs only files inside the project (a project
    # file from elsewhere must not be able to pack any file of this machine), and says what it left out.
    assert "outside the project folder" in out
    assert cli_main(["--quiet", "import-bundle", str(zip_path), "--out", str(tmp_path / "in")]) == 0
    imported = {p.suffix for p in (tmp_path / "in").rglob("*") if p.is_file()}
    assert {".pdf", ".csv", ".otio"} <= imported and ".mp4" not in imported
