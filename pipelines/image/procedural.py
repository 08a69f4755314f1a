"""The embedded image backend: an animatic/storyboard frame drawn with Pillow, no model and no GPU.

A frame reads like a storyboard panel. `frame_plan` first decides what the shot asks for from the request's
structured fields: the cast (each person by age, gender, skin tone, head covering and modest dress), the category's
product (a jacket, a noodle bowl, a tablet, a running shoe, a sunscreen tube... the serum bottle and skin macro only
for beauty), the occasion's scene (iftar table, race start, school gate, bus window...) and the props. Then the
shot's framing sets the composition (people small on a horizon for a wide shot, faces for a close-up, the product in
use for an extreme close-up, the product on a plinth for a product shot), the market palette becomes the sky, motifs
are drawn as simple recognisable shapes, an arrow shows the camera move, and the shot label sits in a corner.
The same request always draws the same pixels.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from pipelines.image import chrome, occasions, products
from pipelines.image.canvas import RGB, Scene, hex_to_rgb, luminance, mix, shade
from pipelines.image.frame_plan import FigurePlan, FramePlan, frame_plan
from studio.model.errors import BackendError
from studio.model.requests import ImageRequest
from studio.model.safe_paths import confine

#: Dusk-to-night sky used when a request carries no palette.
DEFAULT_PALETTE = ("#1b1f4b", "#6a2c70", "#f08a5d", "#f9ed69")


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
    rr = (y1 - y0) * 0.55
    s.draw.arc(
        [crest_x - rr, cy - rr * 0.2, crest_x + rr, cy + rr * 1.6], 200, 330, fill=(240, 248, 255), width=int(s.u)
    )


def draw_sun(s: Scene, x: float, y: float, r: float) -> None:
    glow = mix(s.light, (255, 214, 120), 0.5)
    for i in range(4, 0, -1):
        rr = r * (1 + i * 0.35)
        s.odraw.ellipse([x - rr, y - rr, x + rr, y + rr], fill=(*glow, 28))
    s.draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 206, 92))


def draw_moon(s: Scene, x: float, y: float, r: float) -> None:
    s.odraw.ellipse([x - r * 1.8, y - r * 1.8, x + r * 1.8, y + r * 1.8], fill=(255, 255, 230, 30))
    s.draw.ellipse([x - r, y - r, x + r, y + r], fill=(250, 246, 222))
    sky = s.rgb_at(x + r * 1.2, y - r * 0.2)
    off = r * 0.45
    s.draw.ellipse([x - r + off, y - r - off * 0.3, x + r + off, y + r - off * 0.3], fill=sky)


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


def _face(s: Scene, cx: float, cy: float, rw: float, rh: float, f: FigurePlan, detail: bool) -> None:
    """A head: hair (long, short or a bun) or a head covering that hides it, then the face."""
    d = s.draw
    s.heads.append((cx, cy, rw, rh))
    if f.hijab and f.hijab_colour is not None:
        col = f.hijab_colour
        d.polygon(
            [
                (cx - rw * 1.3, cy),
                (cx + rw * 1.3, cy),
                (cx + rw * 1.75, cy + rh * 2.0),
                (cx - rw * 1.75, cy + rh * 2.0),
            ],
            fill=col,
        )
        d.ellipse([cx - rw * 1.32, cy - rh * 1.28, cx + rw * 1.32, cy + rh * 1.22], fill=col)
        d.ellipse([cx - rw * 0.9, cy - rh * 0.88, cx + rw * 0.9, cy + rh * 0.98], fill=f.skin)
        d.arc(
            [cx - rw * 0.98, cy - rh * 0.96, cx + rw * 0.98, cy + rh * 1.04],
            0,
            360,
            fill=shade(col, 0.78),
            width=max(2, int(rw * 0.06)),
        )
    else:
        if f.hair_style == "long":
            d.rounded_rectangle([cx - rw * 1.15, cy - rh * 1.05, cx + rw * 1.15, cy + rh * 1.5], radius=rw, fill=f.hair)
            d.rectangle([cx - rw * 0.3, cy + rh * 0.5, cx + rw * 0.3, cy + rh * 1.55], fill=shade(f.skin, 0.9))
        d.ellipse([cx - rw, cy - rh, cx + rw, cy + rh], fill=f.skin)
        d.chord([cx - rw * 1.08, cy - rh * 1.12, cx + rw * 1.08, cy + rh * 0.4], 180, 360, fill=f.hair)
        if f.hair_style == "bun":
            d.ellipse([cx - rw * 0.45, cy - rh * 1.45, cx + rw * 0.45, cy - rh * 0.75], fill=f.hair)
        if f.hanfu:
            d.line([(cx - rw * 0.7, cy - rh * 1.1), (cx + rw * 0.8, cy - rh * 1.25)], fill=f.trim, width=int(rw * 0.08))
    if not detail:
        return
    ey, ex = cy - rh * 0.05, rw * 0.38
    brow = max(2, int(rw * (0.09 if f.gender == "man" else 0.05)))
    for sx in (-1, 1):
        x = cx + sx * ex
        d.ellipse([x - rw * 0.17, ey - rh * 0.07, x + rw * 0.17, ey + rh * 0.07], fill=(250, 250, 250))
        d.ellipse([x - rw * 0.08, ey - rh * 0.07, x + rw * 0.08, ey + rh * 0.07], fill=(50, 32, 24))
        d.ellipse([x - rw * 0.03, ey - rh * 0.05, x + rw * 0.01, ey - rh * 0.02], fill=(255, 255, 255))
        d.line([(x - rw * 0.2, ey - rh * 0.17), (x + rw * 0.18, ey - rh * 0.2)], fill=shade(f.hair, 0.8), width=brow)
    if f.age == "senior":
        for k in range(2):
            y = cy - rh * (0.42 + 0.1 * k)
            d.arc(
                [cx - rw * 0.4, y - rh * 0.05, cx + rw * 0.4, y + rh * 0.08],
                200,
                340,
                fill=shade(f.skin, 0.75),
                width=2,
            )
    d.line(
        [(cx, ey + rh * 0.05), (cx - rw * 0.06, cy + rh * 0.32), (cx + rw * 0.04, cy + rh * 0.34)],
        fill=shade(f.skin, 0.75),
        width=max(2, int(rw * 0.03)),
    )
    lips = (196, 64, 84) if f.gender != "man" else shade(f.skin, 0.62)
    d.chord([cx - rw * 0.25, cy + rh * 0.42, cx + rw * 0.25, cy + rh * 0.65], 0, 180, fill=lips)
    d.line([(cx - rw * 0.25, cy + rh * 0.53), (cx + rw * 0.25, cy + rh * 0.53)], fill=shade(lips, 0.75), width=2)
    if f.gender != "man":
        for sx in (-1, 1):
            x = cx + sx * rw * 0.55
            s.odraw.ellipse([x - rw * 0.16, cy + rh * 0.2, x + rw * 0.16, cy + rh * 0.34], fill=(255, 120, 120, 60))


def _torso(s: Scene, cx: float, top: float, shoulder: float, bottom: float, f: FigurePlan) -> None:
    """Shoulders and chest; sleeves long (modest, seniors, hanfu) or short with bare forearms."""
    d = s.draw
    neck = shoulder * 0.18
    reach = shoulder * (1.45 if f.hanfu else 1.0)
    s.torsos.append((max(0.0, cx - reach), max(0.0, top), min(float(s.w), cx + reach), min(float(s.h), bottom)))
    d.rectangle([cx - neck, top - shoulder * 0.25, cx + neck, top + shoulder * 0.1], fill=shade(f.skin, 0.9))
    if f.hanfu:
        sleeve = shoulder * 1.45
        d.polygon(
            [(cx - shoulder, top), (cx + shoulder, top), (cx + sleeve, bottom), (cx - sleeve, bottom)], fill=f.outfit
        )
        d.polygon(
            [(cx - neck * 1.6, top), (cx + neck * 1.6, top), (cx - shoulder * 0.35, top + (bottom - top) * 0.55)],
            fill=(245, 238, 220),
        )
        w = max(3, int(shoulder * 0.07))
        d.line([(cx + neck * 1.6, top), (cx - shoulder * 0.35, top + (bottom - top) * 0.55)], fill=f.trim, width=w)
        d.line([(cx - neck * 1.6, top), (cx + shoulder * 0.05, top + (bottom - top) * 0.3)], fill=f.trim, width=w)
        belt = top + (bottom - top) * 0.62
        d.rectangle([cx - shoulder * 1.1, belt, cx + shoulder * 1.1, belt + shoulder * 0.22], fill=f.trim)
        return
    d.rounded_rectangle([cx - shoulder, top, cx + shoulder, bottom + shoulder], radius=shoulder * 0.45, fill=f.outfit)
    arm_top, arm_w = top + shoulder * 0.3, shoulder * 0.28
    sleeve_end = arm_top + (bottom - arm_top) * (1.0 if f.sleeves == "long" else 0.3)
    for sx in (-1, 1):
        x0, x1 = sorted((cx + sx * shoulder * 0.96, cx + sx * (shoulder * 0.96 - arm_w)))
        d.rounded_rectangle([x0, arm_top, x1, bottom], radius=arm_w * 0.4, fill=f.skin)
        d.rounded_rectangle([x0, arm_top, x1, sleeve_end], radius=arm_w * 0.4, fill=shade(f.outfit, 0.85))
    if f.modest:
        d.rectangle([cx - neck * 1.3, top - neck * 0.3, cx + neck * 1.3, top + neck * 0.5], fill=shade(f.outfit, 0.9))
    else:
        d.chord([cx - neck * 1.8, top - neck, cx + neck * 1.8, top + neck * 1.6], 0, 180, fill=shade(f.skin, 0.9))


def figure_standing(s: Scene, cx: float, feet: float, height: float, f: FigurePlan) -> None:
    head = height * 0.13
    top = feet - height
    shoulder = height * 0.13 * f.build
    hips = feet - height * 0.47
    chest = top + head * 2.1
    _torso(s, cx, chest, shoulder, hips, f)
    leg = max(3, int(height * 0.06))
    knee = feet - height * 0.22
    lower = shade(f.outfit, 0.8)
    if f.lower in ("robe", "long-skirt"):
        flare = 1.4 if f.lower == "robe" else 1.25
        s.draw.polygon(
            [
                (cx - shoulder * 1.0, hips),
                (cx + shoulder * 1.0, hips),
                (cx + shoulder * flare, feet),
                (cx - shoulder * flare, feet),
            ],
            fill=lower if f.lower == "long-skirt" else shade(f.outfit, 0.85),
        )
    elif f.lower == "skirt":
        s.draw.line([(cx - shoulder * 0.4, hips), (cx - shoulder * 0.45, feet)], fill=shade(f.skin, 0.9), width=leg)
        s.draw.line([(cx + shoulder * 0.4, hips), (cx + shoulder * 0.5, feet)], fill=shade(f.skin, 0.9), width=leg)
        s.draw.polygon(
            [
                (cx - shoulder * 0.95, hips),
                (cx + shoulder * 0.95, hips),
                (cx + shoulder * 1.2, knee),
                (cx - shoulder * 1.2, knee),
            ],
            fill=lower,
        )
    else:
        trousers = s.ink if f.outfit == (240, 240, 240) else shade(f.outfit, 0.45)
        s.draw.line([(cx - shoulder * 0.4, hips), (cx - shoulder * 0.5, feet)], fill=trousers, width=leg)
        s.draw.line([(cx + shoulder * 0.4, hips), (cx + shoulder * 0.6, feet)], fill=trousers, width=leg)
    _face(s, cx, top + head, head * 0.8, head, f, detail=False)
    s.anchors.append((cx, chest + (hips - chest) * 0.35, shoulder))


def _hand(s: Scene, x: float, y: float, size: float, f: FigurePlan) -> None:
    """A hand holding something from below: palm and thumb, the forearm (sleeved when covered) out of the frame."""
    d = s.draw
    arm = shade(f.outfit, 0.85) if f.sleeves == "long" else shade(f.skin, 0.92)
    d.polygon(
        [(x - size * 0.38, y), (x + size * 0.38, y), (x + size * 0.9, s.h), (x - size * 0.3, s.h)],
        fill=arm,
    )
    if f.sleeves == "long":
        d.rectangle([x - size * 0.42, y + size * 0.1, x + size * 0.46, y + size * 0.28], fill=f.trim)
    d.rounded_rectangle(
        [x - size * 0.42, y - size * 0.3, x + size * 0.42, y + size * 0.25], radius=size * 0.18, fill=f.skin
    )
    d.rounded_rectangle(
        [x - size * 0.55, y - size * 0.5, x - size * 0.3, y], radius=size * 0.12, fill=shade(f.skin, 1.08)
    )


def _fitted(kind: str, size: float, width: float) -> float:
    return min(size, width * 0.92 / products.WIDTH.get(kind, 1.0))


def _contact_shadow(s: Scene, cx: float, base: float, width: float) -> None:
    """A soft shadow where the product meets the surface (blurred ellipse, darker at its centre)."""
    rw, rh = width * 0.6, max(2.0, width * 0.09)
    pad = int(rh * 3)
    box = (int(cx - rw) - pad, int(base - rh) - pad, int(cx + rw) + pad, int(base + rh) + pad)
    layer = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
    ImageDraw.Draw(layer).ellipse([pad, pad, layer.width - pad, layer.height - pad], fill=120)
    layer = layer.filter(ImageFilter.GaussianBlur(max(1.0, rh * 0.8)))
    s.img.paste((0, 0, 0), box, layer)


#: Product kinds drawn at full scale on the ground: never held in a hand.
VEHICLES = ("car", "compact-car")


def place_product(
    s: Scene, plan: FramePlan, cx: float, base: float, size: float, *, max_width: float | None = None
) -> tuple[float, float, float, float]:
    """The product standing on `base` at `cx`, `size` tall: the brand's own cutout with a soft contact shadow when
    the request carries one, else the drawn product of the category. Returns (and records) its box."""
    if s.cutout is None:
        products.draw_product(s, plan.product, cx, base, size)
        half = size * products.WIDTH.get(plan.product, 0.8) / 2
        box = (cx - half, base - size, cx + half, base)
    else:
        cut = s.cutout
        scale = min(size / cut.height, (max_width or s.w * 0.9) / cut.width)
        w, h = max(1, round(cut.width * scale)), max(1, round(cut.height * scale))
        x0, y0 = round(cx - w / 2), round(base - h)
        s.flatten()  # glows drawn so far lie under the product, never over it
        _contact_shadow(s, cx, base, w)
        placed = cut.resize((w, h), Image.Resampling.LANCZOS)
        s.img.paste(placed, (x0, y0), placed)
        box = (float(x0), float(y0), float(x0 + w), float(y0 + h))
    s.products.append(box)
    return box


def _held_product(s: Scene, plan: FramePlan) -> None:
    """Close-ups outside beauty: the lead holds the product up in the foreground."""
    size = _fitted(plan.product, s.h * 0.26, s.w * 0.5)
    cx, base = s.w * 0.72, s.h * 0.97
    box = place_product(s, plan, cx, base, size, max_width=s.w * 0.4)
    if plan.product not in VEHICLES or s.cutout is not None:  # nobody holds a car up to the camera
        _hand(s, cx - (box[2] - box[0]) * 0.1, base - size * 0.05, size * 0.45, plan.figures[0])


def _props(s: Scene, plan: FramePlan, base: float, size: float) -> None:
    """The shot's props, small, in the two lower corners (on the table or desk when there is one)."""
    kinds, slots = list(plan.props), [0.16, 0.84]
    if s.cutout is not None:  # the brand's own product stands in the scene, in the first corner
        place_product(s, plan, s.w * slots[0], base, size * 1.4, max_width=s.w * 0.26)
        kinds, slots = [k for k in kinds if k != plan.product], slots[1:]
    for kind, x in zip(kinds, slots, strict=False):
        size_k = _fitted(kind, size, s.w * 0.3)
        products.draw_product(s, kind, s.w * x, base, size_k)


