"""Each aspect ratio composed for its own shape: the take made at that aspect, else a crop that keeps the subject.

A 9:16 picture shown in a 16:9 frame used to sit small over a blurred copy of itself (a pillarbox). Now the cut
uses a take drawn or generated at the frame's aspect when there is one, and otherwise crops the take to the frame's
shape around its subject: the product and faces the default frames recorded (`Take.info["focus"]`), or, for a
diffusion take, where the picture's detail is (edge energy).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from studio.model import ASPECT_SIZES, Project, Take
from studio.model.requests import ImageRequest

Box = tuple[float, float, float, float]
#: Two pictures "have the same aspect" when their width/height ratios differ by less than this fraction.
ASPECT_TOLERANCE = 0.03


def same_aspect(request: ImageRequest, aspect: str) -> bool:
    aw, ah = ASPECT_SIZES[aspect]
    return abs(request.width / request.height - aw / ah) <= ASPECT_TOLERANCE * aw / ah


def aspect_of(request: ImageRequest) -> str | None:
    return next((a for a in ASPECT_SIZES if same_aspect(request, a)), None)


def nearest_aspect(request: ImageRequest) -> str:
    """The delivery aspect a picture was made for: the nearest shape (a model's 48×80 was asked for at 9:16)."""
    ratio = request.width / request.height
    return min(ASPECT_SIZES, key=lambda a: abs(math.log(ratio * ASPECT_SIZES[a][1] / ASPECT_SIZES[a][0])))


def take_for_aspect(project: Project, shot_id: str, variant_id: str | None, aspect: str) -> Take | None:
    """The picture a shot shows at `aspect`: the picked take when it has that shape (or was made for it, a
    model's size being only near it); else the picked take redrawn at that shape (`info.aspect_of`), else the
    newest take of the shot made at that shape; else the picked take (which the cut then reframes)."""
    base = project.selected_take(shot_id, variant_id)
    if base is None or aspect not in ASPECT_SIZES or same_aspect(base.request, aspect):
        return base
    if nearest_aspect(base.request) == aspect:
        return base
    same = [
        t
        for t in project.takes
        if t.shot_id == shot_id and t.variant_id == base.variant_id and same_aspect(t.request, aspect)
    ]
    derived = [t for t in same if t.info.get("aspect_of") == base.id]
    picked = [t for t in same if t.selected]
    own = [t for t in same if "aspect_of" not in t.info]
    return (derived or picked or own or [base])[-1]


def parse_focus(value: object) -> Box | None:
    """`Take.info["focus"]` ("x0,y0,x1,y1" as fractions of the picture) as a box, or None."""
    if not isinstance(value, str):
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in value.split(","))
    except ValueError:
        return None
    if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
        return None
    return (x0, y0, x1, y1)


def detail_focus(image: Image.Image) -> Box:
    """Where a picture's subject probably is, with nothing recorded: the box holding the middle 60 % of its edge
    energy (a subject has more detail than sky, walls or a studio backdrop)."""
    small = np.asarray(image.convert("L").resize((64, max(1, round(64 * image.height / image.width)))), np.float32)
    energy = np.abs(cv2.Sobel(small, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(small, cv2.CV_32F, 0, 1))
    total = float(energy.sum())
    if total <= 1e-6:
        return (0.0, 0.0, 1.0, 1.0)

    def span(profile: np.ndarray) -> tuple[float, float]:
        c = np.cumsum(profile) / profile.sum()
        return float(np.searchsorted(c, 0.2)) / len(c), float(np.searchsorted(c, 0.8) + 1) / len(c)

    x0, x1 = span(energy.sum(0))
    y0, y1 = span(energy.sum(1))
    return (x0, y0, min(1.0, x1), min(1.0, y1))


def _window(start: float, size: float, want: float, full: float) -> float:
    """Left (or top) of a window of `want` over [0, full] that keeps [start, start+size] in view, top/left first
    when it cannot keep all of it (a face matters more than the feet)."""
    pos = start + size / 2 - want / 2 if size <= want else start - want * 0.05
    return min(max(0.0, pos), full - want)


def reframe(image: Image.Image, width: int, height: int, focus: Box | None = None) -> Image.Image:
    """`image` cropped to width:height around its subject and scaled to fill the frame (no bands, no blur)."""
    image = image.convert("RGB")
    box = focus or detail_focus(image)
    scale = max(width / image.width, height / image.height)
    cw, ch = width / scale, height / scale
    fx0, fy0 = box[0] * image.width, box[1] * image.height
    fw, fh = (box[2] - box[0]) * image.width, (box[3] - box[1]) * image.height
    left = _window(fx0, fw, cw, image.width)
    top = _window(fy0, fh, ch, image.height)
    crop = (left, top, left + cw, top + ch)
    out_w, out_h = max(width, math.ceil(cw * scale)), max(height, math.ceil(ch * scale))
    resized = image.resize((out_w, out_h), Image.Resampling.LANCZOS, box=crop)
    return resized.crop((0, 0, width, height)) if resized.size != (width, height) else resized
