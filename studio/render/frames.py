"""Frames of a timeline, generated one at a time as RGB uint8 arrays (never the whole video in memory).

Cheap by construction: each take is scaled once onto a canvas `OVERSCAN` times the frame; a camera move is then a
moving crop of that canvas (a copy for pans and tilts, one OpenCV bilinear resize for zooms, nothing at all for a
static shot, whose frame is made once). Crossfades are one weighted sum of two frames; captions are drawn only
over their own small rectangle, from sprites made once per cue; the end card is drawn once.
"""

from __future__ import annotations

import colorsys
import functools
import math
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

import cv2
import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

from studio.render.captions import caption_overlay
from studio.render.reframe import reframe
from studio.render.text import render_text_block
from studio.render.timeline import CROSSFADE_S, Clip, EndCard, Timeline

T = TypeVar("T")

#: The canvas is this much larger than the frame: the travel a camera move has.
OVERSCAN = 1.12
#: End card layout, as fractions of the frame.
BRAND_SIZE = 0.10
CTA_SIZE = 0.055
LEGAL_SIZE = 0.022


def cover(image: Image.Image, width: int, height: int) -> Image.Image:
    """`image` scaled to fill width×height, centre-cropped (no letterbox)."""
    image = image.convert("RGB")
    scale = max(width / image.width, height / image.height)
    w, h = max(width, math.ceil(image.width * scale)), max(height, math.ceil(image.height * scale))
    resized = image.resize((w, h), Image.Resampling.LANCZOS)
    left, top = (w - width) // 2, (h - height) // 2
    return resized.crop((left, top, left + width, top + height))


def fit_to_frame(
    image: Image.Image, width: int, height: int, focus: tuple[float, float, float, float] | None = None
) -> Image.Image:
    """The picture filling width×height: cropped to the frame's shape around its subject (never pillarboxed)."""
    return reframe(image, width, height, focus)


