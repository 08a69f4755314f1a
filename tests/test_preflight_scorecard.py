"""The creative scorecard, on videos whose properties are known because the test built them frame by frame: a logo
that first appears at 8 s, a caption drawn in grey on light grey, a voice that starts at 3 s. And once on a real
render of a small project, to show the scorecard reads actual output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image, ImageDraw
from render_project import build_project

from studio.check.scorecard import Scorecard, score_take, score_variant
from studio.model import Project
from studio.render.captions import caption_overlay
from studio.render.encode import EncodeSettings, encode
from studio.render.subtitles import Cue, write_srt
from studio.render.text import render_text_block

VARIANT = "en-night-owls"
W, H, FPS = 180, 320, 10


def background(t: float) -> np.ndarray:
    """A soft two-tone picture that cuts to another at 1 s (so every test video has an early hook)."""
    img = np.zeros((H, W, 3), np.uint8)
    base = (40, 70, 110) if t < 1.0 else (90, 60, 50)
    img[:] = base
    img[H // 2 :, :] = tuple(c + 30 for c in base)
    return img


def write_video(
    path: Path,
    seconds: float,
    frame: callable,
    *,
    audio: np.ndarray | None = None,
    cues: list[Cue] | None = None,
    size: tuple[int, int] = (W, H),
    fps: int = FPS,
) -> Path:
    """An H.264 + AAC MP4 through the studio's own encoder; `frame(t)` gives each picture, `audio` mono 48 kHz."""
    n = round(seconds * fps)
    if audio is None:
        audio = np.zeros(round(seconds * 48_000), np.float32)
    wav = path.with_suffix(".wav")
    soundfile.write(wav, np.stack([audio, audio], axis=1), 48_000)
    encode((frame(i / fps) for i in range(n)), n, EncodeSettings(size[0], size[1], fps), path, audio=wav)
    wav.unlink()
    if cues is not None:
        write_srt(cues, path.with_suffix(".srt"))
    return path


def small_frames(t: float) -> np.ndarray:
    """64×112 frames for long videos (cheap to encode): a cut every second."""
    return np.full((112, 64, 3), 60 if int(t) % 2 else 160, np.uint8)


def logo_image(path: Path) -> Path:
    """A small two-colour mark: a ring with a bar, on transparent ground."""
    img = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 59, 39), fill=(250, 200, 30, 255))
    d.ellipse((6, 4, 36, 34), outline=(200, 20, 60, 255), width=6)
    d.rectangle((40, 8, 54, 32), fill=(20, 120, 200, 255))
    img.save(path)
    return path


def with_logo(from_s: float, logo: Path) -> callable:
    mark = np.asarray(Image.open(logo).convert("RGB"))

    def frame(t: float) -> np.ndarray:
        img = background(t)
        if t >= from_s - 1e-6:
            img[140:180, 60:120] = mark
        return img

    return frame


def voice(seconds: float, start_s: float) -> np.ndarray:
    """A quiet music-like tone throughout, and a voiced sound (140 Hz harmonics, syllables at 4 Hz) from start_s."""
    t = np.arange(round(seconds * 48_000)) / 48_000
    bed = 0.015 * np.sin(2 * np.pi * 330 * t)
    harmonics = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 20))
    syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    speech = 0.25 * harmonics / 3 * syllables * (t >= start_s)
    return (bed + speech).astype(np.float32)


@pytest.fixture
def project(tmp_path: Path) -> tuple[Project, Path]:
    store = build_project(tmp_path / "p", duration_s=10.0)
    return store.load(), store.root


def test_brand_first_seen_at_8s_fails_brand_early_with_the_time(project, tmp_path: Path) -> None:
    proj, root = project
    logo = logo_image(tmp_path / "kopi-logo.png")
    late = write_video(tmp_path / "late.mp4", 9, with_logo(8.0, logo), audio=voice(9, 0.3), fps=5)
    early = write_video(tmp_path / "early.mp4", 9, with_logo(1.5, logo), audio=voice(9, 0.3), fps=5)

    card_late = score_variant(proj, VARIANT, late, references=[logo], root=root)
    card_early = score_variant(proj, VARIANT, early, references=[logo], root=root)

    item = card_late.item("brand_early")
    assert item.status == "fail"
    assert item.time_s == pytest.approx(8.0, abs=0.21)
    assert "8.0 s" in item.reason and "after the first 5 s" in item.reason and "kopi-logo" in item.reason
    assert item.frame == pytest.approx(40, abs=1)  # at 5 fps
    good = card_early.item("brand_early")
    assert good.status == "pass" and good.time_s == pytest.approx(1.5, abs=0.21)
    assert card_late.total < card_early.total
    assert card_late.group_scores()["Branding"] < card_early.group_scores()["Branding"]


