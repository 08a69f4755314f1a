"""Draws the app icon: 千 ("thousand", as in 千面, "a thousand faces") in Noto Sans CJK Bold on a night gradient.

Writes qianmian.png (512 px, Linux .desktop and the window icon), qianmian.ico (Windows) and qianmian.icns (macOS)
beside this file. The font comes from the same manimgx-fonts-cjk package the studio renders captions with.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
SIZE = 1024
TOP, BOTTOM = np.array((27, 20, 84)), np.array((255, 51, 102))
ACCENT = (57, 255, 20, 255)


def draw_icon(size: int = SIZE) -> Image.Image:
    sys.path.insert(0, str(HERE.parent))
    from pipelines.fonts import load_font

    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / (size - 1)
    t = np.clip(0.75 * y + 0.25 * x, 0, 1)[..., None]
    rgb = (TOP * (1 - t) + BOTTOM * t).astype(np.uint8)
    gradient = Image.fromarray(rgb).convert("RGBA")
    mask = Image.new("L", (size, size), 0)
    radius = round(size * 0.22)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size - 1, size - 1), radius=radius, fill=255)
    icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    icon.paste(gradient, (0, 0), mask)

    glow = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(glow).ellipse(
        (size * 0.62, size * 0.10, size * 0.90, size * 0.38), fill=(255, 255, 255, 70), outline=None
    )
    icon.alpha_composite(glow.filter(ImageFilter.GaussianBlur(size * 0.05)))

    font = load_font("zh", round(size * 0.70), bold=True)
    text = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(text)
    box = d.textbbox((0, 0), "千", font=font)
    x0 = (size - (box[2] - box[0])) / 2 - box[0]
    y0 = (size - (box[3] - box[1])) / 2 - box[1]
    shadow = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(shadow).text((x0, y0 + size * 0.02), "千", font=font, fill=(10, 5, 40, 150))
    icon.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(size * 0.015)))
    d.text((x0, y0), "千", font=font, fill=(255, 255, 255, 255))
    icon.alpha_composite(text)
    dot = round(size * 0.055)
    ImageDraw.Draw(icon).ellipse((size * 0.74, size * 0.74, size * 0.74 + dot, size * 0.74 + dot), fill=ACCENT)
    return icon


def main() -> int:
    icon = draw_icon()
    icon.resize((512, 512), Image.Resampling.LANCZOS).save(HERE / "qianmian.png", optimize=True)
    icon.save(HERE / "qianmian.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    icon.save(HERE / "qianmian.icns")
    print("wrote qianmian.png, qianmian.ico, qianmian.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
