"""The creator's local image models: what is there, which family, and what is missing. Never downloads.

Scanned: `studio.paths.models_dir()/"image"`, folders in QIANMIAN_IMAGE_MODELS (os.pathsep-separated) or passed in,
and the Hugging Face cache (HF_HUB_CACHE / HF_HOME, read only). A model is a diffusers folder (model_index.json),
a single-file `.safetensors` checkpoint, or a cached hub snapshot. Only config files and safetensors headers are
read here, so a scan is fast and torch-free. Pickle checkpoints (.ckpt/.bin/.pt/.pth) are listed and refused.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, cast

from pipelines.image.families import FAMILIES
from studio import paths
from studio.model.errors import BackendError

Family = Literal["sd15", "sdxl", "sd3", "flux", "unknown"]
Kind = Literal["folder", "single-file", "hf-cache", "pickle"]

MODELS_ENV = "QIANMIAN_IMAGE_MODELS"
PICKLE_SUFFIXES = (".ckpt", ".bin", ".pt", ".pth", ".pkl")

# The family facts live in pipelines/image/families.py; these views keep the registry's names.
PIPELINE_FAMILIES: dict[str, Family] = {name: cast(Family, f.key) for f in FAMILIES.values() for name in f.pipelines}
NATIVE_SIZE: dict[str, int] = {key: f.native_size for key, f in FAMILIES.items()}

#: Hub repositories whose cached configs let a single-file checkpoint of that family load offline.
CONFIG_REPOS: dict[str, tuple[str, ...]] = {key: f.config_repos for key, f in FAMILIES.items() if f.config_repos}


@dataclass(frozen=True)
class ModelInfo:
    id: str
    path: Path
    family: Family
    kind: Kind
    ready: bool
    problems: tuple[str, ...] = ()
    config: Path | None = None
    """Single-file checkpoints: the local diffusers folder whose configs (and tokenizers) describe it."""
    native_size: int | None = None
    turbo: bool = False
    ip_adapter: Path | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def family_key(self) -> str:
        return f"{self.family}-turbo" if self.turbo and self.family == "sdxl" else self.family

    def describe(self) -> str:
        state = "ready" if self.ready else "not usable: " + "; ".join(self.problems)
        return f"{self.id} ({self.family}, {self.kind}) — {state}"


# --- reading headers ------------------------------------------------------------------------------------------------


def safetensors_keys(path: Path) -> list[str]:
    """Tensor names from the JSON header only (8-byte length + header), so multi-GB files cost nothing to inspect."""
    try:
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            if n > 100 * 2**20:
                raise ValueError("header too large")
            header = json.loads(f.read(n))
    except (OSError, ValueError, struct.error) as e:
        raise BackendError(f"{path.name} is not a readable .safetensors file ({e}).", "Re-copy or re-export it.") from e
    return [k for k in header if k != "__metadata__"]


_ZIP_MAGIC = b"PK\x03\x04"


def pickle_reason(path: Path) -> str | None:
    """Why `path` would be unpickled if loaded (by its extension or by its first bytes), or None.

    torch's checkpoints are zip files holding a pickle (PK\\x03\\x04) or a bare pickle (\\x80 + protocol);
    a real .safetensors starts with an 8-byte header length followed by '{'."""
    if path.suffix.lower() in PICKLE_SUFFIXES:
        return f"{path.name} is a pickle file ({path.suffix})"
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return None
    if head.startswith(_ZIP_MAGIC):
        return f"{path.name} is a zipped pickle (a torch checkpoint), whatever its name says"
    if len(head) >= 2 and head[0] == 0x80 and 1 <= head[1] <= 5:
        return f"{path.name} is a pickle, whatever its name says"
    return None


def refuse_pickle(path: Path, what: str = "model file") -> None:
    """BackendError before anything loads a file that would be unpickled (pickle can run any code)."""
    reason = pickle_reason(path)
    if reason:
        raise BackendError(
            f"The {what} {path} was refused: {reason}, and loading pickle can run code on this machine.",
            "Use the .safetensors release of it (or convert it with a trusted tool) and rescan.",
        )


def refuse_pickle_weights(folder: Path, what: str) -> None:
    """A folder a library will load weights from: refused when it would fall back to pickle weights (no
    .safetensors), or when a .safetensors file in it is really a pickle."""
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    safe = [p for p in files if p.suffix == ".safetensors" or p.name.endswith(".safetensors.index.json")]
    for p in safe:
        if p.suffix == ".safetensors":
            refuse_pickle(p, what)
    if not safe:
        pickles = [p for p in files if p.suffix.lower() in PICKLE_SUFFIXES]
        if pickles:
            refuse_pickle(pickles[0], what)


def tokenizer_problem(folder: Path) -> str | None:
    """A tokenizer folder without vocabulary loads nothing useful: every prompt would be silently ignored."""
    names = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    if "tokenizer.json" in names or "spiece.model" in names or "tokenizer.model" in names:
        return None
    if "vocab.json" in names and "merges.txt" in names:
        return None
    if "vocab.txt" in names:
        return None
    missing = "vocab.json and merges.txt" if "vocab.json" not in names else "merges.txt"
    return (
        f"{folder.name}/ has no vocabulary ({missing}, or tokenizer.json / spiece.model): without it every prompt "
        "would be ignored; copy the tokenizer files from the model's release"
    )


def family_from_keys(keys: list[str]) -> tuple[Family, str]:
    """(family, what it is) from checkpoint key names, the way diffusers' single-file loader tells them apart."""
    ks = set(keys)

    def has(prefix: str) -> bool:
        return any(k.startswith(prefix) for k in keys)

    if any(".lora_down." in k or ".lora.down." in k or ".lora_A." in k or k.startswith("lora_unet_") for k in keys):
        return "unknown", "lora"
    if has("image_proj.") and has("ip_adapter."):
        return "unknown", "ip-adapter"
    if has("double_blocks.") or has("model.diffusion_model.double_blocks."):
        return "flux", "checkpoint"
    if has("model.diffusion_model.joint_blocks.") or has("joint_blocks."):
        return "sd3", "checkpoint"
    if has("conditioner.embedders.1.") or "model.diffusion_model.label_emb.0.0.weight" in ks:
        return "sdxl", "checkpoint"
    if has("cond_stage_model.model.transformer."):
        return "unknown", "sd2"
    if has("model.diffusion_model.input_blocks."):
        return "sd15", "checkpoint"
    return "unknown", "unknown"


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _native_size(folder: Path, family: Family) -> int:
    vae = _json(folder / "vae" / "config.json")
    factor = 2 ** (len(vae.get("block_out_channels", [0, 0, 0, 0])) - 1)
    for denoiser in ("unet", "transformer"):
        sample = _json(folder / denoiser / "config.json").get("sample_size")
        if isinstance(sample, int) and not (family == "sd3" and denoiser == "transformer" and sample == 128):
            return sample * factor
    return NATIVE_SIZE[family]


