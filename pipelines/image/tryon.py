"""Try-on: the brand's garment put on the cast talent by inpainting only the garment region of their picture.

The region is a mask (white = where the garment goes): the torso the default frame's plan placed the lead at, or a
mask the creator painted. Without an IP-Adapter the garment's cutout is laid into the region first, so the model
starts from the real garment and, at moderate strength, only blends its folds and light into the body; with one,
the garment photo steers the inpainting and the talent's own picture is the start. Outside the mask every pixel is
the talent's picture, exactly: the generated picture is blended in through the mask, feathered inwards only.
Pillow and numpy only; no torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from pipelines.image.inpaint import trim

#: How much of the region the model redraws when it starts from the laid-in cutout (folds and light, not the cut).
TRYON_STRENGTH = 0.6
#: With an IP-Adapter the garment comes from its photo: the region is redrawn almost from noise.
STEERED_STRENGTH = 0.9
#: The torso box grown by this share of its width, so the garment covers the outfit drawn under it.
GROW = 0.08
#: Feather of the blend at the mask's edge, as a share of the region's width (inside the mask only).
FEATHER = 0.06


def torso_mask(size: tuple[int, int], box: tuple[float, float, float, float]) -> Image.Image:
    """The garment region (L, 255 = garment) for a torso box (left, top, right, bottom) in pixels: a rounded
    shape grown a little, cut at the frame's edges."""
    x0, y0, x1, y1 = box
    grow = (x1 - x0) * GROW
    mask = Image.new("L", size, 0)
    shape = [max(0.0, x0 - grow), max(0.0, y0 - grow / 2), min(size[0] - 1.0, x1 + grow), min(size[1] - 1.0, y1)]
    ImageDraw.Draw(mask).rounded_rectangle(shape, radius=(shape[2] - shape[0]) * 0.2, fill=255)
    return mask


def lay_in(garment: Image.Image, mask: Image.Image) -> Image.Image:
    """The garment's cutout (RGBA) scaled to cover the region's box, top-centred, clipped to the region: a
    frame-sized RGBA layer."""
    box = mask.point(lambda v: 255 if v > 127 else 0).getbbox()
    layer = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    if box is None:
        return layer
    item = trim(garment)
    bw, bh = box[2] - box[0], box[3] - box[1]
    scale = max(bw / item.width, bh / item.height)
    w, h = max(1, round(item.width * scale)), max(1, round(item.height * scale))
    item = item.resize((w, h), Image.Resampling.LANCZOS)
    layer.paste(item, (box[0] + (bw - w) // 2, box[1]), item)
    alpha = np.minimum(np.asarray(layer.getchannel("A")), np.asarray(mask.convert("L")))
    layer.putalpha(Image.fromarray(alpha.astype(np.uint8)))
    return layer


@dataclass(frozen=True)
class TryOnLayout:
    """What the inpainting pipeline is given for one try-on: its start (`canvas`), the region (`mask`), the talent's
    own picture (kept outside the region) and how strongly the region is redrawn."""

    canvas: Image.Image
    mask: Image.Image
    person: Image.Image
    strength: float
    steered: bool

    def finish(self, generated: Image.Image) -> Image.Image:
        """The generated region over the talent's picture; outside the mask the picture is untouched."""
        gen = np.asarray(generated.convert("RGB").resize(self.person.size), dtype=np.float32)
        person = np.asarray(self.person, dtype=np.float32)
        hard = np.asarray(self.mask, dtype=np.float32) / 255.0
        box = self.mask.getbbox()
        radius = max(1.0, (box[2] - box[0]) * FEATHER) if box else 1.0
        inner = self.mask.filter(ImageFilter.MinFilter(2 * round(radius) + 1)).filter(ImageFilter.GaussianBlur(radius))
        alpha = np.minimum(hard, np.asarray(inner, dtype=np.float32) / 255.0)[..., None]  # 0 outside the mask
        out = gen * alpha + person * (1.0 - alpha)
        return Image.fromarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))

    def info(self) -> dict[str, str | float]:
        box = self.mask.getbbox() or (0, 0, 0, 0)
        how = "steered by the garment photo (IP-Adapter)" if self.steered else "garment cutout laid in, blended"
        return {"try_on": how, "try_on_strength": self.strength, "garment_box": ",".join(str(v) for v in box)}


def tryon_layout(
    person: Image.Image, garment: Image.Image, mask: Image.Image, *, strength: float, steered: bool
) -> TryOnLayout:
    """The try-on's start: the talent's picture, with the garment laid into the region unless an IP-Adapter
    brings it from its photo."""
    person = person.convert("RGB")
    region = mask.convert("L").resize(person.size, Image.Resampling.NEAREST)
    region = region.point(lambda v: 255 if v > 127 else 0)
    canvas = person.copy()
    if not steered:
        layer = lay_in(garment, region)
        canvas.paste(layer, (0, 0), layer)
    return TryOnLayout(
        canvas=canvas,
        mask=region,
        person=person,
        strength=max(strength, STEERED_STRENGTH) if steered else strength,
        steered=steered,
    )


def garment_photo(garment: Image.Image) -> Image.Image:
    """The garment over white, square: what an IP-Adapter is shown."""
    item = trim(garment)
    side = max(item.size)
    photo = Image.new("RGB", (side, side), (255, 255, 255))
    photo.paste(item, ((side - item.width) // 2, (side - item.height) // 2), item)
    return photo