def _prop_base(s: Scene, plan: FramePlan, ground: float) -> float:
    if any(e in plan.occasion_elements for e in ("long-table", "table")):
        return s.h * 0.8
    if "desk" in plan.occasion_elements:
        return s.h * 0.81
    return s.h * 0.97


# --- compositions ---------------------------------------------------------------------------------------------------


def _backdrop(s: Scene, motifs: list[str], ground: float, scale: float, plan: FramePlan | None = None) -> None:
    """Sky motifs first, then setting silhouettes on the horizon, in the order a viewer reads depth."""
    kinds = list(dict.fromkeys(motif_kind(m) for m in motifs))
    if plan is not None and "lanterns" in plan.occasion_elements:
        kinds = [k for k in kinds if k != "lanterns"]  # the occasion hangs its own lanterns
    words = {motif_kind(m): m for m in motifs}
    sky_y = s.horizon * 0.9
    if "stars" in kinds or (s.night and "sun" not in kinds):
        draw_stars(s, sky_y * 0.8)
    if "clouds" in kinds:
        draw_clouds(s, sky_y * 0.7)
    if "rain" in kinds:
        draw_rain(s, sky_y)
    own_sky = plan is not None and any(e in plan.occasion_elements for e in ("crescent", "banner"))
    if not own_sky and ("sun" in kinds or "moon" in kinds or s.rng.random() < 0.6):
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


