"""What a viewer sees and hears in a rendered file, measured from the decoded stream (ffmpeg via imageio-ffmpeg).

Frames are read as a stream at a low rate and a small size (never the whole video in memory); single frames at
full size are read by seeking. The measures are deliberately simple and explainable: mean colour change between
frames (cuts and motion), multi-scale template matching (OpenCV) for a logo or product picture, speech-band
energy for the first voice, and the WCAG contrast ratio of text against its backing.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Width of the copy used for frame differences: enough to see a cut or a camera move, cheap to compare.
DIFF_WIDTH = 64


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def stream_frames(path: Path, *, fps: float, max_width: int = 360) -> Iterator[tuple[float, np.ndarray]]:
    """(time, RGB frame) at `fps`, scaled down to at most `max_width` wide; frame i is the one shown at i/fps."""
    import imageio_ffmpeg

    vf = f"fps={fps:g},scale='min({max_width},iw)':-2:flags=area"
    reader = imageio_ffmpeg.read_frames(str(path), output_params=["-vf", vf])
    try:
        with _quiet_size_warning():
            meta = next(reader)
        w, h = meta["size"]
        for i, data in enumerate(reader):
            yield i / fps, np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)
    finally:
        reader.close()


@contextlib.contextmanager
def _quiet_size_warning() -> Iterator[None]:
    """imageio-ffmpeg warns that the frames read are smaller than the source: that is the point here."""
    log = logging.getLogger("imageio_ffmpeg")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def frame_at(path: Path, t: float) -> np.ndarray | None:
    """The full-size RGB frame shown at time `t` (seeking; for a few samples, not for scanning); None past the end."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(
        str(path), input_params=["-ss", f"{max(0.0, t):.3f}"], output_params=["-frames:v", "1"]
    )
    try:
        meta = next(reader)
        w, h = meta["size"]
        data = next(reader, None)
    finally:
        reader.close()
    return None if data is None else np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)


def decode_audio(path: Path, rate: int = 16_000) -> np.ndarray:
    """The file's sound as mono float32 at `rate` (empty when the file has no audio stream)."""
    proc = subprocess.run(
        [_ffmpeg(), "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"],
        capture_output=True,
    )
    if proc.returncode != 0:
        return np.zeros(0, np.float32)
    return np.frombuffer(proc.stdout, dtype=np.float32)


def small_copy(frame: np.ndarray, width: int = DIFF_WIDTH) -> np.ndarray:
    """A 64 px wide float copy in colour: two pictures of equal brightness but other colours still differ."""
    import cv2

    h, w = frame.shape[:2]
    small = cv2.resize(frame, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32)


