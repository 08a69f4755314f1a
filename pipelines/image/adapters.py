"""IP-Adapter availability in words: a take made without one says why, so the creator knows what to add.

IP-Adapter weights are used only from the creator's own folders (the registry finds `ip_adapter/` or `ip-adapter/`
beside a model, with its `image_encoder/`); nothing is downloaded. Torch-free.
"""

from __future__ import annotations

from pipelines.image.registry import ModelInfo

IP_ADAPTER_FAMILIES = ("sd15", "sdxl")


def ip_adapter_note(info: ModelInfo) -> str:
    """Why the reference image did not steer this take (it was made with seed and prompt locking instead)."""
    folder = info.ip_adapter
    if info.family not in IP_ADAPTER_FAMILIES:
        return f"not used: IP-Adapter is supported with SD 1.5 and SDXL models, and {info.id} is {info.family}"
    if folder is None:
        where = info.path.parent if info.kind == "single-file" else info.path
        return (
            f"not used: no IP-Adapter weights found for {info.id} (put the IP-Adapter .safetensors and its "
            f"image_encoder/ in {where / 'ip_adapter'} to steer takes by the reference image)"
        )
    return (
        f"not used: the IP-Adapter in {folder} has no {info.family} weights that fit {info.id} "
        "(use the IP-Adapter release made for this model family)"
    )
