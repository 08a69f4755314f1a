"""Brand kit files drawn in code for the brand tests: a coffee bag photographed on a table, a logo badge, a brief.

The brief is a Vietnamese drip-coffee brand (a category and market the samples don't have).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

BAG = (96, 58, 34)
LABEL = (238, 222, 188)
BEAN = (168, 36, 44)


def bag_photo(textured: bool = False, size: tuple[int, int] = (480, 640)) -> tuple[Image.Image, np.ndarray]:
    """A coffee bag standing on a table, and the truth mask of the bag (bool)."""
    w, h = size
    rng = np.random.default_rng(7)
    ground = np.zeros((h, w, 3), np.int16) + np.array((224, 226, 230), np.int16)
    if textured:  # a linen backdrop: noise and a weave of darker threads
        ground += rng.integers(-14, 14, (h, w, 1), dtype=np.int16)
        ground[::24] -= 22
        ground[:, ::30] -= 16
    photo = Image.fromarray(ground.clip(0, 255).astype(np.uint8))
    truth = Image.new("L", size, 0)
    for draw, fill in ((ImageDraw.Draw(photo), BAG), (ImageDraw.Draw(truth), 255)):
        draw.rounded_rectangle([w * 0.3, h * 0.28, w * 0.7, h * 0.86], radius=w * 0.04, fill=fill)
        draw.polygon([(w * 0.33, h * 0.29), (w * 0.67, h * 0.29), (w * 0.62, h * 0.2), (w * 0.38, h * 0.2)], fill=fill)
    d = ImageDraw.Draw(photo)
    d.rectangle([w * 0.36, h * 0.45, w * 0.64, h * 0.72], fill=LABEL)
    d.ellipse([w * 0.44, h * 0.5, w * 0.56, h * 0.62], fill=BEAN)
    d.line([(w * 0.5, h * 0.51), (w * 0.5, h * 0.61)], fill=LABEL, width=3)
    d.rectangle([w * 0.39, h * 0.66, w * 0.61, h * 0.68], fill=BAG)
    return photo, np.asarray(truth) > 127


def interior(cutout: Image.Image) -> Image.Image:
    """The fully opaque middle of a cutout (label and bean): what template matching looks for in a frame."""
    w, h = cutout.size
    return cutout.convert("RGB").crop((round(w * 0.2), round(h * 0.3), round(w * 0.8), round(h * 0.75)))


def logo_badge(size: int = 240) -> Image.Image:
    """A square badge: green ground, a cream diamond, a red dot: unmistakable in a frame."""
    img = Image.new("RGBA", (size, size), (30, 107, 82, 255))
    d = ImageDraw.Draw(img)
    c = size / 2
    d.polygon([(c, size * 0.1), (size * 0.9, c), (c, size * 0.9), (size * 0.1, c)], fill=(246, 236, 210, 255))
    d.ellipse([c - size * 0.14, c - size * 0.14, c + size * 0.14, c + size * 0.14], fill=(200, 40, 50, 255))
    return img


BRIEF = """
brand = "Sương Sớm"
product = "Phin drip coffee, robusta from Đắk Lắk"
category = "food-drink"
selling_points = ["bold robusta from the highlands", "brews in four minutes on a phin filter"]
duration_s = 12
aspect_ratios = ["9:16", "16:9"]
call_to_action = "Order today"

[[markets]]
code = "VN"

[[segments]]
id = "night-students"
name = "Students studying late"
description = "university students revising at night with iced coffee"

[brand_kit]
logo = "{logo}"
corner_logo = true
colours = {{ primary = "#1E6B52", secondary = "#F6ECD2", accent = "#C8282F" }}

[[brand_kit.product_photos]]
path = "{photo}"
angle = "front"
"""


def write_brief(folder: Path, *, logo: str = "logo.png", photo: str = "bag.jpg", textured: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    image, _ = bag_photo(textured)
    image.save(folder / "bag.jpg", quality=95)
    logo_badge().save(folder / "logo.png")
    path = folder / "brief.toml"
    path.write_text(BRIEF.format(logo=logo, photo=photo), "utf-8")
    return path


def best_match(frame: np.ndarray, template: Image.Image, heights: range) -> float:
    """The best normalized correlation of `template` in `frame` over the template heights given (multi-scale)."""
    import cv2

    best = -1.0
    for th in heights:
        tw = max(4, round(template.width * th / template.height))
        if th >= frame.shape[0] or tw >= frame.shape[1]:
            break
        t = np.asarray(template.convert("RGB").resize((tw, th), Image.Resampling.LANCZOS))
        best = max(best, float(cv2.matchTemplate(frame, t, cv2.TM_CCOEFF_NORMED).max()))
    return best