def change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute change (0-255, over the RGB channels) between two small copies."""
    return float(np.mean(np.abs(a - b)))


# --- Voice --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceOnset:
    time_s: float | None
    """When speech-band energy first rises to speech level and stays there; None: no voice found."""
    level_dbfs: float
    """The speech level the onset was measured against (loud frames of the file)."""


def voice_onset(
    samples: np.ndarray,
    rate: int,
    *,
    band_hz: tuple[float, float] = (250.0, 3500.0),
    below_peak_db: float = 8.0,
    floor_dbfs: float = -50.0,
    window_s: float = 0.05,
    sustain: int = 3,
) -> VoiceOnset:
    """The first moment the speech band (250-3500 Hz) is within `below_peak_db` of the file's loud frames (its
    98th percentile) and above `floor_dbfs`, for `sustain` of the next 6 windows. A music bed mixed under the voice
    (9 LU under it in the studio's mix) stays below that line; silence and room tone never reach it."""
    hop = max(1, round(rate * window_s))
    n = len(samples) // hop
    if n == 0:
        return VoiceOnset(None, -120.0)
    # Speech-band energy per window straight from each window's spectrum (Parseval), no filter design needed.
    frames = samples[: n * hop].astype(np.float64).reshape(n, hop) * np.hanning(hop)
    spectrum = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(hop, 1 / rate)
    in_band = (freqs >= band_hz[0]) & (freqs <= band_hz[1])
    power = spectrum[:, in_band].sum(axis=1) * 2 / (hop * float(np.sum(np.hanning(hop) ** 2)))
    db = 10 * np.log10(np.maximum(power, 1e-18))
    level = float(np.percentile(db, 98))
    line = max(floor_dbfs, level - below_peak_db)
    loud = db >= line
    for i in np.flatnonzero(loud):
        if int(np.sum(loud[i : i + 6])) >= min(sustain, n - int(i)):
            return VoiceOnset(round(float(i * hop / rate), 3), round(level, 1))
    return VoiceOnset(None, round(level, 1))


# --- Template matching ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A picture to look for (a logo, a product shot) and how large it may appear, as fractions of frame width."""

    label: str
    image: np.ndarray
    """RGB uint8."""
    mask: np.ndarray | None = None
    """uint8 alpha (255 = part of the picture), for logos with transparency."""
    min_frac: float = 0.08
    max_frac: float = 0.8


def load_reference(path: Path, label: str = "", *, min_frac: float = 0.08, max_frac: float = 0.8) -> Reference:
    """An image file as a Reference, cropped to its opaque part."""
    from PIL import Image

    with Image.open(path) as im:
        rgba = np.asarray(im.convert("RGBA"))
    alpha = rgba[:, :, 3]
    mask: np.ndarray | None = None
    if alpha.min() < 250:
        ys, xs = np.nonzero(alpha > 16)
        if ys.size:
            rgba = rgba[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        mask = np.where(rgba[:, :, 3] > 127, 255, 0).astype(np.uint8)
    return Reference(label or path.stem, np.ascontiguousarray(rgba[:, :, :3]), mask, min_frac, max_frac)


def centre_crop(image: np.ndarray, fraction: float = 0.5) -> np.ndarray:
    """The central `fraction` of a picture (a take's subject, without the edges a camera move crops away)."""
    h, w = image.shape[:2]
    ch, cw = max(2, round(h * fraction)), max(2, round(w * fraction))
    y, x = (h - ch) // 2, (w - cw) // 2
    return np.ascontiguousarray(image[y : y + ch, x : x + cw])


@dataclass(frozen=True)
class Match:
    label: str
    score: float
    """Normalised correlation of the shapes (TM_CCOEFF_NORMED), 1 = identical."""
    colour_diff: float
    """Mean absolute RGB difference at the match (0-255): shapes alike in other colours are not a match."""
    box: tuple[int, int, int, int]
    """(x, y, w, h) in the frame searched."""


class TemplateMatcher:
    """Finds any of the references in a frame at any of `steps` sizes between each one's min and max fraction."""

    def __init__(
        self, references: list[Reference], *, threshold: float = 0.72, colour_tolerance: float = 45.0, steps: int = 14
    ) -> None:
        self.references = references
        self.threshold = threshold
        self.colour_tolerance = colour_tolerance
        self.steps = steps
        self._sized: dict[tuple[int, int], list[tuple[Reference, np.ndarray, np.ndarray, np.ndarray | None]]] = {}

    def _templates(self, fw: int, fh: int) -> list[tuple[Reference, np.ndarray, np.ndarray, np.ndarray | None]]:
        """Each reference resized once per frame size: (reference, RGB, grey, mask)."""
        import cv2

        key = (fw, fh)
        if key not in self._sized:
            out = []
            for ref in self.references:
                rh, rw = ref.image.shape[:2]
                for frac in np.geomspace(ref.min_frac, ref.max_frac, self.steps):
                    tw = round(fw * frac)
                    th = round(rh * tw / rw)
                    if tw < 8 or th < 8 or tw > fw or th > fh:
                        continue
                    rgb = cv2.resize(ref.image, (tw, th), interpolation=cv2.INTER_AREA)
                    mask = None
                    if ref.mask is not None:
                        mask = cv2.resize(ref.mask, (tw, th), interpolation=cv2.INTER_NEAREST)
                    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
                    if float(grey.std()) < 2.0:
                        continue  # a flat patch matches anything flat
                    out.append((ref, rgb, grey, mask))
            self._sized[key] = out
        return self._sized[key]

    def best(self, frame: np.ndarray) -> Match | None:
        """The best match above the threshold whose colours agree, else None."""
        import cv2

        fh, fw = frame.shape[:2]
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        found: Match | None = None
        for ref, rgb, tgrey, mask in self._templates(fw, fh):
            th, tw = tgrey.shape
            if mask is not None:
                result = cv2.matchTemplate(grey, tgrey, cv2.TM_CCOEFF_NORMED, mask=mask)
            else:
                result = cv2.matchTemplate(grey, tgrey, cv2.TM_CCOEFF_NORMED)
            result = np.nan_to_num(result, nan=0.0, posinf=0.0, neginf=0.0)
            _, score, _, (x, y) = cv2.minMaxLoc(result)
            if score < self.threshold or (found is not None and score <= found.score):
                continue
            patch = frame[y : y + th, x : x + tw].astype(np.float32)
            diff = np.abs(patch - rgb.astype(np.float32)).mean(axis=2)
            colour = float(diff[mask > 0].mean()) if mask is not None and mask.any() else float(diff.mean())
            if colour <= self.colour_tolerance:
                found = Match(ref.label, round(float(score), 3), round(colour, 1), (x, y, tw, th))
        return found


# --- Text contrast --------------------------------------------------------------------------------------------


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance of sRGB values (..., 3) in 0-255."""
    c = rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return np.asarray(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a: tuple[float, float, float] | np.ndarray, b: tuple[float, float, float] | np.ndarray) -> float:
    """WCAG contrast ratio (1-21) between two sRGB colours."""
    la, lb = float(relative_luminance(np.asarray(a))), float(relative_luminance(np.asarray(b)))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


@dataclass(frozen=True)
class TextContrast:
    ratio: float
    text_rgb: tuple[int, int, int]
    background_rgb: tuple[int, int, int]
    text_share: float
    """Share of the region's pixels that are text."""


def text_contrast(region: np.ndarray) -> TextContrast | None:
    """Text against its backing in a caption's rectangle: the pixels split in two by luma (Otsu); the smaller group
    is the text. Each colour is the median of its group away from the anti-aliased edges. None when the region is
    flat (nothing drawn there)."""
    import cv2

    if region.size == 0:
        return None
    luma = cv2.cvtColor(region, cv2.COLOR_RGB2GRAY)
    if float(luma.std()) < 2.0:
        return None
    _, split = cv2.threshold(luma, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = split > 0
    text_is_bright = bright.sum() <= bright.size / 2
    text = bright if text_is_bright else ~bright
    kernel = np.ones((3, 3), np.uint8)
    core_text = cv2.erode(text.astype(np.uint8), kernel) > 0
    core_back = cv2.erode((~text).astype(np.uint8), kernel) > 0
    if core_text.sum() < 4:
        core_text = text
    if core_back.sum() < 4:
        core_back = ~text
    text_rgb = np.median(region[core_text], axis=0)
    back_rgb = np.median(region[core_back], axis=0)
    return TextContrast(
        round(contrast_ratio(text_rgb, back_rgb), 2),
        tuple(int(x) for x in text_rgb),  # type: ignore[arg-type]
        tuple(int(x) for x in back_rgb),  # type: ignore[arg-type]
        round(float(text.mean()), 3),
    )


# --- Composition ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Composition:
    centre: tuple[float, float]
    """Centre of the detail (gradient energy), as fractions of width and height."""
    detail: float
    """Share of the picture with edges (0 flat … ~0.3 very busy)."""
    brightness: float
    """Mean luma, 0-255."""
    contrast: float
    """Luma standard deviation."""
    colourfulness: float
    """Hasler and Süsstrunk's colourfulness (0 grey, ~30 moderately, > 60 highly colourful)."""


def composition(image: np.ndarray) -> Composition:
    import cv2

    h, w = image.shape[:2]
    scale = 256 / max(h, w)
    small = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    energy = np.hypot(gx, gy)
    total = float(energy.sum())
    if total > 0:
        ys, xs = np.indices(energy.shape)
        cx = float((energy * xs).sum() / total) / max(1, energy.shape[1] - 1)
        cy = float((energy * ys).sum() / total) / max(1, energy.shape[0] - 1)
    else:
        cx = cy = 0.5
    edges = cv2.Canny(grey, 80, 160)
    r, g, b = (small[:, :, i].astype(np.float32) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    colourful = float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))
    return Composition(
        (round(cx, 3), round(cy, 3)),
        round(float((edges > 0).mean()), 3),
        round(float(grey.mean()), 1),
        round(float(grey.std()), 1),
        round(colourful, 1),
    )
