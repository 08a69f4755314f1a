"""Product shots generated around the real product: the cutout is placed, everything else is inpainted, and the
product's own pixels are put back, so the bottle in the ad is the photographed bottle, not a model's guess at it.

Placement follows the shot's framing (a packshot large, centred and low; in a scene smaller and to one side).
The mask is everything but the product, grown a few pixels into its edge so the generated light and shadow meet
it; after generation the cutout is composited back over the result through its alpha, with alpha ≥ 0.99 taken as
opaque, so inside the product the pixels are exactly the photo's. Pillow and numpy only; no torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

#: Framings that show the product itself; other framings show it in the scene (smaller, beside the people).
PACKSHOT_FRAMINGS = frozenset({"product", "packshot", "close-up", "extreme-close-up", "macro", "detail"})

#: framing → (product height as a share of the frame, horizontal centre, bottom edge), all as shares of the frame.
PLACEMENT: dict[str, tuple[float, float, float]] = {
    "product": (0.58, 0.5, 0.88),
    "packshot": (0.58, 0.5, 0.88),
    "extreme-close-up": (0.72, 0.5, 0.94),
    "close-up": (0.5, 0.5, 0.9),
    "medium": (0.34, 0.7, 0.92),
    "wide": (0.22, 0.72, 0.94),
}
SCENE = (0.3, 0.7, 0.92)
MAX_WIDTH = 0.8
EDGE_PX = 3
"""How far the generated area reaches into the product's edge (blended back through the alpha)."""
OPAQUE = 0.99


@dataclass(frozen=True)
class ProductLayout:
    """Where the product sits in one frame: the canvas to inpaint, its mask (white = generate) and the placed
    cutout (RGBA, frame-sized) that is composited back after generation."""

    canvas: Image.Image
    mask: Image.Image
    placed: Image.Image
    box: tuple[int, int, int, int]
    """x, y, width, height of the product in the frame."""

    def info(self) -> dict[str, str]:
        x, y, w, h = self.box
        return {"product": "inpainted around the product cutout; its pixels kept", "product_box": f"{x},{y},{w},{h}"}


def trim(cutout: Image.Image) -> Image.Image:
    """The cutout cropped to its visible pixels (a photo's transparent margin would shrink the product)."""
    rgba = cutout.convert("RGBA")
    box = rgba.getchannel("A").getbbox()
    if box is None:
        raise ValueError("the product cutout is fully transparent")
    return rgba.crop(box)


def place(cutout: Image.Image, width: int, height: int, framing: str) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The cutout scaled and placed on a transparent frame-sized layer for `framing`, and its box."""
    product = trim(cutout)
    share, cx, bottom = PLACEMENT.get(framing, SCENE)
    scale = min(share * height / product.height, MAX_WIDTH * width / product.width)
    w, h = max(1, round(product.width * scale)), max(1, round(product.height * scale))
    product = product.resize((w, h), Image.Resampling.LANCZOS)
    x = min(max(0, round(cx * width - w / 2)), max(0, width - w))
    y = min(max(0, round(bottom * height - h)), max(0, height - h))
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    layer.paste(product, (x, y))
    return layer, (x, y, w, h)


def layout(
    cutout: Image.Image,
    width: int,
    height: int,
    framing: str,
    *,
    background: Image.Image | None = None,
    fill: tuple[int, int, int] = (128, 128, 128),
) -> ProductLayout:
    """Canvas (background, or a plain fill, with the product on it), mask and placed cutout for one frame."""
    placed, box = place(cutout, width, height, framing)
    base = background.convert("RGB").resize((width, height)) if background is not None else None
    canvas = (base or Image.new("RGB", (width, height), fill)).copy()
    canvas.paste(placed, (0, 0), placed)
    keep = placed.getchannel("A").point(lambda a: 255 if a >= round(OPAQUE * 255) else 0)
    if EDGE_PX > 0:
        keep = keep.filter(ImageFilter.MinFilter(2 * EDGE_PX + 1))  # shrink what is kept: the edge is blended
    mask = keep.point(lambda a: 0 if a else 255)
    return ProductLayout(canvas=canvas, mask=mask, placed=placed, box=box)


def composite(generated: Image.Image, lay: ProductLayout) -> Image.Image:
    """The product's pixels back over the generated frame through its alpha (≥ OPAQUE counts as opaque)."""
    gen = np.asarray(generated.convert("RGB").resize(lay.placed.size), dtype=np.float32)
    placed = np.asarray(lay.placed, dtype=np.float32)
    alpha = placed[..., 3:4] / 255.0
    alpha = np.where(alpha >= OPAQUE, 1.0, alpha)
    out = placed[..., :3] * alpha + gen * (1.0 - alpha)
    return Image.fromarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))
