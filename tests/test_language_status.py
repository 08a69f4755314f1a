"""Every variant speaks its market's language, or is held back as a draft, loudly (issue 12, items 1, 2, 5).

Briefs written here (five categories, fourteen languages, no [copy.*], no LLM): nothing a planner was tuned on.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from media import frame_at
from render_project import build_project

from studio.cli import main as cli_main
from studio.model import ProjectStore, ValidationFailed, load_brief
from studio.model.project import LineStatus
from studio.planning import plan_project
from studio.planning.language_check import CLOSE, OWN_SCRIPT, base, check_variant, identify, script_of
from studio.workflow import RenderRequest, render

#: category → markets (with the language when not the market's first). 14 languages, none with supplied copy.
BRIEFS = {
    "sportswear": (
        "Karoo",
        "Trail Runner X",
        ["cushioned sole for long trail runs", "breathable mesh that dries fast"],
        [("VN", None), ("KR", None), ("BR", None)],
    ),
    "electronics": (
        "Voltra",
        "Pulse Earbuds",
        ["twelve hours of battery on one charge", "noise cancelling for busy trains"],
        [("MX", None), ("IN", "hi"), ("SA", None)],
    ),
    "food-drink": (
        "Mizuki",
        "Yuzu Sparkling Tea",
        ["real yuzu juice with no added sugar", "light bubbles for hot afternoons"],
        [("JP", None), ("TH", None), ("ID", None)],
    ),
    "home": (
        "Nestwell",
        "Cloud Air Purifier",
        ["cleans a bedroom's air in ten minutes", "quiet enough to sleep next to"],
        [("MY", "ms"), ("CN", None), ("AE", "ar")],
    ),
    "education": (
        "Brightpath",
        "Math Coach App",
        ["ten-minute lessons that fit after school", "a tutor that explains every step"],
        [("SG", "ta"), ("US", "es")],
    ),
}


def brief_toml(category: str, **extra: str) -> str:
    brand, product, points, markets = BRIEFS[category]
    seen: set[str] = set()
    lines = [
        f'brand = "{brand}"',
        f'product = "{product}"',
        f'category = "{category}"',
        "selling_points = [" + ", ".join(f'"{p}"' for p in points) + "]",
        'legal = "Terms and conditions apply to every purchase."',
        "duration_s = 15",
    ]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    for code, language in markets:
        if code in seen:
            continue
        seen.add(code)
        lines.append("[[markets]]")
        lines.append(f'code = "{code}"')
        if language:
            lines.append(f'language = "{language}"')
    lines += ["[[segments]]", 'id = "first-timers"', 'name = "First-time buyers"', 'description = "22-35, new to it"']
    return "\n".join(lines) + "\n"


def planned(tmp_path: Path, category: str) -> object:
    path = tmp_path / f"{category}.toml"
    path.write_text(brief_toml(category), "utf-8")
    return plan_project(load_brief(path), name=category)


def test_every_line_of_every_variant_is_in_its_language_or_a_problem(tmp_path: Path) -> None:
    languages: set[str] = set()
    untranslated = 0
    for category in BRIEFS:
        project = planned(tmp_path, category)
        masters = {s.id: s for s in project.storyboard.shots}
        for variant in project.variants:
            languages.add(variant.language)
            problems = check_variant(project, variant)
            flagged = {(p.shot_id, p.kind) for p in problems}
            lines = [
                (s.shot_id, kind, text, s.line_status.get(kind), masters[s.shot_id])
                for s in variant.shots
                for kind, text in (("voice-over", s.voiceover), ("caption", s.caption))
                if text.strip()
            ]
            lines += [("", k, t, variant.line_status.get(k), None) for k, t in
                      (("call-to-action", variant.call_to_action), ("legal", variant.legal)) if t.strip()]  # fmt: skip
            if base(variant.language) == "en":
                assert not problems, [p.describe() for p in problems]
                continue
            for shot_id, kind, text, status, master in lines:
                assert status is not None, f"{variant.id} {shot_id} {kind} has no LineStatus"
                if (shot_id, kind) in flagged:
                    continue
                # Not a problem: then it is identified as the variant's language, in the variant's script.
                assert status.language_ok in (True, None), (variant.id, shot_id, kind, text, status)
                if status.language_ok and status.detected:
                    assert base(status.detected) in {base(variant.language), CLOSE.get(base(variant.language))}
                script = OWN_SCRIPT.get(base(variant.language))
                if script and script != "japanese":
                    letters = [ch for ch in text if ch.isalpha() and ch.isascii() is False]
                    assert letters and all(script_of(ch) == script for ch in letters), (variant.id, text)
                master_text = (master.voiceover if kind == "voice-over" else master.on_screen_text) if master else ""
                assert text.strip() != master_text.strip(), f"{variant.id} {shot_id} {kind} is the English master"
            # The English master is never passed off as the variant's language.
            for shot_id, kind, text, status, master in lines:
                master_text = (master.voiceover if kind == "voice-over" else master.on_screen_text) if master else ""
                if master is not None and text.strip() == master_text.strip():
                    untranslated += 1
                    assert (shot_id, kind) in flagged and status.language_ok is False
                    assert status.detected == "en"
            legal = [p for p in problems if p.kind == "legal"]
            assert legal and "legal" in legal[0].fix, "the English legal line is a problem in every other language"
            for p in problems:
                assert p.text and p.fix and p.variant_id == variant.id
    assert len(languages) >= 10, languages
    assert untranslated >= 5, "no copy, no LLM: the master lines are caught, not shipped"


@pytest.mark.parametrize(
    ("language", "text", "ok"),
    [
        ("vi", "Đôi giày êm ái cho những buổi chạy dài", True),
        ("vi", "Cushioned sole for long trail runs", False),
        ("pt-BR", "Solado macio para corridas longas na trilha", True),
        ("es-MX", "Suela acolchada para carreras largas en la montaña", True),
        ("es-MX", "Solado macio para corridas longas na trilha", False),
        ("id", "Sol empuk untuk lari jarak jauh setiap akhir pekan", True),
        ("ms", "Sol empuk untuk lari jarak jauh setiap akhir pekan", True),
        ("id", "Terms apply to all purchases today", False),
        ("fil", "Bilhin na ngayon ang bagong sapatos para sa pagtakbo", True),
        ("th", "Karoo รองเท้านุ่มสบายสำหรับวิ่งระยะไกล", True),
        ("th", "Karoo shoes for the long run", False),
        ("ja", "長く走っても足が疲れない", True),
        ("zh", "長く走っても足が疲れない", False),
        ("zh", "这双鞋让你跑得更远", True),
        ("zh-Hant", "这双鞋让你跑得更远", False),
        ("ko", "Shop now", False),
        ("ar", "Karoo", True),
        ("hi", "अभी खरीदें", True),
        ("ta", "இப்போதே வாங்குங்கள்", True),
        ("vi", "Mua ngay", None),
        ("pt-BR", "Compre já", None),
    ],
)
def test_identify_lines(language: str, text: str, ok: bool | None) -> None:
    assert identify(text, language, names=["Karoo", "Trail Runner X"]).ok is ok


def test_unsure_lines_pass_only_when_a_person_wrote_them(tmp_path: Path) -> None:
    project = planned(tmp_path, "sportswear")
    variant = next(v for v in project.variants if v.language == "vi")
    shot = variant.shots[0]
    shot.voiceover = "Mua ngay"  # too short to identify
    shot.line_status["voice-over"] = LineStatus(origin="llm")
    assert any(p.shot_id == shot.shot_id and p.kind == "voice-over" for p in check_variant(project, variant))
    assert shot.line_status["voice-over"].language_ok is None
    shot.line_status["voice-over"] = LineStatus(origin="creator-edit")
    assert not any(p.shot_id == shot.shot_id and p.kind == "voice-over" for p in check_variant(project, variant))
    shot.voiceover = "Đôi giày êm ái cho những buổi chạy dài"
    shot.line_status["voice-over"] = LineStatus(origin="untranslated")
    assert any(p.shot_id == shot.shot_id and p.kind == "voice-over" for p in check_variant(project, variant)), (
        "an untranslated origin is a problem whatever identification says"
    )
    shot.overrides["voiceover"] = shot.voiceover  # the creator wrote it in the app: no longer untranslated
    assert not any(p.shot_id == shot.shot_id and p.kind == "voice-over" for p in check_variant(project, variant))
    assert shot.line_status["voice-over"].origin == "creator-edit"
    assert shot.line_status["voice-over"].language_ok is True


# ---- languages in briefs (item 5) ----


@pytest.mark.parametrize(
    ("language", "says"),
    [("jp", "did you mean 'ja'?"), ("zz", "BCP-47"), ("../../x", "BCP-47"), ("gr", "did you mean 'el'?")],
)
def test_bad_language_tags_are_refused_with_the_fix(tmp_path: Path, language: str, says: str) -> None:
    path = tmp_path / "b.toml"
    path.write_text(brief_toml("sportswear").replace('code = "KR"', f'code = "KR"\nlanguage = "{language}"'), "utf-8")
    with pytest.raises(ValidationFailed) as e:
        load_brief(path)
    assert says in str(e.value) and "language" in str(e.value)


def test_a_language_the_market_does_not_speak_is_refused_at_plan_time(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(brief_toml("electronics").replace('code = "SA"', 'code = "SA"\nlanguage = "fr"'), "utf-8")
    with pytest.raises(ValidationFailed) as e:
        plan_project(load_brief(path), name="x")
    assert "SA speaks ar" in e.value.message and "language = 'ar'" in e.value.hint


# ---- final or draft (item 2), a market without a voice (item 5) ----


def _thai_variant_in_english(root: Path) -> ProjectStore:
    """The render test project plus a Thai variant whose lines are still the English ones."""
    store = build_project(root)
    project = store.load()
    thai = project.variants[0].model_copy(deep=True, update={"id": "th-night-owls", "language": "th"})
    project.variants.append(thai)
    store.save(project)
    return store


@pytest.mark.slow  # two small renders and a review export: ~40 s on a busy 2-core machine
def test_final_render_is_refused_and_draft_is_marked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = _thai_variant_in_english(tmp_path / "p")
    out = store.root / "renders"  # inside the project: the review zip packs only files inside it
    code = cli_main(["--quiet", "render", str(store.root), "--scale", "0.15", "--out", str(out)])
    printed = capsys.readouterr()
    err = printed.err
    assert "PREVIEW" in printed.out and "not deliverables" in printed.out
    assert code == 4, "some variants refused: a non-zero exit, the rendered siblings kept"
    assert "th-night-owls" in err and "Party all night." in err and "voice-over" in err and "Fix:" in err
    manifest = json.loads((out / "deliverables.json").read_text("utf-8"))
    assert {e["variant"] for e in manifest["deliverables"]} == {"en-night-owls"}, "the sibling still rendered"
    assert all(e["status"] == "final" and e["reasons"] == [] for e in manifest["deliverables"])
    videos = [e for e in manifest["deliverables"] if e["kind"] == "video"]
    assert videos and all(e["quality"] == "preview" for e in videos), "a --scale render is a preview, said so"
    assert any("small preview, not a deliverable" in w for w in manifest["warnings"])
    assert "th-night-owls" in manifest["refused"]
    assert any(w.startswith("th-night-owls not rendered") and "Party all night." in w for w in manifest["warnings"])
    saved = store.load().variant("th-night-owls").shots[0].line_status["voice-over"]
    assert saved.language_ok is False and saved.detected == "en"

    code = cli_main(["--quiet", "render", str(store.root), "--variant", "th-night-owls", "--draft", "--scale", "0.15",
                     "--out", str(out)])  # fmt: skip
    assert code == 0
    manifest = json.loads((out / "deliverables.json").read_text("utf-8"))
    video = next(e for e in manifest["deliverables"] if e["kind"] == "video")
    assert video["status"] == "draft" and any("Party all night." in r for r in video["reasons"])
    assert any("DRAFT" in w and "Party all night." in w for w in manifest["warnings"])
    frame = frame_at(out / video["path"], 1.0).astype(int)
    h = frame.shape[0]
    band = frame[int(h * 0.045) : int(h * 0.10)]
    red = (band[:, :, 0] > 150) & (band[:, :, 1] < 90) & (band[:, :, 2] < 90)
    assert red.mean() > 0.5, "a red DRAFT band across the top of the picture"
    white = (band[:, :, 0] > 200) & (band[:, :, 1] > 200) & (band[:, :, 2] > 200)
    assert white.mean() > 0.02, "with white type on it"
    final = frame_at(out / "en-night-owls_9x16.mp4", 1.0).astype(int)[int(h * 0.045) : int(h * 0.10)]
    assert ((final[:, :, 0] > 150) & (final[:, :, 1] < 90) & (final[:, :, 2] < 90)).mean() < 0.2

    zip_path = tmp_path / "review.zip"
    assert cli_main(["--quiet", "export", str(store.root), "--out", str(zip_path), "--no-media"]) == 0
    with zipfile.ZipFile(zip_path) as zf:
        review = json.loads(zf.read("manifest.json"))
    variants = {v["id"]: v for v in review["variants"]}
    assert variants["th-night-owls"]["status"] == "draft" and variants["en-night-owls"]["status"] == "final"
    assert any("Party all night." in w for w in review["warnings"])
    drafts = [f for f in review["files"] if f.get("status") == "draft"]
    assert drafts and all(f["variant"] == "th-night-owls" and f["reasons"] for f in drafts)

    # The English variant was final; a Thai line pasted into it makes its earlier files drafts, not finals.
    project = store.load()
    project.variant("en-night-owls").shots[0].voiceover = "ปาร์ตี้ได้ทั้งคืน หน้าไม่พัง"
    store.save(project)
    assert cli_main(["--quiet", "render", str(store.root), "--variant", "en-night-owls", "--scale", "0.15"]) == 2
    kept = [d for d in store.load().deliverables if d.variant_id == "en-night-owls"]
    assert kept and all(d.status == "draft" and "keeps it from being final" in " ".join(d.reasons) for d in kept)


@pytest.mark.slow  # one small render
def test_a_market_without_a_voice_does_not_stop_its_siblings(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p")
    project = store.load()
    ph = project.variants[0].model_copy(deep=True, update={"id": "ph-night-owls", "market": "PH", "language": "fil"})
    for shot in ph.shots:
        shot.voiceover = "Bilhin na ngayon ang bagong sapatos para sa pagtakbo"
        shot.caption = ""
        shot.line_status["voice-over"] = LineStatus(origin="creator-edit")
    ph.call_to_action, ph.legal = "Bilhin na ngayon ang bagong sapatos", ""
    project.variants.append(ph)
    store.save(project)
    result = render(RenderRequest(store.root, scale=0.15, draft=True))
    assert {d.variant_id for d in result.deliverables} == {"en-night-owls"}
    assert "ph-night-owls" in result.refused
    (why,) = result.refused["ph-night-owls"]
    assert "no installed voice speaks fil" in why and "Piper voice" in why


def test_all_refused_is_an_error_listing_the_lines(tmp_path: Path) -> None:
    store = _thai_variant_in_english(tmp_path / "p")
    with pytest.raises(ValidationFailed) as e:
        render(RenderRequest(store.root, variant_ids=("th-night-owls",), scale=0.15))
    assert "Party all night." in e.value.message and "--draft" in e.value.hint


def test_draft_band_pixels() -> None:
    from studio.render.frames import DRAFT_RGB, draft_band

    sprite = draft_band(216, 384)
    assert sprite.y > 0 and sprite.rgb.shape[1] == 216
    frame = np.zeros((384, 216, 3), np.uint8)
    sprite.draw(frame)
    assert tuple(frame[sprite.y + 1, 1]) == DRAFT_RGB
