"""The drawing surface every frame drawer shares: canvas, sizes, palette colours and the seeded random source."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

RGB = tuple[int, int, int]


def hex_to_rgb(value: str) -> RGB | None:
    s = value.strip().lstrip("#")
    if len(s) == 3:
        s = "".join(c * 2 for c in s)
    if len(s) != 6:
        return None
    try:
        return (int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16))
    except ValueError:
        return None


def luminance(c: RGB) -> float:
    return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255.0


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def shade(c: RGB, f: float) -> RGB:
    """Darken (f < 1) or lighten (f > 1) a colour."""
    if f <= 1:
        return mix((0, 0, 0), c, f)
    return mix(c, (255, 255, 255), min(1.0, f - 1))


@dataclass
class Scene:
    """What every drawer needs: canvas, sizes, colours and the seeded random source."""

    img: Image.Image
    draw: ImageDraw.ImageDraw
    overlay: Image.Image
    odraw: ImageDraw.ImageDraw
    w: int
    h: int
    rng: random.Random
    palette: list[RGB]
    night: bool
    horizon: int
    text: str
    anchors: list[tuple[float, float, float]] = field(default_factory=list)
    """Chest centre (x, y) and shoulder half-width of each drawn figure: where bibs and backpacks go."""
    heads: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Centre (x, y) and radii (rw, rh) of each face drawn, in drawing order (the layout tests look at)."""
    torsos: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Box (left, top, right, bottom) of each figure's torso, in drawing order: where a try-on puts the garment."""
    cutout: Image.Image | None = None
    """The brand's product on transparency (RGBA): drawn wherever the product appears, instead of a drawn one."""
    products: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Box (left, top, right, bottom) of each product placed: where a reframe must keep looking."""

    def rgb_at(self, x: float, y: float) -> RGB:
        """The colour already drawn at (x, y), clamped into the canvas (the picture is RGB)."""
        pixel = self.img.getpixel((int(min(self.w - 1, max(0, x))), int(min(self.h - 1, max(0, y)))))
        assert isinstance(pixel, tuple)
        return (pixel[0], pixel[1], pixel[2])

    def flatten(self) -> None:
        """Lay the translucent overlay (glows, halos) into the picture now, so what is drawn next sits on top."""
        base = self.img.convert("RGBA")
        base.alpha_composite(self.overlay)
        self.img.paste(base.convert("RGB"))
        self.odraw.rectangle([0, 0, self.w, self.h], fill=(0, 0, 0, 0))

    @property
    def u(self) -> float:
        """One unit: 1 % of the short side, so shapes scale with the frame."""
        return min(self.w, self.h) / 100.0

    @property
    def ink(self) -> RGB:
        """Silhouette colour: darker than the darkest palette colour."""
        return shade(min(self.palette, key=luminance), 0.35)

    @property
    def figure_w(self) -> float:
        """Width a portrait-framed subject is sized by: the frame width, capped for landscape frames."""
        return min(self.w, self.h * 0.62)

    @property
    def accent(self) -> RGB:
        return max(self.palette, key=lambda c: max(c) - min(c))

    @property
    def light(self) -> RGB:
        return shade(max(self.palette, key=luminance), 1.35)
