"""Speech-rate fit: how long a line takes to say in its language, and what to do when it does not fit its shot."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from studio.planning.knowledge import SpeechRate

PAUSE_S = 0.15
LEAD_S = 0.1
MIN_SHOT_S = 1.0
PAUSES = re.compile(r"[,.!?;:،。！？、，．…·]|\s[-–—]\s")


def speech_units(text: str, rate: SpeechRate) -> int:
    """Words (split on spaces) or spoken characters (letters and digits, no marks, spaces or punctuation)."""
    if rate.unit == "words":
        return len(text.split())
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def spoken_seconds(text: str, rate: SpeechRate) -> float:
    """Estimated time to say `text` at the language's rate, with short pauses at punctuation."""
    text = text.strip()
    if not text:
        return 0.0
    pauses = len(PAUSES.findall(text.rstrip(".!?。！？")))
    return speech_units(text, rate) / rate.per_second + pauses * PAUSE_S


@dataclass(frozen=True)
class Fit:
    """Result of fitting lines to shots: new durations and, for lines that cannot fit, how much to cut."""

    durations: list[float]
    over: dict[int, tuple[float, int]]  # shot index -> (seconds over, units to cut)


def fit_lines(lines: list[str], durations: list[float], rate: SpeechRate, *, fixed: set[int] | None = None) -> Fit:
    """Lengthen shots whose line runs long by taking spare time from other shots, keeping the total.

    Shots in `fixed` (e.g. the 2-second hook) keep their length and lend nothing. A line that still does not fit
    is reported with the seconds it runs over and how many words/characters to cut.
    """
    fixed = fixed or set()
    need = [spoken_seconds(t, rate) + (LEAD_S if t.strip() else 0.0) for t in lines]
    out = list(durations)
    for i, n in enumerate(need):
        if i in fixed or n <= out[i] + 1e-9:
            continue
        short = n - out[i]
        for j in sorted(range(len(out)), key=lambda j: need[j] - out[j]):
            if j == i or j in fixed:
                continue
            spare = out[j] - max(need[j], MIN_SHOT_S)
            if spare <= 0.05:
                continue
            take = round(min(spare, short), 2)
            out[j] = round(out[j] - take, 2)
            out[i] = round(out[i] + take, 2)
            short -= take
            if short <= 1e-9:
                break
    over: dict[int, tuple[float, int]] = {}
    for i, n in enumerate(need):
        excess = n - out[i]
        if excess > 0.05:
            cut = max(1, round(excess * rate.per_second + 0.49))
            over[i] = (round(excess, 1), cut)
    drift = round(sum(durations) - sum(out), 2)
    if drift and out:
        k = max(range(len(out)), key=lambda j: out[j])
        out[k] = round(out[k] + drift, 2)
    return Fit(out, over)
