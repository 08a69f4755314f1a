"""The creator's local image-to-video models: which family, what each needs, what is missing. Never downloads.

Scanned: `studio.paths.models_dir()/"video"`, folders in QIANMIAN_VIDEO_MODELS (os.pathsep-separated) or passed in,
and the Hugging Face cache (read only). Only model_index.json and config files are read, so a scan is torch-free.
Families:
- `wan22-ti2v`: Wan 2.2 TI2V-5B (`WanImageToVideoPipeline`, `expand_timesteps`, 48-channel VAE), the default;
- `wan-a14b`: Wan 2.2 I2V-A14B (a second transformer for the low-noise steps, `boundary_ratio`), high tier;
- `wan21-14b`: Wan 2.1 I2V-14B (CLIP image encoder), high tier;
- `ltx` / `ltx-condition`: LTX-Video (`LTXImageToVideoPipeline` / `LTXConditionPipeline`), fast drafts, under a
  licence the creator must acknowledge first (pipelines/video/licence.py).
Pickle weights are refused exactly as for image models (the image registry's checks are reused).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pipelines.image.registry import _component_problems, _json, hf_cache_dir
from studio import paths
from studio.model.errors import BackendError

VideoFamily = Literal["wan22-ti2v", "wan-a14b", "wan21-14b", "ltx", "ltx-condition", "unknown"]

MODELS_ENV = "QIANMIAN_VIDEO_MODELS"
PIPELINES = ("WanImageToVideoPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline")


@dataclass(frozen=True)
class VideoRules:
    """What a family's pipeline accepts and what it was trained on."""

    frame_step: int
    """num_frames = frame_step·k + 1."""
    size_multiple: int
    """Width and height are multiples of this."""
    native: tuple[int, int]
    """Trained landscape size (width, height); other aspects keep its pixel area."""
    fps: int
    max_frames: int
    steps: int
    guidance: float
    last_frame: bool
    """Takes a last frame as well as the first (first-and-last-frame conditioning)."""
    licence: str


RULES: dict[str, VideoRules] = {
    "wan22-ti2v": VideoRules(4, 32, (1280, 704), 24, 121, 50, 5.0, False, "Apache-2.0"),
    "wan-a14b": VideoRules(4, 16, (1280, 720), 16, 81, 40, 3.5, True, "Apache-2.0"),
    "wan21-14b": VideoRules(4, 16, (832, 480), 16, 81, 40, 5.0, True, "Apache-2.0"),
    "ltx": VideoRules(8, 32, (704, 480), 24, 161, 40, 3.0, False, "LTX-Video licence"),
    "ltx-condition": VideoRules(8, 32, (704, 480), 24, 161, 40, 3.0, True, "LTX-Video licence"),
    "unknown": VideoRules(4, 32, (832, 480), 16, 81, 30, 5.0, False, "unknown"),
}
#: Preference when nothing is chosen: Wan 2.2 TI2V-5B (fits a 24 GB card offloaded), then the 14B tiers, then LTX.
FAMILY_ORDER: tuple[str, ...] = ("wan22-ti2v", "wan-a14b", "wan21-14b", "ltx-condition", "ltx")
LICENSED = ("ltx", "ltx-condition")
"""Families shown only after the creator acknowledged their licence."""


@dataclass(frozen=True)
class VideoModelInfo:
    id: str
    path: Path
    family: VideoFamily
    pipeline: str
    ready: bool
    problems: tuple[str, ...] = ()
    kind: Literal["folder", "hf-cache"] = "folder"

    @property
    def rules(self) -> VideoRules:
        return RULES[self.family]

    @property
    def needs_licence(self) -> bool:
        return self.family in LICENSED

    def describe(self) -> str:
        state = "ready" if self.ready else "not usable: " + "; ".join(self.problems)
        return f"{self.id} ({self.family}, {self.pipeline}) — {state}"


def family_of(folder: Path, index: dict[str, object]) -> VideoFamily:
    cls = str(index.get("_class_name", ""))
    if cls == "LTXImageToVideoPipeline":
        return "ltx"
    if cls == "LTXConditionPipeline":
        return "ltx-condition"
    if cls != "WanImageToVideoPipeline":
        return "unknown"

    def listed(name: str) -> bool:
        spec = index.get(name)
        return isinstance(spec, list) and len(spec) == 2 and spec[0] is not None

    if listed("transformer_2") or index.get("boundary_ratio") is not None:
        return "wan-a14b"
    if index.get("expand_timesteps") or _json(folder / "vae" / "config.json").get("z_dim") == 48:
        return "wan22-ti2v"
    return "wan21-14b"


def inspect_folder(
    folder: Path, *, model_id: str | None = None, kind: Literal["folder", "hf-cache"] = "folder"
) -> VideoModelInfo:
    index = _json(folder / "model_index.json")
    cls = str(index.get("_class_name", ""))
    problems: list[str] = []
    if not index:
        problems.append("no model_index.json: not a diffusers folder")
    elif cls not in PIPELINES:
        problems.append(
            f"pipeline {cls or '(unnamed)'} is not an image-to-video pipeline the studio runs ({', '.join(PIPELINES)})"
        )
    family = family_of(folder, index) if index else "unknown"
    problems += _component_problems(folder, index)
    if family == "wan21-14b" and not (folder / "image_encoder").is_dir():
        problems.append("Wan 2.1 I2V needs its image_encoder/ (CLIP), which this folder lacks")
    return VideoModelInfo(
        id=model_id or folder.name,
        path=folder,
        family=family,
        pipeline=cls,
        ready=not problems,
        problems=tuple(problems),
        kind=kind,
    )


