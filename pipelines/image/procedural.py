"""The embedded image backend: an animatic/storyboard frame drawn with Pillow, no model and no GPU.

A frame reads like a storyboard panel: the shot's framing sets the composition (horizon and a small figure for a
wide shot, a face filling the frame for a close-up, the bottle on a plinth for a product shot), the market palette
becomes the sky, motifs are drawn as simple recognisable shapes, an arrow shows the camera move, and the shot label
sits in a corner. The same request and seed always draw the same pixels.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from pipelines.fonts import load_font
from studio.model.requests import ImageRequest

RGB = tuple[int, int, int]

#: Dusk-to-night sky used when a request carries no palette.
DEFAULT_PALETTE = ("#1b1f4b", "#6a2c70", "#f08a5d", "#f9ed69")

SKIN_TONES: tuple[RGB, ...] = ((141, 85, 58), (176, 116, 78), (198, 134, 98), (224, 172, 128), (236, 192, 160))
HAIR_TONES: tuple[RGB, ...] = ((24, 18, 16), (44, 30, 24), (70, 44, 30), (20, 20, 28))


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


def _palette(request: ImageRequest) -> list[RGB]:
    colours = [c for c in (hex_to_rgb(p) for p in request.palette) if c is not None]
    if not colours:
        colours = [c for c in (hex_to_rgb(p) for p in DEFAULT_PALETTE) if c is not None]
    if len(colours) == 1:
        colours.append(shade(colours[0], 1.5))
    return colours


def _sky(w: int, h: int, palette: list[RGB], horizon: int) -> Image.Image:
    """A vertical gradient through the palette, sorted dark (top) to light (horizon), continuing below it."""
    stops = sorted(palette, key=luminance)
    ys = np.linspace(0.0, 1.0, len(stops))
    t = np.clip(np.arange(h, dtype=np.float32) / max(1, horizon), 0.0, 1.0)
    cols = np.stack([np.interp(t, ys, [c[i] for c in stops]) for i in range(3)], axis=-1)
    column = Image.fromarray(np.ascontiguousarray(cols.astype(np.uint8).reshape(h, 1, 3)))
    return column.resize((w, h), Image.Resampling.NEAREST)


# --- motifs ---------------------------------------------------------------------------------------------------------


def draw_palm(s: Scene, x: float, base: float, size: float) -> None:
    lean = s.rng.uniform(-0.25, 0.25) * size
    top = (x + lean, base - size)
    width = max(2, int(size * 0.05))
    pts = [(x + lean * (i / 8) ** 2, base - size * i / 8) for i in range(9)]
    s.draw.line(pts, fill=s.ink, width=width, joint="curve")
    for k in range(7):
        ang = math.pi * (0.05 + 0.9 * k / 6) + s.rng.uniform(-0.1, 0.1)
        length = size * s.rng.uniform(0.38, 0.5)
        frond = []
        for i in range(7):
            f = i / 6
            droop = (f**2) * length * 0.45
            frond.append((top[0] - math.cos(ang) * length * f, top[1] - math.sin(ang) * length * f * 0.6 + droop))
        s.draw.line(frond, fill=s.ink, width=max(2, int(width * 0.8)), joint="curve")
        for i in range(1, 6):
            px, py = frond[i]
            leaf = size * 0.07 * (1 - i / 7)
            s.draw.line([(px, py), (px - leaf * 0.4, py + leaf)], fill=s.ink, width=max(1, width // 2))
            s.draw.line([(px, py), (px + leaf * 0.4, py + leaf)], fill=s.ink, width=max(1, width // 2))
    r = size * 0.035
    s.draw.ellipse([top[0] - r, top[1] - r, top[0] + r * 1.5, top[1] + r * 1.5], fill=mix(s.ink, (92, 60, 30), 0.6))


def draw_waves(s: Scene, y0: float, y1: float) -> None:
    sea = mix(s.accent, (20, 80, 160), 0.5)
    rows = 5
    for r in range(rows):
        y = y0 + (y1 - y0) * r / rows
        amp = s.u * (1.0 + r * 0.8)
        wl = s.w / (3 + s.rng.random())
        phase = s.rng.uniform(0, math.tau)
        col = mix(shade(sea, 0.6 + 0.15 * r), s.light, 0.05 * r)
        pts = [(x, y + amp * math.sin(phase + math.tau * x / wl)) for x in range(0, s.w + 12, 12)]
        s.draw.polygon([*pts, (s.w, y1), (0, y1)], fill=col)
        s.draw.line(pts, fill=mix(col, (255, 255, 255), 0.55), width=max(1, int(s.u * 0.35)))
    crest_x = s.w * s.rng.uniform(0.15, 0.55)
    cy = y0 + (y1 - y0) * 0.2
    r = (y1 - y0) * 0.55
    s.draw.arc([crest_x - r, cy - r * 0.2, crest_x + r, cy + r * 1.6], 200, 330, fill=(240, 248, 255), width=int(s.u))


def draw_sun(s: Scene, x: float, y: float, r: float) -> None:
    glow = mix(s.light, (255, 214, 120), 0.5)
    for i in range(4, 0, -1):
        rr = r * (1 + i * 0.35)
        s.odraw.ellipse([x - rr, y - rr, x + rr, y + rr], fill=(*glow, 28))
    s.draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 206, 92))


def draw_moon(s: Scene, x: float, y: float, r: float) -> None:
    s.odraw.ellipse([x - r * 1.8, y - r * 1.8, x + r * 1.8, y + r * 1.8], fill=(255, 255, 230, 30))
    s.draw.ellipse([x - r, y - r, x + r, y + r], fill=(250, 246, 222))
    sky = s.img.getpixel((int(min(s.w - 1, x + r * 1.2)), int(max(0, y - r * 0.2))))
    off = r * 0.45
    s.draw.ellipse([x - r + off, y - r - off * 0.3, x + r + off, y + r - off * 0.3], fill=sky[:3])


def draw_stars(s: Scene, y1: float) -> None:
    for _ in range(60):
        x, y = s.rng.uniform(0, s.w), s.rng.uniform(0, y1)
        r = s.u * s.rng.uniform(0.12, 0.35)
        s.draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 250, 235))
    for _ in range(5):
        x, y = s.rng.uniform(0.05, 0.95) * s.w, s.rng.uniform(0.05, 0.9) * y1
        a, b = s.u * 1.6, s.u * 0.35
        s.draw.polygon(
            [
                (x, y - a),
                (x + b, y - b),
                (x + a, y),
                (x + b, y + b),
                (x, y + a),
                (x - b, y + b),
                (x - a, y),
                (x - b, y - b),
            ],
            fill=(255, 248, 220),
        )


def draw_skyline(s: Scene, base: float, height: float) -> None:
    x = -s.rng.uniform(0, s.u * 4)
    windows = (255, 214, 120) if s.night else shade(s.light, 1.1)
    while x < s.w:
        bw = s.u * s.rng.uniform(6, 14)
        bh = height * s.rng.uniform(0.35, 1.0)
        s.draw.rectangle([x, base - bh, x + bw, base], fill=s.ink)
        if s.rng.random() < 0.3:
            s.draw.line([(x + bw / 2, base - bh), (x + bw / 2, base - bh - s.u * 4)], fill=s.ink, width=2)
        step = s.u * 2.2
        wy = base - bh + step
        while wy < base - step:
            wx = x + step * 0.6
            while wx < x + bw - step * 0.6:
                if s.rng.random() < 0.45:
                    s.draw.rectangle([wx, wy, wx + step * 0.5, wy + step * 0.6], fill=windows)
                wx += step
            wy += step * 1.2
        x += bw + s.u * s.rng.uniform(0.3, 1.5)


def draw_lanterns(s: Scene, y: float) -> None:
    n = s.rng.randint(4, 6)
    s.draw.arc([-s.w * 0.1, y - s.u * 20, s.w * 1.1, y + s.u * 4], 20, 160, fill=s.ink, width=max(2, int(s.u * 0.3)))
    for i in range(n):
        x = s.w * (i + 0.5) / n
        sag = s.u * 8 * math.sin(math.pi * (i + 0.5) / n)
        cy = y - s.u * 8 + sag + s.u * 6
        rw, rh = s.u * 4, s.u * 5
        s.odraw.ellipse([x - rw * 2, cy - rh * 2, x + rw * 2, cy + rh * 2], fill=(255, 120, 60, 40))
        s.draw.line([(x, cy - rh - s.u * 3), (x, cy - rh)], fill=s.ink, width=2)
        s.draw.ellipse([x - rw, cy - rh, x + rw, cy + rh], fill=(214, 40, 40))
        s.draw.rectangle([x - rw * 0.5, cy - rh - s.u * 0.6, x + rw * 0.5, cy - rh + s.u * 0.4], fill=(230, 180, 60))
        s.draw.rectangle([x - rw * 0.5, cy + rh - s.u * 0.4, x + rw * 0.5, cy + rh + s.u * 0.6], fill=(230, 180, 60))
        s.draw.line([(x, cy + rh), (x, cy + rh + s.u * 3)], fill=(230, 180, 60), width=2)


def draw_neon(s: Scene, y: float) -> None:
    colours = [(255, 60, 200), (60, 240, 255), (180, 255, 60)]
    for i in range(2):
        col = colours[(i + s.rng.randint(0, 2)) % 3]
        x0 = s.w * (0.08 + 0.5 * i) + s.rng.uniform(0, s.u * 5)
        bw, bh = s.w * 0.36, s.u * 9
        y0 = y + i * s.u * 12
        for k in range(3, 0, -1):
            g = s.u * 0.8 * k
            s.odraw.rounded_rectangle(
                [x0 - g, y0 - g, x0 + bw + g, y0 + bh + g], radius=s.u * 2 + g, outline=(*col, 50), width=int(s.u)
            )
        s.draw.rounded_rectangle([x0, y0, x0 + bw, y0 + bh], radius=s.u * 2, outline=col, width=max(2, int(s.u * 0.6)))
        for j in range(4):
            cx = x0 + bw * (0.15 + 0.22 * j)
            s.draw.line([(cx, y0 + bh * 0.3), (cx + bw * 0.08, y0 + bh * 0.7)], fill=col, width=max(2, int(s.u * 0.5)))


def draw_beach(s: Scene, y0: float) -> None:
    sand = (226, 196, 140) if not s.night else (120, 100, 80)
    pts = [(x, y0 + s.u * 2 * math.sin(x / s.w * math.pi * 2)) for x in range(0, s.w + 20, 20)]
    s.draw.polygon([*pts, (s.w, s.h), (0, s.h)], fill=sand)
    for _ in range(40):
        x, y = s.rng.uniform(0, s.w), s.rng.uniform(y0 + s.u * 3, s.h)
        s.draw.ellipse([x, y, x + s.u * 0.4, y + s.u * 0.3], fill=shade(sand, 0.85))


def draw_mountains(s: Scene, base: float, height: float) -> None:
    for layer in range(2):
        col = mix(s.ink, s.palette[0], 0.5 - 0.3 * layer)
        pts = [(0.0, base)]
        x = 0.0
        while x < s.w:
            x += s.w * s.rng.uniform(0.12, 0.3)
            pts.append((x, base - height * s.rng.uniform(0.4, 1.0) * (1 - 0.3 * layer)))
            x += s.w * s.rng.uniform(0.08, 0.2)
            pts.append((x, base - height * s.rng.uniform(0.05, 0.3)))
        pts.append((s.w, base))
        s.draw.polygon(pts, fill=col)


def draw_clouds(s: Scene, y1: float) -> None:
    for _ in range(3):
        cx, cy = s.rng.uniform(0.1, 0.9) * s.w, s.rng.uniform(0.1, 0.8) * y1
        for k in range(5):
            r = s.u * s.rng.uniform(4, 8)
            dx = (k - 2) * r * 0.9
            s.odraw.ellipse([cx + dx - r, cy - r * 0.7, cx + dx + r, cy + r * 0.7], fill=(255, 255, 255, 90))


def draw_flowers(s: Scene, y0: float, y1: float) -> None:
    for _ in range(9):
        x, y = s.rng.uniform(0, s.w), s.rng.uniform(y0, y1)
        r = s.u * s.rng.uniform(1.5, 3)
        col = s.rng.choice([(244, 143, 177), (255, 205, 210), (230, 80, 110)])
        for k in range(5):
            a = math.tau * k / 5
            px, py = x + math.cos(a) * r, y + math.sin(a) * r
            s.draw.ellipse([px - r * 0.7, py - r * 0.7, px + r * 0.7, py + r * 0.7], fill=col)
        s.draw.ellipse([x - r * 0.4, y - r * 0.4, x + r * 0.4, y + r * 0.4], fill=(255, 220, 90))


def draw_rain(s: Scene, y1: float) -> None:
    for _ in range(70):
        x, y = s.rng.uniform(0, s.w), s.rng.uniform(0, y1)
        s.odraw.line([(x, y), (x - s.u * 0.6, y + s.u * 3)], fill=(220, 235, 255, 110), width=max(1, int(s.u * 0.2)))


def draw_sparkles(s: Scene, y0: float, y1: float) -> None:
    for _ in range(18):
        x, y = s.rng.uniform(0, s.w), s.rng.uniform(y0, y1)
        a = s.u * s.rng.uniform(0.8, 2.2)
        s.odraw.ellipse([x - a * 1.5, y - a * 1.5, x + a * 1.5, y + a * 1.5], fill=(255, 255, 255, 35))
        s.draw.line([(x - a, y), (x + a, y)], fill=(255, 252, 230), width=max(1, int(s.u * 0.3)))
        s.draw.line([(x, y - a), (x, y + a)], fill=(255, 252, 230), width=max(1, int(s.u * 0.3)))


def draw_generic(s: Scene, y0: float, y1: float, word: str) -> None:
    """Unknown motif: a seeded pattern of soft shapes in the accent colour, so it still reads as decoration."""
    local = random.Random(f"{s.rng.random()}:{word}")
    for _ in range(12):
        x, y = local.uniform(0, s.w), local.uniform(y0, y1)
        r = s.u * local.uniform(1, 3.5)
        col = (*mix(s.accent, (255, 255, 255), local.uniform(0, 0.5)), 120)
        if local.random() < 0.5:
            s.odraw.ellipse([x - r, y - r, x + r, y + r], fill=col)
        else:
            s.odraw.regular_polygon((x, y, r), n_sides=local.choice([3, 4, 6]), rotation=local.uniform(0, 90), fill=col)


#: Motif word (substring, lower case) → the drawer that shows it. First match wins.
MOTIF_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("palm", "coconut", "tropic"), "palm"),
    (("surf", "wave", "sea", "ocean"), "waves"),
    (("beach", "sand", "shore", "coast"), "beach"),
    (("moon", "night", "midnight"), "moon"),
    (("sun", "sunset", "sunrise", "daylight", "golden hour"), "sun"),
    (("star", "starlight", "galaxy"), "stars"),
    (("city", "skyline", "rooftop", "building", "street", "urban", "tower"), "skyline"),
    (("lantern",), "lanterns"),
    (("neon", "sign", "club", "bar"), "neon"),
    (("mountain", "hill", "volcano"), "mountains"),
    (("cloud", "blue sky", "sky"), "clouds"),
    (("flower", "blossom", "peony", "lotus", "orchid", "plum", "frangipani"), "flowers"),
    (("rain", "humid", "monsoon", "drizzle"), "rain"),
    (("glow", "sparkle", "shine", "sweat", "dew", "drop", "glitter", "light"), "sparkles"),
)


def motif_kind(word: str) -> str:
    w = word.lower()
    for keys, kind in MOTIF_KEYWORDS:
        if any(k in w for k in keys):
            return kind
    return "generic"


# --- figures --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    skin: RGB
    hair: RGB
    outfit: RGB
    trim: RGB
    hanfu: bool
    long_hair: bool


def _look(s: Scene) -> Look:
    hanfu = any(k in s.text for k in ("hanfu", "guochao", "qipao", "traditional chinese"))
    outfit = s.rng.choice([(28, 28, 36), (200, 40, 70), (40, 120, 200), (240, 240, 240), s.accent])
    if hanfu:
        outfit = s.rng.choice([(178, 34, 52), (196, 160, 96), (60, 110, 150)])
    return Look(
        skin=s.rng.choice(SKIN_TONES),
        hair=s.rng.choice(HAIR_TONES),
        outfit=outfit,
        trim=(232, 196, 96) if hanfu else shade(outfit, 1.4),
        hanfu=hanfu,
        long_hair=s.rng.random() < 0.6 or hanfu,
    )


def _face(s: Scene, cx: float, cy: float, rw: float, rh: float, look: Look, detail: bool) -> None:
    d = s.draw
    if look.long_hair:
        d.rounded_rectangle([cx - rw * 1.15, cy - rh * 1.05, cx + rw * 1.15, cy + rh * 1.5], radius=rw, fill=look.hair)
    d.ellipse([cx - rw, cy - rh, cx + rw, cy + rh], fill=look.skin)
    d.chord([cx - rw * 1.08, cy - rh * 1.12, cx + rw * 1.08, cy + rh * 0.4], 180, 360, fill=look.hair)
    if look.hanfu:
        d.ellipse([cx - rw * 0.45, cy - rh * 1.45, cx + rw * 0.45, cy - rh * 0.75], fill=look.hair)
        d.line([(cx - rw * 0.7, cy - rh * 1.1), (cx + rw * 0.8, cy - rh * 1.25)], fill=look.trim, width=int(rw * 0.08))
    if not detail:
        return
    ey, ex = cy - rh * 0.05, rw * 0.38
    for sx in (-1, 1):
        x = cx + sx * ex
        d.ellipse([x - rw * 0.17, ey - rh * 0.07, x + rw * 0.17, ey + rh * 0.07], fill=(250, 250, 250))
        d.ellipse([x - rw * 0.08, ey - rh * 0.07, x + rw * 0.08, ey + rh * 0.07], fill=(50, 32, 24))
        d.ellipse([x - rw * 0.03, ey - rh * 0.05, x + rw * 0.01, ey - rh * 0.02], fill=(255, 255, 255))
        d.line([(x - rw * 0.2, ey - rh * 0.17), (x + rw * 0.18, ey - rh * 0.2)], fill=look.hair, width=int(rw * 0.05))
    d.line(
        [(cx, ey + rh * 0.05), (cx - rw * 0.06, cy + rh * 0.32), (cx + rw * 0.04, cy + rh * 0.34)],
        fill=shade(look.skin, 0.75),
        width=max(2, int(rw * 0.03)),
    )
    d.chord([cx - rw * 0.25, cy + rh * 0.42, cx + rw * 0.25, cy + rh * 0.65], 0, 180, fill=(196, 64, 84))
    d.line([(cx - rw * 0.25, cy + rh * 0.53), (cx + rw * 0.25, cy + rh * 0.53)], fill=(150, 40, 60), width=2)
    for sx in (-1, 1):
        x = cx + sx * rw * 0.55
        s.odraw.ellipse([x - rw * 0.16, cy + rh * 0.2, x + rw * 0.16, cy + rh * 0.34], fill=(255, 120, 120, 60))


def _torso(s: Scene, cx: float, top: float, shoulder: float, bottom: float, look: Look) -> None:
    d = s.draw
    neck = shoulder * 0.18
    d.rectangle([cx - neck, top - shoulder * 0.25, cx + neck, top + shoulder * 0.1], fill=shade(look.skin, 0.9))
    if look.hanfu:
        sleeve = shoulder * 1.45
        d.polygon(
            [(cx - shoulder, top), (cx + shoulder, top), (cx + sleeve, bottom), (cx - sleeve, bottom)], fill=look.outfit
        )
        d.polygon(
            [(cx - neck * 1.6, top), (cx + neck * 1.6, top), (cx - shoulder * 0.35, top + (bottom - top) * 0.55)],
            fill=(245, 238, 220),
        )
        w = max(3, int(shoulder * 0.07))
        d.line([(cx + neck * 1.6, top), (cx - shoulder * 0.35, top + (bottom - top) * 0.55)], fill=look.trim, width=w)
        d.line([(cx - neck * 1.6, top), (cx + shoulder * 0.05, top + (bottom - top) * 0.3)], fill=look.trim, width=w)
        belt = top + (bottom - top) * 0.62
        d.rectangle([cx - shoulder * 1.1, belt, cx + shoulder * 1.1, belt + shoulder * 0.22], fill=look.trim)
        return
    d.rounded_rectangle(
        [cx - shoulder, top, cx + shoulder, bottom + shoulder], radius=shoulder * 0.45, fill=look.outfit
    )
    d.chord([cx - neck * 1.8, top - neck, cx + neck * 1.8, top + neck * 1.6], 0, 180, fill=shade(look.skin, 0.9))


def figure_standing(s: Scene, cx: float, feet: float, height: float, look: Look) -> None:
    head = height * 0.13
    top = feet - height
    _face(s, cx, top + head, head * 0.8, head, look, detail=False)
    shoulder = height * 0.13
    hips = feet - height * 0.47
    _torso(s, cx, top + head * 2.1, shoulder, hips, look)
    leg = max(3, int(height * 0.06))
    if look.hanfu:
        s.draw.polygon(
            [
                (cx - shoulder * 1.1, hips),
                (cx + shoulder * 1.1, hips),
                (cx + shoulder * 1.4, feet),
                (cx - shoulder * 1.4, feet),
            ],
            fill=shade(look.outfit, 0.85),
        )
        return
    s.draw.line([(cx - shoulder * 0.4, hips), (cx - shoulder * 0.5, feet)], fill=s.ink, width=leg)
    s.draw.line([(cx + shoulder * 0.4, hips), (cx + shoulder * 0.6, feet)], fill=s.ink, width=leg)


def bottle(s: Scene, cx: float, base: float, height: float) -> None:
    """A dropper serum bottle: glass body, shoulder, collar, rubber bulb and a label."""
    d = s.draw
    bw = height * 0.34
    body_top = base - height * 0.62
    glass = mix(s.accent, (255, 236, 200), 0.35)
    s.odraw.ellipse([cx - bw * 1.6, base - height * 0.95, cx + bw * 1.6, base + height * 0.1], fill=(*s.light, 60))
    d.rounded_rectangle([cx - bw, body_top, cx + bw, base], radius=bw * 0.3, fill=glass)
    d.rounded_rectangle(
        [cx - bw * 0.85, body_top + height * 0.1, cx - bw * 0.55, base - height * 0.06],
        radius=bw * 0.1,
        fill=shade(glass, 1.45),
    )
    d.rectangle([cx - bw * 0.75, base - height * 0.4, cx + bw * 0.75, base - height * 0.16], fill=(250, 248, 242))
    d.line([(cx - bw * 0.5, base - height * 0.3), (cx + bw * 0.5, base - height * 0.3)], fill=s.ink, width=3)
    d.line([(cx - bw * 0.3, base - height * 0.24), (cx + bw * 0.3, base - height * 0.24)], fill=s.accent, width=3)
    collar_top = body_top - height * 0.12
    d.rectangle([cx - bw * 0.45, collar_top, cx + bw * 0.45, body_top + 2], fill=(205, 170, 90))
    d.rounded_rectangle(
        [cx - bw * 0.3, collar_top - height * 0.22, cx + bw * 0.3, collar_top + 2], radius=bw * 0.3, fill=(30, 28, 34)
    )


# --- compositions ---------------------------------------------------------------------------------------------------


def _backdrop(s: Scene, motifs: list[str], ground: float, scale: float) -> None:
    """Sky motifs first, then setting silhouettes on the horizon, in the order a viewer reads depth."""
    kinds = list(dict.fromkeys(motif_kind(m) for m in motifs))
    words = {motif_kind(m): m for m in motifs}
    sky_y = s.horizon * 0.9
    if "stars" in kinds or (s.night and "sun" not in kinds):
        draw_stars(s, sky_y * 0.8)
    if "clouds" in kinds:
        draw_clouds(s, sky_y * 0.7)
    if "rain" in kinds:
        draw_rain(s, sky_y)
    if "sun" in kinds or "moon" in kinds or s.rng.random() < 0.6:
        orb_x = s.w * s.rng.choice([0.22, 0.75])
        orb_y = s.horizon * s.rng.uniform(0.18, 0.35)
        orb_r = s.u * 7 * scale
        if "sun" in kinds or ("moon" not in kinds and not s.night):
            draw_sun(s, orb_x, orb_y, orb_r)
        else:
            draw_moon(s, orb_x, orb_y, orb_r)
    if "mountains" in kinds:
        draw_mountains(s, s.horizon, s.horizon * 0.25 * scale)
    if "skyline" in kinds:
        draw_skyline(s, s.horizon, s.horizon * 0.32 * scale)
    if "lanterns" in kinds:
        draw_lanterns(s, s.horizon * 0.18)
    if "neon" in kinds:
        draw_neon(s, s.horizon * 0.45)
    has_sea = "waves" in kinds or "beach" in kinds
    if has_sea:
        draw_waves(s, s.horizon, ground)
    if "beach" in kinds or ("palm" in kinds and has_sea):
        draw_beach(s, ground)
    else:
        s.draw.rectangle([0, ground, s.w, s.h], fill=mix(s.ink, s.palette[0], 0.25))
    if "palm" in kinds:
        for i in range(s.rng.randint(2, 3)):
            x = s.w * (0.1 + 0.8 * i / 2) + s.rng.uniform(-s.u * 4, s.u * 4)
            draw_palm(s, x, ground + s.u * 2, s.h * 0.33 * scale * s.rng.uniform(0.8, 1.1))
    if "flowers" in kinds:
        draw_flowers(s, ground, s.h)
    if "sparkles" in kinds:
        draw_sparkles(s, 0, s.h)
    for kind in kinds:
        if kind == "generic":
            draw_generic(s, 0, s.horizon, words[kind])


def compose_wide(s: Scene, motifs: list[str], look: Look) -> None:
    ground = s.horizon + (s.h - s.horizon) * 0.35
    _backdrop(s, motifs, ground, 1.0)
    figure_standing(s, s.w * s.rng.uniform(0.38, 0.62), s.h * 0.9, s.h * 0.2, look)


def compose_medium(s: Scene, motifs: list[str], look: Look) -> None:
    ground = s.horizon + (s.h - s.horizon) * 0.3
    _backdrop(s, motifs, ground, 0.8)
    cx = s.w * s.rng.uniform(0.45, 0.55)
    shoulder = s.figure_w * 0.27
    head_rw = s.figure_w * 0.13
    head_cy = s.h * 0.42
    _face(s, cx, head_cy, head_rw, head_rw * 1.3, look, detail=True)
    _torso(s, cx, head_cy + head_rw * 1.6, shoulder, s.h, look)


def compose_close_up(s: Scene, motifs: list[str], look: Look) -> None:
    kinds = {motif_kind(m) for m in motifs}
    if "stars" in kinds or s.night:
        draw_stars(s, s.h * 0.4)
    if "sparkles" in kinds:
        draw_sparkles(s, 0, s.h)
    cx, cy = s.w * 0.5, s.h * 0.47
    rw = s.figure_w * 0.36
    rh = min(rw * 1.32, s.h * 0.4)
    _torso(s, cx, cy + rh * 0.95, s.figure_w * 0.55, s.h, look)
    _face(s, cx, cy, rw, rh, look, detail=True)


def compose_extreme_close_up(s: Scene, motifs: list[str], look: Look) -> None:
    """Skin fills the frame: one eye, lashes, pores and a highlight where the serum catches light."""
    d = s.draw
    d.rectangle([0, 0, s.w, s.h], fill=look.skin)
    cols = [shade(look.skin, 0.92), shade(look.skin, 1.08)]
    for _ in range(220):
        x, y = s.rng.uniform(0, s.w), s.rng.uniform(0, s.h)
        r = s.u * s.rng.uniform(0.15, 0.5)
        d.ellipse([x - r, y - r, x + r, y + r], fill=s.rng.choice(cols))
    cx, cy = s.w * 0.5, s.h * 0.38
    ew, eh = s.w * 0.42, s.w * 0.2
    d.chord([cx - ew, cy - eh, cx + ew, cy + eh], 0, 360, fill=(248, 246, 244))
    ir = eh * 0.95
    d.ellipse([cx - ir, cy - ir, cx + ir, cy + ir], fill=(92, 58, 36))
    d.ellipse([cx - ir * 0.45, cy - ir * 0.45, cx + ir * 0.45, cy + ir * 0.45], fill=(18, 12, 10))
    d.ellipse([cx - ir * 0.5, cy - ir * 0.6, cx - ir * 0.15, cy - ir * 0.25], fill=(255, 255, 255))
    d.pieslice([cx - ew * 1.1, cy - eh * 2.6, cx + ew * 1.1, cy - eh * 0.85], 0, 180, fill=look.skin)
    d.arc([cx - ew, cy - eh, cx + ew, cy + eh], 180, 360, fill=look.hair, width=max(3, int(s.u * 1.2)))
    for i in range(14):
        t = math.pi * (1.08 + 0.84 * i / 13)
        x0, y0 = cx + math.cos(t) * ew, cy + math.sin(t) * eh
        d.line([(x0, y0), (x0 + math.cos(t) * s.u * 4, y0 + math.sin(t) * s.u * 5)], fill=look.hair, width=3)
    d.arc([cx - ew * 1.2, cy - eh * 3.2, cx + ew * 1.1, cy - eh * 1.3], 200, 330, fill=look.hair, width=int(s.u * 2.5))
    for _ in range(5):
        x, y = s.rng.uniform(0.15, 0.85) * s.w, s.rng.uniform(0.6, 0.9) * s.h
        r = s.u * s.rng.uniform(1.5, 3)
        s.odraw.ellipse([x - r * 3, y - r * 3, x + r * 3, y + r * 3], fill=(255, 255, 255, 30))
        d.ellipse([x - r, y - r, x + r, y + r], fill=shade(look.skin, 1.35))
    draw_sparkles(s, s.h * 0.55, s.h)


def compose_product(s: Scene, motifs: list[str], look: Look) -> None:
    ground = s.h * 0.72
    s.horizon = int(ground)
    kinds = {motif_kind(m) for m in motifs} - {"palm", "waves", "beach", "skyline"}
    if "stars" in kinds or s.night:
        draw_stars(s, ground * 0.6)
    if "sparkles" in kinds:
        draw_sparkles(s, 0, ground)
    if "flowers" in kinds:
        draw_flowers(s, ground * 0.5, ground)
    s.draw.rectangle([0, ground, s.w, s.h], fill=shade(s.palette[0], 0.6))
    cx = s.w * 0.5
    pw, ph = s.figure_w * 0.36, s.u * 6
    top = ground - s.u * 2
    s.draw.rectangle([cx - pw, top, cx + pw, s.h * 0.86], fill=shade(s.light, 0.92))
    s.draw.ellipse([cx - pw, top - ph, cx + pw, top + ph], fill=shade(s.light, 1.05))
    s.draw.ellipse([cx - pw, s.h * 0.86 - ph, cx + pw, s.h * 0.86 + ph], fill=shade(s.light, 0.8))
    bottle(s, cx, top, min(s.h * 0.42, s.figure_w))


COMPOSITIONS: dict[str, Callable[[Scene, list[str], Look], None]] = {
    "wide": compose_wide,
    "medium": compose_medium,
    "close-up": compose_close_up,
    "extreme-close-up": compose_extreme_close_up,
    "product": compose_product,
}


# --- annotations ----------------------------------------------------------------------------------------------------


def _arrow(s: Scene, start: tuple[float, float], end: tuple[float, float], colour: tuple[int, int, int, int]) -> None:
    width = max(3, int(s.u * 0.9))
    s.odraw.line([start, end], fill=colour, width=width)
    ang = math.atan2(end[1] - start[1], end[0] - start[0])
    head = s.u * 3.5
    left = (end[0] - head * math.cos(ang - 0.45), end[1] - head * math.sin(ang - 0.45))
    right = (end[0] - head * math.cos(ang + 0.45), end[1] - head * math.sin(ang + 0.45))
    s.odraw.polygon([end, left, right], fill=colour)


def draw_camera_hint(s: Scene, camera: str) -> None:
    """Storyboard convention: arrows show where the camera goes (corners in/out for push/pull)."""
    c = (255, 255, 255, 200)
    m = s.u * 8
    cx, cy = s.w / 2, s.h / 2
    length = s.u * 14
    if camera in ("push-in", "pull-out"):
        corners = [(m, m), (s.w - m, m), (m, s.h - m), (s.w - m, s.h - m)]
        for x, y in corners:
            dx, dy = (1 if x < cx else -1), (1 if y < cy else -1)
            inner = (x + dx * length * 0.7, y + dy * length * 0.7)
            _arrow(s, (x, y), inner, c) if camera == "push-in" else _arrow(s, inner, (x, y), c)
    elif camera in ("pan-left", "pan-right"):
        y = s.h * 0.9
        a, b = (cx + length, y), (cx - length, y)
        _arrow(s, *(a, b) if camera == "pan-left" else (b, a), colour=c)
    elif camera in ("tilt-up", "tilt-down"):
        x = s.w - m
        a, b = (x, cy + length), (x, cy - length)
        _arrow(s, *(a, b) if camera == "tilt-up" else (b, a), colour=c)


def draw_label(s: Scene, label: str, camera: str) -> None:
    text = label.strip()
    if camera != "static":
        text = f"{text}  ·  {camera.upper()}" if text else camera.upper()
    if not text:
        return
    size = max(12, int(s.u * 3.6))
    font = load_font("en", size, True)
    pad = size * 0.5
    x0, y0 = s.u * 4, s.u * 4
    box = s.odraw.textbbox((x0 + pad, y0 + pad), text, font=font)
    s.odraw.rounded_rectangle([x0, y0, box[2] + pad, box[3] + pad], radius=pad, fill=(0, 0, 0, 150))
    s.odraw.text((x0 + pad, y0 + pad), text, font=font, fill=(255, 255, 255, 255))


def draw_frame(request: ImageRequest) -> Image.Image:
    """Draw one storyboard frame of request.width × request.height (RGB)."""
    w, h = request.width, request.height
    rng = random.Random(request.seed)
    palette = _palette(request)
    text = " ".join([request.prompt, *request.motifs]).lower()
    night = luminance(min(palette, key=luminance)) < 0.25 or any(k in text for k in ("night", "neon", "moon"))
    horizon = int(h * rng.uniform(0.5, 0.6))
    img = _sky(w, h, palette, horizon)
    overlay = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    scene = Scene(
        img=img,
        draw=ImageDraw.Draw(img),
        overlay=overlay,
        odraw=ImageDraw.Draw(overlay),
        w=w,
        h=h,
        rng=rng,
        palette=palette,
        night=night,
        horizon=horizon,
        text=text,
    )
    look = _look(scene)
    compose = COMPOSITIONS.get(request.framing, compose_medium)
    compose(scene, list(request.motifs), look)
    draw_camera_hint(scene, request.camera)
    draw_label(scene, request.label, request.camera)
    out = img.convert("RGBA")
    out.alpha_composite(overlay)
    return out.convert("RGB")
