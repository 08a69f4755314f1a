"""Product silhouettes, one per product kind, so a product shot shows the category's product (not always a bottle).

Every drawer fits a box about `size` tall standing on `base`, centred on `cx`: simple shapes a reviewer recognises at
a glance (a hooded jacket on a hanger, a steaming bowl beside its pack, a tablet with a lit screen, a running shoe
with motion lines, a sunscreen tube, a toothpaste tube with its brush, a capsule coffee machine, wet cat food beside
a cat, a stick vacuum, a foundation bottle beside its shade swatches, a soft pack of nappies...).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from pipelines.fonts import load_font
from pipelines.image.canvas import RGB, Scene, mix, shade

WHITE: RGB = (250, 248, 242)


def _label(s: Scene, text: str, cx: float, cy: float, size: float, fill: RGB) -> None:
    font = load_font("en", max(8, int(size)), True)
    box = s.draw.textbbox((0, 0), text, font=font)
    s.draw.text((cx - (box[2] - box[0]) / 2, cy - (box[3] - box[1]) / 2 - box[1]), text, font=font, fill=fill)


def _screen(s: Scene, box: tuple[float, float, float, float], glow: RGB, icons: int = 3) -> None:
    """A lit screen: bright gradient-ish panel, a glow around it and a grid of app tiles."""
    x0, y0, x1, y1 = box
    s.draw.rectangle(box, fill=mix(glow, WHITE, 0.55))
    s.draw.rectangle([x0, y0, x1, y0 + (y1 - y0) * 0.18], fill=mix(glow, WHITE, 0.2))
    cols = icons
    tile = (x1 - x0) / (cols * 1.6 + 0.6)
    colours = [(255, 94, 98), (66, 170, 255), (255, 196, 60), (96, 200, 120), (170, 110, 230), (255, 140, 60)]
    for i in range(cols * 2):
        r, c = divmod(i, cols)
        tx = x0 + tile * 0.6 + c * tile * 1.6
        ty = y0 + (y1 - y0) * 0.28 + r * tile * 1.6
        if ty + tile < y1:
            s.draw.rounded_rectangle([tx, ty, tx + tile, ty + tile], radius=tile * 0.25, fill=colours[i % 6])


def bottle(s: Scene, cx: float, base: float, size: float) -> None:
    """A dropper serum bottle: glass body, shoulder, collar, rubber bulb and a label."""
    d, height = s.draw, size
    bw = height * 0.34
    body_top = base - height * 0.62
    glass = mix(s.accent, (255, 236, 200), 0.35)
    s.odraw.ellipse([cx - bw * 1.6, base - height * 0.95, cx + bw * 1.6, base + height * 0.1], fill=(*s.light, 60))
    s.flatten()
    d.rounded_rectangle([cx - bw, body_top, cx + bw, base], radius=bw * 0.3, fill=glass)
    d.rounded_rectangle(
        [cx - bw * 0.85, body_top + height * 0.1, cx - bw * 0.55, base - height * 0.06],
        radius=bw * 0.1,
        fill=shade(glass, 1.45),
    )
    d.rectangle([cx - bw * 0.75, base - height * 0.4, cx + bw * 0.75, base - height * 0.16], fill=WHITE)
    d.line([(cx - bw * 0.5, base - height * 0.3), (cx + bw * 0.5, base - height * 0.3)], fill=s.ink, width=3)
    d.line([(cx - bw * 0.3, base - height * 0.24), (cx + bw * 0.3, base - height * 0.24)], fill=s.accent, width=3)
    collar_top = body_top - height * 0.12
    d.rectangle([cx - bw * 0.45, collar_top, cx + bw * 0.45, body_top + 2], fill=(205, 170, 90))
    d.rounded_rectangle(
        [cx - bw * 0.3, collar_top - height * 0.22, cx + bw * 0.3, collar_top + 2], radius=bw * 0.3, fill=(30, 28, 34)
    )


def tube(s: Scene, cx: float, base: float, size: float) -> None:
    """A sunscreen tube standing on its cap: crimped top, SPF label with a sun."""
    d = s.draw
    cap_h, bw = size * 0.16, size * 0.2
    body = (255, 214, 92)
    s.odraw.ellipse([cx - bw * 2.4, base - size * 1.0, cx + bw * 2.4, base + size * 0.1], fill=(*s.light, 60))
    s.flatten()
    d.rounded_rectangle([cx - bw * 0.9, base - cap_h, cx + bw * 0.9, base], radius=bw * 0.2, fill=(240, 110, 50))
    top = base - size
    d.polygon(
        [(cx - bw * 0.95, base - cap_h), (cx + bw * 0.95, base - cap_h), (cx + bw * 1.35, top), (cx - bw * 1.35, top)],
        fill=body,
    )
    d.rectangle([cx - bw * 1.4, top - size * 0.04, cx + bw * 1.4, top + size * 0.03], fill=shade(body, 0.8))
    for i in range(6):
        x = cx - bw * 1.3 + i * bw * 0.52
        d.line([(x, top - size * 0.04), (x, top + size * 0.03)], fill=shade(body, 0.6), width=2)
    sy = top + size * 0.3
    r = bw * 0.55
    d.ellipse([cx - r, sy - r, cx + r, sy + r], fill=(240, 110, 50))
    for k in range(8):
        a = k * math.pi / 4
        d.line(
            [
                (cx + math.cos(a) * r * 1.2, sy + math.sin(a) * r * 1.2),
                (cx + math.cos(a) * r * 1.6, sy + math.sin(a) * r * 1.6),
            ],
            fill=(240, 110, 50),
            width=max(2, int(r * 0.15)),
        )
    _label(s, "SPF50", cx, top + size * 0.58, bw * 0.55, (40, 40, 60))


def jacket(s: Scene, cx: float, base: float, size: float) -> None:
    """A hooded outdoor jacket on a hanger: hood, sleeves, a zip and two pockets."""
    d = s.draw
    col = mix(s.accent, (30, 120, 90), 0.5)
    top = base - size
    sh = size * 0.36
    d.arc([cx - size * 0.05, top - size * 0.1, cx + size * 0.05, top], 180, 90, fill=(120, 120, 130), width=3)
    d.line(
        [(cx - sh * 0.9, top + size * 0.08), (cx, top), (cx + sh * 0.9, top + size * 0.08)],
        fill=(150, 110, 60),
        width=4,
    )
    d.ellipse([cx - sh * 0.45, top - size * 0.02, cx + sh * 0.45, top + size * 0.2], fill=shade(col, 0.7))
    body = [(cx - sh, top + size * 0.1), (cx + sh, top + size * 0.1), (cx + sh * 0.9, base), (cx - sh * 0.9, base)]
    d.polygon(body, fill=col)
    for sx in (-1, 1):
        d.polygon(
            [
                (cx + sx * sh, top + size * 0.1),
                (cx + sx * sh * 1.55, top + size * 0.72),
                (cx + sx * sh * 1.3, top + size * 0.78),
                (cx + sx * sh * 0.88, top + size * 0.35),
            ],
            fill=shade(col, 0.85),
        )
        d.rectangle(
            [cx + sx * sh * 0.3 - sh * 0.2, base - size * 0.3, cx + sx * sh * 0.3 + sh * 0.2, base - size * 0.22],
            fill=shade(col, 0.7),
        )
    d.line([(cx, top + size * 0.16), (cx, base)], fill=(230, 230, 235), width=max(3, int(size * 0.015)))
    d.rectangle([cx - sh * 0.9, top + size * 0.42, cx + sh * 0.9, top + size * 0.46], fill=(240, 200, 60))


def garment(s: Scene, cx: float, base: float, size: float) -> None:
    """A T-shirt on a hanger."""
    d = s.draw
    col = mix(s.accent, WHITE, 0.2)
    top = base - size * 0.85
    sh = size * 0.3
    d.line(
        [(cx - sh, top + size * 0.05), (cx, top - size * 0.05), (cx + sh, top + size * 0.05)],
        fill=(150, 110, 60),
        width=4,
    )
    d.arc(
        [cx - size * 0.04, top - size * 0.13, cx + size * 0.04, top - size * 0.05],
        180,
        90,
        fill=(120, 120, 130),
        width=3,
    )
    d.polygon(
        [
            (cx - sh, top + size * 0.05),
            (cx - sh * 1.7, top + size * 0.25),
            (cx - sh * 1.35, top + size * 0.38),
            (cx - sh * 0.9, top + size * 0.28),
            (cx - sh * 0.9, base),
            (cx + sh * 0.9, base),
            (cx + sh * 0.9, top + size * 0.28),
            (cx + sh * 1.35, top + size * 0.38),
            (cx + sh * 1.7, top + size * 0.25),
            (cx + sh, top + size * 0.05),
        ],
        fill=col,
    )
    d.chord([cx - sh * 0.35, top - size * 0.05, cx + sh * 0.35, top + size * 0.14], 0, 180, fill=shade(col, 0.75))


def shoe(s: Scene, cx: float, base: float, size: float) -> None:
    """A running shoe in motion, side view: thick sole, laces, a stripe and speed lines behind it."""
    d = s.draw
    L = size * 1.1
    x0, x1 = cx - L / 2, cx + L / 2
    sole_h = size * 0.12
    upper = mix(s.accent, (40, 110, 230), 0.4)
    for i in range(4):
        y = base - sole_h - size * (0.08 + 0.09 * i)
        s.odraw.line(
            [(x0 - size * 0.5, y), (x0 - size * 0.08, y)], fill=(255, 255, 255, 160), width=max(2, int(size * 0.02))
        )
    d.rounded_rectangle([x0, base - sole_h, x1, base], radius=sole_h * 0.5, fill=WHITE)
    d.line(
        [(x0 + sole_h * 0.3, base - sole_h * 0.4), (x1 - sole_h * 0.3, base - sole_h * 0.4)],
        fill=(200, 200, 205),
        width=2,
    )
    d.polygon(
        [
            (x0 + L * 0.02, base - sole_h),
            (x0 + L * 0.04, base - size * 0.55),
            (x0 + L * 0.22, base - size * 0.6),
            (x0 + L * 0.35, base - size * 0.42),
            (x0 + L * 0.62, base - size * 0.34),
            (x1 - L * 0.02, base - size * 0.2),
            (x1, base - sole_h),
        ],
        fill=upper,
    )
    d.line(
        [(x0 + L * 0.1, base - sole_h * 1.6), (x0 + L * 0.45, base - size * 0.3), (x0 + L * 0.8, base - sole_h * 1.8)],
        fill=(255, 230, 60),
        width=max(3, int(size * 0.035)),
    )
    for i in range(4):
        lx = x0 + L * (0.38 + i * 0.07)
        d.line(
            [(lx, base - size * (0.42 - 0.03 * i)), (lx + L * 0.05, base - size * (0.36 - 0.03 * i))],
            fill=WHITE,
            width=3,
        )


def bowl(s: Scene, cx: float, base: float, size: float) -> None:
    """A steaming bowl of noodles with chopsticks, its instant-noodle pack standing beside it."""
    d = s.draw
    r = size * 0.48
    bx = cx - size * 0.15
    pack = (214, 50, 40)
    px0, px1 = cx + size * 0.22, cx + size * 0.62
    d.rounded_rectangle([px0, base - size * 0.85, px1, base], radius=size * 0.03, fill=pack)
    d.ellipse([px0 + size * 0.06, base - size * 0.55, px1 - size * 0.06, base - size * 0.22], fill=(250, 214, 120))
    for k in range(3):
        yy = base - size * (0.45 - 0.07 * k)
        d.arc(
            [px0 + size * 0.1, yy - size * 0.04, px1 - size * 0.1, yy + size * 0.04],
            0,
            180,
            fill=(200, 140, 40),
            width=2,
        )
    _label(s, "MIE", (px0 + px1) / 2, base - size * 0.7, size * 0.09, WHITE)
    top = base - r * 0.95
    d.chord([bx - r, top - r * 0.9, bx + r, top + r * 0.95], 0, 180, fill=(245, 245, 240))
    d.rectangle([bx - r * 0.35, base - r * 0.08, bx + r * 0.35, base], fill=(225, 225, 220))
    d.ellipse([bx - r, top - r * 0.18, bx + r, top + r * 0.18], fill=(200, 120, 50))
    for k in range(5):
        yy = top - r * 0.06 + k * r * 0.03
        pts = [(bx - r * 0.85 + i * r * 0.1, yy + r * 0.04 * math.sin(i * 1.4 + k)) for i in range(18)]
        d.line(pts, fill=(250, 220, 130), width=max(2, int(size * 0.015)))
    d.line(
        [(bx + r * 0.1, top + r * 0.05), (bx + r * 0.9, top - r * 1.1)],
        fill=(150, 100, 50),
        width=max(3, int(size * 0.02)),
    )
    d.line(
        [(bx + r * 0.25, top + r * 0.05), (bx + r * 1.05, top - r * 1.0)],
        fill=(150, 100, 50),
        width=max(3, int(size * 0.02)),
    )
    for k in range(3):
        sx = bx - r * 0.5 + k * r * 0.45
        pts = [(sx + r * 0.08 * math.sin(i * 0.9 + k), top - r * 0.25 - i * r * 0.09) for i in range(8)]
        s.odraw.line(pts, fill=(255, 255, 255, 150), width=max(3, int(size * 0.025)))


def drink(s: Scene, cx: float, base: float, size: float) -> None:
    """A cold drink can with condensation and a straw cup beside it."""
    d = s.draw
    cw = size * 0.22
    can = mix(s.accent, (200, 30, 40), 0.4)
    d.rounded_rectangle([cx - cw, base - size * 0.8, cx + cw, base], radius=cw * 0.2, fill=can)
    d.ellipse([cx - cw, base - size * 0.84, cx + cw, base - size * 0.76], fill=(200, 200, 205))
    d.rectangle([cx - cw, base - size * 0.5, cx + cw, base - size * 0.36], fill=WHITE)
    for i in range(7):
        x, y = cx - cw * 0.7 + (i * 37 % 14) / 10 * cw, base - size * (0.15 + 0.09 * i)
        d.ellipse([x, y, x + size * 0.02, y + size * 0.03], fill=mix(can, WHITE, 0.7))


def _device(s: Scene, cx: float, base: float, w: float, h: float, bezel: RGB, radius: float, icons: int) -> None:
    d = s.draw
    x0, y0, x1, y1 = cx - w / 2, base - h, cx + w / 2, base
    g = min(w, h) * 0.25
    s.odraw.rounded_rectangle([x0 - g, y0 - g, x1 + g, y1 + g], radius=g, fill=(*s.light, 55))
    s.flatten()
    d.rounded_rectangle([x0, y0, x1, y1], radius=radius, fill=bezel)
    m = min(w, h) * 0.07
    _screen(s, (x0 + m, y0 + m * 1.3, x1 - m, y1 - m * 1.3), mix(s.accent, (80, 170, 255), 0.5), icons)


def tablet(s: Scene, cx: float, base: float, size: float) -> None:
    """A tablet with a lit screen in a chunky, bright kids' bumper case."""
    _device(s, cx, base, size * 0.78, size, (255, 150, 40), size * 0.08, 3)
    s.draw.ellipse([cx - size * 0.03, base - size * 0.05, cx + size * 0.03, base - size * 0.01], fill=(60, 60, 70))