class CameraClip:
    """One shot's pictures: the canvas and the window that moves across it."""

    def __init__(self, clip: Clip, width: int, height: int, aspect: str = "") -> None:
        self.clip = clip
        self.width, self.height = width, height
        cw, ch = round(width * OVERSCAN / 2) * 2, round(height * OVERSCAN / 2) * 2
        image, focus = clip.picture(aspect)
        with Image.open(image) as im:
            self.canvas = np.asarray(fit_to_frame(im, cw, ch, focus))
        self._static: np.ndarray | None = None

    def window(self, p: float) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the canvas shown at progress p (0..1) of the shot."""
        ch, cw = self.canvas.shape[:2]
        w, h = self.width, self.height
        camera = self.clip.camera
        if camera in ("push-in", "pull-out"):
            z = 1.0 + (OVERSCAN - 1.0) * (p if camera == "push-in" else 1.0 - p)
            ww, wh = min(cw, w * OVERSCAN / z), min(ch, h * OVERSCAN / z)  # the frame's own aspect, always
            return (cw - ww) / 2, (ch - wh) / 2, ww, wh
        x, y = (cw - w) / 2, (ch - h) / 2
        if camera == "pan-right":
            x = (cw - w) * p
        elif camera == "pan-left":
            x = (cw - w) * (1.0 - p)
        elif camera == "tilt-down":
            y = (ch - h) * p
        elif camera == "tilt-up":
            y = (ch - h) * (1.0 - p)
        return x, y, w, h

    def frame(self, p: float) -> tuple[np.ndarray, bool]:
        """The frame at progress p, and whether the array is fresh (safe to draw on) or shared."""
        if self.clip.camera not in ("push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down"):
            if self._static is None:
                x, y, _, _ = self.window(0.0)
                xi, yi = round(x), round(y)
                self._static = np.ascontiguousarray(self.canvas[yi : yi + self.height, xi : xi + self.width])
            return self._static, False
        x, y, w, h = self.window(min(1.0, max(0.0, p)))
        if w == self.width and h == self.height:
            xi, yi = round(x), round(y)
            return self.canvas[yi : yi + self.height, xi : xi + self.width].copy(), True
        ch, cw = self.canvas.shape[:2]
        wi, hi = min(cw, round(w)), min(ch, round(h))
        xi, yi = min(cw - wi, max(0, round(x))), min(ch - hi, max(0, round(y)))
        crop = self.canvas[yi : yi + hi, xi : xi + wi]
        return cv2.resize(crop, (self.width, self.height), interpolation=cv2.INTER_LINEAR), True


@dataclass(frozen=True)
class Sprite:
    """A caption ready to draw at (x, y): its colour and per-pixel weights for the frame and for itself."""

    x: int
    y: int
    rgb: np.ndarray
    weight: np.ndarray
    frame_weight: np.ndarray

    @classmethod
    def from_rgba(cls, image: Image.Image, x: int, y: int, width: int, height: int) -> Sprite:
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(width, x + image.width), min(height, y + image.height)
        rgba = np.asarray(image.convert("RGBA"))[y0 - y : y1 - y, x0 - x : x1 - x]
        alpha = rgba[:, :, 3].astype(np.float32) / 255.0
        return cls(x0, y0, np.ascontiguousarray(rgba[:, :, :3]), alpha, 1.0 - alpha)

    def draw(self, frame: np.ndarray) -> None:
        """Alpha-composite onto `frame` in place (OpenCV's per-pixel weighted blend, only over the sprite)."""
        h, w = self.weight.shape
        if h == 0 or w == 0:
            return
        region = frame[self.y : self.y + h, self.x : self.x + w]
        region[...] = cv2.blendLinear(region, self.rgb, self.frame_weight, self.weight)


def _color(value: str, default: tuple[int, int, int]) -> tuple[int, int, int]:
    try:
        return ImageColor.getrgb(value)[:3]
    except (ValueError, AttributeError):
        return default


def _accent(palette: tuple[str, ...]) -> tuple[int, int, int]:
    """The most vivid colour of the palette (the call-to-action button), or a warm pink without one."""
    colors = [_color(c, (0, 0, 0)) for c in palette]
    if not colors:
        return (232, 93, 117)

    def vividness(c: tuple[int, int, int]) -> float:
        _, saturation, value = colorsys.rgb_to_hsv(c[0] / 255, c[1] / 255, c[2] / 255)
        return saturation * value

    return max(colors, key=vividness)


def _luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG), 0 black … 1 white."""
    lin = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _brand_name(card: EndCard, size: int, width: int, short: int, ink: tuple[int, int, int, int]) -> Image.Image:
    """The brand name set in type: the brand's own font when it draws every letter, else the caption fonts."""
    if card.brand_font is not None and card.brand_font.is_file():
        from fontTools.ttLib import TTFont

        cmap = TTFont(str(card.brand_font), lazy=True).getBestCmap() or {}
        if all(ord(ch) in cmap for ch in card.brand if not ch.isspace()):
            font = ImageFont.truetype(str(card.brand_font), size=size)
            box = tuple(round(v) for v in font.getbbox(card.brand))
            pad = max(1, round(short * 0.004))
            image = Image.new("RGBA", (box[2] - box[0] + 2 * pad, box[3] - box[1] + 2 * pad), (0, 0, 0, 0))
            ImageDraw.Draw(image).text((pad - box[0], pad - box[1]), card.brand, font=font, fill=ink)
            if image.width > width * 0.8:
                image = image.resize((round(width * 0.8), max(1, round(image.height * width * 0.8 / image.width))))
            return image
    return render_text_block(
        card.brand,
        card.language,
        size_px=size,
        max_width=width * 0.8,
        bold=True,
        color=ink,
        stroke_px=max(1, round(short * 0.004)),
    )


