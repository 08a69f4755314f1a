"""Fit a variant's shots to its spoken lines and to the brief's duration.

Every localized line is synthesized (or reused from the project's voice lines) and measured; each shot then gets
at least the time its line needs, and the shots as a group are stretched or squeezed, within limits, so that they
add up to the brief's duration. The end card is part of that total and of the last shot's length: a 15 s brief
with a 3 s closing shot shows that shot's picture for 1 s and the end card for 2 s, so the shot lengths written
back to the storyboard always add up to the length of the video. When the lines together need more time than
the brief allows, the whole variant's voice is first sped up (at most `MAX_RATE`); what still does not fit makes
the cut run long rather than clipping a word, and each line that grew past its planned shot is flagged with how
much to cut.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.model import (
    BackendError,
    Flag,
    LocalizedShot,
    Project,
    ProjectStore,
    Variant,
    VoiceLine,
    VoiceRequest,
    WordTiming,
)
from studio.model.safe_paths import temp_prefix
from studio.model.stage import CancelToken, ProgressFn, check, report
from studio.render.pronounce import voice_request

#: Pause before a line starts in its shot (lets the picture land first) and after it ends (breath before the cut).
VOICE_LEAD_S = 0.25
VOICE_TAIL_S = 0.35
#: No shot is shorter than this, nor squeezed below this share of its planned length.
MIN_SHOT_S = 1.0
MIN_SQUEEZE = 0.5
#: A shot grows at most this much over its plan to fill time (speech may push it further).
MAX_STRETCH = 1.6
#: The end card: its normal length, and how short it may get when the lines need the time.
END_CARD_S = 2.0
MIN_END_CARD_S = 1.2
#: The fastest a voice is pushed (× its natural rate) when its language has no bound in assets/knowledge/speech.toml.
MAX_RATE = 1.35
#: Leading and trailing audio quieter than this (dBFS) is trimmed off a synthesized line before it is measured.
SILENCE_DB = -45.0


@dataclass(frozen=True)
class TimingFit:
    """Picture time per shot (same order as the input), the end card's length, and each line's overflow (s)."""

    durations: list[float]
    end_card_s: float
    overflow: list[float]

    @property
    def total_s(self) -> float:
        return sum(self.durations) + self.end_card_s

    @property
    def shot_lengths(self) -> list[float]:
        """Storyboard lengths: the picture time, with the end card counted in the last shot."""
        return [*self.durations[:-1], self.durations[-1] + self.end_card_s] if self.durations else []

    @property
    def over_s(self) -> float:
        return sum(self.overflow)


def fit_timing(
    planned: list[float],
    speech: list[float | None],
    target_s: float,
    *,
    end_card_s: float = END_CARD_S,
) -> TimingFit:
    """Shot lengths that hold every line and add up (with the end card) to `target_s` when that is possible.

    `planned` are storyboard lengths, the last one including the end card; the fit returns picture time.

    Each shot lies in [low, high]: low is what its line needs (lead + speech + tail) or a minimum share of its plan,
    high is a stretch of its plan. One scale factor k applied to every planned length, clamped to those limits, is
    found by bisection so the sum hits the target; leftover time beyond every shot's high goes to the end card.
    The last line may run on over the end card. When even the lows do not fit, the end card shrinks towards its
    minimum and the shots stay at their lows: the video runs long and `overflow` shares the excess among the
    lines that grew past their planned shots.
    """
    if len(planned) != len(speech) or not planned:
        raise ValueError("planned and speech must have one entry per shot")
    planned = [*planned[:-1], max(MIN_SHOT_S, planned[-1] - end_card_s)]
    need = [VOICE_LEAD_S + s + VOICE_TAIL_S if s else 0.0 for s in speech]

    def lows(card: float) -> list[float]:
        """The last line may run on over the end card, so its shot needs only what the card does not cover."""
        wants = [*need[:-1], max(0.0, need[-1] - card)]
        return [max(MIN_SHOT_S, MIN_SQUEEZE * p, n) for p, n in zip(planned, wants, strict=True)]

    low = lows(end_card_s)
    while sum(low) + end_card_s > target_s and end_card_s > MIN_END_CARD_S:
        end_card_s = max(MIN_END_CARD_S, end_card_s - 0.05)
        low = lows(end_card_s)
    high = [max(lo, MAX_STRETCH * p) for lo, p in zip(low, planned, strict=True)]
    shots_target = target_s - end_card_s
    if sum(low) >= shots_target:
        over = sum(low) - shots_target
        grew = [max(0.0, lo - p) for lo, p in zip(low, planned, strict=True)]
        total_grew = sum(grew) or 1.0
        overflow = [over * g / total_grew if over > 1e-6 else 0.0 for g in grew]
        return TimingFit(low, end_card_s, overflow)
    if sum(high) <= shots_target:
        return TimingFit(high, end_card_s + shots_target - sum(high), [0.0] * len(planned))

    def sized(k: float) -> list[float]:
        return [min(hi, max(lo, k * p)) for p, lo, hi in zip(planned, low, high, strict=True)]

    k_lo, k_hi = 0.0, max(hi / p for hi, p in zip(high, planned, strict=True))
    for _ in range(60):
        k = (k_lo + k_hi) / 2
        if sum(sized(k)) < shots_target:
            k_lo = k
        else:
            k_hi = k
    durations = sized((k_lo + k_hi) / 2)
    durations[-1] += shots_target - sum(durations)  # bisection leaves microseconds; the last shot absorbs them
    return TimingFit(durations, end_card_s, [0.0] * len(planned))


@dataclass(frozen=True)
class SpokenLine:
    """One shot's line, ready to place: trimmed 48 kHz-agnostic samples and word timings from the speech onset."""

    shot_id: str
    text: str
    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming]
    voice_line: VoiceLine

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def speed_up(speech: list[float | None], fit: TimingFit, rate: float = 1.0, *, fastest: float = MAX_RATE) -> float:
    """The voice rate that would make the lines fit (what the overflow asks of the spoken time), at most `fastest`."""
    spoken = sum(s or 0.0 for s in speech)
    if fit.over_s <= 0.05 or spoken <= 0:
        return rate
    left = spoken - fit.over_s
    wanted = rate * spoken / left if left > 0 else fastest
    return min(fastest, round(math.ceil(wanted * 1.02 / 0.05 - 1e-9) * 0.05, 2))


