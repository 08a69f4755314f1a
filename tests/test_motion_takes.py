"""Motion takes end to end: a tiny random Wan 2.2 (TI2V-5B shape) makes a shot's picked picture move, the clip is
stored with its request, and the cut plays it in place of the still and its camera move."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from render_project import build_project
from tiny_video_models import TinyVideoModels, build_tiny_video_models

from studio.model import Cancelled, CancelToken, Progress, ProjectStore
from studio.motion_takes import MotionTakesRequest, generate_motion_takes, merge_motion_takes, pick_motion
from studio.render.motion import fit_frame, read_clip, source_index

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")

VARIANT = "en-night-owls"


@pytest.fixture(scope="module")
def tiny_video(tmp_path_factory: pytest.TempPathFactory) -> TinyVideoModels:
    return build_tiny_video_models(tmp_path_factory.mktemp("video-models"))


@pytest.fixture
def store(tmp_path: Path, tiny_video: TinyVideoModels, monkeypatch: pytest.MonkeyPatch) -> ProjectStore:
    monkeypatch.setenv("QIANMIAN_VIDEO_MODELS", str(tiny_video.root))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-cache"))
    return build_project(tmp_path / "p", duration_s=7.0)


def animate(store: ProjectStore, **kw: object) -> MotionTakesRequest:
    base: dict[str, object] = dict(
        project_dir=store.root,
        variant_ids=(None,),
        shot_ids=("s2",),
        aspect="9:16",
        model="tiny-wan22-ti2v",
        steps=2,
        fps=8,
        area=32 * 64,
    )
    base.update(kw)
    return MotionTakesRequest(**base)  # type: ignore[arg-type]


def test_motion_take_is_stored_with_its_request(store: ProjectStore) -> None:
    takes = generate_motion_takes(animate(store))
    assert len(takes) == 1
    take = takes[0]
    picture = store.load().selected_take("s2", None)
    assert take.kind == "video" and take.motion is not None and picture is not None
    assert take.motion.source_image == picture.asset and take.request == picture.request, "provenance: its picture"
    assert "pans right" in take.motion.prompt, "the shot's camera move is in the motion prompt"
    assert (take.motion.width, take.motion.height, take.motion.fps) == (32, 64, 8)
    assert take.motion.num_frames == 17 and (take.motion.num_frames - 1) % 4 == 0, "2 s at 8 fps, Wan's 4k+1"
    frames = list(read_clip(store.asset_path(take.asset)))
    assert len(frames) == 17 and frames[0].shape == (64, 32, 3)
    assert take.asset.endswith(".mp4") and take.info["source_take"] == picture.id

    project = store.load()
    merge_motion_takes(project, takes)
    store.save(project)
    again = generate_motion_takes(animate(store))
    assert [t.id for t in again] == [take.id], "the same request reuses the stored clip"
    assert ProjectStore(store.root).load().motion_takes[0].motion == take.motion, "saved and read back"


def test_candidates_have_consecutive_seeds_and_a_pick(store: ProjectStore) -> None:
    takes = generate_motion_takes(animate(store, candidates=2, seconds=1.0))
    assert [t.motion.seed - takes[0].motion.seed for t in takes if t.motion] == [0, 1]
    assert len({t.asset for t in takes}) == 2
    project = store.load()
    merge_motion_takes(project, takes)
    pick_motion(project, takes[0].id)
    from studio.model.motion import picked_motion

    assert [t.id for t in picked_motion(project, "s2", VARIANT)] == [takes[0].id], "the variant plays the master's"


def test_cancel_leaves_no_clip(store: ProjectStore) -> None:
    token = CancelToken()

    def on_progress(p: Progress) -> None:
        if p.message.startswith("Step"):
            token.cancel()

    with pytest.raises(Cancelled):
        generate_motion_takes(animate(store, steps=6, shot_ids=("s1", "s2")), on_progress=on_progress, cancel=token)
    assert not list(store.assets.glob("*.mp4")) and not list(store.assets.glob(".clip.*"))


@pytest.mark.slow
def test_the_cut_plays_the_motion_take(store: ProjectStore) -> None:
    import imageio_ffmpeg
    from media import probe

    from studio.render.variant import RenderVariantRequest, prepare_cut, render_variant

    take = generate_motion_takes(animate(store))[0]
    project = store.load()
    merge_motion_takes(project, [take])
    store.save(project)

    request = RenderVariantRequest(store.root, VARIANT, ("9:16",), store.renders, scale=1 / 4, fps=24)
    cut = prepare_cut(request)
    clip = cut.timeline.clips[1]
    assert clip.shot_id == "s2" and clip.motion and clip.motion[0].frames == 17
    result = render_variant(request)
    video = next(store.root / d.path for d in result.deliverables if d.kind == "video")
    info = probe(video)
    assert info.duration_s == pytest.approx(cut.timeline.duration_s, abs=0.05), "the shots keep their lengths"

    reader = imageio_ffmpeg.read_frames(str(video))
    w, h = next(reader)["size"]
    rendered = [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in reader]
    source = [fit_frame(f, w, h) for f in read_clip(store.asset_path(take.asset))]
    band = slice(round(h * 0.15), round(h * 0.55))  # above the captions

    def err(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.abs(a[band].astype(int) - b[band].astype(int)).mean())

    picture = project.selected_take("s2", None)
    assert picture is not None
    still = np.asarray(Image.open(store.asset_path(picture.asset)))
    matched = []
    for n, frame in enumerate(rendered):
        t = (n + 0.5) / info.fps
        if not clip.start_s + 0.25 <= t <= clip.end_s - 0.25:  # clear of the crossfades
            continue
        errors = [err(frame, s) for s in source]
        best = int(np.argmin(errors))
        expected = source_index((t - clip.start_s) / clip.duration_s, clip.duration_s, 17, 8.0)
        assert abs(best - expected) <= 1, f"frame at {t:.2f} s shows clip frame {best}, expected {expected}"
        assert errors[best] < 8, "the take's own pixels, resized"
        assert err(frame, fit_frame(still, w, h)) > errors[best] + 10, "not the still under a camera move"
        matched.append(best)
    assert len(set(matched)) >= 8, "the picture moves through the clip over the shot"
    assert matched == sorted(matched)


def test_a_short_clip_is_slowed_to_the_shot_and_a_long_one_trimmed(store: ProjectStore) -> None:
    """Frames of the cut (before encoding) for a 1.1 s clip in a 2 s shot: every clip frame shown, in order, evenly."""
    from studio.render.frames import FrameSource
    from studio.render.timeline import build_timeline
    from studio.render.timing import fit_timing

    take = generate_motion_takes(animate(store, seconds=1.0))[0]
    assert take.motion is not None and take.motion.num_frames == 9
    project = store.load()
    merge_motion_takes(project, [take])
    variant = project.variant(VARIANT)
    fit = fit_timing([s.duration_s for s in variant.shots], [None, None, None], 7.0)
    timeline = build_timeline(project, store, variant, fit, {})
    clip = timeline.clips[1]
    assert clip.motion and timeline.clips[0].motion == () and clip.duration_s == pytest.approx(2.0)
    fps = 12
    frames = list(FrameSource(timeline, 36, 64, fps, "9:16"))
    source = [fit_frame(f, 36, 64) for f in read_clip(store.asset_path(take.asset))]
    shown = []
    for n, frame in enumerate(frames):
        t = (n + 0.5) / fps
        if clip.start_s + 0.25 <= t <= clip.end_s - 0.25:
            errors = [np.abs(frame.astype(int) - s.astype(int))[:36].mean() for s in source]
            assert min(errors) < 1.0, "exactly a clip frame: no camera move laid over it"
            shown.append(int(np.argmin(errors)))
    assert shown == sorted(shown) and len(set(shown)) >= 6, "played through, slowed evenly"
    assert source_index(0.5, 2.0, 9, 8.0) == 4 and source_index(1.0, 2.0, 9, 8.0) == 8, "stretched to the end"
    assert source_index(0.5, 1.0, 17, 8.0) == 4, "a longer clip plays at its speed and is trimmed"


def test_cli_animate_merges_takes_and_ltx_needs_the_flag(store: ProjectStore, capsys: pytest.CaptureFixture) -> None:
    from pipelines.video.licence import acknowledged
    from studio.cli import main

    args = ["--quiet", "animate", str(store.root), "--shots", "s3", "--steps", "2", "--fps", "8", "--seconds", "1"]
    assert (
        main([*args, "--model", "tiny-wan22-ti2v", "--short-side", "32", "--aspect", "9:16", "--aspect", "16:9"]) == 0
    )
    project = store.load()
    takes = [(t.shot_id, t.kind, t.motion.aspect if t.motion else "") for t in project.motion_takes]
    assert takes == [("s3", "video", "9:16"), ("s3", "video", "16:9")], "one clip per aspect asked"
    assert "2 new motion take" in capsys.readouterr().out

    assert main([*args, "--model", "tiny-ltx-i2v", "--short-side", "32"]) == 2
    err = capsys.readouterr().err
    assert "LTX-Video" in err and "--accept-ltx-licence" in err and not acknowledged()
    assert main([*args, "--model", "tiny-ltx-i2v", "--short-side", "32", "--accept-ltx-licence"]) == 0
    assert acknowledged() and len(store.load().motion_takes) == 3


def test_product_turntable_orbits_from_the_packshot(store: ProjectStore, tmp_path: Path) -> None:
    """A Brazilian pet-food brand's bag, supplied as a packshot, becomes an orbit clip on the product shot."""
    packshot = tmp_path / "racao-packshot.jpg"
    Image.new("RGB", (300, 400), (230, 120, 30)).save(packshot)
    takes = generate_motion_takes(animate(store, shot_ids=(), packshot=packshot, seconds=1.0))
    assert [t.shot_id for t in takes] == ["s3"], "the last shot (no product-framed shot in this storyboard)"
    take = takes[0]
    assert take.motion is not None and take.motion.camera == "orbit" and "orbits" in take.motion.prompt
    first = Image.open(store.asset_path(take.motion.source_image))
    pixel = np.asarray(first.convert("RGB"))[10, 10].astype(int)
    assert first.size == (300, 400) and np.abs(pixel - (230, 120, 30)).max() <= 3, "the packshot's own pixels"
    assert take.request.model == "packshot" and take.info["source_take"] == "packshot"

    (tmp_path / "not-an-image.png").write_text("hello")
    with pytest.raises(Exception, match="could not be read as an image"):
        generate_motion_takes(animate(store, packshot=tmp_path / "not-an-image.png"))


