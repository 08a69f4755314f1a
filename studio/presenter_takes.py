"""Presenter takes: a talking head that says the variant's own voice-over line, lip-synced by a local model.

`generate_presenter_take(request, *, on_progress, cancel) -> Take` runs on the GPU lane (through the presenter
stage, studio/stages/presenter.py, in the CLI and the app), writes the clip
asset (and a supplied or drawn portrait) and never saves project.json: the caller merges the take
(`merge_presenter_take`, which also keeps the voice recording it was lip-synced to, so the cut speaks that one).
The result is a video take like a motion take (studio/model/motion.py), so the cut plays it in place of the shot's
still; `info["lipsync"]` makes the cut start it with the voice
(`VOICE_LEAD_S` into the shot) at its own speed instead of stretching it to the shot.

The driving audio is the line exactly as the cut speaks it (`prepare_cut`: the variant's voice, speech-fit rate,
trimmed), so every language's presenter speaks its own line. The take's length is that line at the delivery rate.
The presenter is cast per market: a supplied portrait (the creator confirms they may use the person's likeness;
refused without a consent note), else a portrait drawn from the variant shot's cast (the brief's talent notes).
The source is that still, or the shot's motion take (its frames ping-ponged) for natural head movement.
Provenance: the take records its portrait asset, whether it was supplied or drawn, the consent note, the voice line
and `synthetic_presenter=True` (what labelling rules, e.g. the pre-flight's AI-content label, read).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from studio.model import ASPECT_SIZES, Project, ProjectError, ProjectStore, Take
from studio.model.brief import MIN_CONSENT_CHARS
from studio.model.ids import new_id
from studio.model.motion import MotionRequest
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress

#: Source frames are at most this many pixels on their long side (the lip-sync repaints a crop of them).
MAX_SOURCE_SIDE = 1280


@dataclass(frozen=True)
class PresenterRequest:
    """Which variant shot gets a presenter, from which portrait, with which lip-sync model."""

    project_dir: Path
    variant_id: str
    shot_id: str
    aspect: str = "9:16"
    model: str | None = None
    """A lip-sync model folder; None: the first found in models/presenter or QIANMIAN_PRESENTER_MODELS."""
    portrait: Path | None = None
    """A supplied portrait (PNG/JPEG/WebP); None: a presenter drawn from the variant shot's cast."""
    consent: str = ""
    """Required with a supplied portrait: who agreed to their likeness being used, and how (kept with the take)."""
    use_motion: bool = True
    """Drive the shot's motion take's frames (head movement) when it has one at this aspect, else the still."""
    batch: int | None = None
    """Frames per model call; None: 8 on a GPU, 2 on the CPU (the out-of-memory ladder halves it)."""
    device: str | None = None
    """"cpu", "cuda"...; None: the best present."""


def _import_portrait(store: ProjectStore, path: Path) -> tuple[str, Any]:
    """The portrait as a PNG asset (re-encoded: only pixels enter the project)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            image = im.convert("RGB")
    except (OSError, UnidentifiedImageError) as e:
        raise ProjectError(
            f"The portrait {path} could not be read as an image ({e}).",
            "Give a PNG, JPEG or WebP photo of the presenter looking at the camera.",
        ) from e
    image = _capped(image)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return store.put_asset(buf.getvalue(), "png"), image


def _capped(image: Any) -> Any:
    w, h = image.size
    scale = min(1.0, MAX_SOURCE_SIDE / max(w, h))
    w, h = max(2, round(w * scale) // 2 * 2), max(2, round(h * scale) // 2 * 2)
    return image if (w, h) == image.size else image.resize((w, h))


def refuse_without_consent(portrait: Path | None, consent: str) -> None:
    """A supplied portrait is a real person's likeness: refused unless the creator says they have the rights."""
    if portrait is not None and len(consent.strip()) < MIN_CONSENT_CHARS:
        raise ProjectError(
            f"The portrait {portrait.name} is a real person's likeness and no consent note was given.",
            'Confirm you have the right to use it: add --consent "who agreed, to what, when" (e.g. "Signed model '
            'release from Linh Tran, 2026-11-30, ads in VN/TH"); it is stored with the presenter take.',
        )


def portrait_request(project: Project, variant_id: str, shot_id: str, size: tuple[int, int], supplied: bool) -> Any:
    """The image request the portrait stands for (a take's provenance)."""
    from studio.model import ImageRequest

    variant = project.variant(variant_id)
    shot = variant.shot(shot_id)
    who = shot.talent or (shot.cast[0].role if shot.cast else "presenter")
    return ImageRequest(
        shot_id=shot_id,
        variant_id=variant_id,
        prompt=f"{who}, presenter to camera, head and shoulders, {variant.market}",
        width=size[0],
        height=size[1],
        model="portrait" if supplied else "drawn-presenter",
        framing="close-up",
        cast=tuple(shot.cast[:1]),
    )


