"""Which stored take stands for a planned image when the creator made it with a reference image.

A take made with a reference image (IP-Adapter: the product photo, a face) answers the same plan as a plain one:
same shot, prompt, model, size, seed and init image; only how consistency was kept differs. `render` plans every
shot without a reference, so without this such a take never matched and a plain one was generated beside it,
and the plain one, being newer, was what the cut showed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from studio.model.requests import ImageRequest

#: Request fields that say how consistency was kept, not what the picture is of.
CONSISTENCY_FIELDS = ("reference_image", "ip_adapter_scale")


class _Take(Protocol):
    request: ImageRequest
    asset: str
    selected: bool


def plan_key(request: ImageRequest) -> str:
    """The request's key with the consistency inputs left at their defaults."""
    defaults = {name: ImageRequest.model_fields[name].default for name in CONSISTENCY_FIELDS}
    return request.model_copy(update=defaults).key()


T = TypeVar("T", bound=_Take)


def reference_takes(takes: Iterable[T], usable: Callable[[T], bool]) -> dict[str, T]:
    """plan key → the take made with a reference image that stands for it: the picked one, else the newest."""
    out: dict[str, T] = {}
    for take in takes:
        if take.request.reference_image is None or not usable(take):
            continue
        key = plan_key(take.request)
        if take.selected or not out.get(key, take).selected:
            out[key] = take
    return out
