"""A 2 × 2 hook × call-to-action matrix: four named cuts per variant, each saying its own hook and CTA."""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest
from media import audio_samples, probe

from studio.cli import main as cli_main
from studio.model import ProjectStore
from studio.render.subtitles import read_srt
from studio.workflow import RenderRequest, render

# A Thai noodle ad written in Thai: the hook alternatives must be Thai too.
THAI_SCRIPT = """Title: Night Noodles
Brand: Mama Rin
Product: Tom Yum Cup Noodles
Category: food-drink
Markets: TH
Segments: Night-shift workers
Duration: 8

EXT. CONVENIENCE STORE - NIGHT

A bright convenience store at two in the morning.

NARRATOR (V.O.)
ตีสองแล้ว ยังหิวอยู่ไหม

INT. BREAK ROOM - NIGHT

[[CLOSE ON hot water poured into the cup]]

NARRATOR (V.O.)
สามนาที ต้มยำแท้

EXT. WINDOW LEDGE - DAWN

The cup on a window ledge at sunrise.

NARRATOR (V.O.)
มาม่าริน สั่งเลย
"""


@pytest.fixture(scope="module")
def ab_render(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("ab")
    script = root / "noodles.fountain"
    script.write_text(THAI_SCRIPT, encoding="utf-8")
    project_dir = root / "project"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QIANMIAN_HOME", str(root / "home"))
        assert cli_main(["--quiet", "plan", str(script), "--out", str(project_dir)]) == 0
        store = ProjectStore(project_dir)
        result = render(RenderRequest(project_dir, aspects=("9:16",), out_dir=root / "out", scale=0.2, ab="2x2"))
    return store, result


@pytest.mark.slow
def test_four_named_cuts_each_with_its_hook_and_cta(ab_render) -> None:
    store, result = ab_render
    project = store.load()
    (variant,) = project.variants
    videos = {d.sub_variant: store.root / d.path if not Path(d.path).is_absolute() else Path(d.path)
              for d in result.deliverables if d.kind == "video"}  # fmt: skip
    assert set(videos) == {"H1-C1", "H1-C2", "H2-C1", "H2-C2"}
    for cell, path in videos.items():
        assert path.name == f"{variant.id}_9x16_{cell}.mp4" and path.is_file()
        assert probe(path).duration_s > 3
    hooks = [variant.shots[0].voiceover, variant.ab_hooks[0]]
    ctas = [variant.call_to_action, variant.ab_ctas[0]]
    assert all(any(unicodedata.name(ch, "").startswith("THAI") for ch in t) for t in hooks + ctas)
    srts = {d.sub_variant: d for d in result.deliverables if d.kind == "srt"}
    texts = {}
    for cell, d in srts.items():
        h, c = int(cell[1]) - 1, int(cell[4]) - 1
        text = " ".join(
            cue.text for cue in read_srt(store.root / d.path if not Path(d.path).is_absolute() else Path(d.path))
        )
        assert hooks[h].replace(" ", "") in text.replace(" ", "").replace("\n", ""), (cell, text)
        assert ctas[c].replace(" ", "") in text.replace(" ", "").replace("\n", ""), (cell, text)
        texts[cell] = text
    assert len(set(texts.values())) == 4  # four different cuts, not one cut copied
    sounds = {cell: audio_samples(path) for cell, path in videos.items()}
    assert sounds["H1-C1"].shape != sounds["H2-C1"].shape or (sounds["H1-C1"] != sounds["H2-C1"]).any()

    manifest = json.loads(result.manifest_path.read_text("utf-8"))["deliverables"]
    assert {e["sub_variant"] for e in manifest if e["kind"] == "video"} == set(videos)
    assert all(e["sub_variant"] for e in manifest)
    rows = list(csv.DictReader((result.manifest_path.parent / "ab_matrix.csv").read_text("utf-8-sig").splitlines()))
    assert {r["cell"] for r in rows} == set(videos)
    for r in rows:
        h, c = int(r["cell"][1]) - 1, int(r["cell"][4]) - 1
        assert r["hook"] == hooks[h] and r["call_to_action"] == ctas[c]
        assert (result.manifest_path.parent / r["video_file"]).is_file()
        assert r["ad_name"] == Path(r["video_file"]).stem

    # The cells are files, not variants: the project keeps one variant, its lines unchanged, the cells recorded.
    assert [v.id for v in project.variants] == [variant.id]
    assert {d.sub_variant for d in project.deliverables if d.kind == "video"} == set(videos)