def _drawn_portrait(store: ProjectStore, project: Project, request: PresenterRequest, size: tuple[int, int]) -> str:
    from pipelines.presenter.portrait import draw_portrait
    from studio.model.requests import CastMember

    shot = project.variant(request.variant_id).shot(request.shot_id)
    member = shot.cast[0] if shot.cast else CastMember(role="presenter")
    seed = int(hashlib.sha256(f"{request.variant_id}:{request.shot_id}".encode()).hexdigest()[:8], 16)
    buf = io.BytesIO()
    draw_portrait(member, size[0], size[1], seed=seed).image.save(buf, "PNG")
    return store.put_asset(buf.getvalue(), "png")


def _source_frames(
    store: ProjectStore, project: Project, request: PresenterRequest, still: np.ndarray
) -> tuple[list[np.ndarray], str, str | None]:
    """The frames the head moves through: the shot's motion take at this aspect (when asked, present, and a face is
    in its first frame: then the presenter is the person in the shot's picture), else the presenter's still.
    Returns the frames, what they are, and the motion take's picture (its portrait) or None."""
    from pipelines.presenter.face import detect_face
    from studio.model.motion import picked_motion
    from studio.render.motion import read_clip

    if request.use_motion and request.portrait is None:
        clips = project.model_copy(
            update={"motion_takes": [t for t in project.motion_takes if not t.info.get("lipsync")]}
        )
        for take in picked_motion(clips, request.shot_id, request.variant_id):  # the shot's clip, not a presenter
            if take.motion is not None and take.motion.aspect == request.aspect:
                path = store.asset_path(take.asset)
                if path.is_file():
                    frames = [np.array(f) for f in read_clip(path)]
                    if frames and detect_face(frames[0]) is not None:
                        return frames, f"motion:{take.id}", take.motion.source_image
    return [still], "still", None


def ping_pong(sources: int, frames: int) -> list[int]:
    """Which source frame each output frame shows: forward, then back, so a short clip loops without a jump."""
    if sources <= 1:
        return [0] * frames
    period = 2 * (sources - 1)
    return [(i % period) if (i % period) < sources else period - (i % period) for i in range(frames)]


def spoken_line(request: PresenterRequest, *, on_progress: ProgressFn | None, cancel: CancelToken | None) -> Any:
    """The shot's line as the cut speaks it (the variant's voice and speech-fit rate, silence trimmed)."""
    from studio.render.variant import RenderVariantRequest, prepare_cut

    with tempfile.TemporaryDirectory() as tmp:
        cut = prepare_cut(
            RenderVariantRequest(request.project_dir, request.variant_id, (request.aspect,), Path(tmp)),
            on_progress=on_progress,
            cancel=cancel,
        )
    line = cut.lines.get(request.shot_id)
    if line is None:
        raise ProjectError(
            f"Shot {request.shot_id} of {request.variant_id} has no voice-over line to speak.",
            "Write the shot's voice-over in the variant (a presenter says the shot's line), then try again.",
        )
    return line