def _component_problems(folder: Path, index: dict) -> list[str]:
    problems = []
    for name, spec in index.items():
        if name.startswith("_") or not isinstance(spec, list) or len(spec) != 2 or spec[0] is None:
            continue
        sub = folder / name
        if name in ("safety_checker", "feature_extractor", "image_encoder"):
            continue
        if not sub.is_dir():
            problems.append(f"this folder has no {name}/ (model_index.json lists {spec[1]})")
            continue
        if name.startswith("tokenizer"):  # SD3 has tokenizer_3: configs and vocab, no weights
            problem = tokenizer_problem(sub)
            if problem:
                problems.append(problem)
            continue
        if name == "scheduler":
            continue
        files = [p for p in sub.iterdir() if p.is_file()]
        if not any(p.name == "config.json" for p in files):
            problems.append(f"{name}/ has no config.json")
        if not any(p.suffix == ".safetensors" or p.name.endswith(".safetensors.index.json") for p in files):
            if any(p.suffix in PICKLE_SUFFIXES for p in files):
                problems.append(
                    f"{name}/ holds only pickle weights (.bin): refused, pickle files can run code when loaded"
                )
            else:
                problems.append(f"{name}/ has no .safetensors weights")
    return problems


def _ip_adapter(folder: Path) -> Path | None:
    for base in (folder / "ip_adapter", folder / "ip-adapter", folder.parent / "ip-adapter"):
        if base.is_dir() and any(base.rglob("*.safetensors")) and any(base.rglob("image_encoder/config.json")):
            return base
    return None


def _inspect_safely(folder: Path, *, model_id: str | None = None, kind: Kind = "folder") -> ModelInfo:
    """inspect_folder, but a folder it cannot make sense of is listed unusable with the reason, not a failed scan."""
    try:
        return inspect_folder(folder, model_id=model_id, kind=kind)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, BackendError) as e:
        return ModelInfo(
            id=model_id or folder.name,
            path=folder,
            family="unknown",
            kind=kind,
            ready=False,
            problems=(f"unusable: its files cannot be read ({type(e).__name__}: {e})",),
        )


