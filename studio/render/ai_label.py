"""The AI-content chip drawn into frames (which text, and whether a variant needs one: studio/preflight/labels.py).

Top-left inside the platform's safe area, below the DRAFT band's place and far above the captions, set with the
project's text renderer so every script shapes.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from studio.render.captions import safe_area
from studio.render.text import render_text_block

#: Chip text height as a fraction of the frame's short side; the chip's top edge as a fraction of the height.
LABEL_SIZE = 0.026
LABEL_TOP = 0.125
LABEL_BG = (20, 20, 20, 190)


def label_chip(text: str, language: str, width: int, height: int, aspect: str) -> tuple[Image.Image, int, int]:
    """The chip (RGBA) and where its top-left corner goes: inside the safe area's left edge, LABEL_TOP down."""
    size = max(8, round(min(width, height) * LABEL_SIZE))
    ink = render_text_block(text, language, size_px=size, max_width=width * 0.45, bold=True)
    pad_x, pad_y = round(size * 0.6), round(size * 0.35)
    chip = Image.new("RGBA", (ink.width + 2 * pad_x, ink.height + 2 * pad_y), (0, 0, 0, 0))
    ImageDraw.Draw(chip).rounded_rectangle(
        (0, 0, chip.width - 1, chip.height - 1), radius=max(2, chip.height // 4), fill=LABEL_BG
    )
    chip.alpha_composite(ink, (pad_x, pad_y))
    left, top, _, _ = safe_area(aspect).rect(width, height)
    return chip, left, max(top, round(height * LABEL_TOP))