def phone(s: Scene, cx: float, base: float, size: float) -> None:
    """A smartphone, screen on."""
    _device(s, cx, base, size * 0.5, size, (28, 28, 34), size * 0.07, 3)


def laptop(s: Scene, cx: float, base: float, size: float) -> None:
    """An open laptop: lit screen over a keyboard base."""
    w = size * 1.2
    _device(s, cx, base - size * 0.08, w, size * 0.65, (60, 62, 70), size * 0.03, 4)
    s.draw.polygon(
        [
            (cx - w * 0.55, base - size * 0.08),
            (cx + w * 0.55, base - size * 0.08),
            (cx + w * 0.62, base),
            (cx - w * 0.62, base),
        ],
        fill=(170, 172, 180),
    )


def app(s: Scene, cx: float, base: float, size: float) -> None:
    """An app open on a phone: header, a rising chart, cards and a big button."""
    d = s.draw
    w, h = size * 0.52, size
    x0, y0 = cx - w / 2, base - h
    d.rounded_rectangle([x0, y0, x0 + w, base], radius=size * 0.07, fill=(28, 28, 34))
    m = w * 0.07
    sx0, sy0, sx1, sy1 = x0 + m, y0 + m * 2, x0 + w - m, base - m * 2
    s.odraw.rounded_rectangle([x0 - m * 3, y0 - m * 3, x0 + w + m * 3, base + m * 3], radius=m * 4, fill=(*s.light, 50))
    s.flatten()
    d.rectangle([sx0, sy0, sx1, sy1], fill=(246, 248, 252))
    d.rectangle([sx0, sy0, sx1, sy0 + (sy1 - sy0) * 0.12], fill=mix(s.accent, (40, 90, 200), 0.5))
    cw, ch = sx1 - sx0, sy1 - sy0
    pts = [(sx0 + cw * (0.1 + 0.16 * i), sy0 + ch * (0.42 - 0.04 * i - 0.05 * (i % 2))) for i in range(6)]
    d.line(pts, fill=(40, 180, 110), width=max(3, int(size * 0.02)))
    for k in range(2):
        yy = sy0 + ch * (0.52 + 0.13 * k)
        d.rounded_rectangle(
            [sx0 + cw * 0.08, yy, sx1 - cw * 0.08, yy + ch * 0.1], radius=cw * 0.04, fill=(226, 230, 240)
        )
    d.rounded_rectangle(
        [sx0 + cw * 0.15, sy1 - ch * 0.14, sx1 - cw * 0.15, sy1 - ch * 0.05], radius=ch * 0.04, fill=s.accent
    )