def inspect_folder(folder: Path, *, model_id: str | None = None, kind: Kind = "folder") -> ModelInfo:
    index = _json(folder / "model_index.json")
    cls = str(index.get("_class_name", ""))
    family: Family = PIPELINE_FAMILIES.get(cls, "unknown")
    problems = []
    if not index:
        problems.append("no model_index.json: not a diffusers folder")
    elif family == "unknown":
        problems.append(f"pipeline {cls or '(unnamed)'} is not one of SD 1.5, SDXL, SD3 or FLUX")
    if family == "sd15" and _json(folder / "unet" / "config.json").get("cross_attention_dim") == 1024:
        family = "unknown"
        problems.append("this is a Stable Diffusion 2.x model, which the studio does not support")
    problems += _component_problems(folder, index)
    name = model_id or folder.name
    return ModelInfo(
        id=name,
        path=folder,
        family=family,
        kind=kind,
        ready=not problems,
        problems=tuple(problems),
        native_size=_native_size(folder, family) if index else None,
        turbo="turbo" in name.lower() or "turbo" in str(folder).lower(),
        ip_adapter=_ip_adapter(folder),
    )


# --- scanning -------------------------------------------------------------------------------------------------------


def hf_cache_dir() -> Path | None:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]) / "hub"
    default = Path.home() / ".cache" / "huggingface" / "hub"
    return default if default.is_dir() else None