def _spread(n: int, i: int, span: float) -> float:
    """Horizontal centre (fraction of the width) of person i of n standing side by side."""
    return 0.5 + (i - (n - 1) / 2) * min(span, 0.9 / n)


def compose_wide(s: Scene, motifs: list[str], plan: FramePlan) -> None:
    ground = s.horizon + (s.h - s.horizon) * 0.35
    _backdrop(s, motifs, ground, 1.0, plan)
    occasions.draw_back(s, plan.occasion_elements, ground)
    n = len(plan.figures)
    seated = any(e in plan.occasion_elements for e in ("long-table", "table", "desk"))
    feet, tall = (s.h * 0.86, s.h * 0.3) if seated else (s.h * 0.9, s.h * 0.2)  # behind a table: closer, taller
    for i, f in enumerate(plan.figures):
        x = s.w * s.rng.uniform(0.38, 0.62) if n == 1 else s.w * _spread(n, i, 0.22)
        figure_standing(s, x, feet, tall * f.height, f)
    occasions.draw_front(s, plan.occasion_elements, ground)
    _props(s, plan, _prop_base(s, plan, ground), s.h * 0.09)


def compose_medium(s: Scene, motifs: list[str], plan: FramePlan) -> None:
    ground = s.horizon + (s.h - s.horizon) * 0.3
    _backdrop(s, motifs, ground, 0.8, plan)
    occasions.draw_back(s, plan.occasion_elements, ground)
    n = len(plan.figures)
    scale = 1.0 / (1.0 + 0.5 * (n - 1))
    for i, f in enumerate(plan.figures):
        cx = s.w * s.rng.uniform(0.45, 0.55) if n == 1 else s.w * _spread(n, i, 0.45)
        head_rw = s.figure_w * 0.13 * scale * (0.82 if f.age in ("baby", "child") else 1.0)
        head_cy = s.h * 0.42 + (1.0 - f.height) * s.h * 0.5
        shoulder = s.figure_w * 0.27 * scale * f.build
        _torso(s, cx, head_cy + head_rw * 1.6, shoulder, s.h, f)
        _face(s, cx, head_cy, head_rw, head_rw * 1.3, f, detail=True)
        s.anchors.append((cx, head_cy + head_rw * 3.4, shoulder))
    occasions.draw_front(s, plan.occasion_elements, ground)
    _props(s, plan, _prop_base(s, plan, ground), s.h * 0.12)


