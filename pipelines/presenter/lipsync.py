"""Lip-sync in the MuseTalk style: a face crop's lower half repainted in one UNet pass per frame, driven by Whisper.

Per output frame: the source frame's face crop (pipelines/presenter/face.py) → the VAE encodes the crop with its lower
half masked out and the whole crop as the reference → `UNet2DConditionModel(cat(masked, reference), timestep 0,
encoder_hidden_states = Whisper encoder features of the audio around that frame)` → the VAE decodes the predicted
latents → the mouth region is blended back into the source frame through a feathered mask; everything outside that
region stays the source's pixels exactly. Single step, no scheduler: MuseTalk trains the UNet to predict the clean
latents directly. Audio: 16 kHz mono, Whisper log-mel features per 30 s window, encoder states at 50 per second; a
frame sees the features from two frames before it to two after it (10 tokens).

torch, diffusers and transformers are imported in functions only. One model resident on the GPU lane (the shared
slot, pipelines/resident.py); out-of-memory ladder: half the frames per batch down to one, then the CPU, then an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipelines import resident as slot
from pipelines.image import device as devices
from pipelines.presenter.face import FaceBox, crop_box, detect_face, mouth_mask
from pipelines.presenter.registry import LipSyncFolder
from studio.model.errors import BackendError, Cancelled
from studio.model.stage import CancelToken, ProgressFn, check, report

AUDIO_RATE = 16_000
#: Whisper encoder states per second of audio (30 s → 1500 states).
FEATURE_RATE = 50
#: Audio context of a frame, in frames before and after it, and the tokens it is sampled into (MuseTalk's 2 + 2, 10).
CONTEXT_BEFORE, CONTEXT_AFTER, TOKENS = 2, 2, 10


class NoFace(BackendError):
    """A source frame has no frontal face the detector finds."""


@dataclass
class LipSyncResult:
    frames: list[np.ndarray]
    """RGB uint8, one per output frame, the source frames' size."""
    mouth: list[tuple[int, int, int, int]]
    """Per output frame, the box outside which the frame equals its source frame."""
    info: dict[str, str | int | float | bool] = field(default_factory=dict)


@dataclass
class _Resident:
    folder: LipSyncFolder
    device: devices.DeviceChoice
    unet: Any
    vae: Any
    whisper: Any
    extractor: Any
    load_s: float = 0.0

    @property
    def crop_size(self) -> int:
        scale = 2 ** (len(self.vae.config.block_out_channels) - 1)
        size = self.unet.config.sample_size
        return int((size[0] if isinstance(size, (list, tuple)) else size) * scale)


def load_models(folder: LipSyncFolder, device: devices.DeviceChoice) -> _Resident:
    """UNet, VAE and the Whisper encoder from the folder's safetensors, local files only, on `device`."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import WhisperFeatureExtractor, WhisperModel

    dtype = device.torch_dtype()
    started = time.perf_counter()
    try:
        unet = UNet2DConditionModel.from_pretrained(
            folder.part("unet"), torch_dtype=dtype, use_safetensors=True, local_files_only=True
        )
        vae = AutoencoderKL.from_pretrained(
            folder.part("vae"), torch_dtype=dtype, use_safetensors=True, local_files_only=True
        )
        whisper = WhisperModel.from_pretrained(
            folder.part("whisper"), torch_dtype=dtype, use_safetensors=True, local_files_only=True
        ).get_encoder()
        extractor = WhisperFeatureExtractor.from_pretrained(folder.part("whisper"), local_files_only=True)
    except (OSError, ValueError) as e:
        raise BackendError(
            f"The lip-sync model in {folder.path} could not be loaded ({e}).",
            "Check that unet/, vae/ and whisper/ are complete diffusers/transformers folders (safetensors).",
        ) from e
    if unet.config.in_channels != 2 * vae.config.latent_channels:
        raise BackendError(
            f"{folder.path}: the UNet takes {unet.config.in_channels} channels; a lip-sync UNet takes the masked and "
            f"the reference face latents ({2 * vae.config.latent_channels} for this VAE).",
            "Use a MuseTalk-style UNet (in_channels 8 for a 4-channel VAE).",
        )
    if unet.config.cross_attention_dim != whisper.config.d_model:
        raise BackendError(
            f"{folder.path}: the UNet attends to {unet.config.cross_attention_dim}-wide features but the Whisper "
            f"encoder gives {whisper.config.d_model}.",
            "Use the Whisper model the UNet was trained with (MuseTalk: whisper-tiny, 384).",
        )
    for m in (unet, vae, whisper):
        m.to(device.name)
        m.eval()
        m.requires_grad_(False)
    return _Resident(folder, device, unet, vae, whisper, extractor, time.perf_counter() - started)


def audio_features(r: _Resident, audio: np.ndarray) -> Any:
    """Whisper encoder states (T, d_model) at FEATURE_RATE for 16 kHz mono `audio`, 30 s windows joined."""
    import torch

    window = 30 * AUDIO_RATE
    parts = []
    for start in range(0, max(1, len(audio)), window):
        chunk = np.asarray(audio[start : start + window], np.float32)
        mel = r.extractor(chunk, sampling_rate=AUDIO_RATE, return_tensors="pt").input_features
        with torch.inference_mode():
            states = r.whisper(mel.to(r.device.name, r.whisper.dtype)).last_hidden_state[0]
        keep = max(1, int(np.ceil(len(chunk) / AUDIO_RATE * FEATURE_RATE)))
        parts.append(states[:keep])
    return torch.cat(parts, 0)


def window_indices(frame: int, fps: float, count: int) -> np.ndarray:
    """Feature indices a frame attends to: TOKENS samples from CONTEXT_BEFORE frames before to CONTEXT_AFTER after."""
    t0 = (frame - CONTEXT_BEFORE) / fps
    span = (CONTEXT_BEFORE + CONTEXT_AFTER + 1) / fps
    times = t0 + np.arange(TOKENS) * span / TOKENS
    return np.asarray(np.clip(np.floor(times * FEATURE_RATE + 1e-6).astype(int), 0, max(0, count - 1)), int)


@dataclass
class _Source:
    """One distinct source frame, ready to repaint: its crop box, mask and face latents."""

    frame: np.ndarray
    face: FaceBox
    box: tuple[int, int, int, int]
    mask: np.ndarray
    latents: Any
    """(2·C, h, w): masked crop latents then reference latents."""
    region: tuple[int, int, int, int] = (0, 0, 0, 0)
    """The mask's bounds: the only pixels a frame may change."""


