"""Diffusion on the local device: one model resident at a time, progress per step, cancel within one step.

Called from the job queue's single GPU worker, so there is one generation at a time; the lock only guards
against a second caller (tests, CLI) sharing the process. torch/diffusers are imported here, never at app start.
"""

from __future__ import annotations

import inspect
import logging
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from pipelines import resident as slot
from pipelines.image import Placement, batch_key
from pipelines.image import device as devices
from pipelines.image.adapters import ip_adapter_note
from pipelines.image.families import FAMILIES, facts
from pipelines.image.inpaint import PACKSHOT_FRAMINGS, ProductLayout, composite, layout, trim
from pipelines.image.prompts import encode_long, fit_prompt
from pipelines.image.registry import ModelInfo, find_model, refuse_pickle, refuse_pickle_weights, require_ready
from pipelines.image.result import ImageResult
from pipelines.image.tryon import TryOnLayout, garment_photo, tryon_layout
from studio.model.errors import BackendError, Cancelled
from studio.model.requests import ImageRequest, LoraRef
from studio.model.stage import CancelToken, ProgressFn, check, report

log = logging.getLogger(__name__)

#: Scheduler names a request may give → diffusers class (and extra config).
SCHEDULERS: dict[str, tuple[str, dict[str, Any]]] = {
    "euler": ("EulerDiscreteScheduler", {}),
    "euler-a": ("EulerAncestralDiscreteScheduler", {}),
    "ddim": ("DDIMScheduler", {}),
    "dpm++": ("DPMSolverMultistepScheduler", {}),
    "dpm++-karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "unipc": ("UniPCMultistepScheduler", {}),
    "lcm": ("LCMScheduler", {}),
    "pndm": ("PNDMScheduler", {}),
}


@dataclass
class Resident:
    """The one model on the device: its text-to-image pipeline and an image-to-image view sharing its weights."""

    info: ModelInfo
    device: devices.DeviceChoice
    t2i: Any
    i2i: Any = None
    inpaint: Any = None
    """The inpainting view sharing the same weights (product shots generated around the real product)."""
    scheduler_config: Any = None
    offloaded: bool = False
    loras: tuple[LoraRef, ...] = ()
    ip_adapter: bool = False
    load_s: float = 0.0
    extras: dict[str, Any] = field(default_factory=dict)


