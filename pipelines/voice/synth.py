"""The voice stage: one VoiceRequest → one Speech, by the engine its voice id names."""

from __future__ import annotations

from pipelines.voice.speech import Speech, is_speakable
from studio.model.errors import BackendError
from studio.model.requests import VoiceRequest
from studio.model.stage import CancelToken, ProgressFn, check

ENGINES = ("espeak", "piper", "kokoro")


class NothingToSay(BackendError):
    """The line has no letters or digits; the cut decides whether the shot stays silent."""


def synthesize(
    request: VoiceRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Speech:
    """Speak one line. Raises NothingToSay for empty text, BackendError for an unknown language or a missing voice."""
    check(cancel)
    if not is_speakable(request.text):
        raise NothingToSay(
            f"Nothing to say: the voice-over line {request.text!r} has no words.",
            hint="Write the line, or leave the shot without voice-over (check is_speakable first).",
        )
    engine = request.voice.partition(":")[0].strip().lower() or "espeak"
    if engine == "espeak":
        from pipelines.voice.espeak_voice import synthesize_espeak

        return synthesize_espeak(request, on_progress=on_progress, cancel=cancel)
    if engine == "piper":
        from pipelines.voice.piper_voice import synthesize_piper

        return synthesize_piper(request, on_progress=on_progress, cancel=cancel)
    if engine == "kokoro":
        from pipelines.voice.kokoro_voice import synthesize_kokoro

        return synthesize_kokoro(request, on_progress=on_progress, cancel=cancel)
    raise BackendError(
        f"Unknown voice {request.voice!r}.",
        hint="Use 'espeak', 'espeak:<voice>', 'piper:<.onnx path or name>' or 'kokoro:<voice>'.",
    )
