"""Storyboard chrome: the shot label ("S3 · SOLUTION · PUSH-IN") and camera-move arrows.

Chrome explains a frame to a reviewer; it never belongs in a deliverable. The default frames draw it only when a
request asks (`ImageRequest.chrome`), and the cut lays it over the picture only for an animatic preview.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from pipelines.fonts import load_font

RGBA = tuple[int, int, int, int]
ARROW: RGBA = (255, 255, 255, 200)


def _arrow(d: ImageDraw.ImageDraw, u: float, start: tuple[float, float], end: tuple[float, float]) -> None:
    width = max(3, int(u * 0.9))
    d.line([start, end], fill=ARROW, width=width)
    ang = math.atan2(end[1] - start[1], end[0] - start[0])
    head = u * 3.5
    left = (end[0] - head * math.cos(ang - 0.45), end[1] - head * math.sin(ang - 0.45))
    right = (end[0] - head * math.cos(ang + 0.45), end[1] - head * math.sin(ang + 0.45))
    d.polygon([end, left, right], fill=ARROW)


def draw_camera_hint(d: ImageDraw.ImageDraw, w: int, h: int, camera: str) -> None:
    """Storyboard convention: arrows show where the camera goes (corners in/out for push/pull)."""
    u = min(w, h) / 100.0
    m = u * 8
    cx, cy = w / 2, h / 2
    length = u * 14
    if camera in ("push-in", "pull-out"):
        for x, y in [(m, m), (w - m, m), (m, h - m), (w - m, h - m)]:
            dx, dy = (1 if x < cx else -1), (1 if y < cy else -1)
            inner = (x + dx * length * 0.7, y + dy * length * 0.7)
            _arrow(d, u, (x, y), inner) if camera == "push-in" else _arrow(d, u, inner, (x, y))
    elif camera in ("pan-left", "pan-right"):
        y = h * 0.9
        a, b = (cx + length, y), (cx - length, y)
        _arrow(d, u, *((a, b) if camera == "pan-left" else (b, a)))
    elif camera in ("tilt-up", "tilt-down"):
        x = w - m
        a, b = (x, cy + length), (x, cy - length)
        _arrow(d, u, *((a, b) if camera == "tilt-up" else (b, a)))


def draw_label(d: ImageDraw.ImageDraw, w: int, h: int, label: str, camera: str) -> None:
    """The shot label in the top-left corner on a dark rounded box."""
    text = label.strip()
    if camera != "static":
        text = f"{text}  ·  {camera.upper()}" if text else camera.upper()
    if not text:
        return
    u = min(w, h) / 100.0
    size = max(12, int(u * 3.6))
    font = load_font("en", size, True)
    pad = size * 0.5
    x0, y0 = u * 4, u * 4
    box = d.textbbox((x0 + pad, y0 + pad), text, font=font)
    d.rounded_rectangle([x0, y0, box[2] + pad, box[3] + pad], radius=pad, fill=(0, 0, 0, 150))
    d.text((x0 + pad, y0 + pad), text, font=font, fill=(255, 255, 255, 255))


def chrome_overlay(width: int, height: int, label: str, camera: str) -> Image.Image:
    """Label and camera arrows on a transparent RGBA layer of the frame's size."""
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    draw_camera_hint(d, width, height, camera)
    draw_label(d, width, height, label, camera)
    return layer