def test_each_aspect_plays_its_own_clip_else_the_stills_reframing(tmp_path: Path) -> None:
    from studio.render.motion import pick_source
    from studio.render.timeline import MotionSource

    tall, wide = MotionSource("9:16", tmp_path / "a.mp4", 9, 8.0), MotionSource("16:9", tmp_path / "b.mp4", 9, 8.0)
    assert pick_source((tall, wide), "16:9") is wide and pick_source((tall, wide), "1:1") is tall
    frame = np.zeros((64, 36, 3), np.uint8)
    frame[:, :, 0] = 200  # a red portrait clip in a landscape frame: shown whole, over a dimmed fill of itself
    out = fit_frame(frame, 128, 72)
    assert out.shape == (72, 128, 3)
    centre, side = out[36, 64].astype(int), out[36, 4].astype(int)
    assert centre[0] > 190 and side[0] < 160, "the whole clip in the middle, a darker fill at the sides"


def test_a_project_file_cannot_point_a_clip_outside_assets(store: ProjectStore) -> None:
    import json

    from studio.model import ValidationFailed

    data = json.loads(store.project_file.read_text("utf-8"))
    take = dict(data["takes"][0])
    take.update(
        id="m1",
        kind="video",
        asset="clip.mp4",
        motion=dict(shot_id="s1", source_image="../../secret.png", prompt="p", width=32, height=64, num_frames=9,
                    model="m"),
    )  # fmt: skip
    data["motion_takes"] = [take]
    store.project_file.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValidationFailed, match="source_image"):
        store.load()


