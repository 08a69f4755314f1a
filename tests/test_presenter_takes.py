"""Presenter takes end to end: a Vietnamese snack brand's variant, its presenter lip-synced (tiny random MuseTalk-
shaped models) to the variant's own voice-over line, stored as a video take, and played by the cut."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from media import frame_at
from render_project import build_project, take_image
from tiny_presenter_models import add_presenter_take, build_tiny_lipsync

from studio.model import ProjectError, ProjectStore, Take
from studio.model.motion import MotionRequest
from studio.model.requests import CastMember
from studio.presenter_takes import (
    PresenterRequest,
    generate_presenter_take,
    has_synthetic_presenter,
    merge_presenter_take,
    ping_pong,
    portrait_for,
    spoken_line,
)
from studio.render.motion import encode_clip, fit_frame, read_clip

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")

VARIANT = "vi-snack-fans"
FPS = 12
SHOTS = [
    ("s1", "hook", 2.0, "push-in", "Giòn tan mỗi ngày.", "Giòn tan", (200, 120, 40)),
    ("s2", "proof", 2.5, "static", "Bánh tráng Cô Ba, ngon thật!", "", (60, 120, 90)),
    ("s3", "cta", 2.0, "static", "Mua ngay hôm nay.", "Mua ngay", (150, 40, 60)),
]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_lipsync(tmp_path_factory.mktemp("presenter-models") / "musetalk-tiny")


@pytest.fixture
def store(tmp_path: Path, models: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectStore:
    monkeypatch.setenv("QIANMIAN_PRESENTER_MODELS", str(models.parent))
    store = build_project(tmp_path / "p", duration_s=8.0, shots=SHOTS, language="vi", variant_id=VARIANT)
    project = store.load()
    project.brief.brand, project.brief.product = "Cô Ba", "bánh tráng trộn snack"
    project.settings.fps = FPS
    assert project.storyboard is not None
    project.storyboard.shots[1].presenter = True
    variant = project.variant(VARIANT)
    variant.market = "VN"
    shot = variant.shot("s2")
    shot.talent = "a cheerful street-food host"
    shot.cast = [CastMember(role="host", gender="woman", skin_tone="olive", age="adult")]
    store.save(project)
    return store


def request(store: ProjectStore, **kw: object) -> PresenterRequest:
    base: dict[str, object] = dict(project_dir=store.root, variant_id=VARIANT, shot_id="s2", device="cpu")
    base.update(kw)
    return PresenterRequest(**base)  # type: ignore[arg-type]


def test_presenter_speaks_the_variants_line_at_the_delivery_rate(store: ProjectStore) -> None:
    take = generate_presenter_take(request(store))
    line = spoken_line(request(store), on_progress=None, cancel=None)
    assert take.kind == "video" and take.motion is not None and take.variant_id == VARIANT
    # the length of the recording it was lip-synced to (synthesis is not bit-identical run to run, so a second
    # synthesis of the line can differ by a frame; the cut speaks this recording, kept with the take)
    voiced = float(take.info["voice_s"])
    assert abs(voiced - line.duration_s) < 0.15, "the same line, the same voice"
    assert take.motion.num_frames == round(voiced * FPS) and take.motion.fps == FPS
    assert (
        take.info["voice_key"] == line.voice_line.request.key()
        and take.info["voice_text"] == "Bánh tráng Cô Ba, ngon thật!"
    )
    assert take.info["synthetic_presenter"] is True and take.info["portrait_source"] == "drawn"
    frames = list(read_clip(store.asset_path(take.asset)))
    assert len(frames) == take.motion.num_frames, "the stored clip has one frame per delivery frame of the line"

    from pipelines.presenter.face import detect_face, mouth_box

    src = np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(store.asset_path(take.info["portrait"])))
    face = detect_face(src)
    assert face is not None
    left, top, right, bottom = mouth_box(face, src.shape[1], src.shape[0])
    keep = np.ones(src.shape[:2], bool)
    keep[max(0, top - 8) : bottom + 8, max(0, left - 8) : right + 8] = False  # x264's blocks and 4:2:0 chroma
    for f in frames:
        assert f.shape == src.shape
        assert np.abs(f[keep].astype(int) - src[keep]).mean() < 1.5, "outside the mouth: the portrait (MP4 tolerance)"
    assert len({f[top:bottom, left:right].tobytes() for f in frames}) > 1, "the mouth moves over the line"

    project = store.load()
    merge_presenter_take(project, take)
    store.save(project)
    again = generate_presenter_take(request(store))
    assert again.id == take.id, "the same line and portrait reuse the stored take"
    assert has_synthetic_presenter(store.load(), VARIANT)


def test_supplied_portrait_needs_a_consent_note(store: ProjectStore, tmp_path: Path) -> None:
    from pipelines.presenter.portrait import draw_portrait

    photo = tmp_path / "linh.jpg"
    draw_portrait(CastMember(gender="woman", skin_tone="medium"), 360, 640, seed=9).image.save(photo, quality=92)
    for note in ("", "ok"):
        with pytest.raises(ProjectError) as e:
            generate_presenter_take(request(store, portrait=photo, consent=note))
        assert "linh.jpg" in e.value.message and "consent" in e.value.message and "--consent" in e.value.hint
    assert not list(store.assets.glob("*.mp4")), "refused before anything was made"
    consent = "Signed model release from Linh Tran, 2026-11-30, ads in VN"
    take = generate_presenter_take(request(store, portrait=photo, consent=consent))
    assert take.info["consent"] == consent and take.info["portrait_source"] == "supplied"
    assert take.request.model == "portrait" and store.asset_path(str(take.info["portrait"])).suffix == ".png"
    assert (take.motion and take.motion.width, take.motion and take.motion.height) == (360, 640)


def test_the_cut_plays_the_presenter_in_its_shot(store: ProjectStore, tmp_path: Path) -> None:
    from studio.render.variant import RenderVariantRequest, prepare_cut, render_variant

    take = generate_presenter_take(request(store))
    project = store.load()
    merge_presenter_take(project, take)
    store.save(project)
    render = RenderVariantRequest(store.root, VARIANT, ("9:16",), tmp_path / "out", fps=FPS, scale=0.25)
    cut = prepare_cut(render)
    assert cut.lines["s2"].voice_line.asset == take.info["voice_asset"], "the cut speaks the recording on the lips"
    clip = next(c for c in cut.timeline.clips if c.shot_id == "s2")
    assert clip.motion and clip.motion[0].lead_s is not None, "a lip-synced take starts with the voice"
    project = store.load()
    project.variant(VARIANT).shot("s2").voiceover = "Cô Ba, giòn ngon!"
    store.save(project)
    edited = next(c for c in prepare_cut(render).timeline.clips if c.shot_id == "s2")
    assert edited.motion == (), "a presenter lip-synced to the old line is not played over the new one"
    project.variant(VARIANT).shot("s2").voiceover = "Bánh tráng Cô Ba, ngon thật!"
    store.save(project)
    result = render_variant(RenderVariantRequest(**{**render.__dict__, "allow_draft": True}))
    video = next(d for d in result.deliverables if d.kind == "video")
    frames = list(read_clip(store.asset_path(take.asset)))
    still = np.asarray(take_image((60, 120, 90)))
    for k in (0.3, 0.7):
        t = clip.start_s + clip.motion[0].lead_s + k * len(frames) / FPS
        shown = frame_at(store.root / video.path, t)
        h, w = shown.shape[:2]
        expected = fit_frame(frames[int(k * len(frames))], w, h)
        top = slice(0, int(h * 0.6))  # captions sit lower
        near = np.abs(shown[top].astype(int) - expected[top]).mean()
        far = np.abs(shown[top].astype(int) - fit_frame(still, w, h)[top]).mean()
        assert near < 6 and far > 4 * near, f"at {t:.2f} s the cut shows the presenter take ({near:.1f} vs {far:.1f})"


def _motion_take(store: ProjectStore, take_id: str, frames: list[np.ndarray]) -> Take:
    name = store.put_asset_file(encode_clip(frames, FPS, store.assets), "mp4")
    picture = store.load().selected_take("s2", None)
    assert picture is not None
    h, w = frames[0].shape[:2]
    motion = MotionRequest(shot_id="s2", variant_id=VARIANT, source_image=picture.asset, prompt="head turns",
                           width=w, height=h, num_frames=len(frames), fps=FPS, model="tiny", aspect="9:16")  # fmt: skip
    return Take(id=take_id, shot_id="s2", variant_id=VARIANT, request=picture.request, asset=name, backend="t",
                kind="video", motion=motion, selected=True)  # fmt: skip


def test_a_motion_take_gives_the_head_movement(store: ProjectStore) -> None:
    from pipelines.presenter.portrait import draw_portrait

    scene = np.asarray(take_image((60, 120, 90)))
    project = store.load()
    project.motion_takes.append(_motion_take(store, "m0", [scene, np.roll(scene, 4, axis=1)]))
    store.save(project)
    take = generate_presenter_take(request(store))
    assert take.info["source"] == "still" and take.info["portrait_source"] == "drawn", "no face in the clip"

    base = np.asarray(draw_portrait(CastMember(gender="man", skin_tone="brown"), 288, 512, seed=2).image)
    project = store.load()
    project.motion_takes = [_motion_take(store, "m1", [np.roll(base, dx, axis=1) for dx in (0, 3, 6)])]
    store.save(project)
    take = generate_presenter_take(request(store))
    assert take.info["source"] == "motion:m1" and take.info["portrait_source"] == "shot-picture"
    frames = list(read_clip(store.asset_path(take.asset)))
    shifts = [int(np.argmin([np.abs(f[:100].astype(int) - np.roll(base, dx, axis=1)[:100]).mean() for dx in (0, 3, 6)]))
              for f in frames[:5]]  # fmt: skip
    assert shifts == [0, 1, 2, 1, 0], "the head moves through the clip's frames, forward then back"
    project = store.load()
    merge_presenter_take(project, take)
    from studio.model.motion import picked_motion

    assert [t.id for t in picked_motion(project, "s2", VARIANT)] == [take.id], "the new presenter plays, not the clip"
    store.save(project)
    assert generate_presenter_take(request(store)).id == take.id, "still driven by the clip (reused)"
    assert ping_pong(1, 3) == [0, 0, 0]


def test_portrait_per_market_and_cli_refusal(
    store: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from studio.cli import main

    assert portrait_for(["VN=a.png", "b.png"], "VN") == Path("a.png")
    assert portrait_for(["VN=a.png", "b.png"], "TH") == Path("b.png")
    assert portrait_for(None, "VN") is None
    photo = tmp_path / "host.png"
    take_image((10, 20, 30)).save(photo)
    code = main(["--quiet", "presenter", str(store.root), "--variant", VARIANT, "--portrait", f"VN={photo}"])
    assert code == 2 and "no consent note" in capsys.readouterr().err


def test_cli_makes_the_presenter_shots_take_and_keeps_its_voice(store: ProjectStore, models: Path) -> None:
    from studio.cli import main

    code = main(
        ["--quiet", "presenter", str(store.root), "--variant", VARIANT, "--model", str(models), "--device", "cpu"]
    )
    assert code == 0
    project = store.load()
    takes = [t for t in project.motion_takes if t.info.get("lipsync")]
    assert [t.shot_id for t in takes] == ["s2"], "the storyboard's presenter shot, by default"
    assert any(v.asset == takes[0].info["voice_asset"] for v in project.voice_lines), "its recording is kept"
    assert has_synthetic_presenter(project, VARIANT)


def test_cancel_mid_take_writes_no_clip(store: ProjectStore) -> None:
    from studio.model import Cancelled, CancelToken, Progress

    token = CancelToken()
    seen: list[str] = []

    def progress(p: Progress) -> None:
        seen.append(p.message)
        if p.message.startswith("Frame"):
            token.cancel()

    with pytest.raises(Cancelled):
        generate_presenter_take(request(store, batch=1), on_progress=progress, cancel=token)
    assert "Frame 1/" in " ".join(seen) and not list(store.assets.glob("*.mp4")), "stopped, no clip left behind"


def test_a_presenter_take_is_declared_as_generated_media_for_the_ai_label(tmp_path: Path) -> None:
    """The label and provenance see what the cut plays: a lip-synced presenter counts as trained generated media."""
    from studio.preflight.compliance import generated_media
    from studio.preflight.provenance import TRAINED, source_type

    project = build_project(tmp_path / "p").load()
    variant = project.variants[0]
    shot = variant.shots[0].shot_id
    assert not any(m["kind"] == "presenter" for m in generated_media(project, variant))
    add_presenter_take(project, variant, shot, "tiny-musetalk")
    media = generated_media(project, variant)
    assert {"kind": "presenter", "id": "tiny-musetalk"} in media
    assert source_type(media) == TRAINED