def rate_bounds(language: str) -> tuple[float, float]:
    """(slowest, fastest) voice speed for the language, from assets/knowledge/speech.toml."""
    from studio.planning.speech import speech_limits

    return speech_limits().rate_bounds(language)


def line_rate(shot_rate: float, variant_rate: float, language: str) -> float:
    """A line's voice speed: the speech fit's choice for the line times the render's push, within the bounds."""
    slowest, fastest = rate_bounds(language)
    return round(min(fastest, max(slowest, shot_rate * variant_rate)), 2)


def voice_for(project: Project, language: str) -> str:
    return project.settings.voices.get(language) or project.settings.voices.get(language.split("-")[0]) or "espeak"


def line_voice_request(
    project: Project, variant: Variant, shot: LocalizedShot, *, rate: float = 1.0, voice: str | None = None
) -> VoiceRequest:
    """The one VoiceRequest for a shot's line, for the render and the voice preview alike: its reading (names said
    the market's way), the variant's voice, at the speed the speech fit chose times `rate`."""
    return voice_request(
        shot.voiceover,
        variant.language,
        voice=voice or voice_for(project, variant.language),
        rate=line_rate(shot.speech_rate, rate, variant.language),
        brief=project.brief,
    )


def trim_silence(samples: np.ndarray, sample_rate: int, threshold_db: float = SILENCE_DB) -> tuple[np.ndarray, float]:
    """The samples without leading/trailing silence, and the seconds cut from the front (to shift word timings)."""
    if samples.size == 0:
        return samples, 0.0
    hop = max(1, sample_rate // 100)
    n = len(samples) // hop
    if n == 0:
        return samples, 0.0
    frames = samples[: n * hop].reshape(n, hop).astype(np.float32)
    level = np.sqrt(np.mean(frames * frames, axis=1) + 1e-12)
    loud = np.nonzero(level > 10 ** (threshold_db / 20))[0]
    if loud.size == 0:
        return samples, 0.0
    start = max(0, (loud[0] - 1) * hop)
    end = min(len(samples), (loud[-1] + 2) * hop)
    return samples[start:end], start / sample_rate


def _cached_speech(project: Project, store: ProjectStore, request: VoiceRequest, variant_id: str, shot_id: str):
    from pipelines.voice import load_speech

    for line in project.voice_lines:
        if line.request == request and store.asset_path(line.asset).is_file():
            speech = load_speech(store.asset_path(line.asset), backend=line.backend)
            return speech, line.model_copy(update={"variant_id": variant_id, "shot_id": shot_id})
    return None


def synthesize_lines(
    project: Project,
    store: ProjectStore,
    variant: Variant,
    *,
    rate: float = 1.0,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, SpokenLine]:
    """Speak every shot's voice-over in the variant's language; reuse a stored line when its request is unchanged.

    The voice says the line's reading (`studio.render.pronounce`: names said the market's way, never spelt), at the
    speed the speech fit chose for it (`LocalizedShot.speech_rate`) times `rate`, within the language's bounds.
    `SpokenLine.text` is the line as written (what captions and subtitles show); its word timings are the reading's.

    New lines are written into the project's asset store (content-addressed WAV); the returned VoiceLines say which
    asset holds which request, so the next render finds them once the caller saves project.json.
    """
    from pipelines.voice import is_speakable, save_speech, synthesize

    voice = voice_for(project, variant.language)
    spoken = [s for s in variant.shots if s.voiceover.strip() and is_speakable(s.voiceover)]
    out: dict[str, SpokenLine] = {}
    for n, shot in enumerate(spoken):
        check(cancel)
        report(on_progress, n / max(1, len(spoken)), f"Voice {n + 1}/{len(spoken)}")
        request = line_voice_request(project, variant, shot, rate=rate, voice=voice)
        cached = _cached_speech(project, store, request, variant.id, shot.shot_id)
        if cached is not None:
            speech, line = cached
            words = line.words
        else:
            try:
                speech = synthesize(request, cancel=cancel)
            except BackendError as e:
                raise BackendError(f"Shot {shot.shot_id} of {variant.id}: {e.message}", e.hint) from e
            store.assets.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=temp_prefix("voice"), suffix=".wav", dir=store.assets
            )  # unique across threads
            os.close(fd)
            tmp = Path(name)
            try:
                save_speech(speech, tmp)
                asset = store.put_asset_file(tmp, "wav")
            finally:
                tmp.unlink(missing_ok=True)
            words = list(speech.words)
            line = VoiceLine(
                shot_id=shot.shot_id,
                variant_id=variant.id,
                request=request,
                asset=asset,
                duration_s=round(speech.duration_s, 3),
                backend=speech.backend,
                words=words,
            )
        samples, cut = trim_silence(np.asarray(speech.samples, dtype=np.float32), speech.sample_rate)
        shifted = [
            WordTiming(text=w.text, start_s=max(0.0, w.start_s - cut), end_s=max(0.0, w.end_s - cut)) for w in words
        ]
        out[shot.shot_id] = SpokenLine(shot.shot_id, shot.voiceover.strip(), samples, speech.sample_rate, shifted, line)
    report(on_progress, 1.0, "Voice ready")
    return out