def generate_presenter_take(
    request: PresenterRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Take:
    """Make (or reuse) the presenter take of one variant shot. Writes assets; never saves project.json.

    Cancel stops within a batch of frames; the clip is not written and no Take is returned.
    """
    from PIL import Image

    from pipelines.image import device as devices
    from pipelines.presenter import lipsync
    from pipelines.presenter.registry import find_lipsync
    from studio.motion_takes import clip_size
    from studio.render.audio import resample
    from studio.render.motion import encode_clip

    refuse_without_consent(request.portrait, request.consent)
    if request.aspect not in ASPECT_SIZES:
        raise ProjectError(f"Unknown aspect ratio {request.aspect!r}.", f"Use one of {', '.join(ASPECT_SIZES)}.")
    store = ProjectStore(request.project_dir)
    project = store.load()
    try:
        project.variant(request.variant_id).shot(request.shot_id)
    except KeyError as e:
        raise ProjectError(
            f"Variant {request.variant_id!r} has no shot {request.shot_id!r}.", "Pick a variant and one of its shots."
        ) from e
    folder = find_lipsync(request.model)
    check(cancel)
    line = spoken_line(request, on_progress=sub_progress(on_progress, 0.0, 0.1), cancel=cancel)
    fps = project.settings.fps
    n = max(1, round(line.duration_s * fps))
    store.assets.mkdir(parents=True, exist_ok=True)
    if request.portrait is not None:
        portrait_asset, image = _import_portrait(store, request.portrait)
        supplied = True
    else:
        size = clip_size(request.aspect, 576 * 1024, 16)
        portrait_asset = _drawn_portrait(store, project, request, size)
        with Image.open(store.asset_path(portrait_asset)) as im:
            image = im.convert("RGB")
        supplied = False
    still = np.asarray(image)
    sources, source_kind, picture = _source_frames(store, project, request, still)
    portrait_source = "supplied" if supplied else "drawn"
    if picture is not None:
        portrait_asset, portrait_source = picture, "shot-picture"
    h, w = sources[0].shape[:2]
    voice = line.voice_line
    mreq = MotionRequest(
        shot_id=request.shot_id,
        variant_id=request.variant_id,
        source_image=portrait_asset,
        prompt=f"presenter to camera speaking the voice-over line (voice {voice.request.key()[:16]}, "
        f"{line.duration_s:.3f} s)",
        camera="static",
        seed=0,
        steps=1,
        guidance=0.0,
        width=w,
        height=h,
        aspect=request.aspect,
        num_frames=n,
        fps=fps,
        model=folder.id,
    )
    for t in project.motion_takes:
        same = t.motion is not None and t.motion.key() == mreq.key() and t.info.get("source") == source_kind
        if same and t.info.get("consent", "") == request.consent.strip() and store.asset_path(t.asset).is_file():
            report(on_progress, 1.0, "Presenter take reused")
            return t
    audio = resample(np.asarray(line.samples, np.float32), line.sample_rate, lipsync.AUDIO_RATE)
    device = devices.pick_device("sd15", request.device) if request.device else None
    result = lipsync.shared().run(
        folder,
        sources,
        ping_pong(len(sources), n),
        audio,
        fps,
        batch=request.batch,
        device=device,
        what=f"shot {request.shot_id} of {request.variant_id}",
        on_progress=sub_progress(on_progress, 0.1, 0.95),
        cancel=cancel,
    )
    check(cancel)
    name = store.put_asset_file(encode_clip(result.frames, fps, store.assets), "mp4")
    report(on_progress, 1.0, f"Presenter take: {n} frames at {fps} fps")
    return Take(
        id=new_id("presenter"),
        shot_id=request.shot_id,
        variant_id=request.variant_id,
        request=portrait_request(project, request.variant_id, request.shot_id, (w, h), supplied),
        asset=name,
        backend=folder.id,
        kind="video",
        motion=mreq,
        info={
            **result.info,
            "lipsync": True,
            "synthetic_presenter": True,
            "portrait": portrait_asset,
            "portrait_source": portrait_source,
            "consent": request.consent.strip(),
            "voice_asset": voice.asset,
            "voice_key": voice.request.key(),
            "voice_line": voice.model_dump_json(),
            "voice_text": line.text,
            "voice_s": line.duration_s,  # the spoken length the frames follow (synthesis varies run to run)
            "source": source_kind,
            "frames": n,
            "fps": fps,
            "duration_s": round(n / fps, 3),
        },
    )


def merge_presenter_take(project: Project, take: Take) -> list[Take]:
    """Add the take, picked for its shot and aspect (the caller saves), and the voice line it was lip-synced to: the
    cut then speaks that very recording (synthesis is not bit-identical run to run, and a line a few frames longer
    would drift off the lips)."""
    from studio.model import VoiceLine
    from studio.motion_takes import merge_motion_takes, pick_motion

    added = merge_motion_takes(project, [take])
    if added:
        pick_motion(project, take.id)  # the shot plays its new presenter, not a clip or an older presenter
    stored = take.info.get("voice_line")
    if added and isinstance(stored, str):
        line = VoiceLine.model_validate_json(stored)
        if not any(v.request == line.request for v in project.voice_lines):
            project.voice_lines.append(line)
    return added


def has_synthetic_presenter(project: Project, variant_id: str) -> bool:
    """Whether a variant's cut shows a lip-synced presenter (labelling rules: AI-generated person on screen)."""
    from studio.model.motion import picked_motion

    if project.storyboard is None:
        return False
    return any(
        t.info.get("synthetic_presenter")
        for s in project.storyboard.shots
        for t in picked_motion(project, s.id, variant_id)
    )


# --- the CLI subcommand ---------------------------------------------------------------------------------------------


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", help="project folder")
    p.add_argument("--variant", required=True, help="variant id (its voice-over line drives the lips)")
    p.add_argument("--shot", action="append", help="shot id (repeatable; default: the storyboard's presenter shots)")
    p.add_argument(
        "--portrait",
        action="append",
        metavar="[MARKET=]FILE",
        help="a photo of the presenter (default: one drawn from the shot's cast); MARKET=FILE for one market only",
    )
    p.add_argument("--consent", default="", help="with --portrait: who agreed to their likeness being used, and how")
    p.add_argument("--model", help="lip-sync model folder (unet/, vae/, whisper/; default: the first installed)")
    p.add_argument("--aspect", choices=list(ASPECT_SIZES), help="aspect (default: the brief's first)")
    p.add_argument("--still", action="store_true", help="animate the still even when the shot has a motion take")
    p.add_argument("--device", help="cpu, cuda, cuda:1... (default: the best present)")


def portrait_for(values: list[str] | None, market: str) -> Path | None:
    """`--portrait FILE` for every market, `--portrait MARKET=FILE` for one (that one wins)."""
    general: Path | None = None
    for v in values or []:
        key, sep, rest = v.partition("=")
        if sep and key and "/" not in key and "\\" not in key and not Path(v).exists():
            if key.strip().casefold() == market.casefold():
                return Path(rest)
        else:
            general = Path(v)
    return general