class Generator(slot.SlotHolder):
    """Loads models on demand, keeps exactly one resident, and runs requests through it."""

    owner = "image"

    def __init__(self) -> None:
        super().__init__()
        self.resident: Resident | None = None
        self.oom_hook: Callable[[int], None] | None = None
        """Test seam: called with the attempt number before each pipeline call (raise to simulate OOM)."""

    def _park(self, resident: Resident) -> None:
        if resident.offloaded:
            resident.t2i.remove_all_hooks()
        resident.t2i.to("cpu")

    def load(self, info: ModelInfo, device: devices.DeviceChoice | None = None) -> Resident:
        """The resident pipeline for `info`, loading it (and freeing the previous one) when it is not resident."""
        with self._lock:
            require_ready(info)
            device = device or devices.pick_device(info.family)
            r = self.resident
            if r is not None and r.info.id == info.id and r.info.path == info.path and r.device == device:
                return r
            self.unload()
            slot.claim("image", self.release_when_idle)  # a resident video model is freed first: one on the device
            started = time.perf_counter()
            resident = None
            try:
                resident = self._fresh(info, device, offload=False)
            except Exception as e:
                if not devices.is_out_of_memory(e) or device.kind != "cuda":
                    raise
            if resident is None:  # out of memory while moving to the GPU: start again, offloaded
                slot.free_memory()
                resident = self._fresh(info, device, offload=True)
            resident.load_s = time.perf_counter() - started
            self.resident = resident
            return resident

    def _fresh(self, info: ModelInfo, device: devices.DeviceChoice, *, offload: bool) -> Resident:
        """Load from disk and place; a half-moved pipeline after an OOM is never reused."""
        pipe = _load_pipeline(info, device)
        resident = Resident(info=info, device=device, t2i=pipe, scheduler_config=pipe.scheduler.config)
        _place(resident, offload=offload)
        return resident

    def _reload_offloaded(
        self, request: ImageRequest, kind: str, tiled: bool, ip_adapter: bool = False
    ) -> tuple[Resident, Any]:
        assert self.resident is not None
        info, device = self.resident.info, self.resident.device
        self.unload()
        resident = self._fresh(info, device, offload=True)
        if tiled:
            _low_memory(resident)
        self.resident = resident
        _prepare(resident, request)
        if ip_adapter and _ip_adapter(resident):  # a fresh load has none: load it again when this batch uses it
            resident.t2i.set_ip_adapter_scale(request.ip_adapter_scale)
        return resident, _view(resident, kind)

    # --- running ----------------------------------------------------------------------------------------------------

    def run(
        self,
        requests: list[ImageRequest],
        *,
        on_progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        assets: Path | None = None,
        place: Placement | None = None,
    ) -> list[ImageResult]:
        """One batch: every request must share model, size, steps, guidance, scheduler, LoRAs and init image.

        `place` (from the stage's settings) says where models are and which device to use; None: the library
        defaults (the environment), for direct use. Product shots (a `product_cutout`) are inpainted around the
        placed cutout; a batch mixing them with plain shots runs as two calls."""
        with_product = [i for i, r in enumerate(requests) if r.product_cutout is not None]
        if with_product and len(with_product) < len(requests):
            plain = [i for i in range(len(requests)) if i not in with_product]
            out: dict[int, ImageResult] = {}
            for k, idx in enumerate((plain, with_product)):
                part = _scaled(on_progress, k / 2, (k + 1) / 2)
                got = self.run([requests[i] for i in idx], on_progress=part, cancel=cancel, assets=assets, place=place)
                out.update(zip(idx, got, strict=True))
            return [out[i] for i in range(len(requests))]
        first = requests[0]
        with self._lock:
            check(cancel)
            if place is None:
                info = find_model(first.model)
                device = None
            else:
                info = find_model(first.model, list(place.model_folders), env={})
                require_ready(info)
                device = devices.pick_device(info.family, place.device, threads=place.cpu_threads)
            report(on_progress, 0.0, f"Loading {info.id}")
            resident = self.load(info, device)
            check(cancel)
            _prepare(resident, first)
            init = _open(first.init_image, assets, first.width, first.height) if first.init_image else None
            reference = _open(first.reference_image, assets, None, None) if first.reference_image else None
            layouts: Sequence[ProductLayout | TryOnLayout] | None = None
            if with_product:
                layouts = _product_layouts(requests, assets, init)
            if first.tryon_mask is not None and reference is None:
                reference = garment_photo(_open_rgba(_need(first.garment, "garment"), assets))  # for an IP-Adapter
            if reference is None and layouts is not None and first.framing not in PACKSHOT_FRAMINGS:
                reference = _product_photo(first, assets)  # the product in a scene: steer by its photo
            notes: dict[str, str] = {}
            if reference is None:
                _drop_ip_adapter(resident)
            elif _ip_adapter(resident):
                resident.t2i.set_ip_adapter_scale(first.ip_adapter_scale)
            else:
                notes["ip_adapter"] = ip_adapter_note(resident.info)
                log.info("%s: %s", first.shot_id, notes["ip_adapter"])
            consistency = "ip-adapter" if reference is not None and resident.ip_adapter else "seed-lock"
            if first.tryon_mask is not None:  # the garment on the talent: only its region is inpainted
                layouts = _tryon_layouts(requests, assets, init, steered=consistency == "ip-adapter")
            kind = "inpaint" if layouts is not None else "i2i" if init is not None else "t2i"
            pipe = _view(resident, kind)
            fits = [fit_prompt(resident.t2i, info.family, r.prompt) for r in requests]
            for r, fit in zip(requests, fits, strict=True):
                if fit.past_window:
                    reached = (
                        "was cut"
                        if fit.cut
                        else "reached the model" + (" in chunked CLIP windows" if fit.chunks > 1 else " through T5")
                    )
                    log.info("%s: the prompt past CLIP's 77 tokens %s: %r", r.shot_id, reached, fit.past_window)
            reload = None
            if resident.device.kind == "cuda":

                def reload(tiled: bool) -> tuple[Resident, Any]:
                    return self._reload_offloaded(first, kind, tiled, consistency == "ip-adapter")

            images, resident = self._ladder(
                resident, pipe, requests, init, reference, consistency, on_progress, cancel, reload, layouts
            )
        self.release_if_asked()  # another model claimed the device while this ran
        info_common: dict[str, Any] = {
            "device": resident.device.name,
            "dtype": resident.device.dtype,
            "family": info.family_key,
            "offload": resident.offloaded,
            **notes,
        }
        if reference is not None and consistency == "ip-adapter":
            info_common["ip_adapter_scale"] = first.ip_adapter_scale
        return [
            ImageResult(
                image=img,
                backend=f"diffusers:{info.id}",
                seed=r.seed,
                consistency=consistency,
                info={
                    **info_common,
                    **fit.info(),
                    **(
                        layouts[i].info() | {"inpaint_model": str(resident.extras.get("inpaint_model", "base"))}
                        if layouts
                        else {}
                    ),
                },
            )
            for i, (img, r, fit) in enumerate(zip(images, requests, fits, strict=True))
        ]

    def _ladder(
        self,
        resident: Resident,
        pipe: Any,
        requests: list[ImageRequest],
        init: Image.Image | None,
        reference: Image.Image | None,
        consistency: str,
        on_progress: ProgressFn | None,
        cancel: CancelToken | None,
        reload: Callable[[bool], tuple[Resident, Any]] | None = None,
        layouts: Sequence[ProductLayout | TryOnLayout] | None = None,
    ) -> tuple[list[Image.Image], Resident]:
        """On out-of-memory: retry with model CPU offload, then smaller batches, then VAE tiling and attention
        slicing, then say what to do.

        `reload` gives a freshly loaded, offloaded pipeline: after an OOM, accelerate's hooks may have left modules
        on either device, so each retry on CUDA starts from a clean load (seconds, from the page cache).
        """
        attempt = 0
        chunk = len(requests)
        while True:
            try:
                out: list[Image.Image] = []
                for start in range(0, len(requests), chunk):
                    part = requests[start : start + chunk]
                    if self.oom_hook is not None:
                        self.oom_hook(attempt)
                    lo, hi = start / len(requests), (start + len(part)) / len(requests)
                    out += _call(
                        pipe,
                        part,
                        init,
                        reference if consistency == "ip-adapter" else None,
                        _scaled(on_progress, lo, hi),
                        cancel,
                        family=resident.info.family,
                        layouts=layouts[start : start + chunk] if layouts is not None else None,
                    )
                return out, resident
            except Cancelled:
                raise
            except Exception as e:
                if not devices.is_out_of_memory(e):
                    raise
                reason = str(e).splitlines()[0]
            # Outside the except block: the traceback (and the activations its frames hold) is gone now.
            out = []
            slot.free_memory()
            attempt += 1
            tiled = bool(resident.extras.get("low_memory"))
            if not resident.offloaded and resident.device.kind == "cuda":
                report(on_progress, 0.0, "Out of GPU memory: retrying with model offload")
                if reload is not None:
                    resident, pipe = reload(tiled)
                else:
                    resident.t2i.enable_model_cpu_offload(device=resident.device.name)
                    resident.offloaded = True
            elif chunk > 1:
                chunk = max(1, chunk // 2)
                report(on_progress, 0.0, f"Out of memory: retrying {chunk} image(s) at a time")
                if reload is not None:
                    resident, pipe = reload(tiled)
            elif not tiled:
                report(on_progress, 0.0, "Out of memory: retrying with VAE tiling and attention slicing")
                if reload is not None:
                    resident, pipe = reload(True)
                else:
                    _low_memory(resident)
            else:
                first = requests[0]
                raise BackendError(
                    f"{resident.info.id} ran out of memory on {resident.device.name} at "
                    f"{first.width}×{first.height}, even one image at a time with offload ({reason}).",
                    "Close other GPU programs, pick a smaller aspect or model (SD 1.5), or set "
                    "QIANMIAN_DEVICE=cpu (slow but always fits).",
                )


def _scaled(on_progress: ProgressFn | None, lo: float, hi: float) -> ProgressFn | None:
    from studio.model.stage import sub_progress

    return sub_progress(on_progress, lo, hi)


def _load_pipeline(info: ModelInfo, device: devices.DeviceChoice) -> Any:
    import torch
    from diffusers import AutoPipelineForText2Image, DiffusionPipeline
    from diffusers.utils import logging as dlogging

    dlogging.disable_progress_bar()
    dtype = device.torch_dtype() if device.kind != "cpu" else torch.float32
    if info.kind == "single-file":
        refuse_pickle(info.path, "checkpoint")
    else:
        for sub in sorted(p for p in info.path.iterdir() if p.is_dir() and not p.name.startswith("tokenizer")):
            refuse_pickle_weights(sub, f"model component {sub.name}/")
    try:
        if info.kind == "single-file":
            assert info.config is not None
            cls = _pipeline_class(info)
            return cls.from_single_file(str(info.path), config=str(info.config), local_files_only=True, dtype=dtype)
        try:
            return AutoPipelineForText2Image.from_pretrained(
                str(info.path), dtype=dtype, local_files_only=True, use_safetensors=True
            )
        except ValueError:
            return DiffusionPipeline.from_pretrained(
                str(info.path), dtype=dtype, local_files_only=True, use_safetensors=True
            )
    except Exception as e:  # OSError, ValueError... and safetensors' own errors: always said plainly
        raise BackendError(
            f"Could not load the image model {info.id} from {info.path}: {type(e).__name__}: {e}",
            "Check the folder is complete (the model list says what is missing); models load from local files only.",
        ) from e


def _pipeline_class(info: ModelInfo) -> Any:
    import diffusers

    return getattr(diffusers, FAMILIES[info.family].pipeline)


def _place(r: Resident, *, offload: bool = False) -> None:
    """Move to the device, or offload when VRAM is short; slicing and VAE tiling where they save memory."""
    pipe = r.t2i
    pipe.set_progress_bar_config(disable=True)
    if offload or devices.needs_offload(r.device, r.info.family):
        pipe.enable_model_cpu_offload(device=r.device.name)
        r.offloaded = True
    else:
        pipe.to(r.device.name)
    low_vram = r.device.vram_gb is not None and r.device.vram_gb < 8
    if r.device.kind == "mps" or low_vram:
        pipe.enable_attention_slicing()
    vae = getattr(pipe, "vae", None)
    if vae is not None and (low_vram or r.device.kind == "mps") and hasattr(vae, "enable_tiling"):
        vae.enable_tiling()


def _low_memory(r: Resident) -> None:
    """The last memory savers: decode the image in tiles and compute attention in slices (slower, much smaller)."""
    pipe = r.t2i
    if hasattr(pipe, "enable_attention_slicing"):
        pipe.enable_attention_slicing()
    vae = getattr(pipe, "vae", None)
    if vae is not None and hasattr(vae, "enable_tiling"):
        vae.enable_tiling()
    r.extras["low_memory"] = True


def _image_to_image(r: Resident) -> Any:
    from diffusers import AutoPipelineForImage2Image

    r.i2i = AutoPipelineForImage2Image.from_pipe(r.t2i)
    r.i2i.set_progress_bar_config(disable=True)
    return r.i2i


def _inpainting(r: Resident) -> Any:
    """The family's inpainting pipeline over the resident's own components (no second copy of the weights):
    StableDiffusion(XL)InpaintPipeline, StableDiffusion3InpaintPipeline or FluxInpaintPipeline."""
    from diffusers import AutoPipelineForInpainting

    parts = _inpaint_denoiser(r)
    try:
        r.inpaint = AutoPipelineForInpainting.from_pipe(r.t2i, **parts)
    except ValueError as e:
        raise BackendError(
            f"{r.info.id} ({r.info.family}) has no inpainting pipeline in this diffusers release: {e}",
            "Use an SD 1.5, SDXL, SD3 or FLUX model for product shots, or the procedural frames.",
        ) from e
    r.inpaint.set_progress_bar_config(disable=True)
    return r.inpaint


def _inpaint_denoiser(r: Resident) -> dict[str, Any]:
    """The dedicated inpainting release's UNet/transformer, when the registry found one beside the model: the
    only part loaded a second time (text encoders and VAE stay shared). Offloaded models, and models with an
    IP-Adapter loaded (its layers live in the base UNet), inpaint with their own denoiser."""
    folder = r.info.inpaint
    if folder is None or r.offloaded or r.ip_adapter:
        r.extras["inpaint_model"] = "base"
        return {}
    import torch
    from diffusers import FluxTransformer2DModel, SD3Transformer2DModel, UNet2DConditionModel

    name = "transformer" if (folder / "transformer").is_dir() else "unet"
    refuse_pickle_weights(folder / name, f"inpainting {name}/")
    cls = {"sd3": SD3Transformer2DModel, "flux": FluxTransformer2DModel}.get(r.info.family, UNet2DConditionModel)
    dtype = r.device.torch_dtype() if r.device.kind != "cpu" else torch.float32
    try:
        model = cls.from_pretrained(
            str(folder), subfolder=name, dtype=dtype, local_files_only=True, use_safetensors=True
        )
    except Exception as e:
        log.warning("The inpainting model in %s did not load (%s); the base model inpaints", folder, e)
        r.extras["inpaint_model"] = f"base ({folder.name} did not load: {type(e).__name__})"
        return {}
    r.extras["inpaint_model"] = folder.name
    return {name: model.to(r.device.name)}


def _view(r: Resident, kind: str) -> Any:
    """The resident pipeline for text-to-image, image-to-image or inpainting (all share one set of weights)."""
    if kind == "inpaint":
        return r.inpaint or _inpainting(r)
    if kind == "i2i":
        return r.i2i or _image_to_image(r)
    return r.t2i


def _product_layouts(
    requests: list[ImageRequest], assets: Path | None, init: Image.Image | None
) -> list[ProductLayout]:
    """Each product shot's canvas and mask: the cutout placed by framing over the init image (a restyle keeps the
    master's background as its start) or a plain fill in the first palette colour."""
    out = []
    for r in requests:
        assert r.product_cutout is not None
        cutout = _open_rgba(r.product_cutout, assets)
        fill = _hex(r.palette[0]) if r.palette else (128, 128, 128)
        out.append(layout(cutout, r.width, r.height, r.framing, background=init, fill=fill))
    return out


def _tryon_layouts(
    requests: list[ImageRequest], assets: Path | None, init: Image.Image | None, *, steered: bool
) -> list[TryOnLayout]:
    """Each try-on's start and region: the talent's picture (the init image), the garment laid in unless an
    IP-Adapter steers by its photo, and the creator's or the planned torso mask."""
    if init is None:
        raise BackendError("A try-on needs the talent's picture to start from.", "Pick a take of the talent first.")
    out = []
    for r in requests:
        garment = _open_rgba(_need(r.garment, "garment"), assets)
        mask = _open(_need(r.tryon_mask, "try-on mask"), assets, r.width, r.height).convert("L")
        out.append(tryon_layout(init, garment, mask, strength=r.strength, steered=steered))
    return out


def _need(name: str | None, what: str) -> str:
    if not name:
        raise BackendError(f"The try-on request names no {what}.", "Make the try-on again from the shot.")
    return name


def _product_photo(r: ImageRequest, assets: Path | None) -> Image.Image:
    """The product cutout over white: the image an IP-Adapter is shown when the product appears in a scene."""
    assert r.product_cutout is not None
    product = trim(_open_rgba(r.product_cutout, assets))
    side = max(product.size)
    photo = Image.new("RGB", (side, side), (255, 255, 255))
    photo.paste(product, ((side - product.width) // 2, (side - product.height) // 2), product)
    return photo


def _open_rgba(name: str, assets: Path | None) -> Image.Image:
    path = Path(name)
    if not path.is_absolute() and assets is not None:
        path = assets / name
    if not path.is_file():
        raise BackendError(
            f"The product cutout {name} is missing from the project's assets.",
            "Add the product photo again in the brand kit (it makes the cutout), or pick another cutout.",
        )
    try:
        with Image.open(path) as img:
            rgba: Image.Image = img.convert("RGBA")
            return rgba
    except OSError as e:
        raise BackendError(f"The product cutout {name} is not a readable image ({e}).", "Replace the cutout.") from e


def _hex(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    try:
        return (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16))
    except (ValueError, IndexError):
        return (128, 128, 128)


def _prepare(r: Resident, request: ImageRequest) -> Any:
    """Scheduler and LoRAs as the request asks (components are shared, so the img2img view follows)."""
    import diffusers

    pipe = r.t2i
    if request.scheduler:
        if request.scheduler not in SCHEDULERS:
            raise BackendError(
                f"Unknown scheduler {request.scheduler!r}.", f"Use one of: {', '.join(SCHEDULERS)} (or none)."
            )
        if "FlowMatch" in r.scheduler_config.get("_class_name", ""):
            raise BackendError(
                f"{r.info.id} ({r.info.family}) is a flow-matching model: the {request.scheduler!r} scheduler "
                "would produce noise with it.",
                "Leave the scheduler unset for SD3 and FLUX models; they use their own.",
            )
        cls_name, extra = SCHEDULERS[request.scheduler]
        pipe.scheduler = getattr(diffusers, cls_name).from_config(r.scheduler_config, **extra)
    elif type(pipe.scheduler).__name__ != r.scheduler_config.get("_class_name", ""):
        pipe.scheduler = getattr(diffusers, r.scheduler_config["_class_name"]).from_config(r.scheduler_config)
    for view in (r.i2i, r.inpaint):
        if view is not None:
            view.scheduler = pipe.scheduler
    if request.loras != r.loras:
        _set_loras(r, request.loras)
    return pipe


def _set_loras(r: Resident, loras: tuple[LoraRef, ...]) -> None:
    pipe = r.t2i
    if r.loras:
        pipe.unload_lora_weights()
    names, weights = [], []
    for i, lora in enumerate(loras):
        path = Path(lora.path).expanduser()
        if path.suffix != ".safetensors":
            raise BackendError(
                f"LoRA {path.name} is not a .safetensors file: refused, pickle files can run code when loaded.",
                "Use the .safetensors release of the LoRA.",
            )
        if not path.is_file():
            raise BackendError(f"LoRA file {path} does not exist.", "Check the path in the shot or project settings.")
        refuse_pickle(path, "LoRA")  # a pickle renamed .safetensors is refused by its first bytes
        name = f"lora{i}"
        try:
            pipe.load_lora_weights(str(path.parent), weight_name=path.name, adapter_name=name, local_files_only=True)
        except (ValueError, KeyError, RuntimeError) as e:
            raise BackendError(
                f"LoRA {path.name} does not fit {r.info.id} ({r.info.family}): {e}",
                "Pick a LoRA trained for this model family.",
            ) from e
        names.append(name)
        weights.append(lora.scale)
    if names:
        pipe.set_adapters(names, adapter_weights=weights)
    r.loras = loras


def _ip_adapter(r: Resident) -> bool:
    """Load IP-Adapter weights when they exist locally; False means consistency falls back to seed+prompt locking."""
    if r.ip_adapter:
        return True
    folder = r.info.ip_adapter
    if folder is None or not facts(r.info.family).ip_adapter:
        return False
    weights = [w for w in sorted(folder.rglob("*.safetensors")) if "image_encoder" not in w.parts]
    xl = [w for w in weights if "xl" in str(w.relative_to(folder)).lower()]
    weights = xl if r.info.family == "sdxl" else [w for w in weights if w not in xl]
    if not weights:
        return False
    refuse_pickle(weights[0], "IP-Adapter")
    # The image encoder is loaded by transformers, which falls back to pytorch_model.bin (pickle): refuse first.
    refuse_pickle_weights(weights[0].parent / "image_encoder", "IP-Adapter image encoder")
    refuse_pickle_weights(folder / "image_encoder", "IP-Adapter image encoder")
    try:
        r.t2i.load_ip_adapter(
            str(folder),
            subfolder=str(weights[0].parent.relative_to(folder)) or "",
            weight_name=weights[0].name,
            image_encoder_folder="image_encoder",
            local_files_only=True,
        )
    except (OSError, ValueError, KeyError, RuntimeError):
        return False
    except pickle.UnpicklingError as e:
        raise BackendError(
            f"The IP-Adapter in {folder} holds a pickle that was refused: {e}",
            "Use the .safetensors release of the IP-Adapter and its image encoder.",
        ) from e
    r.ip_adapter = True
    r.i2i = r.inpaint = None  # rebuilt from the pipeline that now holds the image encoder
    return True


def _drop_ip_adapter(r: Resident) -> None:
    """A loaded IP-Adapter expects a reference image on every call; requests without one run without it."""
    if r.ip_adapter:
        r.t2i.unload_ip_adapter()
        r.ip_adapter = False
        r.i2i = r.inpaint = None


def _open(name: str, assets: Path | None, width: int | None, height: int | None) -> Image.Image:
    path = Path(name)
    if not path.is_absolute() and assets is not None:
        path = assets / name
    if not path.is_file():
        raise BackendError(f"The image {name} to start from is missing.", "Generate the master take again.")
    img = Image.open(path).convert("RGB")
    if width and height and img.size != (width, height):
        img = _cover(img, width, height)
    return img


def _cover(img: Image.Image, width: int, height: int) -> Image.Image:
    """Scale to cover the target and crop the centre: composition kept, no stretching."""
    scale = max(width / img.width, height / img.height)
    size = (max(width, round(img.width * scale)), max(height, round(img.height * scale)))
    img = img.resize(size, Image.Resampling.LANCZOS)
    left, top = (img.width - width) // 2, (img.height - height) // 2
    return img.crop((left, top, left + width, top + height))


def _call(
    pipe: Any,
    requests: list[ImageRequest],
    init: Image.Image | None,
    reference: Image.Image | None,
    on_progress: ProgressFn | None,
    cancel: CancelToken | None,
    *,
    family: str = "unknown",
    layouts: Sequence[ProductLayout | TryOnLayout] | None = None,
) -> list[Image.Image]:
    import torch

    first = requests[0]
    n = len(requests)

    def on_step(p: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        total = max(1, int(getattr(p, "num_timesteps", 0) or first.steps))
        report(on_progress, (step + 1) / total, f"Step {step + 1}/{total}")
        if cancel is not None and cancel.cancelled:
            p._interrupt = True
        return kwargs

    kwargs: dict[str, Any] = {
        "prompt": [r.prompt for r in requests],
        "num_inference_steps": first.steps,
        "guidance_scale": first.guidance,
        "generator": [torch.Generator("cpu").manual_seed(r.seed) for r in requests],
        "callback_on_step_end": on_step,
        "output_type": "pil",
    }
    if first.guidance > 1.0 and any(r.negative_prompt for r in requests):
        kwargs["negative_prompt"] = [r.negative_prompt for r in requests]
    # CLIP models: prompts past 77 tokens go in as chunked embeddings (the pipeline would cut them).
    negatives = [r.negative_prompt for r in requests] if "negative_prompt" in kwargs else [""] * n
    embeds = encode_long(pipe, family, [r.prompt for r in requests], negatives)
    if embeds:
        kwargs.pop("prompt")
        kwargs.pop("negative_prompt", None)
        kwargs.update(embeds)
    lengths = [f.max_sequence_length for f in (fit_prompt(pipe, family, r.prompt) for r in requests)]
    if any(lengths) and "max_sequence_length" in inspect.signature(type(pipe).__call__).parameters:
        kwargs["max_sequence_length"] = max(x for x in lengths if x)
    if layouts is not None:  # product shots: generate all but the product, from the canvas it is placed on
        kwargs["image"] = [lay.canvas for lay in layouts]
        kwargs["mask_image"] = [lay.mask for lay in layouts]
        steer = layouts[0]
        kwargs["strength"] = (
            steer.strength if isinstance(steer, TryOnLayout) else first.strength if init is not None else 1.0
        )
    elif init is not None:
        kwargs["image"] = [init] * n
        kwargs["strength"] = first.strength
    if init is None or _takes_size(pipe):
        kwargs["width"], kwargs["height"] = first.width, first.height
    if reference is not None:
        kwargs["ip_adapter_image"] = reference
    report(on_progress, 0.0, f"Generating {n} image(s)")
    with torch.inference_mode():
        result = pipe(**kwargs)
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    images = [img.convert("RGB") for img in result.images]
    images = [
        img if img.size == (first.width, first.height) else _cover(img, first.width, first.height) for img in images
    ]
    if layouts is not None:
        images = [
            lay.finish(img) if isinstance(lay, TryOnLayout) else composite(img, lay)
            for img, lay in zip(images, layouts, strict=True)
        ]
    return images


def _takes_size(pipe: Any) -> bool:
    """SD3/FLUX image-to-image size the init image to width×height, defaulting to the model's native size (1024 for
    FLUX) rather than the image's, so they must be told; SD 1.5/SDXL image-to-image take no size and keep the image's.
    """
    return "width" in inspect.signature(type(pipe).__call__).parameters


_GENERATOR = Generator()


def generator() -> Generator:
    return _GENERATOR


def diffuse(
    request: ImageRequest,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    assets: Path | None = None,
    place: Placement | None = None,
) -> ImageResult:
    return _GENERATOR.run([request], on_progress=on_progress, cancel=cancel, assets=assets, place=place)[0]


def diffuse_batch(
    requests: list[ImageRequest],
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    assets: Path | None = None,
    place: Placement | None = None,
) -> list[ImageResult]:
    """Requests grouped by what must match in one pipeline call; each group is one batch."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(requests):
        key = batch_key(r)
        groups.setdefault(key, []).append(i)
    out: list[ImageResult | None] = [None] * len(requests)
    done = 0
    for idx in groups.values():
        part = _scaled(on_progress, done / len(requests), (done + len(idx)) / len(requests))
        for i, res in zip(
            idx,
            _GENERATOR.run([requests[i] for i in idx], on_progress=part, cancel=cancel, assets=assets, place=place),
            strict=True,
        ):
            out[i] = res
        done += len(idx)
    return [r for r in out if r is not None]