def _cut_estimate(text: str, line_s: float, cut_s: float, language: str = "") -> str:
    """How much of the line to cut, in its language's units: characters for Thai/CJK, words for the others."""
    from pipelines.fonts import script_for_language, script_of_char

    words = re.findall(r"\S+", text)
    script = script_for_language(language) if language else ""
    own = any(script_of_char(ch) == script for ch in text)  # an untranslated English line counts in words
    spaced = (script not in ("cjk", "thai") or not own) if language else len(words) > 1
    if spaced and len(words) > 1:
        n = min(len(words), max(1, round(len(words) * cut_s / max(line_s, 1e-6) + 0.49)))
        return f"about {n} of its {len(words)} words"
    chars = sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")
    n = min(chars, max(1, round(chars * cut_s / max(line_s, 1e-6) + 0.49)))
    return f"about {n} of its {chars} characters"


@dataclass(frozen=True)
class CutVerdict:
    """The measured length of a cut against the brief: within tolerance and the platforms' maximum, or not."""

    total_s: float
    target_s: float
    tolerance_s: float
    max_s: float

    @property
    def ok(self) -> bool:
        return abs(self.total_s - self.target_s) <= self.tolerance_s + 1e-6 and self.total_s <= self.max_s + 1e-6

    @property
    def message(self) -> str:
        if self.ok:
            return f"The cut runs {self.total_s:.1f} s for a {self.target_s:g} s brief."
        if self.total_s > self.max_s:
            return f"The cut runs {self.total_s:.1f} s, over the platforms' maximum of {self.max_s:g} s."
        side = "over" if self.total_s > self.target_s else "short of"
        return (
            f"The cut runs {self.total_s:.1f} s, {abs(self.total_s - self.target_s):.1f} s {side} the brief's "
            f"{self.target_s:g} s (allowed: ±{self.tolerance_s:g} s)."
        )


def cut_verdict(total_s: float, target_s: float, platforms: list[str] | tuple[str, ...] = ()) -> CutVerdict:
    """Judge a measured cut length: within ±tolerance of the brief (speech.toml) and never over the platform max."""
    from studio.planning.speech import speech_limits

    limits = speech_limits()
    return CutVerdict(round(total_s, 3), target_s, limits.tolerance_s, limits.max_duration_s(list(platforms)))


def too_long_flags(variant: Variant, lines: dict[str, SpokenLine], fit: TimingFit, target_s: float) -> list[Flag]:
    """One 'too-long' flag per line that pushes the cut past the brief's duration, saying how much to cut."""
    flags = []
    rates = {line.voice_line.request.rate for line in lines.values()}
    rate_note = f" even spoken {max(rates):g}× faster" if rates and max(rates) > 1.0 else ""
    for shot, over in zip(variant.shots, fit.overflow, strict=True):
        if over <= 0.05 or shot.shot_id not in lines:
            continue
        line = lines[shot.shot_id]
        flags.append(
            Flag(
                kind="too-long",
                message=(
                    f"{variant.id} shot {shot.shot_id}: the line takes {line.duration_s:.1f} s"
                    f"{rate_note} and the cut runs {fit.total_s - target_s:.1f} s over {target_s:g} s. "
                    f"Cut {over:.1f} s ({_cut_estimate(line.text, line.duration_s, over, variant.language)}) "
                    f"from “{line.text}”."
                ),
            )
        )
    return flags