def appliance(s: Scene, cx: float, base: float, size: float) -> None:
    """A home appliance (front-loading washer): box body, control panel with a dial, round glass door."""
    d = s.draw
    w = size * 0.75
    x0, y0 = cx - w / 2, base - size
    d.rounded_rectangle([x0, y0, x0 + w, base], radius=size * 0.04, fill=(236, 238, 242))
    d.rectangle([x0, y0 + size * 0.04, x0 + w, y0 + size * 0.18], fill=(210, 214, 222))
    d.ellipse([x0 + w * 0.72, y0 + size * 0.06, x0 + w * 0.86, y0 + size * 0.16], fill=(120, 124, 136))
    d.rectangle([x0 + w * 0.1, y0 + size * 0.08, x0 + w * 0.45, y0 + size * 0.14], fill=(60, 200, 220))
    r = w * 0.33
    dc = (cx, y0 + size * 0.58)
    d.ellipse([dc[0] - r, dc[1] - r, dc[0] + r, dc[1] + r], fill=(150, 156, 170))
    d.ellipse(
        [dc[0] - r * 0.78, dc[1] - r * 0.78, dc[0] + r * 0.78, dc[1] + r * 0.78],
        fill=mix(s.accent, (90, 150, 220), 0.6),
    )
    d.arc([dc[0] - r * 0.6, dc[1] - r * 0.6, dc[0] + r * 0.6, dc[1] + r * 0.6], 200, 260, fill=WHITE, width=3)


def cup(s: Scene, cx: float, base: float, size: float) -> None:
    """A hot drink in a cup on its saucer, coffee-brown inside, steam rising: an espresso or a tea, not a soda can."""
    d = s.draw
    w = size * 0.5
    d.ellipse([cx - w * 0.9, base - size * 0.08, cx + w * 0.9, base + size * 0.04], fill=(236, 234, 230))
    top = base - size * 0.5
    d.polygon(
        [
            (cx - w * 0.6, top),
            (cx + w * 0.6, top),
            (cx + w * 0.42, base - size * 0.04),
            (cx - w * 0.42, base - size * 0.04),
        ],
        fill=WHITE,
    )
    d.ellipse([cx - w * 0.6, top - size * 0.05, cx + w * 0.6, top + size * 0.05], fill=(150, 92, 50))
    d.arc(
        [cx + w * 0.45, top + size * 0.06, cx + w * 0.85, top + size * 0.3],
        270,
        90,
        fill=WHITE,
        width=max(2, int(w * 0.1)),
    )
    for k in (-1, 1):
        x = cx + k * w * 0.2
        d.arc(
            [x - w * 0.12, top - size * 0.45, x + w * 0.12, top - size * 0.1],
            100,
            260,
            fill=mix(s.light, WHITE, 0.5),
            width=2,
        )


def toothpaste(s: Scene, cx: float, base: float, size: float) -> None:
    """A toothpaste tube on its cap (white, a coloured band, no SPF sun) and a toothbrush beside it with a ribbon of
    paste on its bristles: an oral-care product at a glance, not a sunscreen."""
    d = s.draw
    bw, cap_h = size * 0.19, size * 0.14
    body, band = (246, 248, 252), mix(s.accent, (30, 110, 200), 0.6)
    tx = cx - size * 0.16
    s.odraw.ellipse([tx - bw * 2.4, base - size * 1.0, tx + bw * 2.4, base + size * 0.1], fill=(*s.light, 60))
    s.flatten()
    d.rounded_rectangle([tx - bw * 0.8, base - cap_h, tx + bw * 0.8, base], radius=bw * 0.25, fill=band)
    top = base - size
    d.polygon(
        [(tx - bw * 0.9, base - cap_h), (tx + bw * 0.9, base - cap_h), (tx + bw * 1.3, top), (tx - bw * 1.3, top)],
        fill=body,
    )
    d.rectangle([tx - bw * 1.35, top - size * 0.04, tx + bw * 1.35, top + size * 0.03], fill=shade(body, 0.85))
    d.polygon(
        [
            (tx - bw * 1.15, top + size * 0.32),
            (tx + bw * 1.15, top + size * 0.32),
            (tx + bw * 1.05, top + size * 0.55),
            (tx - bw * 1.05, top + size * 0.55),
        ],
        fill=band,
    )
    d.rectangle([tx - bw * 1.1, top + size * 0.42, tx + bw * 1.1, top + size * 0.45], fill=WHITE)
    # the toothbrush, standing: handle, neck, bristle head and a blue-and-white ribbon of paste
    bx, hw = cx + size * 0.22, size * 0.05
    d.rounded_rectangle(
        [bx - hw, base - size * 0.62, bx + hw, base], radius=hw, fill=mix(s.accent, (60, 190, 170), 0.5)
    )
    d.rectangle([bx - hw * 0.5, base - size * 0.85, bx + hw * 0.5, base - size * 0.6], fill=(230, 232, 238))
    d.rectangle([bx - hw * 0.5, base - size * 1.0, bx + hw * 1.9, base - size * 0.86], fill=(230, 232, 238))
    for i in range(5):
        y = base - size * (0.99 - 0.028 * i)
        d.line([(bx + hw * 0.6, y), (bx + hw * 2.6, y)], fill=WHITE, width=max(2, int(size * 0.014)))
    d.rounded_rectangle(
        [bx + hw * 0.4, base - size * 1.07, bx + hw * 2.8, base - size * 0.99], radius=size * 0.03, fill=WHITE
    )
    d.line([(bx + hw * 0.7, base - size * 1.03), (bx + hw * 2.5, base - size * 1.03)], fill=band, width=2)


def coffee_machine(s: Scene, cx: float, base: float, size: float) -> None:
    """A capsule coffee machine: dark body with a water tank at the back, the head with its lever and spout, a drip
    tray, and an espresso cup with crema under the spout."""
    d = s.draw
    w = size * 0.62
    x0, x1, top = cx - w / 2, cx + w / 2, base - size
    body = mix(s.accent, (40, 38, 42), 0.75)
    s.odraw.ellipse([cx - w * 1.2, base - size * 1.05, cx + w * 1.2, base + size * 0.1], fill=(*s.light, 55))
    s.flatten()
    d.rounded_rectangle(
        [x1 - w * 0.28, top + size * 0.08, x1 + w * 0.06, base - size * 0.08], radius=6, fill=(170, 205, 225)
    )
    d.rounded_rectangle([x0, top, x1 - w * 0.12, base], radius=size * 0.05, fill=body)
    d.rounded_rectangle(
        [x0 - w * 0.06, top, x1 - w * 0.06, top + size * 0.24], radius=size * 0.06, fill=shade(body, 1.25)
    )
    d.rounded_rectangle(
        [x0 + w * 0.2, top - size * 0.05, x0 + w * 0.55, top + size * 0.02], radius=4, fill=(190, 190, 196)
    )
    d.ellipse([x1 - w * 0.3, top + size * 0.08, x1 - w * 0.2, top + size * 0.16], fill=(90, 210, 140))
    spout = (cx - w * 0.08, top + size * 0.24)
    d.rectangle([spout[0] - w * 0.06, spout[1], spout[0] + w * 0.06, spout[1] + size * 0.07], fill=(170, 170, 176))
    d.rectangle([x0 - w * 0.04, base - size * 0.1, x1 - w * 0.08, base], fill=(120, 120, 128))
    cup_top, cw = base - size * 0.34, w * 0.2
    d.line([(spout[0], spout[1] + size * 0.07), (spout[0], cup_top)], fill=(110, 62, 30), width=max(2, int(w * 0.03)))
    d.polygon(
        [
            (spout[0] - cw, cup_top),
            (spout[0] + cw, cup_top),
            (spout[0] + cw * 0.8, base - size * 0.11),
            (spout[0] - cw * 0.8, base - size * 0.11),
        ],
        fill=WHITE,
    )
    d.ellipse([spout[0] - cw, cup_top - size * 0.02, spout[0] + cw, cup_top + size * 0.03], fill=(196, 140, 80))
    d.arc(
        [spout[0] + cw * 0.6, cup_top + size * 0.04, spout[0] + cw * 1.4, base - size * 0.16],
        270,
        90,
        fill=WHITE,
        width=max(2, int(w * 0.03)),
    )


