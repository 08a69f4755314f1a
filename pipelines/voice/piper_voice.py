"""Piper neural voices (`piper-tts`, optional): a `.onnx` + `.onnx.json` pair per voice, from a folder or a package.

Word timings come from Piper's phoneme alignments (they need the `onnx` package to patch the model in memory);
without them, or when the spoken words cannot be matched to the written ones (numbers read out), words are empty.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipelines.voice import registry
from pipelines.voice.registry import PIPER_HINT, find_piper_model
from pipelines.voice.speech import Speech, as_float32
from studio.model.errors import BackendError, StudioError
from studio.model.project import WordTiming
from studio.model.requests import VoiceRequest
from studio.model.stage import CancelToken, ProgressFn, check, report

if TYPE_CHECKING:
    from piper import PiperVoice

_lock = threading.Lock()
_voices: dict[Path, PiperVoice] = {}
_MAX_LOADED = 4


def load_voice(model: Path) -> PiperVoice:
    """Load a PiperVoice once and keep it (a few at most), with alignments when `onnx` is installed."""
    if not registry.has_module("piper"):
        raise BackendError("The Piper engine (piper-tts) is not installed.", hint=PIPER_HINT)
    key = model.resolve()
    with _lock:
        if key in _voices:
            return _voices[key]
        from piper import PiperVoice

        config = Path(f"{model}.json")
        if not config.is_file():
            raise BackendError(
                f"The Piper voice {model.name} has no {config.name} beside it.",
                hint="Copy the voice's .onnx.json config next to the .onnx file.",
            )
        try:
            from studio import paths  # where side files of a voice (Chinese, Hebrew frontends) are kept

            voice = PiperVoice.load(
                model,
                config_path=config,
                include_alignments=registry.has_module("onnx"),
                download_dir=paths.cache_dir() / "piper",
            )
        except Exception as exc:
            raise BackendError(
                f"Could not load the Piper voice {model}: {exc}",
                hint="Is it a Piper voice (.onnx with its .onnx.json)? Re-download or re-export it.",
            ) from exc
        if len(_voices) >= _MAX_LOADED:
            _voices.pop(next(iter(_voices)))
        _voices[key] = voice
        return voice


def synthesize_piper(
    request: VoiceRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Speech:
    from piper import SynthesisConfig

    _, _, name = request.voice.partition(":")
    if not name.strip():
        raise BackendError("Which Piper voice?", hint="Use 'piper:<path to .onnx>' or 'piper:<voice name>'.")
    model = find_piper_model(name.strip())
    check(cancel)
    report(on_progress, 0.0, f"Voicing (Piper {model.stem})")
    voice = load_voice(model)
    check(cancel)
    try:
        sentences = max(1, len(voice.phonemize(request.text)))
        length_scale = voice.config.length_scale / max(0.1, request.rate)
        config = SynthesisConfig(length_scale=length_scale)
        pieces: list[np.ndarray] = []
        phonemes: list[list[tuple[str, int]]] = []
        aligned = True
        sample_rate = voice.config.sample_rate
        for i, chunk in enumerate(voice.synthesize(request.text, syn_config=config, include_alignments=True)):
            pieces.append(as_float32(chunk.audio_float_array))
            sample_rate = chunk.sample_rate
            if chunk.phoneme_alignments:
                phonemes.append([(a.phoneme, int(a.num_samples)) for a in chunk.phoneme_alignments])
            else:
                aligned = False
            report(on_progress, (i + 1) / sentences, f"Voicing (Piper {model.stem})")
            check(cancel)
    except StudioError:
        raise
    except Exception as exc:  # Piper's frontends raise anything from KeyError to network errors
        raise BackendError(
            f"The Piper voice {model.stem} could not speak {request.text[:40]!r}: {exc}",
            hint="Try the espeak voice for this line, or another Piper voice for the language.",
        ) from exc
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    words = _words(request.text, phonemes, sample_rate, voice) if aligned else []
    report(on_progress, 1.0, f"Voiced {len(samples) / sample_rate:.1f} s")
    return Speech(samples=samples, sample_rate=sample_rate, words=words, backend=f"piper:{model.stem}")


def _words(text: str, sentences: list[list[tuple[str, int]]], sample_rate: int, voice: PiperVoice) -> list[WordTiming]:
    """Group aligned phonemes into spoken words at the spaces and match them to the written words.

    A written word may be several spoken ones ("2026" → "twenty twenty six"): phonemizing each written word alone
    says how many; when the counts still disagree no timings are given rather than wrong ones.
    """
    spans: list[tuple[float, float]] = []
    offset = 0
    for aligned in sentences:
        start: int | None = None
        position = offset
        for phoneme, samples in aligned:
            if phoneme in {" ", "^", "$"}:
                if start is not None:
                    spans.append((start / sample_rate, position / sample_rate))
                    start = None
            elif start is None:
                start = position
            position += samples
        if start is not None:
            spans.append((start / sample_rate, position / sample_rate))
        offset = position
    written = text.split()
    if len(spans) == len(written):
        counts = [1] * len(written)
    else:
        counts = [max(1, sum(_spoken_words(p) for p in voice.phonemize(w))) for w in written]
        if sum(counts) != len(spans):
            return []
    words: list[WordTiming] = []
    i = 0
    for word, count in zip(written, counts, strict=True):
        first, last = spans[i][0], spans[i + count - 1][1]
        words.append(WordTiming(text=word, start_s=round(first, 3), end_s=round(last, 3)))
        i += count
    return words


def _spoken_words(phonemes: list[str]) -> int:
    """How many words a sentence's phonemes hold (groups between spaces)."""
    count, inside = 0, False
    for phoneme in phonemes:
        if phoneme == " ":
            inside = False
        elif not inside:
            count, inside = count + 1, True
    return count
