"""The product on transparency, from the brand's photo: no downloaded weights, no torch.

A photo with real transparency is used as given. Otherwise OpenCV's GrabCut separates the product from a plain or
textured background (seeded by the colours along the photo's border), and closed-form alpha matting (pymatting, MIT)
refines the edge in a band around GrabCut's boundary. A mask the creator painted (white = product) replaces both: the
mask is saved as an ordinary grey PNG so it can be opened, corrected in any editor and given back.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from studio.model.errors import ValidationFailed

#: GrabCut and matting run at most this many pixels on the long side (the alpha is then scaled back up).
WORK_SIDE = 360
#: Half-width of the unknown band the matting solves, in working pixels.
BAND = 4


@dataclass(frozen=True)
class Cutout:
    """The product cropped to its outline (RGBA) and the full-size mask it was cut with (L, 255 = product)."""

    image: Image.Image
    mask: Image.Image
    source: str
    """"alpha" (the photo's own transparency), "grabcut" (automatic) or "creator" (a mask given)."""
    box: tuple[int, int, int, int]
    """Where `image` lies in the photo (left, top, right, bottom)."""


def _has_transparency(photo: Image.Image) -> bool:
    if photo.mode not in ("RGBA", "LA", "PA") and not (photo.mode == "P" and "transparency" in photo.info):
        return False
    alpha = np.asarray(photo.convert("RGBA").getchannel("A"))
    return bool((alpha < 250).mean() > 0.01 and (alpha > 5).mean() > 0.01)


def _seed_mask(small: np.ndarray) -> np.ndarray:
    """GrabCut's starting labels: the border is background; colours far from the border's are probably product."""
    h, w = small.shape[:2]
    edge = max(2, round(min(h, w) * 0.03))
    border = np.concatenate(
        [
            small[:edge].reshape(-1, 3),
            small[-edge:].reshape(-1, 3),
            small[:, :edge].reshape(-1, 3),
            small[:, -edge:].reshape(-1, 3),
        ]
    ).astype(np.float32)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    border_lab = cv2.cvtColor(border.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_RGB2LAB).reshape(-1, 3)
    # Distance to the nearest of a few border colour clusters (a textured background has more than one colour).
    k = min(6, len(border_lab))
    _, _, centres = cv2.kmeans(
        border_lab.astype(np.float32),
        k,
        np.zeros((len(border_lab), 1), np.int32),
        (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5),
        2,
        cv2.KMEANS_PP_CENTERS,
    )
    dist = np.min(np.linalg.norm(lab[:, :, None, :] - centres[None, None, :, :], axis=-1), axis=-1)
    spread = float(np.percentile(np.min(np.linalg.norm(border_lab[:, None] - centres[None], axis=-1), axis=-1), 95))
    mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
    mask[dist > max(12.0, spread * 1.5)] = cv2.GC_PR_FGD
    mask[dist > max(30.0, spread * 3.0)] = cv2.GC_FGD
    mask[:edge], mask[-edge:], mask[:, :edge], mask[:, -edge:] = (cv2.GC_BGD,) * 4
    return mask


def grabcut_mask(rgb: np.ndarray, iterations: int = 5) -> np.ndarray:
    """A hard product mask (bool) for an RGB photo on a background that differs from the product."""
    seed = _seed_mask(rgb)
    if not (seed == cv2.GC_FGD).any() and not (seed == cv2.GC_PR_FGD).any():
        raise ValidationFailed(
            "The product cannot be told from the background of the photo (they are the same colours).",
            "Give a photo on a plain background of another colour, a transparent PNG, or your own mask.",
        )
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(rgb, seed, (0, 0, 1, 1), bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)  # rect unused with a mask
    hard = (seed == cv2.GC_FGD) | (seed == cv2.GC_PR_FGD)
    # Keep the largest piece and fill its holes: a product is one object (a label's pale patch is not background).
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hard.astype(np.uint8), connectivity=8)
    if n > 1:
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        hard = labels == biggest
    contours, _ = cv2.findContours(hard.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros(hard.shape, np.uint8)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return filled.astype(bool)


def refine_alpha(rgb: np.ndarray, hard: np.ndarray, band: int = BAND) -> np.ndarray:
    """Soft alpha (0..1) from a hard mask: closed-form matting over a trimap band around the mask's edge."""
    from pymatting import estimate_alpha_cf

    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    sure_fg = cv2.erode(hard.astype(np.uint8), kernel).astype(bool)
    maybe = cv2.dilate(hard.astype(np.uint8), kernel).astype(bool)
    if not sure_fg.any():
        return hard.astype(np.float64)
    trimap = np.where(sure_fg, 1.0, np.where(maybe, 0.5, 0.0))
    ys, xs = np.nonzero(maybe)
    pad = band * 3
    y0, y1 = max(0, ys.min() - pad), min(hard.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(hard.shape[1], xs.max() + pad + 1)
    alpha = trimap.copy()
    crop = rgb[y0:y1, x0:x1].astype(np.float64) / 255.0
    solved = estimate_alpha_cf(crop, trimap[y0:y1, x0:x1])
    alpha[y0:y1, x0:x1] = np.clip(solved, 0.0, 1.0)
    alpha[sure_fg] = 1.0
    alpha[~maybe] = 0.0
    return alpha


def auto_mask(photo: Image.Image) -> Image.Image:
    """The automatic mask (L, full size): GrabCut at working size, matting on its edge, scaled back up."""
    rgb_full = photo.convert("RGB")
    scale = min(1.0, WORK_SIDE / max(rgb_full.size))
    size = (max(8, round(rgb_full.width * scale)), max(8, round(rgb_full.height * scale)))
    small = np.asarray(rgb_full.resize(size, Image.Resampling.LANCZOS))
    hard = grabcut_mask(small)
    alpha = refine_alpha(small, hard)
    mask = Image.fromarray(np.round(alpha * 255).astype(np.uint8))
    return mask.resize(rgb_full.size, Image.Resampling.BILINEAR) if mask.size != rgb_full.size else mask


def cut_out(photo: Image.Image, mask: Image.Image | None = None, *, name: str = "the photo") -> Cutout:
    """The product from `photo`: with the creator's `mask` when given, its transparency if it has any, else
    GrabCut + matting. `name` (the file) is named in errors."""
    if mask is not None:
        if abs(mask.width / mask.height - photo.width / photo.height) > 0.02:
            raise ValidationFailed(
                f"The mask for {name} is {mask.width}×{mask.height}, the photo {photo.width}×{photo.height}.",
                "Paint the mask over the photo itself (same size, white = product, black = background).",
            )
        alpha = mask.convert("L").resize(photo.size, Image.Resampling.BILINEAR)
        source = "creator"
    elif _has_transparency(photo):
        alpha = photo.convert("RGBA").getchannel("A")
        source = "alpha"
    else:
        alpha = auto_mask(photo)
        source = "grabcut"
    box = alpha.point(lambda v: 255 if v > 8 else 0).getbbox()
    if box is None:
        raise ValidationFailed(
            f"The mask for {name} is empty: no product was found.",
            "Give a mask with the product painted white, or a photo of the product on a plain background.",
        )
    rgba = photo.convert("RGB").convert("RGBA")
    rgba.putalpha(alpha)
    return Cutout(image=rgba.crop(box), mask=alpha, source=source, box=box)