def test_never_seen_brand_fails_and_no_reference_is_not_judged(project, tmp_path: Path) -> None:
    proj, root = project
    logo = logo_image(tmp_path / "mark.png")
    plain = write_video(tmp_path / "plain.mp4", 4, background, audio=voice(4, 0.3))
    assert score_variant(proj, VARIANT, plain, references=[logo], root=root).item("brand_early").status == "fail"
    # Without references or a project folder there is nothing to look for: said, and left out of the total.
    assert score_variant(proj, VARIANT, plain).item("brand_early").status == "n/a"


def test_low_contrast_caption_is_named(project, tmp_path: Path) -> None:
    proj, _ = project
    text = "Crispy all day"
    ov = caption_overlay(text, "en", W, H, aspect="9:16")
    grey = render_text_block(text, "en", size_px=16, max_width=ov.image.width, color=(185, 185, 185, 255))

    def pale(t: float) -> np.ndarray:
        img = np.full((H, W, 3), 232, np.uint8)
        if 1.0 <= t < 3.0:
            pil = Image.fromarray(img)
            pil.paste(grey, (ov.x + 4, ov.y + 4), grey)
            img = np.asarray(pil)
        return img

    def boxed(t: float) -> np.ndarray:
        img = np.full((H, W, 3), 232, np.uint8)
        if 1.0 <= t < 3.0:
            img = np.asarray(ov.composite_onto(Image.fromarray(img)))
        return img

    cues = [Cue(1.0, 3.0, text)]
    bad = score_variant(proj, VARIANT, write_video(tmp_path / "pale.mp4", 4, pale, cues=cues))
    good = score_variant(proj, VARIANT, write_video(tmp_path / "boxed.mp4", 4, boxed, cues=cues))

    item = bad.item("supers_contrast")
    assert item.status == "fail", item.reason
    assert "below the contrast threshold" in item.reason and "Crispy all day" in item.reason
    assert item.evidence["ratio"] < 2.0
    assert item.time_s == pytest.approx(2.0, abs=0.05)
    ok = good.item("supers_contrast")
    assert ok.status == "pass", ok.reason
    assert ok.evidence["ratio"] >= 4.5


def test_voice_starting_at_3s_fails_voice_early_with_the_time(project, tmp_path: Path) -> None:
    proj, _ = project
    late = score_variant(proj, VARIANT, write_video(tmp_path / "late.mp4", 5, background, audio=voice(5, 3.0)))
    early = score_variant(proj, VARIANT, write_video(tmp_path / "early.mp4", 5, background, audio=voice(5, 0.5)))
    item = late.item("voice_early")
    assert item.status == "fail"
    assert item.time_s == pytest.approx(3.0, abs=0.1)
    assert "3.0 s" in item.reason and "after the first 2 s" in item.reason
    assert early.item("voice_early").status == "pass"
    assert early.item("voice_early").time_s == pytest.approx(0.5, abs=0.1)
    silent = score_variant(proj, VARIANT, write_video(tmp_path / "silent.mp4", 5, background))
    assert silent.item("voice_early").status == "fail" and "No voice" in silent.item("voice_early").reason


def test_still_opening_fails_the_hook_and_long_cut_fails_the_platform(project, tmp_path: Path) -> None:
    proj, _ = project

    def still_then_cut(t: float) -> np.ndarray:
        return background(0.0) if t < 4.0 else background(2.0)

    card = score_variant(
        proj, VARIANT, write_video(tmp_path / "still.mp4", 5, still_then_cut, fps=5), platform="youtube-shorts"
    )
    hook = card.item("hook")
    assert hook.status == "fail" and hook.time_s == pytest.approx(4.0, abs=0.21) and "4.0 s" in hook.reason
    assert card.item("duration").status == "warn"  # 5 s: under Shorts' recommended 10-30 s
    long_card = score_variant(
        proj, VARIANT, write_video(tmp_path / "long.mp4", 62, small_frames, fps=5, size=(64, 112)), platform="tiktok"
    )
    duration = long_card.item("duration")
    assert duration.status == "fail" and "62.0 s" in duration.reason and "60 s" in duration.reason


def test_reading_speed_and_representations(project, tmp_path: Path) -> None:
    proj, _ = project
    cues = [Cue(0.5, 1.3, "Crunchy rice crackers for every single road trip")]  # 8 words in 0.8 s
    card = score_variant(proj, VARIANT, write_video(tmp_path / "fast.mp4", 3, background, cues=cues))
    item = card.item("reading_speed")
    assert item.status == "fail" and "10.0 words/s" in item.reason and "latin" in item.reason
    rows = card.rows()
    assert {r["item"] for r in rows} >= {"Caption reading speed", "Pacing (shots per 5 s)"}
    assert all(set(r) == {"group", "item", "status", "when", "frame", "reason"} for r in rows)
    data = json.loads(card.to_json())
    assert data["total"] == card.total and data["items"][0]["id"] == "hook"
    assert card.text().startswith(f"Scorecard {VARIANT}: {card.total}/100")


