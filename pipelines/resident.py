"""The one model slot of the GPU lane, shared by the image and the video generators.

A Wan 2.2 video model and an SDXL image model do not fit side by side on most cards, so whichever generator loads
next asks the slot first: the other generator's model is unloaded (its weights back to the CPU, then freed) before the
new one loads. Torch-free; the generators pass their own `unload`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

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


class SlotHolder:
    """What every generator on the GPU lane shares: its lock, one resident model, and the slot's release, which
    frees the model now or right after the generation in progress on another thread, never waiting for it.

    A subclass names its `owner` and says how to `_park` its resident model (its weights back to the CPU, so a stray
    reference cannot pin device memory)."""

    owner = ""
    resident: Any
    """The loaded model and its device (each generator's own type), or None."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._release_after = False

    def release_when_idle(self) -> None:
        if self._lock.acquire(blocking=False):
            try:
                self.unload()
            finally:
                self._lock.release()
        else:
            self._release_after = True

    def release_if_asked(self) -> None:
        """After a generation: free the model if another generator claimed the device meanwhile."""
        if self._release_after:
            self._release_after = False
            self.unload()

    def unload(self) -> None:
        import contextlib

        with self._lock:
            resident, self.resident = self.resident, None
            vacate(self.owner)
            if resident is not None and resident.device.kind != "cpu":
                with contextlib.suppress(Exception):
                    self._park(resident)
            del resident
            free_memory()

    def _park(self, resident: Any) -> None:
        raise NotImplementedError


def free_memory() -> None:
    """Give freed weights' memory back to the device (and Python's), after a model left the slot."""
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    mps = getattr(torch, "mps", None)
    if mps is not None and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        mps.empty_cache()
