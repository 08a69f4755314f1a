"""A product turntable drawn from the brand kit's photos, no model needed: the product seen from each angle in turn
(front → three-quarter → side → back → front), each held on a plinth and turned into the next with an in-between that
narrows the outgoing view as the incoming one widens (a turn, not a cut), over the brand's colour.

The seed platform's "see it from every side". With one photo the video models' orbit (`qianmian animate
--turntable`) is the way; with several photos this shows the real product from every real side.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

#: Angles on the turn, in the order a camera circling the product meets them; others (top, in-use) are not on it.
TURN_ORDER: tuple[str, ...] = ("front", "three-quarter", "side", "back")
HOLD = 0.55
"""Share of each angle's time it is held still; the rest turns into the next angle."""


def turn_order(angles: list[str]) -> list[int]:
    """Indices of `angles` on the turn, in turn order (angles not on the turn, and repeats, left out)."""
    seen: dict[str, int] = {}
    for i, angle in enumerate(angles):
        if angle in TURN_ORDER and angle not in seen:
            seen[angle] = i
    return [seen[a] for a in TURN_ORDER if a in seen]


def _stage(width: int, height: int, colour: tuple[int, int, int]) -> Image.Image:
    """A studio sweep in the brand colour with a plinth the product stands on."""
    top = np.array(colour, dtype=np.float32)
    bottom = top * 0.55
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    sweep = (top * (1 - ramp) + bottom * ramp).repeat(width, axis=1).clip(0, 255).astype(np.uint8)
    image = Image.fromarray(sweep)
    draw = ImageDraw.Draw(image)
    cx, y = width / 2, height * 0.78
    draw.ellipse((cx - width * 0.34, y - height * 0.03, cx + width * 0.34, y + height * 0.03), fill=(236, 236, 232))
    return image


def _fit(cutout: Image.Image, width: int, height: int) -> Image.Image:
    box_w, box_h = width * 0.62, height * 0.56
    scale = min(box_w / cutout.width, box_h / cutout.height)
    size = (max(1, round(cutout.width * scale)), max(1, round(cutout.height * scale)))
    return cutout.resize(size, Image.Resampling.LANCZOS)


def _place(frame: Image.Image, product: Image.Image, squeeze: float, alpha: float) -> None:
    """The product standing on the plinth, narrowed to `squeeze` of its width (a view turning away), at `alpha`."""
    if squeeze <= 0.02 or alpha <= 0.0:
        return
    w = max(1, round(product.width * squeeze))
    view = product.resize((w, product.height), Image.Resampling.BILINEAR)
    if alpha < 1.0:
        view.putalpha(view.getchannel("A").point(lambda v: round(v * alpha)))
    x = round((frame.width - view.width) / 2)
    y = round(frame.height * 0.78 - view.height)
    shadow = Image.new("L", (view.width, max(2, view.height // 14)), 0)
    ImageDraw.Draw(shadow).ellipse((0, 0, shadow.width - 1, shadow.height - 1), fill=round(110 * alpha))
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(1, shadow.height // 3)))
    frame.paste((30, 30, 30), (x, y + view.height - shadow.height // 2), shadow)
    frame.paste(view, (x, y), view)


def turntable_frames(
    cutouts: list[Image.Image],
    width: int,
    height: int,
    *,
    fps: int,
    seconds: float,
    colour: tuple[int, int, int] = (40, 44, 52),
) -> list[np.ndarray]:
    """RGB frames of the turn: each cutout (RGBA, in turn order) held, then turned into the next; the last turns
    back into the first, so the clip loops. At least two cutouts."""
    if len(cutouts) < 2:
        raise ValueError("a turntable needs photos from at least two angles")
    stage = _stage(width, height, colour)
    products = [_fit(c.convert("RGBA"), width, height) for c in cutouts]
    n = max(len(products) * 4, round(seconds * fps))
    per = n / len(products)
    frames: list[np.ndarray] = []
    for i in range(n):
        k = min(len(products) - 1, int(i / per))
        p = (i - k * per) / per
        frame = stage.copy()
        if p < HOLD:
            _place(frame, products[k], 1.0, 1.0)
        else:
            turn = (p - HOLD) / (1 - HOLD)  # 0 → 1 over the in-between
            nxt = products[(k + 1) % len(products)]
            _place(frame, products[k], math.cos(turn * math.pi / 2), 1.0 - turn)
            _place(frame, nxt, math.sin(turn * math.pi / 2), turn)
        frames.append(np.asarray(frame, dtype=np.uint8))
    return frames
