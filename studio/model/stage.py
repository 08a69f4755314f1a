"""The stage contract shared by every step of the house: progress reports and cooperative cancel.

result = stage(request, *, on_progress=None, cancel=None)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from studio.model.errors import Cancelled

Lane = Literal["cpu", "gpu", "process"]
"""Where a stage runs in the job queue. cpu: a small thread pool; gpu: the one GPU worker (the one resident model);
process: a CPU slot whose stage runs in a child process (renders: heavy Python and numpy off the app's GIL)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a stage is (0..1) and a short message a creator can read."""

    fraction: float
    message: str = ""


ProgressFn = Callable[[Progress], None]


class CancelToken:
    """Set by whoever owns the job; checked by the stage between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def report(on_progress: ProgressFn | None, fraction: float, message: str = "") -> None:
    """Send a progress report if anyone listens; fraction is clamped to 0..1."""
    if on_progress is not None:
        on_progress(Progress(min(1.0, max(0.0, fraction)), message))


def check(cancel: CancelToken | None) -> None:
    """Raise Cancelled when the token is set (no-op without a token)."""
    if cancel is not None:
        cancel.raise_if_cancelled()


def sub_progress(on_progress: ProgressFn | None, start: float, end: float) -> ProgressFn | None:
    """Map a sub-stage's 0..1 onto [start, end] of the parent's progress."""
    if on_progress is None:
        return None

    def forward(p: Progress) -> None:
        on_progress(Progress(start + (end - start) * p.fraction, p.message))

    return forward


Req = TypeVar("Req", contravariant=True)
Res = TypeVar("Res", covariant=True)


class Stage(Protocol[Req, Res]):
    def __call__(
        self, request: Req, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
    ) -> Res: ...