def compose_close_up(s: Scene, motifs: list[str], plan: FramePlan) -> None:
    kinds = {motif_kind(m) for m in motifs}
    if "stars" in kinds or s.night:
        draw_stars(s, s.h * 0.4)
    if "sparkles" in kinds:
        draw_sparkles(s, 0, s.h)
    occasions.draw_back(s, tuple(e for e in plan.occasion_elements if e in occasions.SKY), s.h)
    lead = plan.figures[0]
    if len(plan.figures) == 1:
        cx, cy = s.w * 0.5, s.h * 0.47
        rw = s.figure_w * 0.36
        rh = min(rw * 1.32, s.h * 0.4)
        _torso(s, cx, cy + rh * 0.95, s.figure_w * 0.55 * lead.build, s.h, lead)
        _face(s, cx, cy, rw, rh, lead, detail=True)
    else:  # two faces cheek to cheek: the lead a little larger, the second one in front of their shoulder
        for f, cx, scale in ((lead, 0.64, 1.0), (plan.figures[1], 0.24, 0.78)):
            rw = s.figure_w * 0.27 * scale * (0.85 if f.age in ("baby", "child") else 1.0)
            cy = s.h * 0.45 + (1.0 - f.height) * s.h * 0.35
            _torso(s, s.w * cx, cy + rw * 1.25, s.figure_w * 0.4 * scale * f.build, s.h, f)
            _face(s, s.w * cx, cy, rw, rw * 1.3, f, detail=True)
    if plan.product_in_close_up:
        _held_product(s, plan)


