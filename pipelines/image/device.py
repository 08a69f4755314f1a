"""Where diffusion runs and in which precision: CUDA, then Apple MPS, then CPU; QIANMIAN_DEVICE overrides.

On CPU, torch gets few threads (QIANMIAN_TORCH_THREADS, default 1) so the window and video encodes stay smooth;
on this project's 2-core build machines one thread was also the fastest for the tiny test models.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from pipelines.image.families import FAMILIES, facts
from studio.model.errors import BackendError

DEVICE_ENV = "QIANMIAN_DEVICE"
THREADS_ENV = "QIANMIAN_TORCH_THREADS"


@dataclass(frozen=True)
class DeviceChoice:
    name: str
    """"cuda", "cuda:1", "mps" or "cpu"."""
    dtype: str
    """"float16", "bfloat16" or "float32"."""
    vram_gb: float | None = None

    @property
    def kind(self) -> str:
        return self.name.split(":")[0]

    def torch_dtype(self) -> Any:
        import torch

        return getattr(torch, self.dtype)


def pick_device(family: str = "sd15", override: str | None = None, *, threads: int | None = None) -> DeviceChoice:
    """The best device present, or the one the creator asked for (and a clear error if it is not there).

    `override` comes from the stage's settings ("auto" picks; None falls back to QIANMIAN_DEVICE, for direct
    library use); `threads` is torch's CPU thread count (None: QIANMIAN_TORCH_THREADS, default 1)."""
    import torch

    wanted = (override or os.environ.get(DEVICE_ENV) or "").strip().lower()
    has_cuda = torch.cuda.is_available()
    has_mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if wanted and wanted != "auto":
        kind = wanted.split(":")[0]
        if (kind == "cuda" and not has_cuda) or (kind == "mps" and not has_mps) or kind not in ("cuda", "mps", "cpu"):
            asked = f"{DEVICE_ENV}={wanted}" if override is None else f"The device setting {wanted!r}"
            raise BackendError(
                f"{asked} asks for a device this machine does not have.",
                "Set it to cpu, cuda or mps (or to auto, to pick automatically).",
            )
        name = wanted
    else:
        name = "cuda" if has_cuda else "mps" if has_mps else "cpu"
    if name.startswith("cuda"):
        index = int(name.split(":")[1]) if ":" in name else 0
        vram = torch.cuda.get_device_properties(index).total_memory / 2**30
        bf16 = facts(family).bfloat16 and torch.cuda.is_bf16_supported()
        return DeviceChoice(name, "bfloat16" if bf16 else "float16", vram)
    if name == "mps":
        return DeviceChoice(name, "float16")
    configure_cpu_threads(threads)
    return DeviceChoice("cpu", "float32")


def configure_cpu_threads(threads: int | None = None) -> int:
    import torch

    n = threads or int(os.environ.get(THREADS_ENV, "1") or 1)
    if torch.get_num_threads() != n:
        torch.set_num_threads(max(1, n))
    return torch.get_num_threads()


#: VRAM (GiB) below which a family starts with model CPU offload instead of being fully resident (families.py).
OFFLOAD_BELOW_GB = {key: f.offload_below_gb for key, f in FAMILIES.items()}


def needs_offload(device: DeviceChoice, family: str) -> bool:
    return device.kind == "cuda" and device.vram_gb is not None and device.vram_gb < facts(family).offload_below_gb


def is_out_of_memory(error: BaseException) -> bool:
    """CUDA/MPS out-of-memory, whatever class the torch build raises it as."""
    try:
        import torch

        if isinstance(error, torch.cuda.OutOfMemoryError):
            return True
    except ImportError:  # pragma: no cover
        pass
    text = str(error).lower()
    return isinstance(error, (RuntimeError, MemoryError)) and ("out of memory" in text or "mps backend out" in text)