def stick_vacuum(s: Scene, cx: float, base: float, size: float) -> None:
    """A cordless stick vacuum standing upright: a wide floor head with a lit strip, a long wand, the motor body with
    its clear dust bin, the battery pack and a looped handle on top; a vacuum at a glance, not a washing machine."""
    d = s.draw
    s.odraw.ellipse([cx - size * 0.45, base - size * 1.05, cx + size * 0.45, base + size * 0.08], fill=(*s.light, 55))
    s.flatten()
    body = mix(s.accent, (150, 40, 170), 0.5)
    metal = (196, 200, 210)
    # floor head: a low, wide nozzle with a lit strip and a brush bar
    d.rounded_rectangle(
        [cx - size * 0.24, base - size * 0.075, cx + size * 0.22, base], radius=size * 0.03, fill=(52, 54, 62)
    )
    d.rectangle([cx - size * 0.21, base - size * 0.03, cx + size * 0.19, base - size * 0.018], fill=(120, 230, 160))
    d.ellipse([cx - size * 0.04, base - size * 0.11, cx + size * 0.04, base - size * 0.05], fill=body)
    # the wand, leaning slightly back
    w = max(3, int(size * 0.035))
    d.line([(cx, base - size * 0.08), (cx + size * 0.05, base - size * 0.62)], fill=metal, width=w)
    d.line(
        [(cx - w * 0.25, base - size * 0.08), (cx + size * 0.05 - w * 0.25, base - size * 0.62)], fill=WHITE, width=1
    )
    # the clear cyclone bin with dust inside, the motor body behind it
    d.rounded_rectangle(
        [cx + size * 0.0, base - size * 0.84, cx + size * 0.1, base - size * 0.6],
        radius=size * 0.04,
        fill=(196, 222, 236),
    )
    for i in range(6):
        x = cx + size * (0.015 + 0.014 * i)
        y = base - size * (0.63 + 0.02 * (i % 3))
        d.ellipse([x, y, x + size * 0.012, y + size * 0.012], fill=(150, 140, 130))
    d.rounded_rectangle(
        [cx + size * 0.08, base - size * 0.9, cx + size * 0.19, base - size * 0.66], radius=size * 0.035, fill=body
    )
    d.ellipse([cx + size * 0.1, base - size * 0.88, cx + size * 0.17, base - size * 0.81], fill=shade(body, 1.35))
    # the battery pack under the handle, its three charge lights lit
    d.rounded_rectangle(
        [cx + size * 0.17, base - size * 0.8, cx + size * 0.26, base - size * 0.68],
        radius=size * 0.02,
        fill=(44, 46, 54),
    )
    for i in range(3):
        y = base - size * (0.77 - 0.03 * i)
        d.rectangle([cx + size * 0.235, y, cx + size * 0.25, y + size * 0.015], fill=(90, 220, 140))
    # the looped handle on top
    d.arc(
        [cx + size * 0.1, base - size * 1.0, cx + size * 0.3, base - size * 0.76],
        200,
        40,
        fill=(60, 62, 70),
        width=max(3, int(size * 0.04)),
    )


def car(s: Scene, cx: float, base: float, size: float) -> None:
    """A car in side view: body, cabin with windows, two wheels, head and tail lights."""
    d = s.draw
    L = size * 1.5
    x0 = cx - L / 2
    body = mix(s.accent, (200, 30, 40), 0.5)
    wr = size * 0.14
    d.rounded_rectangle([x0, base - size * 0.42, x0 + L, base - wr * 0.6], radius=size * 0.08, fill=body)
    d.polygon(
        [
            (x0 + L * 0.22, base - size * 0.42),
            (x0 + L * 0.34, base - size * 0.66),
            (x0 + L * 0.68, base - size * 0.66),
            (x0 + L * 0.82, base - size * 0.42),
        ],
        fill=body,
    )
    glass = (170, 210, 235)
    d.polygon(
        [
            (x0 + L * 0.27, base - size * 0.44),
            (x0 + L * 0.36, base - size * 0.62),
            (x0 + L * 0.5, base - size * 0.62),
            (x0 + L * 0.5, base - size * 0.44),
        ],
        fill=glass,
    )
    d.polygon(
        [
            (x0 + L * 0.53, base - size * 0.44),
            (x0 + L * 0.53, base - size * 0.62),
            (x0 + L * 0.66, base - size * 0.62),
            (x0 + L * 0.77, base - size * 0.44),
        ],
        fill=glass,
    )
    for wx in (x0 + L * 0.22, x0 + L * 0.78):
        d.ellipse([wx - wr, base - wr * 2, wx + wr, base], fill=(30, 30, 34))
        d.ellipse([wx - wr * 0.5, base - wr * 1.5, wx + wr * 0.5, base - wr * 0.5], fill=(180, 180, 190))
    d.rectangle([x0 + L - size * 0.06, base - size * 0.36, x0 + L, base - size * 0.3], fill=(255, 240, 170))
    d.rectangle([x0, base - size * 0.36, x0 + size * 0.05, base - size * 0.3], fill=(220, 40, 40))


def pet(s: Scene, cx: float, base: float, size: float) -> None:
    """A sitting dog beside its food bowl."""
    d = s.draw
    fur = (196, 140, 80)
    dx = cx - size * 0.15
    d.ellipse([dx - size * 0.28, base - size * 0.55, dx + size * 0.22, base], fill=fur)
    d.ellipse([dx - size * 0.05, base - size * 0.95, dx + size * 0.33, base - size * 0.55], fill=fur)
    d.ellipse([dx + size * 0.22, base - size * 0.78, dx + size * 0.42, base - size * 0.64], fill=shade(fur, 1.2))
    d.ellipse([dx + size * 0.36, base - size * 0.76, dx + size * 0.43, base - size * 0.7], fill=(30, 24, 20))
    d.polygon(
        [
            (dx - size * 0.02, base - size * 0.9),
            (dx + size * 0.06, base - size * 0.62),
            (dx - size * 0.1, base - size * 0.66),
        ],
        fill=shade(fur, 0.6),
    )
    d.ellipse([dx + size * 0.17, base - size * 0.85, dx + size * 0.22, base - size * 0.8], fill=(30, 24, 20))
    d.line(
        [(dx - size * 0.26, base - size * 0.1), (dx - size * 0.42, base - size * 0.35)],
        fill=fur,
        width=max(4, int(size * 0.05)),
    )
    bx = cx + size * 0.38
    d.chord([bx - size * 0.2, base - size * 0.2, bx + size * 0.2, base + size * 0.05], 0, 180, fill=(220, 60, 60))
    d.ellipse([bx - size * 0.2, base - size * 0.12, bx + size * 0.2, base - size * 0.04], fill=(150, 90, 50))