def _skin_macro(s: Scene, f: FigurePlan) -> None:
    """Skin fills the frame: one eye, lashes, pores and a highlight where the serum catches light."""
    d = s.draw
    d.rectangle([0, 0, s.w, s.h], fill=f.skin)
    cols = [shade(f.skin, 0.92), shade(f.skin, 1.08)]
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
    d.pieslice([cx - ew * 1.1, cy - eh * 2.6, cx + ew * 1.1, cy - eh * 0.85], 0, 180, fill=f.skin)
    d.arc([cx - ew, cy - eh, cx + ew, cy + eh], 180, 360, fill=f.hair, width=max(3, int(s.u * 1.2)))
    for i in range(14):
        t = math.pi * (1.08 + 0.84 * i / 13)
        x0, y0 = cx + math.cos(t) * ew, cy + math.sin(t) * eh
        d.line([(x0, y0), (x0 + math.cos(t) * s.u * 4, y0 + math.sin(t) * s.u * 5)], fill=f.hair, width=3)
    d.arc([cx - ew * 1.2, cy - eh * 3.2, cx + ew * 1.1, cy - eh * 1.3], 200, 330, fill=f.hair, width=int(s.u * 2.5))
    for _ in range(5):
        x, y = s.rng.uniform(0.15, 0.85) * s.w, s.rng.uniform(0.6, 0.9) * s.h
        r = s.u * s.rng.uniform(1.5, 3)
        s.odraw.ellipse([x - r * 3, y - r * 3, x + r * 3, y + r * 3], fill=(255, 255, 255, 30))
        d.ellipse([x - r, y - r, x + r, y + r], fill=shade(f.skin, 1.35))
    draw_sparkles(s, s.h * 0.55, s.h)


