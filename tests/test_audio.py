"""The soundtrack: generated bed, creator's music, ducking under the voice, loudness and true peak."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.model import BackendError
from studio.render import audio
from studio.render.audio import SAMPLE_RATE, Placement


def _voice(seconds: float = 1.5, rate: int = 22050) -> np.ndarray:
    """A voice-like signal: a buzzy 140 Hz tone with syllable-rate amplitude changes."""
    t = np.arange(round(seconds * rate)) / rate
    buzz = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 8))
    return (0.3 * buzz * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t) ** 2)).astype(np.float32)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def test_generated_bed_is_music_not_silence_and_deterministic() -> None:
    bed = audio.generated_bed(6.0)
    assert bed.shape == (6 * SAMPLE_RATE, 2) and bed.dtype == np.float32
    assert np.array_equal(bed, audio.generated_bed(6.0))
    windows = bed[: 6 * SAMPLE_RATE].reshape(60, -1, 2)
    assert min(_rms(w) for w in windows) > 0.005, "no silent tenth of a second"
    assert np.abs(bed).max() < 1.0
    spectrum = np.abs(np.fft.rfft(bed[:, 0]))
    freqs = np.fft.rfftfreq(len(bed), 1 / SAMPLE_RATE)
    a3 = spectrum[np.abs(freqs - 220.0) < 2].max()
    off = spectrum[np.abs(freqs - 233.1) < 2].max()  # a semitone away: not in the progression
    assert a3 > 5 * off, "tonal, in key"


def test_ducking_lowers_music_under_the_voice_only() -> None:
    voice = np.zeros(5 * SAMPLE_RATE, np.float32)
    line = audio.resample(_voice(1.0), 22050)
    voice[2 * SAMPLE_RATE : 2 * SAMPLE_RATE + len(line)] = line
    gain = audio.duck_gain(voice)
    assert gain[:SAMPLE_RATE].min() == pytest.approx(1.0, abs=1e-3)
    under = gain[round(2.3 * SAMPLE_RATE) : round(2.8 * SAMPLE_RATE)]
    assert 20 * np.log10(under.max()) == pytest.approx(audio.DUCK_DB, abs=0.5)
    assert gain[round(1.99 * SAMPLE_RATE)] < 0.95, "the duck starts before the first syllable"
    assert gain[-1] > 0.95, "and releases after the line"


@pytest.mark.parametrize("target", [audio.STREAMING_LUFS, audio.EBU_R128_LUFS])
def test_master_hits_loudness_and_true_peak(target: float) -> None:
    rng = np.random.default_rng(1)
    mix = np.repeat(_voice(6.0, SAMPLE_RATE)[:, None], 2, axis=1) * 0.2
    mix[::9000] += rng.uniform(-0.9, 0.9, size=(len(mix[::9000]), 2)).astype(np.float32)  # sharp peaks
    out = audio.master(mix, target)
    assert audio.loudness(out) == pytest.approx(target, abs=0.3)
    assert 20 * np.log10(audio.true_peak(out)) <= audio.TRUE_PEAK_DBTP - audio.LIMITER_MARGIN_DB + 0.05


def test_creator_music_file_is_resampled_looped_and_faded(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(rate) / rate
    soundfile.write(tmp_path / "bed.wav", (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), rate)
    bed = audio.load_bed(tmp_path / "bed.wav", 3.5)
    assert bed.shape == (round(3.5 * SAMPLE_RATE), 2)
    assert _rms(bed[round(2.2 * SAMPLE_RATE) : round(2.6 * SAMPLE_RATE)]) > 0.15, "looped past its 1 s"
    mixed = audio.mix([], 3.5, music=tmp_path / "bed.wav")
    assert _rms(mixed[-200:]) < 0.02, "faded out at the end"


def test_compressed_music_is_decoded_with_ffmpeg(tmp_path: Path) -> None:
    import imageio_ffmpeg

    rate = 48000
    t = np.arange(2 * rate) / rate
    soundfile.write(tmp_path / "bed.wav", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate)
    mp4 = tmp_path / "bed.m4a"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "bed.wav"), "-c:a", "aac", str(mp4)],
        check=True,
    )
    bed = audio.load_bed(mp4, 1.0)
    assert _rms(bed) > 0.15


def test_missing_or_unreadable_music_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="does not exist"):
        audio.load_bed(tmp_path / "nope.wav", 1.0)
    (tmp_path / "junk.mp3").write_bytes(b"not audio at all")
    with pytest.raises(BackendError, match="Cannot read the music file") as info:
        audio.load_bed(tmp_path / "junk.mp3", 1.0)
    assert "generated bed" in info.value.hint


def test_voice_lines_land_where_placed() -> None:
    line = _voice(0.5)
    track = audio.voice_track([Placement(1.0, line, 22050), Placement(2.5, line, 22050)], 3.2)
    assert len(track) == round(3.2 * SAMPLE_RATE)
    assert _rms(track[: SAMPLE_RATE - 100]) == 0.0
    assert _rms(track[SAMPLE_RATE : round(1.5 * SAMPLE_RATE)]) > 0.05
    assert _rms(track[round(1.6 * SAMPLE_RATE) : round(2.4 * SAMPLE_RATE)]) == 0.0
    assert _rms(track[round(2.5 * SAMPLE_RATE) :]) > 0.05