def cat(s: Scene, cx: float, base: float, size: float) -> None:
    """A sitting cat seen from the side, looking up: round body, head with two pointed ears, a long curled tail,
    whiskers and a pale muzzle (a cat, not the dog of `pet`)."""
    d = s.draw
    fur, dark = (120, 116, 124), (40, 36, 40)
    light = shade(fur, 1.5)
    d.ellipse([cx - size * 0.24, base - size * 0.62, cx + size * 0.2, base], fill=fur)
    d.ellipse([cx - size * 0.1, base - size * 0.22, cx + size * 0.12, base], fill=light)
    hx, hy, r = cx + size * 0.04, base - size * 0.7, size * 0.16
    for k in (-1, 1):  # ears: pointed triangles with a pink inside
        ex = hx + k * r * 0.62
        d.polygon(
            [(ex - r * 0.42, hy - r * 0.55), (ex + r * 0.42, hy - r * 0.55), (ex + k * r * 0.1, hy - r * 1.45)],
            fill=fur,
        )
        d.polygon(
            [(ex - r * 0.22, hy - r * 0.6), (ex + r * 0.22, hy - r * 0.6), (ex + k * r * 0.08, hy - r * 1.15)],
            fill=(232, 160, 170),
        )
    d.ellipse([hx - r, hy - r, hx + r, hy + r * 0.9], fill=fur)
    d.ellipse([hx - r * 0.45, hy + r * 0.05, hx + r * 0.45, hy + r * 0.75], fill=light)
    for k in (-1, 1):
        ex = hx + k * r * 0.42
        d.ellipse([ex - r * 0.17, hy - r * 0.38, ex + r * 0.17, hy - r * 0.02], fill=(170, 200, 90))
        d.ellipse([ex - r * 0.05, hy - r * 0.34, ex + r * 0.05, hy - r * 0.06], fill=dark)
        for dy in (0.3, 0.45):
            d.line([(hx + k * r * 0.3, hy + r * dy), (hx + k * r * 1.3, hy + r * (dy - 0.12))], fill=WHITE, width=1)
    d.polygon([(hx - r * 0.1, hy + r * 0.18), (hx + r * 0.1, hy + r * 0.18), (hx, hy + r * 0.3)], fill=(214, 120, 130))
    w = max(3, int(size * 0.05))
    d.arc([cx - size * 0.5, base - size * 0.55, cx - size * 0.1, base + size * 0.02], 90, 250, fill=fur, width=w)
    d.ellipse([cx - size * 0.2, base - size * 0.08, cx - size * 0.04, base], fill=light)


def pet_bowl(s: Scene, cx: float, base: float, size: float) -> None:
    """A small pet bowl with food in it."""
    d = s.draw
    d.chord(
        [cx - size * 0.4, base - size * 0.4, cx + size * 0.4, base + size * 0.1],
        0,
        180,
        fill=mix(s.accent, (220, 60, 60), 0.5),
    )
    d.ellipse([cx - size * 0.4, base - size * 0.24, cx + size * 0.4, base - size * 0.08], fill=(150, 90, 50))


def cat_food(s: Scene, cx: float, base: float, size: float) -> None:
    """Wet cat food: a stand-up pouch (tear notch, a fish on its label) with a round can in front of it (pull-ring
    lid, a paw print on the label), and a sitting cat beside them looking up at the pack."""
    d = s.draw
    s.odraw.ellipse([cx - size * 0.9, base - size * 1.0, cx + size * 0.6, base + size * 0.1], fill=(*s.light, 55))
    s.flatten()
    body = mix(s.accent, (120, 40, 90), 0.55)
    px, pw, top = cx - size * 0.3, size * 0.3, base - size * 0.95
    d.polygon([(px - pw, base), (px - pw * 0.92, top), (px + pw * 0.92, top), (px + pw, base)], fill=body)
    d.rectangle([px - pw * 0.92, top, px + pw * 0.92, top + size * 0.06], fill=shade(body, 1.3))
    d.polygon(
        [(px + pw * 0.92, top + size * 0.1), (px + pw * 0.75, top + size * 0.13), (px + pw * 0.92, top + size * 0.16)],
        fill=s.light,
    )
    lx, ly = px, top + size * 0.4
    d.ellipse([lx - pw * 0.7, ly - size * 0.16, lx + pw * 0.7, ly + size * 0.16], fill=WHITE)
    fish = (240, 150, 60)  # a fish on the label: body and tail
    d.ellipse([lx - pw * 0.45, ly - size * 0.05, lx + pw * 0.25, ly + size * 0.05], fill=fish)
    d.polygon([(lx + pw * 0.2, ly), (lx + pw * 0.5, ly - size * 0.06), (lx + pw * 0.5, ly + size * 0.06)], fill=fish)
    d.rectangle([px - pw * 0.6, base - size * 0.2, px + pw * 0.6, base - size * 0.16], fill=WHITE)
    # the can, in front of the pouch: silver rim, coloured label, a paw print
    cw, ch = size * 0.26, size * 0.28
    kx = cx + size * 0.02
    label = mix(s.accent, (30, 90, 160), 0.6)
    d.rectangle([kx - cw, base - ch, kx + cw, base], fill=label)
    d.rectangle([kx - cw, base - ch, kx + cw, base - ch + size * 0.035], fill=(200, 202, 208))
    d.rectangle([kx - cw, base - size * 0.035, kx + cw, base], fill=(200, 202, 208))
    d.ellipse([kx - cw, base - ch - size * 0.05, kx + cw, base - ch + size * 0.05], fill=(220, 222, 228))
    d.ellipse(
        [kx - cw * 0.3, base - ch - size * 0.02, kx + cw * 0.05, base - ch + size * 0.02],
        outline=(150, 150, 158),
        width=2,
    )
    py, pr = base - ch * 0.5, size * 0.045
    d.ellipse([kx - pr * 1.3, py - pr * 0.6, kx + pr * 1.3, py + pr * 1.4], fill=WHITE)
    for k in (-1.5, -0.5, 0.5, 1.5):
        tx = kx + k * pr * 0.9
        d.ellipse([tx - pr * 0.4, py - pr * 1.6, tx + pr * 0.4, py - pr * 0.8], fill=WHITE)
    cat(s, cx + size * 0.52, base, size * 0.7)


def game(s: Scene, cx: float, base: float, size: float) -> None:
    """A phone held sideways playing a game or drama: play button on a bright key-art screen."""
    d = s.draw
    w, h = size * 1.1, size * 0.55
    x0, y0 = cx - w / 2, base - h
    d.rounded_rectangle([x0, y0, x0 + w, base], radius=h * 0.12, fill=(28, 28, 34))
    m = h * 0.08
    box = (x0 + m * 2, y0 + m, x0 + w - m * 2, base - m)
    s.odraw.rounded_rectangle([x0 - m * 3, y0 - m * 3, x0 + w + m * 3, base + m * 3], radius=m * 4, fill=(*s.light, 50))
    s.flatten()
    d.rectangle(box, fill=mix(s.accent, (120, 60, 200), 0.5))
    d.polygon([(box[0], box[3]), (box[0] + w * 0.3, box[1] + h * 0.3), (box[0] + w * 0.55, box[3])], fill=(60, 30, 110))
    r = h * 0.2
    d.ellipse([cx - r, y0 + h / 2 - r, cx + r, y0 + h / 2 + r], fill=WHITE)
    d.polygon(
        [(cx - r * 0.35, y0 + h / 2 - r * 0.5), (cx - r * 0.35, y0 + h / 2 + r * 0.5), (cx + r * 0.55, y0 + h / 2)],
        fill=s.accent,
    )


#: The tile colours of the puzzle board (red, amber, green, blue, violet): a match-3 board reads as its colours.
PUZZLE_TILES = ((230, 70, 80), (250, 190, 50), (70, 190, 110), (60, 140, 235), (160, 90, 220))
#: The board, as indices into PUZZLE_TILES: no three alike in a line but the green row being matched.
PUZZLE_BOARD = ((0, 1, 2, 3, 4), (1, 2, 4, 0, 3), (3, 4, 0, 1, 2), (4, 2, 2, 2, 1), (2, 0, 1, 3, 0), (0, 3, 4, 1, 2))