def _product_macro(s: Scene, plan: FramePlan) -> None:
    """The product in use, filling the frame: a lit surface, the product large, the lead's hand on it."""
    ground = s.h * 0.8
    s.horizon = int(ground)
    glow = s.light
    r = s.w * 0.55
    s.odraw.ellipse([s.w / 2 - r, s.h * 0.5 - r, s.w / 2 + r, s.h * 0.5 + r], fill=(*glow, 70))
    occasions.draw_back(s, tuple(e for e in plan.occasion_elements if e in occasions.SKY), ground)
    s.flatten()
    s.draw.rectangle([0, ground, s.w, s.h], fill=shade(s.palette[0], 0.7))
    size = _fitted(plan.product, min(s.h * 0.55, s.w * 0.85), s.w)
    box = place_product(s, plan, s.w * 0.5, ground, size, max_width=s.w * 0.85)
    if plan.product not in (*VEHICLES, "pet", "shoe") or s.cutout is not None:
        _hand(s, box[2] - (box[2] - box[0]) * 0.15, ground - size * 0.05, size * 0.4, plan.figures[0])


def compose_extreme_close_up(s: Scene, motifs: list[str], plan: FramePlan) -> None:
    if plan.macro == "skin":
        _skin_macro(s, plan.figures[0])
    else:
        _product_macro(s, plan)


def compose_product(s: Scene, motifs: list[str], plan: FramePlan) -> None:
    ground = s.h * 0.72
    s.horizon = int(ground)
    kinds = {motif_kind(m) for m in motifs} - {"palm", "waves", "beach", "skyline"}
    if "stars" in kinds or s.night:
        draw_stars(s, ground * 0.6)
    if "sparkles" in kinds:
        draw_sparkles(s, 0, ground)
    if "flowers" in kinds:
        draw_flowers(s, ground * 0.5, ground)
    occasions.draw_back(s, tuple(e for e in plan.occasion_elements if e in occasions.SKY), ground)
    s.draw.rectangle([0, ground, s.w, s.h], fill=shade(s.palette[0], 0.6))
    cx = s.w * 0.5
    pw, ph = s.figure_w * 0.36, s.u * 6
    top = ground - s.u * 2
    s.draw.rectangle([cx - pw, top, cx + pw, s.h * 0.86], fill=shade(s.light, 0.92))
    s.draw.ellipse([cx - pw, top - ph, cx + pw, top + ph], fill=shade(s.light, 1.05))
    s.draw.ellipse([cx - pw, s.h * 0.86 - ph, cx + pw, s.h * 0.86 + ph], fill=shade(s.light, 0.8))
    size = _fitted(plan.product, min(s.h * 0.42, s.figure_w), s.w)
    box = place_product(s, plan, cx, top, size, max_width=min(s.w * 0.8, s.figure_w * 1.2))
    if plan.hands and (plan.product not in (*VEHICLES, "pet") or s.cutout is not None):
        width = box[2] - box[0]
        _hand(s, min(s.w * 0.9, cx + width * 0.5 + size * 0.08), top - size * 0.3, size * 0.3, plan.figures[0])