def test_end_on_next_shot_conditions_on_its_picture(store: ProjectStore) -> None:
    take = generate_motion_takes(
        animate(store, model="tiny-wan22-a14b", shot_ids=("s1",), seconds=1.0, end_on_next_shot=True)
    )[0]
    following = store.load().selected_take("s2", None)
    assert take.motion is not None and following is not None
    assert take.motion.last_image == following.asset and take.info["last_frame"] is True
    last_shot = generate_motion_takes(animate(store, model="tiny-wan22-a14b", shot_ids=("s3",), seconds=1.0,
                                              end_on_next_shot=True))[0]  # fmt: skip
    assert last_shot.motion is not None and last_shot.motion.last_image is None, "the last shot has no next picture"


def test_a_clip_of_an_old_picture_is_not_played(store: ProjectStore) -> None:
    import io

    from studio.model.motion import picked_motion

    take = generate_motion_takes(animate(store, seconds=1.0))[0]
    project = store.load()
    merge_motion_takes(project, [take])
    assert [t.id for t in picked_motion(project, "s2", VARIANT)] == [take.id]
    old = project.selected_take("s2", None)
    assert old is not None
    buf = io.BytesIO()
    Image.new("RGB", (288, 512), (10, 200, 180)).save(buf, "PNG")
    new_picture = old.model_copy(update={"id": "t-s2-new", "asset": store.put_asset(buf.getvalue(), "png")})
    old.selected = False
    project.takes.append(new_picture)  # the creator picks another picture for the shot
    assert picked_motion(project, "s2", VARIANT) == [], "the clip shows the old picture: the still plays"