def _cta_button(card: EndCard, accent: tuple[int, int, int], short: int, width: int) -> Image.Image:
    """The call to action as the brand kit styles it: a filled pill, an outlined pill, or plain type."""
    size = round(short * CTA_SIZE)
    style = card.cta_style
    if style == "pill":
        ink = (20, 20, 24, 255) if _luminance(accent) > 0.45 else (255, 255, 255, 255)  # readable on the button
    else:
        ink = (*accent, 255) if style == "text" else (*_color(card.text_colour or "#ffffff", (255, 255, 255)), 255)
    cta = render_text_block(
        card.call_to_action, card.language, size_px=size, max_width=width * 0.7, bold=True, color=ink
    )
    if style == "text":
        return cta
    pad_x, pad_y = round(size * 0.8), round(size * 0.35)
    pill = Image.new("RGBA", (cta.width + 2 * pad_x, cta.height + 2 * pad_y), (0, 0, 0, 0))
    box = (0, 0, pill.width - 1, pill.height - 1)
    if style == "outline":
        ImageDraw.Draw(pill).rounded_rectangle(
            box, radius=pill.height // 2, outline=(*accent, 255), width=max(2, round(size * 0.12))
        )
    else:
        ImageDraw.Draw(pill).rounded_rectangle(box, radius=pill.height // 2, fill=(*accent, 235))
    pill.alpha_composite(cta, (pad_x, pad_y))
    return pill


def end_card_frame(card: EndCard, width: int, height: int) -> np.ndarray:
    """The closing frame: brand (logo file or the name set in type), call to action, legal line.

    With a brand kit the card is the brand's: its primary colour as the ground, its accent as the button, its text
    colour for the type, the logo where the kit's end-card layout puts it."""
    short = min(width, height)
    accent = _color(card.accent, (0, 0, 0)) if card.accent else _accent(card.palette)
    if card.primary:
        bg = Image.new("RGB", (width, height), _color(card.primary, (20, 20, 32)))
    elif card.background is not None and card.background.is_file():
        with Image.open(card.background) as im:
            small = cover(im, max(2, width // 4), max(2, height // 4))  # blur small, scale up: same look, 1/16 work
        bg = small.filter(ImageFilter.GaussianBlur(short * 0.03 / 4)).resize((width, height), Image.Resampling.BICUBIC)
        bg = Image.blend(bg, Image.new("RGB", bg.size, (8, 8, 16)), 0.65)
    else:
        base = _color(card.palette[-1], (20, 20, 32)) if len(card.palette) > 1 else (20, 20, 32)
        bg = Image.new("RGB", (width, height), base)
    r, g, b = (int(v) for v in np.asarray(bg.resize((1, 1), Image.Resampling.BOX))[0, 0][:3])
    default_ink = (20, 20, 24) if _luminance((r, g, b)) > 0.45 else (255, 255, 255)
    ink = (*(_color(card.text_colour, default_ink) if card.text_colour else default_ink), 255)
    canvas = bg.convert("RGBA")
    if card.logo is not None and card.logo.is_file():
        with Image.open(card.logo) as im:
            logo = im.convert("RGBA")
        logo.thumbnail((round(width * 0.55), round(height * 0.2)), Image.Resampling.LANCZOS)
    else:
        logo = _brand_name(card, round(short * BRAND_SIZE), width, short, ink)
    parts: list[Image.Image] = []
    if card.call_to_action:
        parts.append(_cta_button(card, accent, short, width))
    if card.legal:
        parts.append(
            render_text_block(
                card.legal,
                card.language,
                size_px=max(10, round(short * LEGAL_SIZE)),
                max_width=width * 0.8,
                color=(*ink[:3], 230),
            )
        )
    gap = round(short * 0.045)
    # Everything stays above the bottom third, where burned-in captions of a line spoken over the card sit.
    if card.logo_position == "bottom":  # the call to action first, the logo closing the card
        y = round(height * 0.12)
        for part in parts:
            canvas.alpha_composite(part, ((width - part.width) // 2, y))
            y += part.height + gap
        canvas.alpha_composite(logo, ((width - logo.width) // 2, min(round(height * 0.62) - logo.height, y + gap)))
    else:
        if card.logo_position == "center":
            brand_bottom = round(height * 0.5 - short * 0.02)
            y = round(height * 0.5 + short * 0.04)
        else:
            brand_bottom = round(height * 0.36)
            y = brand_bottom + round(short * 0.04)
        canvas.alpha_composite(logo, ((width - logo.width) // 2, max(0, brand_bottom - logo.height)))
        for part in parts:
            canvas.alpha_composite(part, ((width - part.width) // 2, min(y, height - part.height)))
            y += part.height + gap
    return np.ascontiguousarray(np.asarray(canvas.convert("RGB")))


def corner_logo(logo: Path, width: int, height: int) -> Sprite:
    """The brand's logo, small and slightly translucent in the top-right corner, inside the platforms' safe area."""
    short = min(width, height)
    with Image.open(logo) as im:
        mark = im.convert("RGBA")
    mark.thumbnail((max(8, round(short * 0.16)), max(8, round(short * 0.08))), Image.Resampling.LANCZOS)
    alpha = mark.getchannel("A").point(lambda v: round(v * 0.85))
    mark.putalpha(alpha)
    margin = round(short * 0.05)
    return Sprite.from_rgba(mark, width - mark.width - margin, round(height * 0.12), width, height)


#: The band burned into every frame of a draft: saturated red under white type, at the top of the picture.
DRAFT_TEXT = "DRAFT — not for publishing"
DRAFT_RGB = (200, 20, 30)
DRAFT_BAND = 0.07


def draft_band(width: int, height: int) -> Sprite:
    """A full-width red band with "DRAFT — not for publishing", 7% of the height, 4% below the top edge (clear of
    captions and of the platforms' top bar); opaque, so nobody can miss or crop it away without losing picture."""
    band_h = max(8, round(height * DRAFT_BAND))
    band = Image.new("RGBA", (width, band_h), (*DRAFT_RGB, 255))
    text = render_text_block(DRAFT_TEXT, "en", size_px=max(6, round(band_h * 0.5)), max_width=width * 0.92, bold=True)
    if text.height > band_h:
        text = text.resize((max(1, text.width * band_h // text.height), band_h))
    band.alpha_composite(text, ((width - text.width) // 2, (band_h - text.height) // 2))
    return Sprite.from_rgba(band, 0, round(height * 0.04), width, height)


def ai_label_sprite(text: str, language: str, width: int, height: int, aspect: str) -> Sprite:
    """The AI-content chip (studio/preflight/labels.py) in the top-left of the safe area, clear of the captions."""
    from studio.render.ai_label import label_chip

    chip, x, y = label_chip(text, language, width, height, aspect)
    return Sprite.from_rgba(chip, x, y, width, height)


class FrameSource:
    """Iterates the frames of a timeline at one size; each is an (h, w, 3) uint8 C-contiguous array."""

    def __init__(
        self,
        timeline: Timeline,
        width: int,
        height: int,
        fps: int,
        aspect: str,
        *,
        draft: bool = False,
        ai_label: str = "",
        chrome: bool = False,
    ) -> None:
        self.timeline = timeline
        self.draft = draft_band(width, height) if draft else None
        self.ai_label = ai_label_sprite(ai_label, timeline.language, width, height, aspect) if ai_label else None
        self.chrome = chrome
        """Animatic preview: each shot's storyboard label and camera arrows over the picture (never a deliverable)."""
        self._chrome: dict[int, Sprite] = {}
        logo = timeline.corner_logo
        self.corner = corner_logo(logo, width, height) if logo is not None and logo.is_file() else None
        self.width, self.height, self.fps, self.aspect = width, height, fps, aspect
        self.n_frames = round(timeline.duration_s * fps)
        self._clips: dict[int, CameraClip] = {}
        self._sprites: dict[int, Sprite] = {}
        self._end: np.ndarray | None = None
        self._ahead: dict[object, Future[object]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def _made(self, key: object, make: Callable[[], T]) -> T:
        """A prepared piece: from the look-ahead worker when it was queued there, else made now."""
        pending = self._ahead.pop(key, None)
        # what _prefetch queued under `key` is the same piece `make` makes
        return cast(T, pending.result()) if pending is not None else make()

    def _prefetch(self, key: object, make: Callable[[], object]) -> None:
        if self._pool is not None and key not in self._ahead:
            self._ahead[key] = self._pool.submit(make)

    def _make_sprite(self, index: int) -> Sprite:
        cue = self.timeline.captions[index]
        ov = caption_overlay(cue.text, self.timeline.language, self.width, self.height, aspect=self.aspect)
        return Sprite.from_rgba(ov.image, ov.x, ov.y, self.width, self.height)

    def _sprite(self, index: int) -> Sprite:
        if index not in self._sprites:
            self._sprites[index] = self._made(("sprite", index), lambda: self._make_sprite(index))
        return self._sprites[index]

    def sprites(self) -> list[Sprite]:
        return [self._sprite(i) for i in range(len(self.timeline.captions))]

    def end_card(self) -> np.ndarray:
        if self._end is None:
            card = self.timeline.end_card
            self._end = self._made("end", lambda: end_card_frame(card, self.width, self.height))
        return self._end

    def _chrome_sprite(self, index: int) -> Sprite:
        if index not in self._chrome:
            from pipelines.image.chrome import chrome_overlay

            clip = self.timeline.clips[index]
            layer = chrome_overlay(self.width, self.height, clip.label, clip.camera)
            box = layer.getbbox() or (0, 0, 1, 1)
            self._chrome[index] = Sprite.from_rgba(layer.crop(box), box[0], box[1], self.width, self.height)
        return self._chrome[index]

    def _pictures(self, clip: Clip) -> CameraClip:
        """A still under its camera move, or the shot's motion take (render/motion.py) with no move over it."""
        if clip.motion:
            from studio.render.motion import MotionClip

            return MotionClip(clip, self.width, self.height, self.aspect)  # type: ignore[return-value]
        return CameraClip(clip, self.width, self.height, self.aspect)

    def _camera(self, index: int) -> CameraClip:
        clips = self.timeline.clips
        if index not in self._clips:
            self._clips[index] = self._made(("clip", index), lambda: self._pictures(clips[index]))
            for old in [k for k in self._clips if k < index - 1]:
                del self._clips[old]
            if index + 1 < len(clips) and index + 1 not in self._clips:  # the next canvas, made while this plays
                nxt = clips[index + 1]
                self._prefetch(("clip", index + 1), lambda: self._pictures(nxt))
        return self._clips[index]

    def _item(self, index: int, t: float) -> tuple[np.ndarray, bool]:
        clips = self.timeline.clips
        if index >= len(clips):
            return self.end_card(), False
        clip = clips[index]
        return self._camera(index).frame((t - clip.start_s) / clip.duration_s)

    def _fade_length(self, index: int) -> float:
        clips = self.timeline.clips
        if index >= len(clips) or clips[index].transition_out != "crossfade":
            return 0.0
        following = clips[index + 1].duration_s if index + 1 < len(clips) else self.timeline.end_card.duration_s
        return min(CROSSFADE_S, clips[index].duration_s / 2, following / 2)

    def __iter__(self) -> Iterator[np.ndarray]:
        """Frames in order. A look-ahead worker makes the next canvas, the caption sprites and the end card
        while earlier frames are encoded, so the stream never waits on a LANCZOS resize or a text layout."""
        cv2.setNumThreads(1)  # the encoder has the cores; OpenCV's own pool only adds contention (measured)
        with ThreadPoolExecutor(1, thread_name_prefix="qm-lookahead") as pool:
            self._pool = pool
            try:
                for i in range(len(self.timeline.captions)):
                    self._prefetch(("sprite", i), functools.partial(self._make_sprite, i))
                card = self.timeline.end_card
                self._prefetch("end", lambda: end_card_frame(card, self.width, self.height))
                yield from self._frames()
            finally:
                self._pool = None
                for pending in self._ahead.values():
                    pending.cancel()
                self._ahead.clear()

    def _frames(self) -> Iterator[np.ndarray]:
        tl = self.timeline
        bounds = [c.end_s for c in tl.clips]
        cues = tl.captions
        item = 0
        for f in range(self.n_frames):
            t = (f + 0.5) / self.fps
            while item < len(bounds) and t >= bounds[item]:
                item += 1
            frame, fresh = self._item(item, t)
            for edge in (item - 1, item):
                if 0 <= edge < len(bounds):
                    x = self._fade_length(edge)
                    b = bounds[edge]
                    if x > 0 and b - x / 2 <= t < b + x / 2:
                        a = (t - (b - x / 2)) / x
                        before, _ = self._item(edge, t)
                        after, _ = self._item(edge + 1, t)
                        frame, fresh = cv2.addWeighted(before, 1.0 - a, after, a, 0.0), True
            shot = item < len(tl.clips)
            active = [i for i, c in enumerate(cues) if c.start_s <= t < c.end_s]
            over = [s for s in (self.corner if shot else None,) if s] + [self._sprite(i) for i in active]
            over += [mark for mark in (self.draft, self.ai_label) if mark is not None]
            if shot and self.chrome:
                over.append(self._chrome_sprite(item))  # over the draft band: a preview's label stays readable
            if over and not fresh:
                frame = frame.copy()
            for sprite in over:
                sprite.draw(frame)
            yield frame
