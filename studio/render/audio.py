"""The sound of a variant: voice track, music bed ducked under it, loudness to the delivery target.

Everything is 48 kHz stereo float32. Loudness is measured with pyloudnorm (ITU-R BS.1770-4 integrated, gated).
True peak is estimated as the sample peak after 4× polyphase oversampling (scipy's resample_poly; BS.1770-4
Annex 2 describes the same 4× method with its own 48-tap filter); a look-ahead peak limiter holds it under the
ceiling. The ceiling sits 0.5 dB under the -1 dBTP target because AAC encoding adds a little overshoot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from studio.model import BackendError

SAMPLE_RATE = 48_000
#: Delivery targets: streaming platforms (-14 LUFS) and EBU R128 broadcast (-23 LUFS); true peak -1 dBTP.
STREAMING_LUFS = -14.0
EBU_R128_LUFS = -23.0
TRUE_PEAK_DBTP = -1.0
LIMITER_MARGIN_DB = 0.5
#: Music sits this far under the voice between lines, and is ducked this much more while someone speaks.
MUSIC_UNDER_VOICE_LU = 9.0
DUCK_DB = -10.0
DUCK_ATTACK_S = 0.08
DUCK_RELEASE_S = 0.45
FADE_OUT_S = 1.0


def resample(samples: np.ndarray, rate_in: int, rate_out: int = SAMPLE_RATE) -> np.ndarray:
    """Band-limited polyphase resampling (scipy), e.g. espeak's 22.05 kHz to 48 kHz."""
    if rate_in == rate_out:
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    g = math.gcd(rate_in, rate_out)
    return resample_poly(samples, rate_out // g, rate_in // g, axis=0).astype(np.float32)


@dataclass(frozen=True)
class Placement:
    """A voice line placed at `start_s` on the timeline."""

    start_s: float
    samples: np.ndarray
    sample_rate: int


def voice_track(placements: list[Placement], duration_s: float) -> np.ndarray:
    """Mono 48 kHz track with every line at its place; lines running past the end are cut there."""
    n = round(duration_s * SAMPLE_RATE)
    track = np.zeros(n, np.float32)
    for p in placements:
        line = resample(np.asarray(p.samples, np.float32), p.sample_rate)
        start = round(p.start_s * SAMPLE_RATE)
        end = min(n, start + len(line))
        if end > start:
            track[start:end] += line[: end - start]
    return track


# ---- music bed ----

_A4 = 440.0
#: vi–IV–I–V in C major (Am, F, C, G): a familiar, warm loop. MIDI note numbers of each chord, one per bar.
_PROGRESSION = ((57, 60, 64), (53, 57, 60), (48, 52, 55), (55, 59, 62))
BED_BPM = 100


def _hz(midi: float) -> float:
    return _A4 * 2 ** ((midi - 69) / 12)


def _add(buf: np.ndarray, start: int, sig: np.ndarray) -> None:
    end = min(len(buf), start + len(sig))
    if end > start:
        buf[start:end] += sig[: end - start]


def generated_bed(duration_s: float, *, bpm: int = BED_BPM, seed: int = 7) -> np.ndarray:
    """A deterministic synth bed (pad, plucked arpeggio, soft kick and hats) as (n, 2) float32 at 48 kHz.

    Made in code so every render has music without shipping or licensing a file; a creator's own file replaces it.
    """
    sr = SAMPLE_RATE
    n = round(duration_s * sr)
    left = np.zeros(n, np.float32)
    right = np.zeros(n, np.float32)
    beat = 60.0 / bpm
    bar = 4 * beat
    rng = np.random.default_rng(seed)

    bar_n = round(bar * sr)
    t_bar = np.arange(bar_n + round(0.6 * sr)) / sr
    pad_env = np.minimum(1.0, t_bar / 0.35) * np.clip((bar + 0.6 - t_bar) / 0.6, 0.0, 1.0)
    eighth = beat / 2
    t_pl = np.arange(round(1.2 * sr)) / sr
    pluck_env = np.exp(-t_pl * 6.0) * np.minimum(1.0, t_pl / 0.004)
    t_k = np.arange(round(0.35 * sr)) / sr
    kick = (np.sin(2 * np.pi * (45 * t_k + 60 * (1 - np.exp(-t_k * 30)) / 30)) * np.exp(-t_k * 11)).astype(np.float32)
    hat_noise = rng.standard_normal(round(0.05 * sr)).astype(np.float32)
    hat = np.diff(hat_noise, prepend=0.0) * np.exp(-np.arange(len(hat_noise)) / sr * 80)

    @cache
    def pad(chord_index: int) -> tuple[np.ndarray, np.ndarray]:
        chord = _PROGRESSION[chord_index]
        wave_l = np.zeros(len(t_bar))
        wave_r = np.zeros(len(t_bar))
        for i, note in enumerate((*chord, chord[0] - 12)):
            f = _hz(note)
            g = 1.0 + 0.0025 * (1 if i % 2 else -1)
            level = 0.05 if i < 3 else 0.07
            wave_l += level * (np.sin(2 * np.pi * f * t_bar) + 0.25 * np.sin(4 * np.pi * f * t_bar))
            wave_r += level * (np.sin(2 * np.pi * f * g * t_bar) + 0.25 * np.sin(4 * np.pi * f * g * t_bar))
        return (wave_l * pad_env).astype(np.float32), (wave_r * pad_env).astype(np.float32)

    @cache
    def pluck(note: int) -> np.ndarray:
        f = _hz(note)
        tone = np.sin(2 * np.pi * f * t_pl) + 0.35 * np.sin(4 * np.pi * f * t_pl) + 0.1 * np.sin(6 * np.pi * f * t_pl)
        return (tone * pluck_env * 0.06).astype(np.float32)

    bars = math.ceil(duration_s / bar) + 1
    for b in range(bars):
        chord_index = b % len(_PROGRESSION)
        chord = _PROGRESSION[chord_index]
        start = round(b * bar * sr)
        pad_l, pad_r = pad(chord_index)
        _add(left, start, pad_l)
        _add(right, start, pad_r)
        arp = [chord[0] + 12, chord[1] + 12, chord[2] + 12, chord[1] + 12]
        for k in range(8):
            sig = pluck(arp[k % 4] + (12 if k == 6 else 0))
            pan = 0.35 if k % 2 else -0.35
            s = round((b * bar + k * eighth) * sr)
            _add(left, s, sig * np.float32(1 - pan))
            _add(right, s, sig * np.float32(1 + pan))
        for k in range(4):
            s = round((b * bar + k * beat) * sr)
            if k in (0, 2):
                _add(left, s, kick * 0.22)
                _add(right, s, kick * 0.22)
            _add(left, s + round(eighth * sr), hat * 0.03)
            _add(right, s + round(eighth * sr), hat * 0.03)
    return np.stack([left, right], axis=1)


def _decode_with_moviepy(path: Path) -> tuple[np.ndarray, int]:
    """Compressed music (MP3, M4A/AAC…) that libsndfile cannot read, decoded by moviepy's ffmpeg reader."""
    from moviepy import AudioFileClip
    from moviepy.video.io.ffmpeg_reader import ffmpeg_parse_infos

    try:
        # Probe first: a reader that fails half-built complains again from its destructor.
        if not ffmpeg_parse_infos(str(path), decode_file=False).get("audio_found"):
            raise ValueError("no audio stream")
        clip = AudioFileClip(str(path), fps=SAMPLE_RATE)
    except (OSError, KeyError, ValueError, IndexError) as e:
        raise BackendError(
            f"Cannot read the music file {path}: {str(e).strip()[-300:]}",
            "Use a WAV, FLAC, OGG or MP3 file, or leave the music empty to use the generated bed.",
        ) from e
    try:
        data = clip.to_soundarray(fps=SAMPLE_RATE, nbytes=2).astype(np.float32)
    finally:
        clip.close()
    return data.reshape(len(data), -1), SAMPLE_RATE


def load_bed(path: Path, duration_s: float) -> np.ndarray:
    """A creator's music file as a (n, 2) 48 kHz bed of `duration_s`: looped if short, cut if long."""
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise BackendError(f"The music file {path} does not exist.", "Pick another file in the project settings.")
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError):
        data, rate = _decode_with_moviepy(path)
    if data.shape[1] == 1:
        data = np.repeat(data, 2, axis=1)
    data = resample(data[:, :2], int(rate))
    if len(data) == 0:
        raise BackendError(f"The music file {path} holds no audio.", "Pick another file.")
    n = round(duration_s * SAMPLE_RATE)
    reps = math.ceil(n / len(data))
    return np.tile(data, (reps, 1))[:n].astype(np.float32)


