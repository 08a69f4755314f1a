"""Motion takes as pictures: written as an MP4 asset, read back frame by frame, fitted to a shot of the cut.

A clip is played at its own speed from its first frame when it is at least as long as the shot (the rest is trimmed),
and slowed evenly to fill the shot when it is shorter (time-stretched by frame resampling); each delivery frame shows
the clip frame at its moment, which also converts the clip's frame rate to the delivery rate. No camera move is laid
over a clip: the motion is the model's. Each aspect plays the clip made at that aspect when there is one, else the
same reframing as stills (cover when the shapes are close, the whole clip over a blurred fill when not).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from studio.jobs.lifetime import child_process_options
from studio.model import BackendError
from studio.model.safe_paths import temp_prefix
from studio.render.reframe import reframe
from studio.render.timeline import Clip, MotionSource

#: x264 quality for stored clips: near-lossless (they are re-encoded into every cut), still playable everywhere.
CLIP_CRF = 10


def encode_clip(frames: Sequence[np.ndarray], fps: int, out_dir: Path) -> Path:
    """Frames (RGB uint8, one size) → an H.264 yuv420p MP4 in `out_dir` (a temp name; the store renames it)."""
    from studio.render.encode import ffmpeg_exe

    if not frames:
        raise BackendError("The video model returned no frames.", "Generate the motion take again.")
    h, w = frames[0].shape[:2]
    fd, name = tempfile.mkstemp(prefix=temp_prefix("clip"), suffix=".mp4", dir=out_dir)  # swept after a crash
    os.close(fd)
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
        "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
        "-c:v", "libx264", "-preset", "medium", "-crf", str(CLIP_CRF), "-pix_fmt", "yuv420p",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
        "-movflags", "+faststart", name,
    ]  # fmt: skip
    data = b"".join(np.ascontiguousarray(f, dtype=np.uint8).tobytes() for f in frames)
    proc = subprocess.run(cmd, input=data, capture_output=True, check=False, **child_process_options())
    if proc.returncode != 0:
        Path(name).unlink(missing_ok=True)
        raise BackendError(
            f"ffmpeg could not write the motion clip: {proc.stderr.decode(errors='replace')[-400:]}",
            "Check free disk space in the project folder.",
        )
    return Path(name)


def read_clip(path: Path) -> Iterator[np.ndarray]:
    """Every frame of a clip file, decoded by ffmpeg to RGB uint8."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
    try:
        meta = next(reader)
        w, h = meta["size"]
        for data in reader:
            yield np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)
    finally:
        reader.close()


def source_index(p: float, shot_s: float, frames: int, fps: float, lead_s: float | None = None) -> int:
    """Which clip frame shows at progress p (0..1) of a shot lasting `shot_s`: played at speed and trimmed when the
    clip is long enough, slowed evenly to the shot's length when it is shorter; a lip-synced clip (`lead_s`) plays
    at speed from `lead_s` into the shot, its first frame held before and its last after."""
    if lead_s is not None:
        t = min(max(p, 0.0), 1.0) * shot_s - lead_s
        return min(frames - 1, max(0, int(t * fps + 1e-6)))
    length = frames / fps
    t = min(max(p, 0.0), 1.0) * (shot_s if length >= shot_s else length)
    return min(frames - 1, max(0, int(t * fps + 1e-6)))


def fit_frame(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """A clip frame at the cut's size: cover-and-crop when the shapes are close, else cropped around its subject as
    stills are (render/reframe.py: never pillarboxed)."""
    sh, sw = frame.shape[:2]
    ratio = (sw / sh) / (width / height)
    if not 1 / 1.4 <= ratio <= 1.4:
        return np.ascontiguousarray(np.asarray(reframe(Image.fromarray(frame), width, height)))
    scale = max(width / sw, height / sh)
    w, h = max(width, round(sw * scale)), max(height, round(sh * scale))
    if (w, h) != (sw, sh):
        frame = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    left, top = (w - width) // 2, (h - height) // 2
    return np.ascontiguousarray(frame[top : top + height, left : left + width])


def pick_source(sources: Sequence[MotionSource], aspect: str) -> MotionSource:
    return next((s for s in sources if s.aspect == aspect), sources[0])


class MotionClip:
    """One shot's pictures from its motion take: clip frames streamed in order, fitted once each."""

    def __init__(self, clip: Clip, width: int, height: int, aspect: str) -> None:
        self.clip = clip
        self.width, self.height = width, height
        self.source = pick_source(clip.motion, aspect)
        if not self.source.path.is_file():
            raise BackendError(
                f"The motion clip {self.source.path.name} of shot {clip.shot_id} is missing.",
                "Animate the shot again, or remove its motion takes to use the still.",
            )
        self._reader: Iterator[np.ndarray] | None = None
        self._read = -1
        self._raw: np.ndarray | None = None
        self._index = -1
        self._fitted: np.ndarray | None = None

    def _raw_frame(self, index: int) -> np.ndarray:
        """Sequential decode; a step back (rare: only a crossfade can ask) reopens the file."""
        if self._reader is None or index < self._read:
            self._reader, self._read, self._raw = read_clip(self.source.path), -1, None
        while self._read < index:
            try:
                self._raw = next(self._reader)
            except StopIteration:
                break  # a clip shorter than its record: hold the last frame
            self._read += 1
        if self._raw is None:
            raise BackendError(
                f"The motion clip {self.source.path.name} of shot {self.clip.shot_id} has no frames.",
                "Animate the shot again.",
            )
        return self._raw

    def frame(self, p: float) -> tuple[np.ndarray, bool]:
        index = source_index(p, self.clip.duration_s, self.source.frames, self.source.fps, self.source.lead_s)
        if index != self._index or self._fitted is None:
            self._fitted = fit_frame(self._raw_frame(index), self.width, self.height)
            self._index = index
        return self._fitted, False