def _hf_snapshots(cache: Path) -> list[tuple[str, Path]]:
    out = []
    for repo in sorted(cache.glob("models--*")):
        snaps = sorted((repo / "snapshots").glob("*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for snap in snaps:
            if (snap / "model_index.json").is_file():
                out.append((repo.name.removeprefix("models--").replace("--", "/"), snap))
                break
    return out


def model_folders(extra: list[Path] | None = None, *, env: Mapping[str, str] | None = None) -> list[Path]:
    """The studio's models folder, the folders `env` lists in QIANMIAN_IMAGE_MODELS (`os.environ` when None; a
    stage passes `{}` and its settings' folders as `extra`), then `extra`."""
    folders = [paths.models_dir() / "image"]
    listed = (os.environ if env is None else env).get(MODELS_ENV, "")
    folders += [Path(p) for p in listed.split(os.pathsep) if p.strip()]
    folders += list(extra or [])
    return list(dict.fromkeys(folders))


def scan(
    extra: list[Path] | None = None, *, include_hf_cache: bool = True, env: Mapping[str, str] | None = None
) -> list[ModelInfo]:
    """Every model found, usable or not, each with the problems that keep it from loading."""
    found: list[ModelInfo] = []
    singles: list[tuple[Path, Family, str]] = []
    for root in model_folders(extra, env=env):
        if not root.is_dir():
            continue
        entries = [root] if (root / "model_index.json").is_file() else sorted(root.iterdir())
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and (entry / "model_index.json").is_file():
                if entry.with_name(entry.name + ".safetensors").is_file():
                    continue  # the configs of a single-file checkpoint, not a model of its own
                found.append(_inspect_safely(entry))
            elif entry.is_file() and entry.suffix == ".safetensors":
                try:
                    refuse_pickle(entry, "checkpoint")
                    family, what = family_from_keys(safetensors_keys(entry))
                except BackendError as e:  # one damaged file marks only itself unusable, never the whole library
                    found.append(
                        ModelInfo(
                            id=entry.stem,
                            path=entry,
                            family="unknown",
                            kind="single-file",
                            ready=False,
                            problems=(f"unusable: {e.message} {e.hint}".strip(),),
                        )
                    )
                    continue
                if what in ("lora", "ip-adapter"):
                    continue
                singles.append((entry, family, what))
            elif entry.is_file() and entry.suffix in PICKLE_SUFFIXES:
                found.append(
                    ModelInfo(
                        id=entry.stem,
                        path=entry,
                        family="unknown",
                        kind="pickle",
                        ready=False,
                        problems=(
                            f"{entry.name} is a pickle checkpoint: refused, because loading pickle can run code. "
                            "Convert it to .safetensors (or download the .safetensors release) and rescan.",
                        ),
                    )
                )
    cached = _hf_snapshots(hf_cache_dir()) if include_hf_cache and hf_cache_dir() else []
    for repo_id, snap in cached:
        found.append(_inspect_safely(snap, model_id=repo_id, kind="hf-cache"))
    for path, family, what in singles:
        found.append(_single_file(path, family, what, found, cached))
    seen: dict[str, int] = {}
    unique = []
    for info in found:
        n = seen.get(info.id, 0)
        seen[info.id] = n + 1
        unique.append(info if n == 0 else replace(info, id=f"{info.id}~{n + 1}"))
    return unique


def _single_file(
    path: Path, family: Family, what: str, found: list[ModelInfo], cached: list[tuple[str, Path]]
) -> ModelInfo:
    problems = []
    config = None
    if what == "sd2":
        problems.append("this is a Stable Diffusion 2.x checkpoint, which the studio does not support")
    elif family == "unknown":
        problems.append("the checkpoint's tensors match none of SD 1.5, SDXL, SD3 or FLUX")
    else:
        for candidate in (path.with_suffix(""), path.with_name(path.stem + ".config")):
            if (candidate / "model_index.json").is_file():
                config = candidate
                break
        if config is None:
            same = [m for m in found if m.family == family and m.ready and m.kind in ("folder", "hf-cache")]
            preferred = [m for m in same if m.kind == "hf-cache" and m.id in CONFIG_REPOS.get(family, ())]
            if preferred or same:
                config = (preferred or same)[0].path
        if config is None:
            problems.append(
                f"a single-file {family} checkpoint needs the model's configs to load offline: put a diffusers "
                f"folder of the same family (configs and tokenizers are enough) next to it as {path.stem}/"
            )
    native = _native_size(config, family) if config is not None else NATIVE_SIZE[family]
    return ModelInfo(
        id=path.stem,
        path=path,
        family=family,
        kind="single-file",
        ready=not problems,
        problems=tuple(problems),
        config=config,
        native_size=native,
        turbo="turbo" in path.stem.lower(),
        ip_adapter=_ip_adapter(config) if config else None,
    )


_SCAN_CACHE: dict[tuple[object, ...], list[ModelInfo]] = {}


def _cached_scan(extra: tuple[Path, ...], env: Mapping[str, str] | None = None) -> list[ModelInfo]:
    """A scan is reused while no scanned folder or entry in it changed (mtimes), so a generation skips the walk."""
    roots = [*model_folders(list(extra), env=env), *([hf_cache_dir()] if hf_cache_dir() else [])]
    signature = tuple(
        (str(p), p.stat().st_mtime_ns) for r in roots if r is not None and r.is_dir() for p in (r, *r.iterdir())
    )
    key = (extra, signature)
    if key not in _SCAN_CACHE:
        _SCAN_CACHE.clear()
        _SCAN_CACHE[key] = scan(list(extra), env=env)
    return _SCAN_CACHE[key]


def find_model(model_id: str, extra: list[Path] | None = None, *, env: Mapping[str, str] | None = None) -> ModelInfo:
    """The model a request names (an id from the scan, or a path); errors say what was found instead.

    `extra` and `env` choose the folders scanned (see `model_folders`): stages pass their settings' folders and
    `env={}`, so a changed setting counts at the next call and the process environment never does."""
    direct = Path(model_id).expanduser()
    if direct.exists() and direct.is_absolute():
        return next((m for m in scan([direct.parent], include_hf_cache=False) if m.path == direct), None) or (
            inspect_folder(direct)
        )
    models = _cached_scan(tuple(extra or ()), env)
    for m in models:
        if m.id == model_id:
            return m
    known = ", ".join(m.id for m in models if m.ready) or "none"
    raise BackendError(
        f"No image model called {model_id!r} was found.",
        f"Put a diffusers folder or a .safetensors checkpoint in {paths.models_dir() / 'image'} "
        f"(or a folder listed in {MODELS_ENV}), or pick a found one: {known}.",
    )


def require_ready(info: ModelInfo) -> ModelInfo:
    if not info.ready:
        raise BackendError(
            f"The image model {info.id} cannot be loaded: {'; '.join(info.problems)}.",
            f"Fix the files in {info.path} and rescan, or pick another model (the procedural frames always work).",
        )
    return info


def lora_files(extra: list[Path] | None = None) -> list[Path]:
    """LoRA .safetensors files in the model folders (and their lora/ subfolders)."""
    out = []
    for root in model_folders(extra):
        for folder in (root, root / "lora", root / "loras"):
            if folder.is_dir():
                for f in sorted(folder.glob("*.safetensors")):
                    try:
                        refuse_pickle(f, "LoRA")
                        if family_from_keys(safetensors_keys(f))[1] == "lora":
                            out.append(f)
                    except BackendError:
                        continue  # a damaged or disguised file is not offered as a LoRA
    return list(dict.fromkeys(out))