def duck_gain(voice: np.ndarray, *, depth_db: float = DUCK_DB) -> np.ndarray:
    """Per-sample gain for the music: down by `depth_db` while the voice speaks, with attack and release.

    The voice level is followed at 100 Hz; the gain starts moving one attack time before a line begins (the
    track is known in advance, so the duck can anticipate instead of pumping after the first syllable).
    """
    hop = SAMPLE_RATE // 100
    n = len(voice)
    frames = math.ceil(n / hop)
    padded = np.zeros(frames * hop, np.float32)
    padded[:n] = voice
    rms = np.sqrt(np.mean(padded.reshape(frames, hop) ** 2, axis=1))
    active = rms > max(1e-4, 0.05 * float(rms.max(initial=0.0)))
    from scipy.ndimage import maximum_filter1d

    hold = max(1, round(0.25 * 100))  # bridge the gaps between words
    lead = max(1, round(DUCK_ATTACK_S * 100))
    active = maximum_filter1d(active.astype(np.float32), size=hold, origin=0) > 0
    active = np.concatenate([active[lead:], np.zeros(lead, bool)]) | active
    target = np.where(active, 10 ** (depth_db / 20), 1.0)
    attack = 1 - math.exp(-1 / (DUCK_ATTACK_S * 100))
    release = 1 - math.exp(-1 / (DUCK_RELEASE_S * 100))
    env = np.empty(frames, np.float64)
    g = 1.0
    for i, t in enumerate(target):
        g += (t - g) * (attack if t < g else release)
        env[i] = g
    return np.interp(np.arange(n), np.arange(frames) * hop + hop / 2, env).astype(np.float32)