def puzzle_game(s: Scene, cx: float, base: float, size: float) -> None:
    """A puzzle game on a phone held upright: a level bar with stars, a 5 x 6 board of coloured tiles with three
    alike lit in a row (the match), and a round play button: a casual game, not a drama's key art."""
    d = s.draw
    w = size * 0.52
    x0, y0 = cx - w / 2, base - size
    m = w * 0.07
    s.odraw.rounded_rectangle([x0 - m * 3, y0 - m * 3, x0 + w + m * 3, base + m * 3], radius=m * 4, fill=(*s.light, 50))
    s.flatten()
    d.rounded_rectangle([x0, y0, x0 + w, base], radius=size * 0.07, fill=(28, 28, 34))
    sx0, sy0, sx1, sy1 = x0 + m, y0 + m * 2, x0 + w - m, base - m * 2
    d.rectangle([sx0, sy0, sx1, sy1], fill=(44, 38, 92))
    cw, ch = sx1 - sx0, sy1 - sy0
    d.rectangle([sx0, sy0, sx1, sy0 + ch * 0.1], fill=mix(s.accent, (90, 60, 180), 0.4))
    for k in range(3):
        r = cw * 0.05
        sx = sx0 + cw * (0.35 + 0.15 * k)
        d.ellipse([sx - r, sy0 + ch * 0.05 - r, sx + r, sy0 + ch * 0.05 + r], fill=(250, 210, 60))
    cols, rows = len(PUZZLE_BOARD[0]), len(PUZZLE_BOARD)
    gx0, gy0 = sx0 + cw * 0.06, sy0 + ch * 0.16
    cell = min((cw * 0.88) / cols, (ch * 0.62) / rows)
    for row, line in enumerate(PUZZLE_BOARD):
        for col, tile in enumerate(line):
            colour = PUZZLE_TILES[tile]
            tx, ty = gx0 + col * cell, gy0 + row * cell
            pad = cell * 0.08
            d.rounded_rectangle([tx + pad, ty + pad, tx + cell - pad, ty + cell - pad], radius=cell * 0.2, fill=colour)
    ry = gy0 + 3 * cell  # the match about to clear: three green tiles outlined
    d.rounded_rectangle([gx0 + cell, ry, gx0 + 4 * cell, ry + cell], radius=cell * 0.25, outline=WHITE, width=3)
    r = cw * 0.11
    by = sy1 - ch * 0.1
    d.ellipse([cx - r, by - r, cx + r, by + r], fill=s.accent)
    d.polygon([(cx - r * 0.3, by - r * 0.45), (cx - r * 0.3, by + r * 0.45), (cx + r * 0.5, by)], fill=WHITE)


def suitcase(s: Scene, cx: float, base: float, size: float) -> None:
    """A rolling suitcase: a tall hard shell with ribs, a raised telescopic handle and two wheels."""
    d = s.draw
    w, h = size * 0.5, size * 0.72
    x0, y0 = cx - w / 2, base - h - size * 0.05
    shell = mix(s.accent, (40, 110, 170), 0.45)
    rod = (150, 152, 160)
    t = max(2, int(size * 0.025))
    for x in (cx - w * 0.22, cx + w * 0.22):
        d.line([(x, y0), (x, base - h - size * 0.28)], fill=rod, width=t)
    d.rounded_rectangle(
        [cx - w * 0.28, base - h - size * 0.31, cx + w * 0.28, base - h - size * 0.25],
        radius=size * 0.02,
        fill=(40, 40, 46),
    )
    d.rounded_rectangle([x0, y0, x0 + w, y0 + h], radius=size * 0.06, fill=shell, outline=shade(shell, 0.7), width=t)
    for k in (0.3, 0.5, 0.7):
        d.line([(x0 + w * k, y0 + h * 0.06), (x0 + w * k, y0 + h * 0.94)], fill=shade(shell, 0.8), width=t)
    r = size * 0.045
    for x in (x0 + w * 0.16, x0 + w * 0.84):
        d.ellipse([x - r, base - r * 2, x + r, base], fill=(30, 30, 34))


#: The mobile-plan screen: the signal bars' green, the 5G badge's blue and the SIM card's gold contacts.
SIGNAL_GREEN: RGB = (60, 200, 120)
BADGE_BLUE: RGB = (40, 110, 230)
SIM_GOLD: RGB = (222, 178, 70)


def sim_card(s: Scene, cx: float, base: float, size: float) -> None:
    """A SIM card standing on its edge: a white card with a cut corner and gold contacts (the prop, and the card
    beside a mobile plan's phone)."""
    d = s.draw
    w, h = size * 0.62, size * 0.9
    x0, y0, x1 = cx - w / 2, base - h, cx + w / 2
    cut = w * 0.28
    d.polygon([(x0, y0), (x1 - cut, y0), (x1, y0 + cut), (x1, base), (x0, base)], fill=(246, 246, 250))
    d.polygon([(x0, y0), (x1 - cut, y0), (x1, y0 + cut), (x1, base), (x0, base), (x0, y0)], outline=(150, 152, 160))
    gw, gh = w * 0.46, h * 0.34
    gx, gy = cx - gw / 2, base - h * 0.62
    d.rounded_rectangle([gx, gy, gx + gw, gy + gh], radius=gw * 0.12, fill=SIM_GOLD)
    for k in (1, 2):
        d.line([(gx, gy + gh * k / 3), (gx + gw, gy + gh * k / 3)], fill=shade(SIM_GOLD, 0.7), width=2)
    d.line([(cx, gy), (cx, gy + gh)], fill=shade(SIM_GOLD, 0.7), width=2)


def mobile_plan(s: Scene, cx: float, base: float, size: float) -> None:
    """A mobile plan: a phone held upright whose screen shows four rising signal bars, a 5G badge and the data left
    as a full ring, with a SIM card standing beside it: the plan, not an app's chart or a game."""
    d = s.draw
    w = size * 0.52
    x0, y0 = cx - w / 2 - size * 0.12, base - size
    m = w * 0.07
    s.odraw.rounded_rectangle([x0 - m * 3, y0 - m * 3, x0 + w + m * 3, base + m * 3], radius=m * 4, fill=(*s.light, 50))
    s.flatten()
    d.rounded_rectangle([x0, y0, x0 + w, base], radius=size * 0.07, fill=(28, 28, 34))
    sx0, sy0, sx1, sy1 = x0 + m, y0 + m * 2, x0 + w - m, base - m * 2
    d.rectangle([sx0, sy0, sx1, sy1], fill=(18, 34, 64))
    cw, ch = sx1 - sx0, sy1 - sy0
    bw = cw * 0.1  # four signal bars, rising, all lit
    for k in range(4):
        bx = sx0 + cw * 0.12 + k * bw * 1.5
        top = sy0 + ch * (0.3 - 0.06 * k)
        d.rectangle([bx, top, bx + bw, sy0 + ch * 0.34], fill=SIGNAL_GREEN)
    bx0, by0 = sx0 + cw * 0.66, sy0 + ch * 0.12
    d.rounded_rectangle([bx0, by0, sx1 - cw * 0.06, by0 + ch * 0.14], radius=cw * 0.04, fill=BADGE_BLUE)
    _label(s, "5G", (bx0 + sx1 - cw * 0.06) / 2, by0 + ch * 0.07, ch * 0.09, WHITE)
    r = cw * 0.3  # the data left: a full ring around an infinity sign
    ry = sy0 + ch * 0.62
    d.ellipse(
        [cx - size * 0.12 - r, ry - r, cx - size * 0.12 + r, ry + r], outline=SIGNAL_GREEN, width=max(3, int(r * 0.22))
    )
    q = r * 0.28
    for sign in (-1, 1):
        ex = cx - size * 0.12 + sign * q
        d.ellipse([ex - q, ry - q * 0.7, ex + q, ry + q * 0.7], outline=WHITE, width=max(2, int(q * 0.3)))
    sim_card(s, x0 + w + size * 0.2, base, size * 0.34)


def box(s: Scene, cx: float, base: float, size: float) -> None:
    """A product box with a ribbon (the general fallback)."""
    d = s.draw
    w = size * 0.7
    col = mix(s.accent, WHITE, 0.15)
    d.rectangle([cx - w / 2, base - size * 0.75, cx + w / 2, base], fill=col)
    d.rectangle([cx - w * 0.55, base - size * 0.85, cx + w * 0.55, base - size * 0.72], fill=shade(col, 0.85))
    d.rectangle([cx - w * 0.06, base - size * 0.85, cx + w * 0.06, base], fill=(240, 200, 60))
    d.ellipse([cx - w * 0.25, base - size * 1.0, cx, base - size * 0.85], outline=(240, 200, 60), width=4)
    d.ellipse([cx, base - size * 1.0, cx + w * 0.25, base - size * 0.85], outline=(240, 200, 60), width=4)


