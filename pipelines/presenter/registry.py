"""Presenter model folders: the MuseTalk-style lip-sync layout (workstation tier) and Wan 2.2 S2V (GPU-pool tier).

Lip-sync folder layout (all weights as .safetensors; pickle weights are refused as for image models):

    <folder>/unet/     config.json + diffusion_pytorch_model.safetensors  (diffusers UNet2DConditionModel, 8 in
                       channels: masked face latents + reference face latents; cross-attention = Whisper d_model)
    <folder>/vae/      config.json + diffusion_pytorch_model.safetensors  (diffusers AutoencoderKL, sd-vae-ft-mse)
    <folder>/whisper/  config.json + model.safetensors + preprocessor_config.json  (transformers Whisper, encoder used)

MuseTalk's code is MIT; its released weights are under their own terms (see the README's presenter section) and its
UNet/VAE ship as .bin/.pth: convert them to this layout once (safetensors) before the studio loads them.
A folder whose model_index.json names `WanSpeechToVideoPipeline` is recognised as the S2V tier and refused with what
it needs: diffusers 0.42.1 has no such pipeline, and the studio does not hand-write one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.image.registry import refuse_pickle_weights
from studio import paths
from studio.model.errors import BackendError

#: Folders listed here (os.pathsep-separated) are searched for presenter models, after models_dir()/"presenter".
MODELS_ENV = "QIANMIAN_PRESENTER_MODELS"
S2V_CLASS = "WanSpeechToVideoPipeline"
PARTS = ("unet", "vae", "whisper")


@dataclass(frozen=True)
class LipSyncFolder:
    """A checked lip-sync model folder."""

    path: Path

    @property
    def id(self) -> str:
        return f"lipsync:{self.path.name}"

    def part(self, name: str) -> Path:
        return self.path / name


def s2v_available() -> bool:
    """Whether the installed diffusers has the Wan 2.2 speech-to-video pipeline (0.42.1 does not)."""
    import importlib.util

    if importlib.util.find_spec("diffusers") is None:
        return False
    import diffusers

    return hasattr(diffusers, S2V_CLASS)


def _class_name(folder: Path) -> str:
    index = folder / "model_index.json"
    if not index.is_file():
        return ""
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackendError(f"{index} is not readable JSON ({e}).", "Copy the model folder again.") from e
    return str(data.get("_class_name", "")) if isinstance(data, dict) else ""


def inspect_folder(folder: Path) -> LipSyncFolder:
    """Check a presenter model folder; a clear error names what is missing or why it cannot run."""
    folder = folder.expanduser()
    if not folder.is_dir():
        raise BackendError(f"The presenter model folder {folder} does not exist.", _where_hint())
    if _class_name(folder) == S2V_CLASS:
        version = _diffusers_version()
        if not s2v_available():
            raise BackendError(
                f"{folder} is a Wan 2.2 S2V (speech-to-video) model: it needs a diffusers release with "
                f"WanSpeechToVideoPipeline (not in {version}).",
                "Use a MuseTalk-style lip-sync folder (unet/, vae/, whisper/) for now, or update diffusers once a "
                "release adds WanSpeechToVideoPipeline.",
            )
        raise BackendError(
            f"{folder} is a Wan 2.2 S2V model; diffusers {version} has WanSpeechToVideoPipeline but the studio does "
            "not run it yet.",
            "Use a MuseTalk-style lip-sync folder (unet/, vae/, whisper/) for now.",
        )
    missing = [p for p in PARTS if not (folder / p / "config.json").is_file()]
    if missing:
        raise BackendError(
            f"The presenter model folder {folder} lacks {', '.join(f'{m}/config.json' for m in missing)}.",
            "A lip-sync folder holds unet/, vae/ and whisper/ (config.json + .safetensors each, and whisper/"
            "preprocessor_config.json); see pipelines/presenter/registry.py for the layout.",
        )
    if not (folder / "whisper" / "preprocessor_config.json").is_file():
        raise BackendError(
            f"{folder / 'whisper'} has no preprocessor_config.json (the Whisper feature extractor's settings).",
            "Save the WhisperFeatureExtractor into whisper/ (`save_pretrained`) next to the encoder weights.",
        )
    for part in PARTS:
        refuse_pickle_weights(folder / part, f"presenter {part}")
        if not any((folder / part).glob("*.safetensors")):
            raise BackendError(
                f"{folder / part} has no .safetensors weights.",
                "Convert the weights to safetensors (pickle .bin/.pth files are never loaded).",
            )
    return LipSyncFolder(folder)


def _diffusers_version() -> str:
    try:
        from importlib.metadata import version

        return f"diffusers {version('diffusers')}"
    except Exception:
        return "the installed diffusers (none found)"


def search_folders(extra: tuple[Path, ...] | list[Path] = ()) -> list[Path]:
    """Where lip-sync folders are looked for: the settings' model folders (and their presenter/), then the studio's
    own models/presenter and the folders in QIANMIAN_PRESENTER_MODELS."""
    folders = [f for e in extra for f in (Path(e).expanduser(), Path(e).expanduser() / "presenter")]
    folders += [paths.models_dir() / "presenter"]
    folders += [Path(p) for p in os.environ.get(MODELS_ENV, "").split(os.pathsep) if p.strip()]
    return folders


def lipsync_folders(extra: tuple[Path, ...] | list[Path] = ()) -> list[Path]:
    """Every folder laid out as a lip-sync model (unet/, vae/, whisper/) where the studio looks (not yet checked)."""
    found: list[Path] = []
    for root in search_folders(extra):
        candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir())] if root.is_dir() else []
        for c in candidates:
            if all((c / p / "config.json").is_file() for p in PARTS) and c not in found:
                found.append(c)
    return found


def _where_hint() -> str:
    return (
        f"Put a lip-sync folder (unet/, vae/, whisper/ as safetensors) in {paths.models_dir() / 'presenter'}, a "
        f"folder under Settings → Model folders or one listed in {MODELS_ENV}, or pass --model FOLDER; models are "
        "never downloaded by the studio."
    )


def find_lipsync(model: str | Path | None = None, folders: tuple[Path, ...] | list[Path] = ()) -> LipSyncFolder:
    """The folder a request names, else the first lip-sync folder found where the studio looks (`folders`: the
    settings' model folders, searched first)."""
    if model:
        return inspect_folder(Path(model))
    s2v: list[Path] = []
    for root in search_folders(folders):
        candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir())] if root.is_dir() else []
        for c in candidates:
            if all((c / p / "config.json").is_file() for p in PARTS):
                return inspect_folder(c)
            if _class_name(c) == S2V_CLASS:
                s2v.append(c)
    if s2v:
        inspect_folder(s2v[0])  # says what the S2V tier needs
    raise BackendError("No presenter (lip-sync) model is installed.", _where_hint())
