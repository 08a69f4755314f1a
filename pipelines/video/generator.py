"""Image-to-video on the local device: Wan 2.x or LTX-Video, one model resident (shared with the image generator
through pipelines/resident.py), progress per denoising step, cancel within one step, and an out-of-memory ladder.

Called from the job queue's single GPU worker; torch and diffusers are imported here, never at app start.
Cancel raises `Cancelled` from the step callback, so the VAE never decodes a clip nobody wants (the image generator's
`_interrupt` flag would still run the decode, which for a video is the slowest part).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from pipelines import resident as slot
from pipelines.image import device as devices
from pipelines.image.registry import refuse_pickle_weights
from pipelines.video.registry import VideoModelInfo, VideoRules, find_model, require_ready
from studio.model.errors import BackendError, Cancelled
from studio.model.motion import MotionRequest
from studio.model.stage import CancelToken, ProgressFn, check, report

#: VRAM (GiB) below which a family loads with model CPU offload instead of fully resident (bf16 weights: Wan 2.2
#: TI2V-5B ≈ 10 GB transformer + 11 GB UMT5-XXL; A14B two 14B transformers; LTX 2B + T5-XXL).
OFFLOAD_BELOW_GB = {"wan22-ti2v": 40.0, "wan-a14b": 80.0, "wan21-14b": 48.0, "ltx": 24.0, "ltx-condition": 24.0}


@dataclass(frozen=True)
class ClipPlan:
    """What one generation asks of the pipeline, snapped to the model's rules."""

    width: int
    height: int
    num_frames: int


def snap_frames(n: int, rules: VideoRules) -> int:
    """The nearest frame count the model accepts (step·k + 1, at least step + 1, at most its maximum)."""
    k = max(1, round((n - 1) / rules.frame_step))
    return min(rules.max_frames, k * rules.frame_step + 1)


def snap_size(width: int, height: int, rules: VideoRules) -> tuple[int, int]:
    m = rules.size_multiple
    return max(m, round(width / m) * m), max(m, round(height / m) * m)


def plan_for(request: MotionRequest, rules: VideoRules) -> ClipPlan:
    w, h = snap_size(request.width, request.height, rules)
    return ClipPlan(w, h, snap_frames(request.num_frames, rules))


@dataclass
class VideoResult:
    frames: list[np.ndarray]
    """RGB uint8 (h, w, 3), first to last."""
    fps: int
    backend: str
    seed: int
    info: dict[str, str | int | float | bool] = field(default_factory=dict)


@dataclass
class _Resident:
    info: VideoModelInfo
    device: devices.DeviceChoice
    pipe: Any
    offloaded: bool = False
    low_memory: bool = False
    load_s: float = 0.0


def pick_device(info: VideoModelInfo) -> devices.DeviceChoice:
    """The image generator's device choice; on CUDA in bfloat16 where the card has it (Wan and LTX are trained so)."""
    import torch

    choice = devices.pick_device("unknown")
    if choice.kind == "cuda" and torch.cuda.is_bf16_supported():
        return devices.DeviceChoice(choice.name, "bfloat16", choice.vram_gb)
    return choice