def compact_car(s: Scene, cx: float, base: float, size: float) -> None:
    """A compact electric hatchback in side view: short bonnet, tall cabin sloping straight down to the hatch, two
    wheels close to the corners, a lit charging-port flap on the rear wing and no exhaust."""
    d = s.draw
    L = size * 1.3
    x0 = cx - L / 2
    body = mix(s.accent, (40, 120, 200), 0.5)
    wr = size * 0.15
    d.rounded_rectangle([x0, base - size * 0.46, x0 + L, base - wr * 0.6], radius=size * 0.1, fill=body)
    d.polygon(
        [
            (x0 + L * 0.06, base - size * 0.46),
            (x0 + L * 0.12, base - size * 0.8),
            (x0 + L * 0.58, base - size * 0.8),
            (x0 + L * 0.84, base - size * 0.46),
        ],
        fill=body,
    )
    glass = (170, 210, 235)
    d.polygon(
        [
            (x0 + L * 0.12, base - size * 0.48),
            (x0 + L * 0.16, base - size * 0.76),
            (x0 + L * 0.34, base - size * 0.76),
            (x0 + L * 0.34, base - size * 0.48),
        ],
        fill=glass,
    )
    d.polygon(
        [
            (x0 + L * 0.37, base - size * 0.48),
            (x0 + L * 0.37, base - size * 0.76),
            (x0 + L * 0.56, base - size * 0.76),
            (x0 + L * 0.78, base - size * 0.48),
        ],
        fill=glass,
    )
    for wx in (x0 + L * 0.2, x0 + L * 0.8):
        d.ellipse([wx - wr, base - wr * 2, wx + wr, base], fill=(30, 30, 34))
        d.ellipse([wx - wr * 0.5, base - wr * 1.5, wx + wr * 0.5, base - wr * 0.5], fill=(200, 205, 215))
    d.rectangle([x0 + L - size * 0.05, base - size * 0.4, x0 + L, base - size * 0.33], fill=(255, 240, 170))
    d.rectangle([x0, base - size * 0.42, x0 + size * 0.04, base - size * 0.32], fill=(220, 40, 40))
    d.rounded_rectangle(
        [x0 + L * 0.06, base - size * 0.44, x0 + L * 0.12, base - size * 0.37], radius=size * 0.01, fill=(90, 220, 130)
    )


#: The amber of a supplement bottle and the gold of a vitamin D softgel.
AMBER: RGB = (150, 82, 30)
SOFTGEL: RGB = (236, 178, 40)


def _softgel(s: Scene, cx: float, cy: float, length: float, tilt: float) -> None:
    """One golden softgel (an oval capsule with a highlight), tilted by `tilt` radians."""
    w, h = length / 2, length * 0.22
    points = [
        (cx + w * math.cos(a) * math.cos(tilt) - h * math.sin(a) * math.sin(tilt),
         cy + w * math.cos(a) * math.sin(tilt) + h * math.sin(a) * math.cos(tilt))
        for a in (i * math.pi / 12 for i in range(24))
    ]  # fmt: skip
    s.draw.polygon(points, fill=SOFTGEL, outline=shade(SOFTGEL, 0.7))
    hx, hy = cx - w * 0.3 * math.cos(tilt), cy - w * 0.3 * math.sin(tilt) - h * 0.35
    s.draw.ellipse([hx - w * 0.22, hy - h * 0.2, hx + w * 0.22, hy + h * 0.2], fill=(255, 240, 190))


def supplement(s: Scene, cx: float, base: float, size: float) -> None:
    """A supplement bottle: a squat amber jar with a white child-resistant cap (ridged), a wide white label with a
    brand band and a small round licence mark, and three golden softgels on the surface beside it."""
    d = s.draw
    bw = size * 0.3
    top = base - size * 0.78
    d.rounded_rectangle([cx - bw, top, cx + bw, base], radius=bw * 0.25, fill=AMBER)
    d.rounded_rectangle(
        [cx - bw * 0.85, top + size * 0.06, cx - bw * 0.62, base - size * 0.05],
        radius=bw * 0.08,
        fill=shade(AMBER, 1.4),
    )
    d.rectangle([cx - bw * 0.7, top - size * 0.03, cx + bw * 0.7, top + size * 0.02], fill=shade(AMBER, 0.8))
    cap_top = top - size * 0.22
    d.rounded_rectangle([cx - bw * 0.8, cap_top, cx + bw * 0.8, top - size * 0.02], radius=bw * 0.08, fill=WHITE)
    for i in range(1, 9):
        x = cx - bw * 0.8 + i * bw * 1.6 / 9
        d.line([(x, cap_top + size * 0.02), (x, top - size * 0.04)], fill=(205, 205, 210), width=2)
    lt, lb = base - size * 0.6, base - size * 0.14
    d.rectangle([cx - bw * 0.92, lt, cx + bw * 0.92, lb], fill=WHITE)
    d.rectangle([cx - bw * 0.92, lt, cx + bw * 0.92, lt + (lb - lt) * 0.28], fill=s.accent)
    d.line([(cx - bw * 0.6, lt + (lb - lt) * 0.5), (cx + bw * 0.6, lt + (lb - lt) * 0.5)], fill=s.ink, width=3)
    d.line([(cx - bw * 0.4, lt + (lb - lt) * 0.66), (cx + bw * 0.4, lt + (lb - lt) * 0.66)], fill=s.ink, width=2)
    r = (lb - lt) * 0.1
    d.ellipse([cx + bw * 0.55 - r, lb - r * 2.6, cx + bw * 0.55 + r, lb - r * 0.6], outline=(60, 130, 80), width=2)
    for dx, dy, tilt in ((1.25, 0.03, 0.4), (1.75, 0.025, -0.2), (1.5, 0.09, 0.1)):  # beside it, inside WIDTH
        _softgel(s, cx + bw * dx, base - size * dy, size * 0.16, tilt)


def charger(s: Scene, cx: float, base: float, size: float) -> None:
    """An electric-car charging post: a tall post with a lit screen and a lightning bolt, its cable looping down to
    the plug on the ground."""
    d = s.draw
    pw = size * 0.3
    x0, top = cx - size * 0.3, base - size
    post = (60, 66, 74)
    d.rounded_rectangle([x0, top, x0 + pw, base], radius=pw * 0.2, fill=post)
    d.rounded_rectangle(
        [x0 + pw * 0.15, top + size * 0.08, x0 + pw * 0.85, top + size * 0.3], radius=pw * 0.08, fill=(120, 230, 150)
    )
    bolt = [
        (x0 + pw * 0.58, top + size * 0.36),
        (x0 + pw * 0.3, top + size * 0.52),
        (x0 + pw * 0.5, top + size * 0.52),
        (x0 + pw * 0.38, top + size * 0.68),
        (x0 + pw * 0.72, top + size * 0.48),
        (x0 + pw * 0.52, top + size * 0.48),
    ]
    d.polygon(bolt, fill=(255, 210, 60))
    cable = (24, 24, 28)
    width = max(3, int(size * 0.035))
    d.arc([x0 + pw * 0.6, top + size * 0.55, cx + size * 0.42, base + size * 0.1], 180, 360, fill=cable, width=width)
    d.line(
        [
            (x0 + pw, top + size * 0.55 + (base + size * 0.1 - top - size * 0.55) / 2),
            (x0 + pw * 0.6, top + size * 0.55 + (base + size * 0.1 - top - size * 0.55) / 2),
        ],
        fill=cable,
        width=width,
    )
    px = cx + size * 0.42
    d.rounded_rectangle(
        [px - size * 0.07, base - size * 0.22, px + size * 0.07, base - size * 0.02],
        radius=size * 0.03,
        fill=(40, 120, 70),
    )


#: Shade swatches beside a foundation bottle, fair to deep (the range a foundation's shades cover).
SWATCHES: tuple[RGB, ...] = (
    (243, 214, 190),
    (226, 184, 150),
    (198, 150, 112),
    (160, 112, 78),
    (112, 74, 50),
    (72, 46, 32),
)


