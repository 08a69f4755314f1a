"""Read back what the studio wrote, the way a player would: ffmpeg decodes, nothing is trusted from our side."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    fps: float
    duration_s: float
    video_codec: str
    pix_fmt: str
    audio_codec: str | None
    sample_rate: int | None


def probe(path: Path) -> Probe:
    """Stream facts from `ffmpeg -i` (imageio-ffmpeg ships no ffprobe); the duration is the decoded one."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    info = subprocess.run([ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    video = re.search(r"Video: (\w+)[^,]*, (\w+)[^,]*(?:\([^)]*\))?, (\d+)x(\d+)[^\n]*?, ([\d.]+) fps", info)
    assert video, info
    audio = re.search(r"Audio: (\w+)[^,]*, (\d+) Hz", info)
    frames, secs = imageio_ffmpeg.count_frames_and_secs(str(path))
    fps = float(video.group(5))
    return Probe(
        width=int(video.group(3)),
        height=int(video.group(4)),
        fps=fps,
        duration_s=frames / fps if fps else secs,
        video_codec=video.group(1),
        pix_fmt=video.group(2),
        audio_codec=audio.group(1) if audio else None,
        sample_rate=int(audio.group(2)) if audio else None,
    )


def frame_at(path: Path, t: float) -> np.ndarray:
    """The decoded RGB frame shown at time t."""
    # -ss before the input seeks (accurately: ffmpeg decodes from the keyframe before t) instead of decoding every
    # frame up to t before the first output, which under load outlasted imageio-ffmpeg's 10 s start-up wait.
    reader = imageio_ffmpeg.read_frames(str(path), input_params=["-ss", f"{t:.3f}"], output_params=["-frames:v", "1"])
    meta = next(reader)
    w, h = meta["size"]
    data = next(reader)
    reader.close()
    return np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)


def audio_samples(path: Path, rate: int = 48000) -> np.ndarray:
    """The file's audio, decoded to mono float32."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    out = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, dtype=np.float32)


def rms_dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    return 20 * np.log10(max(rms, 1e-12))
