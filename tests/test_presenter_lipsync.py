"""The lip-sync model on its own: tiny random MuseTalk-shaped UNet/VAE/Whisper saved as safetensors and loaded
through the product's loader; faces found on a drawn presenter, a clear error without one; folders refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_presenter_models import build_s2v_folder, build_tiny_lipsync

from pipelines.image.device import DeviceChoice
from pipelines.presenter.face import detect_face, mouth_box
from pipelines.presenter.lipsync import LipSync, NoFace, window_indices
from pipelines.presenter.portrait import draw_portrait
from pipelines.presenter.registry import LipSyncFolder, find_lipsync, inspect_folder
from studio.model import BackendError, Cancelled, CancelToken, Progress
from studio.model.requests import CastMember

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")
CPU = DeviceChoice("cpu", "float32")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> LipSyncFolder:
    return inspect_folder(build_tiny_lipsync(tmp_path_factory.mktemp("lipsync")))


def portrait(**cast: str | bool) -> np.ndarray:
    return np.asarray(draw_portrait(CastMember(**cast), 288, 512, seed=4).image)  # type: ignore[arg-type]


def speech_like(seconds: float, hz: float = 180.0) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.4 * np.sin(2 * np.pi * hz * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def outside(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> np.ndarray:
    keep = np.ones(shape[:2], bool)
    keep[box[1] : box[3], box[0] : box[2]] = False
    return keep


@pytest.mark.parametrize(
    "cast",
    [
        {"gender": "woman", "skin_tone": "dark", "hijab": True},
        {"gender": "man", "skin_tone": "light", "age": "senior"},
        {"gender": "woman", "skin_tone": "olive"},
    ],
)
def test_face_found_on_a_drawn_presenter(cast: dict[str, str | bool]) -> None:
    drawn = draw_portrait(CastMember(**cast), 288, 512, seed=4)  # type: ignore[arg-type]
    face = detect_face(np.asarray(drawn.image))
    assert face is not None, f"dlib's frontal detector finds the drawn presenter ({cast})"
    x0, y0, x1, y1 = drawn.face
    ix = max(0, min(x1, face.right) - max(x0, face.left)) * max(0, min(y1, face.bottom) - max(y0, face.top))
    assert ix / ((face.width * face.height) or 1) > 0.7, "the box is on the drawn face"
    ml, mt, mr, _mb = mouth_box(face, 288, 512)
    assert mt > (y0 + y1) / 2 and x0 < ml < mr < x1, "the mouth region is in the lower middle of the face"


def test_no_face_is_a_clear_error_naming_the_shot(folder: LipSyncFolder) -> None:
    sky = np.zeros((512, 288, 3), np.uint8)
    sky[:] = (90, 140, 200)
    assert detect_face(sky) is None
    with pytest.raises(NoFace) as e:
        LipSync().run(folder, [sky], [0] * 4, speech_like(0.3), 12, device=CPU, what="shot s2 of vi-snack-fans")
    assert "shot s2 of vi-snack-fans" in e.value.message
    assert "portrait with a visible frontal face" in e.value.hint and "--consent" in e.value.hint


def test_mouth_is_repainted_to_the_audio_and_nothing_else(folder: LipSyncFolder) -> None:
    src = portrait(gender="woman", skin_tone="brown")
    runner = LipSync()
    fps, n = 12, 9
    spoken = runner.run(folder, [src], [0] * n, speech_like(n / fps), fps, device=CPU)
    assert len(spoken.frames) == n and spoken.frames[0].shape == src.shape
    face = detect_face(src)
    assert face is not None
    ml, mt, mr, mb = mouth_box(face, 288, 512)
    for frame, (x0, y0, x1, y1) in zip(spoken.frames, spoken.mouth, strict=True):
        assert ml <= x0 < x1 <= mr and mt <= y0 < y1 <= mb, "the painted region stays inside the mouth box"
        keep = outside((ml, mt, mr, mb), src.shape)
        assert np.array_equal(frame[keep], src[keep]), "every pixel outside the mouth region is the source's"
        inside = ~keep
        assert np.abs(frame[inside].astype(int) - src[inside]).mean() > 1.0, "the mouth region is repainted"
    silent = runner.run(folder, [src], [0] * n, np.zeros(int(n / fps * 16000), np.float32), fps, device=CPU)
    moved = [np.abs(a.astype(int) - b).sum() for a, b in zip(spoken.frames, silent.frames, strict=True)]
    assert max(moved) > 0, "the audio drives the painted mouth (speech and silence differ)"
    assert len({a.tobytes() for a in spoken.frames}) > 1, "the mouth changes over the line"


def test_audio_window_follows_the_frame() -> None:
    first, later = window_indices(0, 25, 500), window_indices(50, 25, 500)
    assert first.min() == 0 and len(first) == 10
    assert later.min() == (50 - 2) * 2 and later.max() < (50 + 3) * 2, "frame 50 at 25 fps: features of 1.92-2.12 s"


def test_out_of_memory_ladder_halves_the_batch_then_explains(folder: LipSyncFolder) -> None:
    src = portrait(gender="man", skin_tone="medium")
    runner = LipSync()
    seen: list[int] = []

    def oom_twice(attempt: int, batch: int, device: str) -> None:
        seen.append(batch)
        if attempt < 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    runner.oom_hook = oom_twice
    result = runner.run(folder, [src], [0] * 4, speech_like(0.4), 10, device=CPU, batch=4)
    assert seen[:3] == [4, 2, 1] and len(result.frames) == 4 and result.info["oom_ladder"] == "batch-2,batch-1"
    runner.oom_hook = lambda attempt, batch, device: (_ for _ in ()).throw(RuntimeError("CUDA out of memory."))
    with pytest.raises(BackendError) as e:
        runner.run(folder, [src], [0] * 2, speech_like(0.2), 10, device=CPU, batch=2)
    assert "one frame at a time, even on the CPU" in e.value.message


def test_cancel_stops_between_frames(folder: LipSyncFolder) -> None:
    src = portrait(gender="woman", skin_tone="light")
    token = CancelToken()
    seen: list[str] = []

    def progress(p: Progress) -> None:
        seen.append(p.message)
        if p.message.startswith("Frame"):
            token.cancel()

    with pytest.raises(Cancelled):
        LipSync().run(folder, [src], [0] * 8, speech_like(0.8), 10, device=CPU, batch=1, on_progress=progress,
                      cancel=token)  # fmt: skip
    assert [m for m in seen if m.startswith("Frame")] == ["Frame 1/8"], "stopped after the frame in flight"


def test_pickle_weights_and_incomplete_folders_are_refused(tmp_path: Path, folder: LipSyncFolder) -> None:
    import shutil

    bad = tmp_path / "pickled"
    shutil.copytree(folder.path, bad)
    for f in (bad / "unet").glob("*.safetensors"):
        f.unlink()
    (bad / "unet" / "diffusion_pytorch_model.bin").write_bytes(b"\x80\x02}q\x00.")
    with pytest.raises(BackendError) as e:
        inspect_folder(bad)
    assert "pickle" in (e.value.message + e.value.hint).lower()
    shutil.rmtree(bad / "whisper")
    with pytest.raises(BackendError) as e:
        inspect_folder(bad)
    assert "whisper/config.json" in e.value.message


def test_s2v_folder_is_recognised_and_needs_a_newer_diffusers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import diffusers

    s2v = build_s2v_folder(tmp_path / "Wan2.2-S2V-14B-Diffusers")
    with pytest.raises(BackendError) as e:
        find_lipsync(str(s2v))
    assert not hasattr(diffusers, "WanSpeechToVideoPipeline")
    assert "Wan 2.2 S2V" in e.value.message
    assert f"needs a diffusers release with WanSpeechToVideoPipeline (not in diffusers {diffusers.__version__})" in (
        e.value.message
    )
    monkeypatch.setenv("QIANMIAN_PRESENTER_MODELS", str(tmp_path))
    with pytest.raises(BackendError) as e:
        find_lipsync(None)
    assert "needs a diffusers release with WanSpeechToVideoPipeline" in e.value.message, "found by the scan too"
    monkeypatch.setenv("QIANMIAN_PRESENTER_MODELS", str(tmp_path / "nothing-here"))
    monkeypatch.setenv("QIANMIAN_MODELS", str(tmp_path / "no-models"))
    with pytest.raises(BackendError) as e:
        find_lipsync(None)
    assert "No presenter (lip-sync) model is installed" in e.value.message and "never downloaded" in e.value.hint