def foundation(s: Scene, cx: float, base: float, size: float) -> None:
    """A liquid foundation: a squat, flat-shouldered glass bottle holding skin-coloured liquid, a black pump on top,
    and a fan of shade swatches (fair to deep strokes) beside it; not a serum's dropper or a sunscreen tube."""
    d = s.draw
    bx = cx - size * 0.22
    bw, bh = size * 0.3, size * 0.62
    s.odraw.ellipse([cx - size * 0.75, base - size * 1.0, cx + size * 0.75, base + size * 0.1], fill=(*s.light, 60))
    s.flatten()
    glass = (236, 232, 226)
    liquid = SWATCHES[2]
    d.rounded_rectangle([bx - bw, base - bh, bx + bw, base], radius=bw * 0.18, fill=glass)
    d.rounded_rectangle(
        [bx - bw * 0.86, base - bh * 0.86, bx + bw * 0.86, base - bh * 0.06], radius=bw * 0.12, fill=liquid
    )
    d.rectangle([bx - bw * 0.7, base - bh * 0.62, bx + bw * 0.7, base - bh * 0.34], fill=WHITE)
    d.line([(bx - bw * 0.45, base - bh * 0.5), (bx + bw * 0.45, base - bh * 0.5)], fill=s.ink, width=3)
    d.line([(bx - bw * 0.5, base - bh * 0.42), (bx + bw * 0.3, base - bh * 0.42)], fill=shade(liquid, 0.8), width=2)
    d.rounded_rectangle([bx - bw * 0.8, base - bh * 0.8, bx - bw * 0.72, base - bh * 0.12], radius=2, fill=WHITE)
    collar_top = base - bh - size * 0.08
    d.rectangle([bx - bw * 0.42, collar_top, bx + bw * 0.42, base - bh + 2], fill=(24, 22, 26))
    stem_top = collar_top - size * 0.12
    d.rectangle([bx - bw * 0.08, stem_top, bx + bw * 0.08, collar_top], fill=(40, 38, 44))
    d.rounded_rectangle(
        [bx - bw * 0.34, stem_top - size * 0.06, bx + bw * 0.5, stem_top + 2], radius=3, fill=(24, 22, 26)
    )
    d.rectangle([bx + bw * 0.5, stem_top - size * 0.045, bx + bw * 0.72, stem_top - size * 0.015], fill=(24, 22, 26))
    # the swatches: short strokes fanned on a card, lightest on top
    sx0, sx1 = cx + size * 0.14, cx + size * 0.56
    step = size * 0.1
    for i, colour in enumerate(SWATCHES):
        y = base - size * 0.62 + i * step
        d.rounded_rectangle([sx0, y, sx1 - i * size * 0.03, y + step * 0.62], radius=step * 0.3, fill=colour)


def nappy(s: Scene, cx: float, base: float, size: float) -> None:
    """One open nappy seen from the front: a white hourglass with a coloured waistband, two side tabs and a soft
    padded core; drawn beside the pack and alone as a prop."""
    d = s.draw
    band = mix(s.accent, (90, 160, 230), 0.55)
    w, top = size * 0.5, base - size
    d.polygon(
        [
            (cx - w, top),
            (cx + w, top),
            (cx + w * 0.55, base - size * 0.45),
            (cx + w * 0.8, base),
            (cx - w * 0.8, base),
            (cx - w * 0.55, base - size * 0.45),
        ],
        fill=WHITE,
    )
    d.rectangle([cx - w, top, cx + w, top + size * 0.12], fill=band)
    for side in (-1, 1):  # the fastening tabs
        x = cx + side * w
        d.rounded_rectangle(
            [min(x, x + side * size * 0.16), top + size * 0.14, max(x, x + side * size * 0.16), top + size * 0.3],
            radius=size * 0.04,
            fill=mix(band, WHITE, 0.35),
        )
    d.rounded_rectangle(
        [cx - w * 0.38, top + size * 0.22, cx + w * 0.38, base - size * 0.08],
        radius=size * 0.12,
        fill=(236, 240, 246),
    )
    for i in range(3):  # quilted lines of the soft core
        y = top + size * (0.36 + 0.16 * i)
        d.line([(cx - w * 0.28, y), (cx + w * 0.28, y)], fill=(214, 222, 234), width=max(1, int(size * 0.012)))


def nappies(s: Scene, cx: float, base: float, size: float) -> None:
    """A soft pack of nappies: a pillowy bag with rounded shoulders and a carry-handle cut-out, a clear window on the
    stacked folded nappies (white with coloured waistbands), a round label with a sleeping moon, and one open nappy
    standing beside the pack."""
    d = s.draw
    s.odraw.ellipse([cx - size * 0.65, base - size * 1.05, cx + size * 0.7, base + size * 0.08], fill=(*s.light, 55))
    s.flatten()
    body = mix(s.accent, (80, 150, 220), 0.6)
    band = mix(s.accent, (250, 200, 80), 0.5)
    px, pw, top = cx + size * 0.14, size * 0.36, base - size * 0.95
    d.rounded_rectangle([px - pw, top, px + pw, base], radius=size * 0.14, fill=body)
    d.rounded_rectangle(
        [px - pw * 0.35, top + size * 0.05, px + pw * 0.35, top + size * 0.12], radius=size * 0.03, fill=s.light
    )  # the carry handle
    # the clear window on the stack of folded nappies
    wx0, wx1, wy0, wy1 = px - pw * 0.78, px + pw * 0.78, base - size * 0.42, base - size * 0.1
    d.rounded_rectangle([wx0, wy0, wx1, wy1], radius=size * 0.04, fill=(226, 236, 246))
    rows = 4
    for i in range(rows):
        y0 = wy0 + (wy1 - wy0) * (0.08 + i * 0.23)
        d.rounded_rectangle([wx0 + size * 0.03, y0, wx1 - size * 0.03, y0 + (wy1 - wy0) * 0.18], radius=3, fill=WHITE)
        d.rectangle([wx0 + size * 0.03, y0, wx0 + size * 0.08, y0 + (wy1 - wy0) * 0.18], fill=band)
    # the round label with a sleeping crescent moon and stars
    lx, ly, lr = px, top + size * 0.33, size * 0.15
    d.ellipse([lx - lr, ly - lr, lx + lr, ly + lr], fill=WHITE)
    d.ellipse([lx - lr * 0.55, ly - lr * 0.6, lx + lr * 0.45, ly + lr * 0.6], fill=band)
    d.ellipse([lx - lr * 0.25, ly - lr * 0.75, lx + lr * 0.7, ly + lr * 0.5], fill=WHITE)
    for sx, sy in ((0.45, -0.35), (0.6, 0.15)):
        r = lr * 0.09
        d.ellipse([lx + lr * sx - r, ly + lr * sy - r, lx + lr * sx + r, ly + lr * sy + r], fill=band)
    nappy(s, cx - size * 0.4, base, size * 0.45)


#: Width of each drawing relative to its `size` (height), so callers can fit wide products (a car) to the frame.
WIDTH: dict[str, float] = {
    "car": 1.55,
    "compact-car": 1.35,
    "supplement": 1.3,
    "shoe": 1.7,
    "laptop": 1.3,
    "game": 1.2,
    "bowl": 1.3,
    "pet": 1.0,
    "cat-food": 1.45,
    "cat": 0.8,
    "pet-bowl": 0.9,
    "jacket": 1.15,
    "vacuum": 0.6,
    "charger": 0.75,
    "foundation": 1.15,
    "nappies": 1.25,
    "nappy": 0.8,
    "mobile-plan": 1.0,
    "sim-card": 0.62,
}

DRAWERS: dict[str, Callable[[Scene, float, float, float], None]] = {
    "bottle": bottle,
    "tube": tube,
    "jacket": jacket,
    "garment": garment,
    "shoe": shoe,
    "bowl": bowl,
    "drink": drink,
    "tablet": tablet,
    "phone": phone,
    "laptop": laptop,
    "app": app,
    "appliance": appliance,
    "toothpaste": toothpaste,
    "cup": cup,
    "coffee-machine": coffee_machine,
    "vacuum": stick_vacuum,
    "car": car,
    "compact-car": compact_car,
    "supplement": supplement,
    "charger": charger,
    "pet": pet,
    "cat-food": cat_food,
    "cat": cat,
    "pet-bowl": pet_bowl,
    "game": game,
    "puzzle-game": puzzle_game,
    "suitcase": suitcase,
    "nappies": nappies,
    "nappy": nappy,
    "mobile-plan": mobile_plan,
    "sim-card": sim_card,
    "box": box,
    "foundation": foundation,
}


def draw_product(s: Scene, kind: str, cx: float, base: float, size: float) -> None:
    DRAWERS.get(kind, box)(s, cx, base, size)
