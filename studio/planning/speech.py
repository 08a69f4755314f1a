"""Speech-rate fit: how long a line takes to say in its language, and what to do when it does not fit its shot."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
    need = [spoken_seconds(t, rate) + (LEAD_S if t.strip() else 0.0) for t in lines]
    out, over_s = fit_needs(need, durations, fixed=fixed)
    over = {i: (round(x, 1), max(1, round(x * rate.per_second + 0.49))) for i, x in over_s.items()}
    return Fit(out, over)


def fit_needs(
    need: list[float], durations: list[float], *, fixed: set[int] | None = None
) -> tuple[list[float], dict[int, float]]:
    """Shot lengths (same total) giving each shot the seconds it needs where other shots can spare them, and the
    seconds each shot still runs over."""
    fixed = fixed or set()
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
    over = {i: n - out[i] for i, n in enumerate(need) if n - out[i] > 0.05}
    drift = round(sum(durations) - sum(out), 2)
    if drift and out:
        k = max(range(len(out)), key=lambda j: out[j])
        out[k] = round(out[k] + drift, 2)
    return out, over


# --- Limits from data: assets/knowledge/speech.toml --------------------------------------------------------------


@dataclass(frozen=True)
class SpeechLimits:
    """How far a voice may be sped up per language, caption reading speeds per script, platform maximum lengths."""

    rates: dict[str, tuple[float, float]]
    reading: dict[str, SpeechRate]
    platform_max_s: dict[str, float]
    tolerance_s: float

    def rate_bounds(self, language: str) -> tuple[float, float]:
        """(slowest, fastest) voice speed for a BCP-47 tag, as multipliers of its natural rate."""
        tag = language.lower()
        for key in (tag, tag.split("-")[0]):
            if key in self.rates:
                return self.rates[key]
        return self.rates.get("default", (0.9, 1.25))

    def reading_speed(self, script: str) -> SpeechRate:
        return self.reading.get(script) or self.reading.get("default") or SpeechRate(unit="words", per_second=3.0)

    def max_duration_s(self, platforms: list[str]) -> float:
        """The shortest maximum among the platforms named (a key found as words in the name), else the default."""
        found = []
        for name in platforms:
            keys = [k for k in self.platform_max_s if k != "default" and re.search(rf"\b{re.escape(k)}\b", name)]
            if keys:
                found.append(self.platform_max_s[max(keys, key=len)])
        return min(found) if found else self.platform_max_s.get("default", 60.0)


def _limits_file() -> Path:
    from studio import paths

    return paths.knowledge_dir() / "speech.toml"


@cache
def _load_limits(path: Path) -> SpeechLimits:
    from studio.model.errors import ValidationFailed

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        rates = {k: (float(v["min"]), float(v["max"])) for k, v in data.get("rate", {}).items()}
        reading = {k: SpeechRate(**v) for k, v in data.get("reading", {}).items()}
        platforms = {k: float(v) for k, v in data.get("platform_max_s", {}).items()}
        tolerance = float(data.get("tolerance_s", 0.5))
    except FileNotFoundError:
        return SpeechLimits({"default": (0.9, 1.25)}, {}, {"default": 60.0}, 0.5)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise ValidationFailed(
            f"Cannot read {path}: {e}",
            "Each [rate] entry needs min and max, each [reading] entry unit and per_second, [platform_max_s] seconds.",
        ) from e
    for lang, (lo, hi) in rates.items():
        if not 0 < lo <= 1.0 <= hi:
            raise ValidationFailed(f"{path}: rate.{lang} = {lo}..{hi} must include 1.0.", "Use e.g. min 0.9, max 1.25.")
    return SpeechLimits(rates, reading, platforms, tolerance)


def speech_limits() -> SpeechLimits:
    return _load_limits(_limits_file().resolve())


# --- Which units a line is measured in --------------------------------------------------------------------------

#: How fast a line left in Latin script (an untranslated English line) is said, whatever the variant's language.
LATIN_RATE = SpeechRate(unit="words", per_second=2.5)


def line_rate(text: str, rate: SpeechRate, language: str) -> tuple[SpeechRate, bool]:
    """The rate to measure `text` with, and whether it is in the language's own script.

    A Japanese variant showing an English line must be measured in English words, not Japanese characters:
    measured at 6.5 characters/s a 15-word English line looked 40 s long.
    """
    from pipelines.fonts import script_for_language, script_of_char

    script = script_for_language(language)
    if script == "latin" or not text.strip():
        return rate, True
    own = any(script_of_char(ch) == script for ch in text)
    if own:
        return rate, True
    return LATIN_RATE, False


def unit_name(rate: SpeechRate, n: int) -> str:
    return rate.unit if n != 1 else rate.unit.removesuffix("s")