def test_score_take_notes(project, tmp_path: Path) -> None:
    proj, root = project
    notes = score_take(proj, "t-s1", root=root)
    assert notes.product_visible is None  # nothing given to look for
    assert any("Text:" in n for n in notes.notes) and notes.caption_cover > 0
    logo = logo_image(tmp_path / "mark.png")
    img = Image.open(root / "assets" / proj.takes[0].asset).convert("RGB")
    img.paste(Image.open(logo).convert("RGB"), (100, 300))
    from studio.model import ProjectStore

    store = ProjectStore(root)
    import io

    buf = io.BytesIO()
    img.save(buf, "PNG")
    proj.takes[0].asset = store.put_asset(buf.getvalue(), "png")
    with_mark = score_take(proj, "t-s1", root=root, references=[logo])
    assert with_mark.product_visible is True and 0.005 < (with_mark.product_area or 0) < 0.1
    assert "mark" in with_mark.summary
    assert score_take(proj, "t-s2", root=root, references=[logo]).product_visible is False


def test_scorecard_on_a_real_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real cut of the small project: the scorecard reads the render and its plan."""
    from studio.render.variant import RenderVariantRequest, render_variant

    monkeypatch.setenv("QIANMIAN_HOME", str(tmp_path / "home"))
    store = build_project(tmp_path / "p")
    result = render_variant(RenderVariantRequest(store.root, VARIANT, ("9:16",), store.renders, scale=0.2))
    project = store.load()
    for shot in project.variant(VARIANT).shots:
        shot.duration_s = result.shot_durations[shot.shot_id]
    video = next(store.root / d.path for d in result.deliverables if d.kind == "video")
    card: Scorecard = score_variant(project, VARIANT, video, platform="tiktok", root=store.root)
    print(card.text())
    assert [i.id for i in card.items][:5] == ["hook", "voice_early", "pacing", "duration", "brand_early"]
    assert card.item("hook").status == "pass" and card.item("hook").time_s < 2.5  # into s2 (crossfade) by 2.2 s
    assert card.item("voice_early").status == "pass" and card.item("voice_early").time_s < 1.0
    brand = card.item("brand_early")  # the plan's product shot is s2 ("solution"), which starts at about 2 s
    assert brand.status == "pass" and 1.4 <= (brand.time_s or 0) <= 3.0, brand.reason
    assert card.item("supers_contrast").status == "pass"
    assert card.item("cta_said").status == "pass" and card.item("cta_shown").status == "pass"
    assert card.item("duration").status == "warn"  # 7 s: shorter than TikTok's recommended 9-34 s
    assert 0 < card.total <= 100
    # Reels keeps the bottom 35 % clear for its own text: the same captions now sit under it, and it says so.
    reels = score_variant(project, VARIANT, video, platform="instagram-reels", root=store.root)
    safe = reels.item("supers_safe_zone")
    assert safe.status == "warn" and "bottom edge of the safe zone of Instagram Reels ads" in safe.reason
    assert card.item("supers_safe_zone").status == "pass"


def test_storyboard_pdf_ends_with_the_scorecard(project, tmp_path: Path) -> None:
    """The PDF's last page lists the total and every item with its verdict, time and reason, as text."""
    import pypdfium2 as pdfium

    from studio.check.scorecard import ScoreItem
    from studio.export.pdf import write_storyboard_pdf
    from studio.export.shots import variant_sheet
    from studio.model import ProjectStore

    proj, root = project
    card = Scorecard(
        VARIANT,
        str(tmp_path / "x.mp4"),
        "tiktok",
        10.0,
        30.0,
        [
            ScoreItem("hook", "Attention", "Cut or motion in the first 3 s", "pass", "A cut at 1.0 s.", 1.0, 30),
            ScoreItem(
                "brand_early",
                "Branding",
                "Brand or product in the first 5 s",
                "fail",
                "“kopi-logo” first appears at 8.0 s, after the first 5 s (match 0.92).",
                8.0,
                240,
                2.0,
            ),
        ],
    )
    path = write_storyboard_pdf(variant_sheet(proj, ProjectStore(root), VARIANT), tmp_path / "sb.pdf", card)
    doc = pdfium.PdfDocument(str(path))
    try:
        pages = len(doc)
        last = doc[pages - 1].get_textpage().get_text_range()
    finally:
        doc.close()
    assert pages == 2  # three shots on one storyboard page, then the scorecard
    assert f"Creative scorecard: {card.total}/100 · tiktok" in last and card.total == 33
    assert "FAIL" in last and "8.0 s" in last and "kopi-logo" in last and "after the first 5 s" in last
