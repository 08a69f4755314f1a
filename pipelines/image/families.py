"""Model families (SD 1.5, SDXL, SD3, FLUX): every fact the studio keeps about one, in one table.

The registry recognises a family by its diffusers pipeline class and sizes it; the device code picks precision and
when to offload; the generator loads its pipeline class; the takes planner picks steps, guidance and image size.
All of them read `FAMILIES` (torch-free), so a new family is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FamilyFacts:
    key: str
    pipeline: str
    """The diffusers text-to-image pipeline class that loads it."""
    pipelines: tuple[str, ...] = ()
    """Pipeline class names in a model_index.json that mean this family."""
    native_size: int = 512
    """Side of the square pixel area it was trained at."""
    config_repos: tuple[str, ...] = ()
    """Hub repositories whose cached configs let a single-file checkpoint of this family load offline."""
    offload_below_gb: float = 8.0
    """VRAM (GiB) below which it starts with model CPU offload instead of being fully resident."""
    steps: int | None = None
    """Denoising steps that suit it when the project does not say (None: the project's setting)."""
    guidance: float = 6.5
    bfloat16: bool = False
    """Prefers bfloat16 on CUDA (the big transformer families)."""
    ip_adapter: bool = False
    """An IP-Adapter kit exists for it (character and product consistency)."""


FAMILIES: dict[str, FamilyFacts] = {
    "sd15": FamilyFacts(
        "sd15",
        "StableDiffusionPipeline",
        ("StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline"),
        native_size=512,
        config_repos=("stable-diffusion-v1-5/stable-diffusion-v1-5", "runwayml/stable-diffusion-v1-5"),
        offload_below_gb=4.0,
        guidance=7.0,
        ip_adapter=True,
    ),
    "sdxl": FamilyFacts(
        "sdxl",
        "StableDiffusionXLPipeline",
        ("StableDiffusionXLPipeline", "StableDiffusionXLImg2ImgPipeline"),
        native_size=1024,
        config_repos=("stabilityai/stable-diffusion-xl-base-1.0",),
        offload_below_gb=10.0,
        guidance=6.0,
        ip_adapter=True,
    ),
    "sd3": FamilyFacts(
        "sd3",
        "StableDiffusion3Pipeline",
        ("StableDiffusion3Pipeline",),
        native_size=1024,
        config_repos=("stabilityai/stable-diffusion-3-medium-diffusers",),
        offload_below_gb=18.0,
        guidance=5.0,
        bfloat16=True,
    ),
    "flux": FamilyFacts(
        "flux",
        "FluxPipeline",
        ("FluxPipeline",),
        native_size=1024,
        config_repos=("black-forest-labs/FLUX.1-dev", "black-forest-labs/FLUX.1-schnell"),
        offload_below_gb=26.0,
        guidance=3.5,
        bfloat16=True,
    ),
    "unknown": FamilyFacts("unknown", "", native_size=512, offload_below_gb=8.0),
}
#: Variants of a family with their own defaults (`ModelInfo.family_key`).
TURBO = FamilyFacts("sdxl-turbo", "StableDiffusionXLPipeline", native_size=1024, steps=4, guidance=0.0)


def facts(key: str) -> FamilyFacts:
    """The facts of a family (or a family key such as "sdxl-turbo"); unknown keys get the cautious defaults."""
    if key == TURBO.key:
        return TURBO
    return FAMILIES.get(key, FAMILIES["unknown"])
