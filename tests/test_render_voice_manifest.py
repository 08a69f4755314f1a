"""Which voice read each video: deliverables.json names it per video (a marketer must not publish espeak's robot
voice by accident), `qianmian render` lists it, and a neural voice is not called a guide voice.

A Thai sunscreen brief, planned, one variant rendered as a quick preview (procedural frames, a fifth of the size).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.model import Brief, ProjectStore, VoiceLine, VoiceRequest

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")

BRIEF = {
    "brand": "Solea",
    "product": "Daily Shield SPF50+ sunscreen",
    "category": "skincare",
    "selling_points": ["SPF50+ broad-spectrum sun protection"],
    "markets": [{"code": "TH", "language": "th"}],
    "segments": [{"id": "commuters", "name": "Daily commuters", "description": "20-35, commute by bike"}],
    "duration_s": 8,
    "aspect_ratios": ["9:16"],
}


def test_each_video_says_which_voice_read_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from studio.cli import _print_deliverables
    from studio.planning import plan_project
    from studio.stages.render import RenderRequest, run_render
    from studio.stages.settings import Settings

    project = plan_project(Brief.model_validate(BRIEF), name="solea", llm=None)
    store = ProjectStore(tmp_path / "solea")
    store.create(project)
    th = next(v for v in project.variants if v.language == "th")
    request = RenderRequest(
        project_dir=store.root, scale=0.2, draft=True, variant_ids=(th.id,), workers=1, settings=Settings()
    )
    project, result = run_render(project, request)
    manifest = json.loads(result.manifest_path.read_text("utf-8"))
    videos = [e for e in manifest["deliverables"] if e["kind"] == "video"]
    assert videos and all(e["variant"] == th.id for e in videos)
    for e in videos:
        voice = e["voice"]
        assert voice["engine"] == "espeak" and voice["backend"].startswith("espeak:th"), voice
        assert voice["language"] == "th" and voice["guide"] is True
        assert "guide voice" in voice["note"] and "publish" in voice["note"]
    assert all("voice" not in e for e in manifest["deliverables"] if e["kind"] != "video"), "subtitles speak not"
    assert any(th.id in w and "guide voice" in w for w in manifest["warnings"]), manifest["warnings"]
    # the project's voice lines agree with what the manifest says
    spoken = {line.backend for line in project.voice_lines if line.variant_id == th.id}
    assert spoken == {videos[0]["voice"]["backend"]}
    # the CLI prints what the manifest says
    _print_deliverables(result)
    out = capsys.readouterr().out
    assert "Voices:" in out and f"{th.id}" in out and "espeak:th · guide voice" in out and "GUIDE VOICE" in out


def test_a_neural_voice_is_not_a_guide_voice_and_a_silent_video_has_none(tmp_path: Path) -> None:
    from studio.model import Deliverable
    from studio.stages.quality import voice_label, voice_of
    from studio.stages.render import write_manifest

    def line(shot: str, backend: str, language: str = "th") -> VoiceLine:
        request = VoiceRequest(text="สวัสดี", language=language, voice=backend.partition(":")[0])
        return VoiceLine(
            shot_id=shot, variant_id="th-a", request=request, asset="a.wav", duration_s=1.0, backend=backend
        )

    neural = voice_of([line("s1", "piper:th_TH-x")], "th-a")
    assert neural is not None and neural["guide"] is False and neural["note"] == ""
    assert voice_label(neural) == "piper:th_TH-x"
    robot = voice_of([line("s1", "espeak:th"), line("s2", "espeak:th")], "th-a")
    assert robot is not None and robot["guide"] and voice_label(robot) == "espeak:th · guide voice"
    hebrew = voice_of([line("s1", "espeak:he", "he")], "th-a")
    assert hebrew is not None and "vowels" in hebrew["note"], "the language's own caveat is said too"
    assert voice_of([line("s1", "espeak:th")], "other") is None
    # a video listed with its voice; one whose variant spoke nothing says null
    store = ProjectStore(tmp_path / "p")
    d = dict(market="TH", language="th", segment="s", aspect="9:16", kind="video")
    made = [
        Deliverable(variant_id="th-a", path="renders/a.mp4", **d),
        Deliverable(variant_id="th-b", path="b.mp4", **d),
    ]
    path = write_manifest(tmp_path / "out", store, made, voices={"th-a": neural, "th-b": None})
    entries = json.loads(path.read_text("utf-8"))["deliverables"]
    assert entries[0]["voice"]["backend"] == "piper:th_TH-x" and entries[1]["voice"] is None
    assert not any("guide voice" in w for w in json.loads(path.read_text("utf-8"))["warnings"])