def _safe_inspect(folder: Path, **kw: object) -> VideoModelInfo:
    try:
        return inspect_folder(folder, **kw)  # type: ignore[arg-type]
    except (OSError, ValueError, TypeError, KeyError, AttributeError, BackendError) as e:
        return VideoModelInfo(
            id=str(kw.get("model_id") or folder.name),
            path=folder,
            family="unknown",
            pipeline="",
            ready=False,
            problems=(f"unusable: its files cannot be read ({type(e).__name__}: {e})",),
        )


def model_folders(extra: list[Path] | None = None) -> list[Path]:
    folders = [paths.models_dir() / "video"]
    env = os.environ.get(MODELS_ENV, "")
    folders += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    folders += list(extra or [])
    return list(dict.fromkeys(folders))


def _is_video_folder(folder: Path) -> bool:
    return str(_json(folder / "model_index.json").get("_class_name", "")) in PIPELINES


def scan(extra: list[Path] | None = None, *, include_hf_cache: bool = True) -> list[VideoModelInfo]:
    """Every image-to-video model found, usable or not, each with what keeps it from loading."""
    found: list[VideoModelInfo] = []
    for root in model_folders(extra):
        if not root.is_dir():
            continue
        entries = [root] if (root / "model_index.json").is_file() else sorted(root.iterdir())
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir() or not (entry / "model_index.json").is_file():
                continue
            if root in (paths.models_dir() / "video",) or _is_video_folder(entry) or entry == root:
                found.append(_safe_inspect(entry))
    cache = hf_cache_dir() if include_hf_cache else None
    if cache is not None and cache.is_dir():
        for repo in sorted(cache.glob("models--*")):
            snaps = sorted((repo / "snapshots").glob("*"), key=lambda p: p.stat().st_mtime, reverse=True)
            snap = next((s for s in snaps if (s / "model_index.json").is_file()), None)
            if snap is not None and _is_video_folder(snap):
                repo_id = repo.name.removeprefix("models--").replace("--", "/")
                found.append(_safe_inspect(snap, model_id=repo_id, kind="hf-cache"))
    seen: dict[str, int] = {}
    unique = []
    for info in found:
        n = seen.get(info.id, 0)
        seen[info.id] = n + 1
        unique.append(info if n == 0 else replace(info, id=f"{info.id}~{n + 1}"))
    return unique


def shown(models: list[VideoModelInfo]) -> list[VideoModelInfo]:
    """What the app offers: LTX models only once their licence is acknowledged."""
    from pipelines.video.licence import acknowledged

    return [m for m in models if not m.needs_licence or acknowledged()]


def find_model(model_id: str, extra: list[Path] | None = None) -> VideoModelInfo:
    """The model a request names (an id from the scan, or a folder path); errors list what was found instead."""
    direct = Path(model_id).expanduser()
    if direct.is_absolute() and direct.is_dir():
        return inspect_folder(direct)
    models = scan(extra)
    for m in models:
        if m.id == model_id:
            return m
    known = ", ".join(m.id for m in models if m.ready) or "none"
    raise BackendError(
        f"No image-to-video model called {model_id!r} was found.",
        f"Put a diffusers folder (Wan 2.2 TI2V-5B is the default) in {paths.models_dir() / 'video'} (or a folder "
        f"listed in {MODELS_ENV}), or pass --model FOLDER; found: {known}.",
    )


def preferred(models: Iterable[VideoModelInfo]) -> list[VideoModelInfo]:
    """Models in the order the studio prefers them (FAMILY_ORDER), then by id."""
    rank = {f: i for i, f in enumerate(FAMILY_ORDER)}
    return sorted(models, key=lambda m: (rank.get(m.family, len(rank)), m.id))


def default_model(extra: list[Path] | None = None) -> VideoModelInfo:
    """The best ready model: Wan 2.2 TI2V-5B first, then the 14B tiers, then LTX (when acknowledged)."""
    ready = preferred(m for m in shown(scan(extra)) if m.ready)
    if ready:
        return ready[0]
    raise BackendError(
        "No image-to-video model is installed.",
        f"Copy a Wan 2.2 TI2V-5B diffusers folder (Wan-AI/Wan2.2-TI2V-5B-Diffusers) into {paths.models_dir() / 'video'}"
        " or pass --model FOLDER; models are never downloaded by the studio.",
    )


def require_ready(info: VideoModelInfo) -> VideoModelInfo:
    if not info.ready:
        raise BackendError(
            f"The video model {info.id} cannot be loaded: {'; '.join(info.problems)}.",
            f"Fix the files in {info.path} and rescan, or pick another video model.",
        )
    if info.needs_licence:
        from pipelines.video.licence import require_acknowledged

        require_acknowledged(info.id)
    return info
