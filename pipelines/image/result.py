"""What an image stage returns: the picture plus how it was made (backend, seed, consistency method)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PIL import Image


@dataclass(frozen=True)
class ImageResult:
    """An RGB image of request.width × request.height, and the facts a Take records about it."""

    image: Image.Image
    backend: str
    seed: int
    consistency: str = "none"
    """How character/product consistency was kept: "ip-adapter", "seed-lock" or "none"."""
    info: dict[str, Any] = field(default_factory=dict)
