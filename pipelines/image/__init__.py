"""Images per shot: the embedded procedural storyboard frames, and local diffusers models from the registry.

`generate_image(request)` is the one entry point; torch and diffusers load only when a diffusion model is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.image.result import ImageResult
from studio.model.requests import ImageRequest
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress

PROCEDURAL = "procedural"

__all__ = ["PROCEDURAL", "ImageResult", "Placement", "batch_key", "generate_image", "generate_images"]


@dataclass(frozen=True)
class Placement:
    """Where diffusion finds its models and runs: handed down from the stage's settings (never the environment)."""

    model_folders: tuple[Path, ...] = ()
    """Folders scanned besides the studio's own models folder."""
    device: str = "auto"
    cpu_threads: int = 1


def batch_key(r: ImageRequest) -> tuple[object, ...]:
    """What must match for requests to share one pipeline call (the prompts, seeds and procedural hints may differ).

    The takes planner and the diffusion batcher both group by this, so a planned batch is never split again.
    """
    return (
        r.model,
        r.width,
        r.height,
        r.steps,
        r.guidance,
        r.scheduler,
        r.loras,
        r.init_image,
        r.strength if r.init_image else None,
        r.reference_image,
        r.product_cutout,
        r.tryon_mask,
        r.garment,
    )


def generate_image(
    request: ImageRequest,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    assets: Path | None = None,
    place: Placement | None = None,
) -> ImageResult:
    """One image for one request. `assets` is the folder that init/reference image names resolve in; `place` says
    where models are and which device runs them (None: the library defaults, for direct use)."""
    if request.model == PROCEDURAL:
        from pipelines.image.procedural import render_frame

        check(cancel)
        report(on_progress, 0.0, "Drawing storyboard frame")
        frame = render_frame(request, assets)
        report(on_progress, 1.0, "Frame drawn")
        focus = frame.focus()
        info: dict[str, object] = {"chrome": request.chrome}
        if focus:
            info["focus"] = ",".join(f"{v:g}" for v in focus)
        return ImageResult(image=frame.image, backend=PROCEDURAL, seed=request.seed, consistency="seed-lock", info=info)
    from pipelines.image.generator import diffuse

    return diffuse(request, on_progress=on_progress, cancel=cancel, assets=assets, place=place)


def generate_images(
    requests: list[ImageRequest],
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    assets: Path | None = None,
    place: Placement | None = None,
) -> list[ImageResult]:
    """Several images in one go: diffusion requests that share model, size and settings run as one batch."""
    if not requests:
        return []
    if all(r.model == PROCEDURAL for r in requests) or len(requests) == 1:
        out = []
        for i, r in enumerate(requests):
            part = sub_progress(on_progress, i / len(requests), (i + 1) / len(requests))
            out.append(generate_image(r, on_progress=part, cancel=cancel, assets=assets, place=place))
        return out
    from pipelines.image.generator import diffuse_batch

    return diffuse_batch(requests, on_progress=on_progress, cancel=cancel, assets=assets, place=place)
