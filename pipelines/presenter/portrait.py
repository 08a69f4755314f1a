"""A presenter drawn from the brief's talent notes: a shaded, photo-like frontal head and shoulders.

The storyboard frames (pipelines/image/procedural.py) are flat cartoons that no face detector finds; a presenter
must be found by the lip-sync's detector (pipelines/presenter/face.py), so this portrait is lit: skin shaded
toward the edges, eye sockets, a nose ridge and shadow, lips and the shadow under them, then softened like a lens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from PIL import Image

from pipelines.image.frame_plan import GREY_HAIR, HAIR_TONES, OUTFITS, SKIN_PALETTE
from studio.model.requests import CastMember


@dataclass(frozen=True)
class Portrait:
    image: Image.Image
    face: tuple[int, int, int, int]
    """Where the face was drawn: left, top, right, bottom (the tests compare the detector's box with it)."""


def _blob(xx: np.ndarray, yy: np.ndarray, cx: float, cy: float, sx: float, sy: float) -> np.ndarray:
    return np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2))


def draw_portrait(member: CastMember, width: int = 512, height: int = 512, seed: int = 0) -> Portrait:
    """Head and shoulders to camera on a soft backdrop, `width` × `height` RGB."""
    import cv2

    rng = random.Random(seed)
    h, w = height, width
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    skin = np.array(SKIN_PALETTE[member.skin_tone], np.float32)
    hair = np.array(GREY_HAIR if member.age == "senior" else rng.choice(HAIR_TONES), np.float32)
    outfit = np.array(rng.choice(OUTFITS), np.float32)
    top = np.array([rng.randint(150, 200), rng.randint(160, 210), rng.randint(170, 220)], np.float32)
    img = top * (1.0 - 0.35 * (yy / h))[..., None] * np.ones(3, np.float32)
    s = min(w, h)
    cx, cy = w / 2, h * 0.46
    rw, rh = s * 0.2, s * 0.27
    # shoulders and neck
    shoulders = yy > h * 0.8 + 0.25 * np.abs(xx - cx) ** 1.2 / max(1.0, s * 0.02)
    img[shoulders] = outfit * 0.9
    neck = (np.abs(xx - cx) < rw * 0.55) & (yy > cy) & (yy < h * 0.86)
    img[neck] = skin * 0.72
    # hair behind the head
    if not member.hijab:
        back = ((xx - cx) / (rw * 1.18)) ** 2 + ((yy - cy + rh * 0.08) / (rh * 1.12)) ** 2 < 1
        if member.gender == "woman":
            back |= (np.abs(xx - cx) < rw * 1.15) & (yy > cy - rh * 0.2) & (yy < cy + rh * 1.25)
        img[back] = hair
    else:
        scarf = ((xx - cx) / (rw * 1.35)) ** 2 + ((yy - cy) / (rh * 1.3)) ** 2 < 1
        img[scarf] = np.array([128, 96, 176], np.float32)
    # the face: an oval lit from the front, darker toward its edges
    r2 = ((xx - cx) / rw) ** 2 + ((yy - cy) / rh) ** 2
    face = r2 < 1
    light = 1.05 - 0.35 * r2
    ey, ex = cy - rh * 0.12, rw * 0.4
    light -= 0.35 * (
        _blob(xx, yy, cx - ex, ey, rw * 0.26, rh * 0.13) + _blob(xx, yy, cx + ex, ey, rw * 0.26, rh * 0.13)
    )
    light += 0.12 * _blob(xx, yy, cx, cy + rh * 0.05, rw * 0.08, rh * 0.3)  # nose ridge
    light -= 0.28 * _blob(xx, yy, cx + rw * 0.12, cy + rh * 0.2, rw * 0.08, rh * 0.12)  # nose shadow
    light -= 0.25 * _blob(xx, yy, cx, cy + rh * 0.27, rw * 0.2, rh * 0.05)  # under the nose
    light -= 0.22 * _blob(xx, yy, cx, cy + rh * 0.62, rw * 0.25, rh * 0.06)  # under the lower lip
    img[face] = (skin * light[..., None])[face]
    # brows, eyes, nostrils, lips
    browc = hair * 0.8
    for sx in (-1, 1):
        ecx = cx + sx * ex
        brow = (np.abs(yy - (ey - rh * 0.2)) < rh * 0.035) & (np.abs(xx - ecx) < rw * 0.24)
        img[brow & face] = browc
        white = ((xx - ecx) / (rw * 0.17)) ** 2 + ((yy - ey) / (rh * 0.06)) ** 2 < 1
        img[white] = np.array([235, 232, 228], np.float32)
        iris = ((xx - ecx) / (rw * 0.08)) ** 2 + ((yy - ey) / (rh * 0.06)) ** 2 < 1
        img[iris] = np.array([45, 30, 22], np.float32)
        nostril = ((xx - (cx + sx * rw * 0.09)) / (rw * 0.05)) ** 2 + ((yy - (cy + rh * 0.25)) / (rh * 0.025)) ** 2 < 1
        img[nostril] = skin * 0.35
    lips = ((xx - cx) / (rw * 0.3)) ** 2 + ((yy - (cy + rh * 0.5)) / (rh * 0.08)) ** 2 < 1
    lipc = np.array([170, 70, 80], np.float32) if member.gender == "woman" else skin * 0.62
    img[lips] = lipc
    seam = (np.abs(yy - (cy + rh * 0.5)) < max(1.0, rh * 0.012)) & (np.abs(xx - cx) < rw * 0.3)
    img[seam] = lipc * 0.45
    if not member.hijab:
        fringe = face & (yy < cy - rh * 0.55 + 0.1 * np.abs(xx - cx))
        img[fringe] = hair
    noise = np.random.default_rng(seed).normal(0, 3.0, img.shape).astype(np.float32)
    out = cv2.GaussianBlur(np.clip(img + noise, 0, 255), (0, 0), max(1.0, s / 400))
    box = (round(cx - rw), round(cy - rh), round(cx + rw), round(cy + rh))
    return Portrait(Image.fromarray(out.astype(np.uint8)), box)