def _to_tensor(crop: np.ndarray, r: _Resident) -> Any:
    import torch

    t = torch.from_numpy(np.ascontiguousarray(crop)).permute(2, 0, 1).float() / 127.5 - 1.0
    return t.to(r.device.name, r.vae.dtype)


def _prepare(r: _Resident, frame: np.ndarray, face: FaceBox) -> _Source:
    import cv2
    import torch

    h, w = frame.shape[:2]
    box = crop_box(face, w, h)
    size = r.crop_size
    crop = cv2.resize(frame[box[1] : box[3], box[0] : box[2]], (size, size), interpolation=cv2.INTER_AREA)
    ref = _to_tensor(crop, r)
    masked = ref.clone()
    masked[:, size // 2 :, :] = 0.0  # MuseTalk: the lower half of the face is what the model paints
    with torch.inference_mode():
        lat = r.vae.encode(torch.stack([masked, ref])).latent_dist.mode() * r.vae.config.scaling_factor
    mask = mouth_mask(face, w, h)
    in_box = np.zeros_like(mask)
    in_box[box[1] : box[3], box[0] : box[2]] = mask[box[1] : box[3], box[0] : box[2]]  # never paint outside the crop
    return _Source(frame, face, box, in_box, torch.cat([lat[0], lat[1]], 0), _bounds(in_box))


def blend(
    source: np.ndarray,
    painted_crop: np.ndarray,
    box: tuple[int, int, int, int],
    mask: np.ndarray,
    region: tuple[int, int, int, int],
) -> np.ndarray:
    """The painted crop resized into its box and laid over the source through the mask, inside `region` (the mask's
    bounds, within the box) only; everywhere the mask is 0 the source's pixels are kept exactly."""
    import cv2

    left, top, right, bottom = box
    x0, y0, x1, y1 = region
    out = source.copy()
    if x1 <= x0 or y1 <= y0:
        return out
    painted = cv2.resize(painted_crop, (right - left, bottom - top), interpolation=cv2.INTER_CUBIC)
    sub = painted[y0 - top : y1 - top, x0 - left : x1 - left].astype(np.float32)
    m = mask[y0:y1, x0:x1]
    src = source[y0:y1, x0:x1].astype(np.float32)
    mixed = np.clip(np.rint(src * (1 - m[..., None]) + sub * m[..., None]), 0, 255).astype(np.uint8)
    inside = m > 0
    out[y0:y1, x0:x1][inside] = mixed[inside]
    return out


class LipSync(slot.SlotHolder):
    """Loads the lip-sync models on demand, keeps them resident, and repaints mouths to an audio line."""

    owner = "presenter"

    def __init__(self) -> None:
        super().__init__()
        self.resident: _Resident | None = None
        self.oom_hook: Callable[[int, int, str], None] | None = None
        """Test seam: called with the attempt, the batch size and the device before each batch (raise to
        simulate out-of-memory)."""

    def _park(self, resident: _Resident) -> None:
        for m in (resident.unet, resident.vae, resident.whisper):
            m.to("cpu")

    def load(self, folder: LipSyncFolder, device: devices.DeviceChoice | None = None) -> _Resident:
        with self._lock:
            device = device or devices.pick_device("sd15")
            r = self.resident
            if r is not None and r.folder.path == folder.path and r.device == device:
                return r
            self.unload()
            slot.claim("presenter", self.release_when_idle)  # an image or video model is freed first
            if device.kind == "cpu":
                devices.configure_cpu_threads()  # torch's default oversubscribes a shared CPU many times over
            self.resident = load_models(folder, device)
            return self.resident

    def run(
        self,
        folder: LipSyncFolder,
        sources: Sequence[np.ndarray],
        order: Sequence[int],
        audio: np.ndarray,
        fps: float,
        *,
        batch: int | None = None,
        device: devices.DeviceChoice | None = None,
        what: str = "the presenter",
        on_progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> LipSyncResult:
        """Frame i of the result repaints `sources[order[i]]` to the audio at i / fps (`audio`: 16 kHz mono)."""
        with self._lock:
            check(cancel)
            report(on_progress, 0.0, f"Loading {folder.id}")
            r = self.load(folder, device)
            faces: dict[int, FaceBox] = {}
            last: FaceBox | None = None
            for i in sorted(set(order)):
                face = detect_face(sources[i]) or last  # a motion frame where the head turns keeps the last box
                if face is None:
                    raise NoFace(
                        f"No frontal face was found in the source picture of {what}.",
                        'Supply a portrait with a visible frontal face (--portrait FILE --consent "..."): eyes, '
                        "nose and mouth in view, looking at the camera, the face at least 80 px wide.",
                    )
                faces[i] = last = face
            check(cancel)
            feats = audio_features(r, audio)
            check(cancel)
            prepared = {i: _prepare(r, sources[i], f) for i, f in faces.items()}
            n = len(order)
            size = batch or (8 if r.device.kind == "cuda" else 2)
            attempt, notes = 0, []
            frames: list[np.ndarray] = []
            started = time.perf_counter()
            while len(frames) < n:
                check(cancel)
                idx = list(range(len(frames), min(n, len(frames) + size)))
                try:
                    if self.oom_hook is not None:
                        self.oom_hook(attempt, size, r.device.kind)
                    frames += self._batch(r, prepared, order, idx, feats, fps, cancel)
                except Cancelled:
                    raise
                except Exception as e:
                    if not devices.is_out_of_memory(e):
                        raise
                    reason = str(e).splitlines()[0] if str(e) else type(e).__name__
                else:
                    report(on_progress, len(frames) / n, f"Frame {len(frames)}/{n}")
                    continue
                slot.free_memory()
                attempt += 1
                if size > 1:
                    size = max(1, size // 2)
                    notes.append(f"batch-{size}")
                    report(on_progress, len(frames) / n, f"Out of memory: {size} frame(s) at a time")
                elif r.device.kind != "cpu":
                    notes.append("cpu")
                    report(on_progress, len(frames) / n, "Out of GPU memory: continuing on the CPU")
                    self.unload()
                    r = self.load(folder, devices.DeviceChoice("cpu", "float32"))
                    feats = audio_features(r, audio)
                    prepared = {i: _prepare(r, sources[i], f) for i, f in faces.items()}
                else:
                    raise BackendError(
                        f"The lip-sync model ran out of memory making {what} one frame at a time, even on the CPU "
                        f"({reason}).",
                        "Close other programs to free memory, or use a smaller source picture.",
                    )
            elapsed = time.perf_counter() - started
            self.release_if_asked()  # another model claimed the device while this ran
            mouths = [prepared[order[i]].region for i in range(n)]
            return LipSyncResult(
                frames,
                mouths,
                {
                    "device": r.device.name,
                    "dtype": r.device.dtype,
                    "crop": r.crop_size,
                    "batch": size,
                    "frames_per_s": round(n / elapsed, 3) if elapsed > 0 else 0.0,
                    "oom_ladder": ",".join(notes),
                },
            )

    def _batch(
        self,
        r: _Resident,
        prepared: dict[int, _Source],
        order: Sequence[int],
        idx: list[int],
        feats: Any,
        fps: float,
        cancel: CancelToken | None,
    ) -> list[np.ndarray]:
        import torch

        latents = torch.stack([prepared[order[i]].latents for i in idx])
        audio = torch.stack([feats[torch.from_numpy(window_indices(i, fps, len(feats))).to(feats.device)] for i in idx])
        with torch.inference_mode():
            pred = r.unet(latents, 0, encoder_hidden_states=audio.to(r.unet.dtype)).sample
            check(cancel)
            image = r.vae.decode(pred / r.vae.config.scaling_factor).sample
        crops = ((image.float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()
        out = []
        for i, crop in zip(idx, crops, strict=True):
            s = prepared[order[i]]
            out.append(blend(s.frame, crop, s.box, s.mask, s.region))
        return out


def _bounds(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask > 0)
    if len(xs) == 0:
        return (0, 0, 0, 0)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


_shared: LipSync | None = None


def shared() -> LipSync:
    """The process's lip-sync runner (one per GPU lane)."""
    global _shared
    if _shared is None:
        _shared = LipSync()
    return _shared
