"""What pre-flight puts into the video: the AI-content label is visible where the market asks for it, each MP4
carries its provenance record (read back with the same library), and overrides travel in the review zip."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from media import frame_at, probe
from render_project import build_project

from studio.model import ProjectStore
from studio.preflight import provenance
from studio.render.ai_label import LABEL_TOP, label_chip
from studio.render.variant import RenderVariantRequest, render_variant

VARIANT = "en-night-owls"
SCALE = 0.25


def render(store: ProjectStore, out: Path) -> Path:
    result = render_variant(
        RenderVariantRequest(store.root, VARIANT, ("9:16",), out, scale=SCALE, allow_draft=True, crf=12)
    )
    return next(store.root / d.path for d in result.deliverables if d.kind == "video")


@pytest.fixture(scope="module")
def cn_renders(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectStore, Path, Path]:
    """The same CN variant cut with the label (auto: CN asks for it) and with it turned off."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QIANMIAN_HOME", str(tmp_path_factory.mktemp("home")))
        store = build_project(tmp_path_factory.mktemp("project"))
        project = store.load()
        project.variants[0].market = "CN"
        store.save(project)
        labelled = render(store, store.root / "renders" / "labelled")
        project = store.load()
        project.settings.ai_label = "off"
        store.save(project)
        plain = render(store, store.root / "renders" / "plain")
    return store, labelled, plain


def test_ai_label_is_visible_in_the_corner_and_nowhere_else(cn_renders: tuple[ProjectStore, Path, Path]) -> None:
    _, labelled, plain = cn_renders
    info = probe(labelled)
    w, h = info.width, info.height
    chip, x, y = label_chip("AI-generated", "en", w, h, "9:16")
    assert y >= round(h * LABEL_TOP) - 1 and y + chip.height < h * 0.5  # top of the frame, far from the captions
    for t in (0.5, 3.0):
        a = frame_at(labelled, t).astype(int)
        b = frame_at(plain, t).astype(int)
        region = (slice(y, y + chip.height), slice(x, x + chip.width))
        assert np.abs(a[region] - b[region]).mean() > 12, f"no label in the corner at {t} s"
        rest = np.abs(a - b)
        rest[region] = 0
        rest[: y + chip.height + 4, : x + chip.width + 4] = 0  # encoder ringing next to the chip
        assert rest.mean() < 1.5, "the label changed pixels outside its corner"


def test_each_mp4_carries_its_provenance_record(cn_renders: tuple[ProjectStore, Path, Path]) -> None:
    _, labelled, plain = cn_renders
    record = provenance.read_provenance(labelled)
    assert record is not None and record["method"] == "c2pa"
    assert record["validation_state"] in ("Valid", "Trusted")  # untrusted signer (local CA), hashes valid
    assert record["variant"] == VARIANT and record["market"] == "CN" and record["ai_label"] == "AI-generated"
    kinds = {(g["kind"], g["id"].split(":")[0]) for g in record["generators"]}
    assert ("voice", "espeak") in kinds and ("image", "test") in kinds
    assert record["digital_source_type"] == provenance.ALGORITHMIC  # espeak and drawn frames: no trained model
    assert provenance.read_provenance(plain)["ai_label"] == ""
    info = probe(labelled)  # still a valid video after signing
    assert info.duration_s > 5 and info.width == 270


def test_xmp_fallback_is_written_atomically_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    video = tmp_path / "v.mp4"
    source = ["-f", "lavfi", "-i", "color=c=blue:s=64x64:d=1"]
    encode = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(video)]
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", *source, *encode], check=True)
    monkeypatch.setattr(provenance, "c2pa_available", lambda: False)
    generators = [{"kind": "image", "id": "diffusers:sdxl-turbo"}, {"kind": "voice", "id": "piper:th_TH-x"}]
    assert provenance.write_provenance(video, {"variant": "th-a", "generators": generators}) == "xmp"
    record = provenance.read_provenance(video)
    assert record is not None and record["method"] == "xmp" and record["generators"] == generators
    assert b"trainedAlgorithmicMedia" in video.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["v.mp4"]  # no temp file left
    assert probe(video).duration_s == pytest.approx(1.0, abs=0.1)


@pytest.mark.slow  # two review exports (PDFs, shot lists, timelines): about 30 s on two shared cores
def test_override_travels_in_the_review_manifest(tmp_path: Path) -> None:
    from studio.export import CampaignExportRequest, export_campaign
    from studio.preflight.compliance import record_override

    store = build_project(tmp_path / "p")
    project = store.load()
    variant = project.variants[0]
    variant.market = "VN"
    variant.legal = "Sản phẩm số 1"
    store.save(project)

    def manifest() -> dict:
        zip_path = export_campaign(
            CampaignExportRequest(store.root, include_videos=False, include_media=False)
        ).zip_path
        with zipfile.ZipFile(zip_path) as zf:
            return json.loads(zf.read("manifest.json"))

    before = manifest()
    entry = before["variants"][0]
    assert entry["status"] == "draft" and any("vn-superlatives-proof" in r for r in entry["reasons"])
    assert before["compliance"]["findings"][0]["rule"] == "vn-superlatives-proof"
    project = store.load()
    record_override(project, "vn-superlatives-proof", VARIANT, "Decision 12/2026 certificate on file", shot_id="legal")
    store.save(project)
    after = manifest()
    assert after["variants"][0]["status"] == "final"
    assert after["compliance"]["overrides"][0]["reason"] == "Decision 12/2026 certificate on file"
    assert after["compliance"]["findings"][0]["override"]["shot_id"] == "legal"
