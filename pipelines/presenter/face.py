"""Where the presenter's face and mouth are: dlib's frontal face detector (HOG + linear SVM; its model is compiled
into the dlib package, Boost Software License), the mouth region estimated from the face box's proportions.

No landmark model is used (dlib's 68-point predictor is a separate download trained on data with non-commercial
terms); the lower-face proportions of a frontal face are enough to place the region the lip-sync repaints.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np


@dataclass(frozen=True)
class FaceBox:
    left: int
    top: int
    right: int
    bottom: int
    score: float = 0.0

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


@cache
def _detector() -> Any:
    import dlib

    return dlib.get_frontal_face_detector()


def detect_face(frame: np.ndarray) -> FaceBox | None:
    """The largest frontal face in an RGB uint8 frame, or None. Large frames are searched at ≤ 640 px."""
    import cv2

    h, w = frame.shape[:2]
    scale = min(1.0, 640 / max(h, w))
    img = (
        frame if scale == 1.0 else cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    )
    upsample = 1 if min(img.shape[:2]) < 400 else 0
    dets, scores, _ = _detector().run(np.ascontiguousarray(img), upsample, 0.0)
    if not dets:
        return None
    best = max(range(len(dets)), key=lambda i: dets[i].width() * dets[i].height())
    d = dets[best]
    return FaceBox(
        max(0, round(d.left() / scale)),
        max(0, round(d.top() / scale)),
        min(w, round(d.right() / scale)),
        min(h, round(d.bottom() / scale)),
        float(scores[best]),
    )


def crop_box(face: FaceBox, width: int, height: int) -> tuple[int, int, int, int]:
    """The square the lip-sync model sees: the face box grown to take in the chin, kept inside the frame."""
    side = min(width, height, round(max(face.width, face.height) * 1.25))
    cx = (face.left + face.right) / 2
    cy = (face.top + face.bottom) / 2 + face.height * 0.08
    left = int(min(max(0, round(cx - side / 2)), width - side))
    top = int(min(max(0, round(cy - side / 2)), height - side))
    return left, top, left + side, top + side


def mouth_box(face: FaceBox, width: int, height: int) -> tuple[int, int, int, int]:
    """The region the lip-sync repaints: lips, jaw and chin of a frontal face (from its box's proportions)."""
    left = face.left + round(face.width * 0.15)
    right = face.right - round(face.width * 0.15)
    top = face.top + round(face.height * 0.55)
    bottom = face.bottom + round(face.height * 0.12)
    return max(0, left), max(0, top), min(width, right), min(height, bottom)


def mouth_mask(face: FaceBox, width: int, height: int) -> np.ndarray:
    """A feathered 0..1 mask (h, w float32): 1 over the mouth and jaw, fading to exactly 0 at `mouth_box`'s edge."""
    import cv2

    left, top, right, bottom = mouth_box(face, width, height)
    mask = np.zeros((height, width), np.float32)
    bw, bh = right - left, bottom - top
    if bw < 4 or bh < 4:
        return mask
    feather = max(1, round(min(bw, bh) * 0.18))
    centre = ((left + right) // 2, (top + bottom) // 2)
    axes = (max(1, bw // 2 - feather), max(1, bh // 2 - feather))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, -1)
    k = feather * 2 + 1
    mask = np.asarray(cv2.GaussianBlur(mask, (k, k), 0), np.float32)
    outside = np.ones_like(mask, dtype=bool)
    outside[top:bottom, left:right] = False
    mask[outside] = 0.0
    return mask