def oversampled_peaks(audio: np.ndarray, *, block: int = 5 * SAMPLE_RATE) -> np.ndarray:
    """Per input sample, the largest magnitude among its 4 oversampled points over all channels.

    Done in blocks (with filter context on both sides) so a long soundtrack never holds a 4× copy in memory.
    """
    from scipy.signal import resample_poly

    frames = audio.reshape(len(audio), -1)
    n = len(frames)
    out = np.zeros(n, np.float32)
    ctx = 64
    for start in range(0, n, block):
        stop = min(n, start + block)
        lo, hi = max(0, start - ctx), min(n, stop + ctx)
        for ch in range(frames.shape[1]):
            over = np.abs(resample_poly(np.ascontiguousarray(frames[lo:hi, ch]), 4, 1))
            over = over[4 * (start - lo) : 4 * (stop - lo)]
            peak = np.maximum(np.maximum(over[0::4], over[1::4]), np.maximum(over[2::4], over[3::4]))
            np.maximum(out[start:stop], peak, out=out[start:stop])
    return out


def true_peak(audio: np.ndarray) -> float:
    """Peak magnitude after 4× oversampling (linear)."""
    return float(oversampled_peaks(audio).max(initial=0.0))


def limiter_gain(peaks: np.ndarray, ceiling: float) -> np.ndarray:
    """Look-ahead peak limiter as a gain curve: ≤ ceiling / peak around every peak, ramped over 5 ms, held 40 ms.

    `peaks` are the oversampled peaks of the signal the gain will multiply (see `oversampled_peaks`).
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(np.float32(1.0), np.float32(ceiling) / np.maximum(peaks, np.float32(1e-9)))
    if need.min() >= 1.0:
        return np.ones_like(need)
    ramp = round(0.005 * SAMPLE_RATE)
    hold = round(0.04 * SAMPLE_RATE)
    gain = minimum_filter1d(need, size=2 * (ramp + hold) + 1, mode="nearest")
    return uniform_filter1d(gain, size=2 * ramp + 1, mode="nearest")


def loudness(audio: np.ndarray) -> float:
    """Integrated loudness (LUFS, BS.1770-4 gated) by pyloudnorm. Fed float32: the meter copies its input, and
    a float32 copy is half the memory of float64 with the same result (the filters still run in float64)."""
    import pyloudnorm

    return float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(audio.astype(np.float32, copy=False)))


def master(audio: np.ndarray, target_lufs: float = STREAMING_LUFS, peak_dbtp: float = TRUE_PEAK_DBTP) -> np.ndarray:
    """Gain to `target_lufs` integrated with a true-peak limiter at the ceiling, to within 0.05 LU.

    The limiter takes away loudness, so the make-up gain is iterated; the signal's oversampled peaks are computed
    once and scaled (the limiter's gain moves slowly next to the 4× interpolation), then checked once at the end.
    """
    ceiling = 10 ** ((peak_dbtp - LIMITER_MARGIN_DB) / 20)
    x = audio.astype(np.float32, copy=False)
    measured = loudness(x)
    if not math.isfinite(measured):
        return x
    peaks = oversampled_peaks(x)
    gain_db = target_lufs - measured
    out = x
    previous: tuple[float, float] | None = None
    for _ in range(8):
        gain = np.float32(10 ** (gain_db / 20))
        out = x * (gain * limiter_gain(peaks * gain, ceiling))[:, None]
        level = loudness(out)
        error = target_lufs - level
        if abs(error) < 0.05:
            break
        slope = 1.0  # LU per dB of gain: 1 without limiting, less the harder the limiter works (secant estimate)
        if previous is not None and abs(gain_db - previous[0]) > 1e-6:
            slope = min(1.0, max(0.1, (level - previous[1]) / (gain_db - previous[0])))
        previous = (gain_db, level)
        gain_db += error / slope
    final = oversampled_peaks(out)
    if final.max() > ceiling:
        out = out * limiter_gain(final, ceiling)[:, None]
    return out.astype(np.float32, copy=False)


def mix(
    placements: list[Placement],
    duration_s: float,
    *,
    music: Path | None = None,
    target_lufs: float = STREAMING_LUFS,
) -> np.ndarray:
    """The finished (n, 2) 48 kHz soundtrack: voice centred, music under it and ducked, mastered to the target."""
    voice = voice_track(placements, duration_s)
    bed = load_bed(music, duration_s) if music else generated_bed(duration_s)
    if np.any(voice):
        voice_lufs = loudness(voice) + 10 * math.log10(2)  # as if centred in both channels
        bed_lufs = loudness(bed)
        if math.isfinite(voice_lufs) and math.isfinite(bed_lufs):
            bed *= np.float32(10 ** ((voice_lufs - MUSIC_UNDER_VOICE_LU - bed_lufs) / 20))
        bed *= duck_gain(voice)[:, None]
    fade = min(len(bed), round(FADE_OUT_S * SAMPLE_RATE))
    if fade:
        bed[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    bed += voice[:, None]
    del voice
    return master(bed, target_lufs)


def write_wav(path: Path, audio: np.ndarray) -> None:
    """24-bit WAV; a failed write (a full disk shows as libsndfile's 'System error') leaves no partial file."""
    import soundfile

    from studio.model.errors import disk_full, is_disk_full
    from studio.model.safe_paths import short_of_space

    needed = int(np.asarray(audio).size) * 3 + 1024
    try:
        soundfile.write(str(path), audio, SAMPLE_RATE, subtype="PCM_24", format="WAV")
    except Exception as e:
        Path(path).unlink(missing_ok=True)
        if is_disk_full(e) or short_of_space(Path(path).parent, needed):
            raise disk_full(Path(path).parent, needed) from e
        raise
