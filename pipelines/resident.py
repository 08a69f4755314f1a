"""The one model slot of the GPU lane, shared by the image and the video generators.

A Wan 2.2 video model and an SDXL image model do not fit side by side on most cards, so whichever generator loads
next asks the slot first: the other generator's model is unloaded (its weights back to the CPU, then freed) before the
new one loads. Torch-free; the generators pass their own `unload`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_lock = threading.RLock()
_holder: tuple[str, Callable[[], None]] | None = None


def claim(owner: str, release: Callable[[], None]) -> None:
    """`owner` is about to load a model: a model of another owner is freed first. `release` frees owner's model.

    `release` is called outside this module's lock and must not wait for a generation in progress (the generators
    pass `release_when_idle`): a render's image takes and an animate job may run on two threads at once, and two
    generators waiting on each other's locks would hang both.
    """
    global _holder
    with _lock:
        previous = _holder if _holder is not None and _holder[0] != owner else None
        _holder = (owner, release)
    if previous is not None:
        previous[1]()


def vacate(owner: str) -> None:
    """`owner` freed its model itself (unload): the slot is empty."""
    global _holder
    with _lock:
        if _holder is not None and _holder[0] == owner:
            _holder = None


def holder() -> str | None:
    """Who holds the slot: "image", "video" or None."""
    with _lock:
        return _holder[0] if _holder else None
