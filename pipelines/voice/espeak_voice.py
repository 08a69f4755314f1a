"""The embedded voice: espeak-ng for every language, with word timings from its word events."""

from __future__ import annotations

import unicodedata

import numpy as np

from pipelines.voice import espeak
from pipelines.voice.languages import LanguageSettings, espeak_voice_for, settings_for
from pipelines.voice.speech import Speech, as_float32
from studio.model.errors import BackendError, Cancelled
from studio.model.project import WordTiming
from studio.model.requests import VoiceRequest
from studio.model.stage import CancelToken, ProgressFn, check, report

#: Audio quieter than this fraction of the line's peak counts as silence (word ends, trailing pause).
SILENCE_FRACTION = 0.02
#: Silence kept after the last sound so the line does not end abruptly.
TAIL_S = 0.08
_FRAME_S = 0.01


def _settings(request: VoiceRequest, name: str) -> LanguageSettings:
    """Language tuning, with the voice named after "espeak:" (e.g. "th+f3") when there is one."""
    try:
        settings = settings_for(request.language)
    except BackendError:
        if not name:
            raise
        return LanguageSettings(name)
    return LanguageSettings(name, settings.rate_wpm, settings.pitch) if name else settings


def voice_name(request: VoiceRequest) -> str:
    """The espeak voice a request resolves to (raises BackendError for an unknown language)."""
    _, _, name = request.voice.partition(":")
    return name.strip() or espeak_voice_for(request.language)


def synthesize_espeak(
    request: VoiceRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Speech:
    _, _, name = request.voice.partition(":")
    settings = _settings(request, name.strip())
    check(cancel)
    text = request.text
    report(on_progress, 0.0, f"Voicing ({settings.voice}): {_preview(text)}")

    def on_sentence(offset: int) -> None:
        report(on_progress, offset / max(1, len(text)), f"Voicing ({settings.voice}): {_preview(text)}")

    result = espeak.synthesize(
        text,
        settings.voice,
        rate_wpm=settings.rate_wpm * request.rate,
        pitch=settings.pitch * request.pitch,
        should_stop=(lambda: cancel.cancelled) if cancel is not None else None,
        on_sentence=on_sentence if on_progress is not None else None,
    )
    if result is None:
        raise Cancelled()
    samples = as_float32(result.samples)
    energy = _frame_peaks(samples, result.sample_rate)
    samples = _trim_tail(samples, result.sample_rate, energy)
    words = word_timings(text, result.words, energy, len(samples) / result.sample_rate)
    report(on_progress, 1.0, f"Voiced {len(samples) / result.sample_rate:.1f} s")
    return Speech(samples=samples, sample_rate=result.sample_rate, words=words, backend=f"espeak:{settings.voice}")


def _preview(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _frame_peaks(samples: np.ndarray, rate: int) -> np.ndarray:
    """Peak level per 10 ms frame, relative to the line's peak (0..1)."""
    frame = max(1, int(rate * _FRAME_S))
    n = len(samples) // frame
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    peaks = np.abs(samples[: n * frame]).reshape(n, frame).max(axis=1)
    top = float(peaks.max())
    return peaks / top if top > 0 else peaks


def _trim_tail(samples: np.ndarray, rate: int, energy: np.ndarray) -> np.ndarray:
    voiced = np.flatnonzero(energy > SILENCE_FRACTION)
    if len(voiced) == 0:
        return samples
    end = int((voiced[-1] + 1) * _FRAME_S * rate + TAIL_S * rate)
    return samples[: min(len(samples), end)]


#: Scripts written without spaces between words (Thai, Lao, Khmer, Myanmar, kana, CJK ideographs).
_UNSPACED = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF), (0x3400, 0x9FFF), (0xF900, 0xFAFF))


def _unspaced(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _UNSPACED)


def _inside_a_word(text: str, i: int) -> bool:
    """True for a position inside a space-delimited word ("2026" read as two numbers): not a word of its own."""
    return 0 < i < len(text) and not text[i - 1].isspace() and not (_unspaced(text[i - 1]) or _unspaced(text[i]))


def _cluster_start(text: str, i: int) -> int:
    """Move back to the start of a grapheme cluster (never begin a word on a combining mark)."""
    while 0 < i < len(text) and unicodedata.category(text[i])[0] == "M":
        i -= 1
    return i


#: Scripts written without spaces, where espeak's word events are clauses or drift by a character or two:
#: Thai, Lao, Myanmar, Khmer, kana, CJK ideographs. ICU's dictionaries segment them into words.
_SEGMENTED = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF), (0x3400, 0x9FFF))


def _dictionary_words(text: str) -> list[tuple[int, int]] | None:
    """Word spans from ICU's dictionary segmentation, for text in a script written without spaces (else None)."""
    if not any(lo <= ord(ch) <= hi for ch in text for lo, hi in _SEGMENTED):
        return None
    try:
        from icu4py.breakers import WordBreaker
    except ImportError:
        return None
    spans: list[tuple[int, int]] = []
    position = 0
    kana = any(0x3040 <= ord(ch) <= 0x30FF for ch in text)
    for piece in WordBreaker(text, "ja" if kana else "th"):
        if any(unicodedata.category(ch)[0] in "LN" for ch in piece):
            spans.append((position if spans else 0, position + len(piece)))
        position += len(piece)
    return spans or None


def word_timings(text: str, events: list[espeak.WordEvent], energy: np.ndarray, duration_s: float) -> list[WordTiming]:
    """Words with start/end in seconds from the library's word events.

    A word's text runs from its event's position to the next word's, so punctuation stays attached; it ends at its
    last sound before the next word starts. In Thai-like scripts espeak's own segmentation and positions are rough,
    so the words are ICU's and their times are read off the events' position → time curve.
    ICU's words in those scripts carry no punctuation of their own: a lone mark ("、", "。") joins the word before.
    """
    starts: list[tuple[int, float]] = []
    for event in events:
        offset = _cluster_start(text, max(0, min(len(text), event.text_offset)))
        start_s = max(0.0, event.audio_ms / 1000.0)
        if offset >= len(text) or (
            starts and (offset <= starts[-1][0] or start_s < starts[-1][1] or _inside_a_word(text, offset))
        ):
            continue
        starts.append((offset, start_s))
    spans = _dictionary_words(text)
    if spans is not None and starts:
        anchors = [*starts, (len(text), duration_s)]
        offsets, times = [a for a, _ in anchors], [t for _, t in anchors]
        timed = [(a, float(np.interp(a, offsets, times))) for a, _ in spans]
        starts = [(a, t) for i, (a, t) in enumerate(timed) if i == 0 or t > timed[i - 1][1]]
    words: list[WordTiming] = []
    for i, (offset, start_s) in enumerate(starts):
        next_offset, next_s = starts[i + 1] if i + 1 < len(starts) else (len(text), duration_s)
        piece = text[offset:next_offset].strip()
        if not piece or start_s >= duration_s:
            continue
        next_s = min(next_s, duration_s)
        first, last = int(start_s / _FRAME_S), int(next_s / _FRAME_S)
        voiced = np.flatnonzero(energy[first:last] > SILENCE_FRACTION)
        end_s = (first + voiced[-1] + 1) * _FRAME_S if len(voiced) else next_s
        end_s = min(max(end_s, start_s + _FRAME_S), next_s, duration_s)
        words.append(WordTiming(text=piece, start_s=round(start_s, 3), end_s=round(max(end_s, start_s), 3)))
    return words
