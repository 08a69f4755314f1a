"""Stages that tests run in a child process (a spawned child imports them by module name)."""

from __future__ import annotations

import os
import time

from studio.model import BackendError
from studio.model.stage import CancelToken, ProgressFn, check, report


def count(n: int, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> tuple[int, int]:
    for i in range(n):
        check(cancel)
        report(on_progress, (i + 1) / n, f"step {i + 1}")
        time.sleep(0.06)
    return n, os.getpid()


def wait_for_cancel(_: object, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> None:
    report(on_progress, 0.1, "waiting")
    for _ in range(600):
        check(cancel)
        time.sleep(0.05)


def fail(_: object, **_kw: object) -> None:
    raise BackendError("model folder X has no unet/", "Is it a diffusers folder?")


def crash(_: object, **_kw: object) -> None:
    os._exit(3)


def report_then_crash(_: object, *, on_progress: ProgressFn | None = None, **_kw: object) -> None:
    report(on_progress, 1.0, "last words")  # a full fraction is always sent, then the process dies
    time.sleep(0.3)
    os._exit(4)


def fake_cut(request, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None):
    """Stands in for `studio.stages.cut.run` in the app's render chain: one small file per variant, at once."""
    from studio.model import Deliverable
    from studio.stages.cut import CutOutcome

    report(on_progress, 0.5, f"cutting {request.variant_id}")
    variant = request.project.variant(request.variant_id)
    request.out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for aspect in request.aspects:
        path = request.out_dir / f"{variant.id}_{aspect.replace(':', 'x')}.mp4"
        path.write_bytes(b"not a real video")
        rel = os.path.relpath(path, request.project_dir)
        made.append(
            Deliverable(
                variant_id=variant.id,
                market=variant.market,
                language=variant.language,
                segment=variant.segment,
                aspect=aspect,
                kind="video",
                path=rel,
                duration_s=10.0,
                status="draft" if request.draft else "final",
            )
        )
    return CutOutcome(variant_id=variant.id, cell=request.cell, aspects=request.aspects, deliverables=made)