class VideoGenerator(slot.SlotHolder):
    """Loads video models on demand, keeps one resident, and makes clips with them."""

    owner = "video"

    def __init__(self) -> None:
        super().__init__()
        self.resident: _Resident | None = None
        self.oom_hook: Callable[[int, ClipPlan], None] | None = None
        """Test seam: called with the attempt and plan before each pipeline call (raise to simulate OOM)."""

    def _park(self, resident: _Resident) -> None:
        if resident.offloaded:
            resident.pipe.remove_all_hooks()
        resident.pipe.to("cpu")

    def load(
        self, info: VideoModelInfo, device: devices.DeviceChoice | None = None, *, offload: bool = False
    ) -> _Resident:
        with self._lock:
            require_ready(info)
            device = device or pick_device(info)
            r = self.resident
            if r is not None and r.info.path == info.path and r.device == device and (r.offloaded or not offload):
                return r
            self.unload()
            slot.claim("video", self.release_when_idle)  # a resident image model is freed first: one on the device
            started = time.perf_counter()
            pipe = load_pipeline(info, device)
            resident = _Resident(info, device, pipe)
            try:
                _place(resident, offload=offload)
            except Exception as e:
                if not devices.is_out_of_memory(e) or device.kind != "cuda" or offload:
                    raise
                del resident, pipe
                slot.free_memory()
                resident = _Resident(info, device, load_pipeline(info, device))
                _place(resident, offload=True)
            resident.load_s = time.perf_counter() - started
            self.resident = resident
            return resident

    def run(
        self,
        request: MotionRequest,
        image: Image.Image,
        last_image: Image.Image | None = None,
        *,
        info: VideoModelInfo | None = None,
        on_progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> VideoResult:
        """One clip from `image` (and `last_image` where the model takes one), through the out-of-memory ladder:
        model CPU offload, VAE tiling and slicing, half the frames, a smaller size, then an error saying what to do."""
        with self._lock:
            check(cancel)
            info = info or find_model(request.model)
            report(on_progress, 0.0, f"Loading {info.id}")
            resident = self.load(info)
            check(cancel)
            rules = info.rules
            plan = plan_for(request, rules)
            last = last_image if rules.last_frame else None
            attempt = 0
            notes: list[str] = []
            while True:
                try:
                    if self.oom_hook is not None:
                        self.oom_hook(attempt, plan)
                    frames = _call(resident, request, plan, image, last, on_progress, cancel)
                    break
                except Cancelled:
                    raise
                except Exception as e:
                    if not devices.is_out_of_memory(e):
                        raise
                    reason = str(e).splitlines()[0] if str(e) else type(e).__name__
                # Outside the except block: the traceback and the activations its frames hold are gone.
                slot.free_memory()
                attempt += 1
                if resident.device.kind == "cuda" and not resident.offloaded:
                    report(on_progress, 0.0, "Out of GPU memory: retrying with model offload")
                    notes.append("offload")
                    self.unload()
                    resident = self.load(info, resident.device, offload=True)
                elif not resident.low_memory:
                    report(on_progress, 0.0, "Out of memory: retrying with VAE tiling and slicing")
                    notes.append("vae-tiling")
                    _low_memory(resident)
                elif plan.num_frames > 2 * rules.frame_step + 1 and "fewer-frames" not in notes:
                    plan = ClipPlan(plan.width, plan.height, snap_frames(plan.num_frames // 2, rules))
                    report(on_progress, 0.0, f"Out of memory: retrying with {plan.num_frames} frames")
                    notes.append("fewer-frames")
                elif "smaller" not in notes and min(plan.width, plan.height) > 2 * rules.size_multiple:
                    w, h = snap_size(plan.width * 0.75, plan.height * 0.75, rules)  # type: ignore[arg-type]
                    plan = ClipPlan(w, h, plan.num_frames)
                    report(on_progress, 0.0, f"Out of memory: retrying at {w}×{h}")
                    notes.append("smaller")
                else:
                    raise BackendError(
                        f"{info.id} ran out of memory on {resident.device.name} making {request.num_frames} frames "
                        f"at {request.width}×{request.height}, even offloaded, tiled, with {plan.num_frames} frames "
                        f"at {plan.width}×{plan.height} ({reason}).",
                        "Close other GPU programs, make shorter clips (fewer seconds), pick a smaller model "
                        "(Wan 2.2 TI2V-5B or LTX-Video) or a lower size; on CPU, free memory.",
                    )
        self.release_if_asked()  # another model claimed the device while this ran
        out_info: dict[str, str | int | float | bool] = {
            "device": resident.device.name,
            "dtype": resident.device.dtype,
            "family": info.family,
            "offload": resident.offloaded,
            "frames": len(frames),
            "width": plan.width,
            "height": plan.height,
            "last_frame": last is not None,
        }
        if notes:
            out_info["memory_ladder"] = ",".join(notes)
        return VideoResult(frames, request.fps, f"diffusers:{info.id}", request.seed, out_info)


def load_pipeline(info: VideoModelInfo, device: devices.DeviceChoice) -> Any:
    """From local files only, safetensors only; every component folder is checked for pickle first."""
    import torch
    from diffusers import DiffusionPipeline
    from diffusers.utils import logging as dlogging

    dlogging.disable_progress_bar()
    for sub in sorted(p for p in info.path.iterdir() if p.is_dir() and not p.name.startswith("tokenizer")):
        refuse_pickle_weights(sub, f"model component {sub.name}/")
    dtype: Any = torch.float32
    if device.kind != "cpu":
        # The Wan VAE is kept in float32 as its authors run it: decoding in half precision bands the picture.
        dtype = (
            {"default": device.torch_dtype(), "vae": torch.float32}
            if info.family.startswith("wan")
            else (device.torch_dtype())
        )
    try:
        pipe = DiffusionPipeline.from_pretrained(
            str(info.path), dtype=dtype, local_files_only=True, use_safetensors=True
        )
    except Exception as e:
        raise BackendError(
            f"Could not load the video model {info.id} from {info.path}: {type(e).__name__}: {e}",
            "Check the folder is complete (the model list says what is missing); models load from local files only.",
        ) from e
    if type(pipe).__name__ != info.pipeline:
        raise BackendError(
            f"{info.path} loaded as {type(pipe).__name__}, not the {info.pipeline} its model_index.json names.",
            "Re-copy the model folder.",
        )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _place(r: _Resident, *, offload: bool) -> None:
    pipe = r.pipe
    limit = OFFLOAD_BELOW_GB.get(r.info.family, 40.0)
    if r.device.kind == "cuda" and (offload or (r.device.vram_gb is not None and r.device.vram_gb < limit)):
        pipe.enable_model_cpu_offload(device=r.device.name)
        r.offloaded = True
    else:
        pipe.to(r.device.name)


def _low_memory(r: _Resident) -> None:
    vae = getattr(r.pipe, "vae", None)
    for name in ("enable_tiling", "enable_slicing"):
        fn = getattr(vae, name, None)
        if fn is not None:
            with contextlib.suppress(NotImplementedError, ValueError):
                fn()
    r.low_memory = True


def fit_image(image: Image.Image, width: int, height: int) -> Image.Image:
    """Cover width×height and centre-crop (the composition kept, nothing stretched)."""
    return ImageOps.fit(image.convert("RGB"), (width, height), Image.Resampling.LANCZOS)


def _call(
    r: _Resident,
    request: MotionRequest,
    plan: ClipPlan,
    image: Image.Image,
    last: Image.Image | None,
    on_progress: ProgressFn | None,
    cancel: CancelToken | None,
) -> list[np.ndarray]:
    import torch

    pipe = r.pipe
    first = fit_image(image, plan.width, plan.height)

    def on_step(p: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        total = max(1, int(getattr(p, "num_timesteps", 0) or request.steps))
        report(on_progress, (step + 1) / total, f"Step {step + 1}/{total}")
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        return kwargs

    kwargs: dict[str, Any] = {
        "prompt": request.prompt,
        "height": plan.height,
        "width": plan.width,
        "num_frames": plan.num_frames,
        "num_inference_steps": request.steps,
        "guidance_scale": request.guidance,
        "generator": torch.Generator("cpu").manual_seed(request.seed),
        "output_type": "np",
        "callback_on_step_end": on_step,
    }
    if request.negative_prompt:
        kwargs["negative_prompt"] = request.negative_prompt
    family = r.info.family
    if family in ("ltx", "ltx-condition"):
        kwargs["frame_rate"] = request.fps
    if family == "ltx-condition":
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        conditions = [LTXVideoCondition(image=first, frame_index=0)]
        if last is not None:
            conditions.append(
                LTXVideoCondition(image=fit_image(last, plan.width, plan.height), frame_index=plan.num_frames - 1)
            )
        kwargs["conditions"] = conditions
    else:
        kwargs["image"] = first
        if last is not None and family.startswith("wan"):
            kwargs["last_image"] = fit_image(last, plan.width, plan.height)
    report(on_progress, 0.0, f"Generating {plan.num_frames} frames at {plan.width}×{plan.height}")
    with torch.inference_mode():
        out = pipe(**kwargs)
    check(cancel)
    video = np.asarray(out.frames[0], dtype=np.float32)
    frames = np.clip(np.rint(video * 255.0), 0, 255).astype(np.uint8)
    return [np.ascontiguousarray(f) for f in frames]


_GENERATOR = VideoGenerator()


def generator() -> VideoGenerator:
    return _GENERATOR


def generate_clip(
    request: MotionRequest,
    image: Image.Image,
    last_image: Image.Image | None = None,
    *,
    info: VideoModelInfo | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> VideoResult:
    return _GENERATOR.run(request, image, last_image, info=info, on_progress=on_progress, cancel=cancel)