COMPOSITIONS: dict[str, Callable[[Scene, list[str], FramePlan], None]] = {
    "wide": compose_wide,
    "medium": compose_medium,
    "close-up": compose_close_up,
    "extreme-close-up": compose_extreme_close_up,
    "product": compose_product,
}


@dataclass(frozen=True)
class Frame:
    """A drawn frame with what was decided (the plan) and where people were put (the layout tests check)."""

    image: Image.Image
    plan: FramePlan
    heads: tuple[tuple[float, float, float, float], ...]
    """Centre and radii (cx, cy, rw, rh) of each face, in drawing order."""
    products: tuple[tuple[float, float, float, float], ...] = ()
    """Box (left, top, right, bottom) of each product placed."""
    torsos: tuple[tuple[float, float, float, float], ...] = ()
    """Box (left, top, right, bottom) of each figure's torso, the lead's first."""

    def focus(self) -> tuple[float, float, float, float] | None:
        """What a reframe must keep in view: the box around the products and faces, as fractions of the frame."""
        boxes = [*self.products, *((cx - rw, cy - rh, cx + rw, cy + rh) for cx, cy, rw, rh in self.heads)]
        if not boxes:
            return None
        w, h = self.image.size
        x0, y0 = max(0.0, min(b[0] for b in boxes) / w), max(0.0, min(b[1] for b in boxes) / h)
        x1, y1 = min(1.0, max(b[2] for b in boxes) / w), min(1.0, max(b[3] for b in boxes) / h)
        return (round(x0, 4), round(y0, 4), round(x1, 4), round(y1, 4))


def load_cutout(request: ImageRequest, assets: Path | None) -> Image.Image | None:
    """The request's product cutout (RGBA) from the project's assets folder, when it names one."""
    if not request.product_cutout or assets is None:
        return None
    path = confine(assets, request.product_cutout, field="product_cutout", source="the image request")
    if not path.is_file():
        raise BackendError(
            f"The product cutout {request.product_cutout} is not in {assets}.",
            "Re-import the brand kit (`qianmian brand PROJECT`) so the product photos are cut out again.",
        )
    with Image.open(path) as im:
        return im.convert("RGBA")


def render_frame(request: ImageRequest, assets: Path | None = None) -> Frame:
    """Plan the frame from the request's structured fields, then draw it at request.width × request.height (RGB).

    `assets` is the folder the request's product cutout is read from."""
    plan = frame_plan(request)
    w, h = request.width, request.height
    rng = random.Random(request.seed)
    palette = _palette(request)
    text = " ".join([request.prompt, *request.motifs]).lower()
    night = luminance(min(palette, key=luminance)) < 0.25 or any(k in text for k in ("night", "neon", "moon"))
    if plan.occasion == "iftar":
        night = True  # iftar is at sunset: lanterns and the crescent read against a dark sky
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
        cutout=load_cutout(request, assets),
    )
    compose = COMPOSITIONS.get(request.framing, compose_medium)
    compose(scene, list(request.motifs), plan)
    if request.chrome:
        chrome.draw_camera_hint(scene.odraw, w, h, request.camera)
        chrome.draw_label(scene.odraw, w, h, request.label, request.camera)
    out = img.convert("RGBA")
    out.alpha_composite(overlay)
    return Frame(out.convert("RGB"), plan, tuple(scene.heads), tuple(scene.products), tuple(scene.torsos))


def draw_frame(request: ImageRequest, assets: Path | None = None) -> Image.Image:
    """Draw one storyboard frame of request.width × request.height (RGB)."""
    return render_frame(request, assets).image
