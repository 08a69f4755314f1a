"""Variant wall actions: score a rendered variant (the preflight scorecard decodes the video, so it is a job).

The preflight package may be absent from a build; then scoring is simply not offered (`scoring_available`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.ui.operations.base import OpsBase, Shell

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.model import Project


@dataclass(frozen=True)
class ScoreRequest:
    project: Project
    variant_id: str
    video: Path


def score(request: ScoreRequest, *, on_progress: Any = None, cancel: Any = None) -> Any:
    """Worker side: the variant's scorecard (None where studio.preflight is not installed)."""
    try:
        from studio.preflight.scorecard import score_variant
    except ImportError:
        return None
    return score_variant(request.project, request.variant_id, request.video, on_progress=on_progress, cancel=cancel)


def scoring_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("studio.preflight.scorecard") is not None
    except ImportError:
        return False


def compliance(project: Project, variant_id: str) -> dict[str, Any] | None:
    """studio.preflight's summary of one variant (blocked, counts, findings), or None where it is not installed."""
    try:
        from studio.preflight.check import variant_summary
    except ImportError:
        return None
    try:
        summary: dict[str, Any] = variant_summary(project, variant_id)
    except (KeyError, ValueError):
        return None
    return summary


class WallOps(OpsBase):
    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)

    def score(self, variant_id: str, video: Path, on_scored: Callable[[str, Any], None]) -> Job | None:
        """Score a rendered video in the background; `on_scored(variant_id, scorecard)` on the main thread."""
        doc = self.doc
        if doc is None or not scoring_available():
            return None
        request = ScoreRequest(doc.project.model_copy(deep=True), variant_id, video)
        return self.run_job(
            f"Score {variant_id}",
            score,
            request,
            kind="score",
            on_success=self.for_this_document(lambda card: on_scored(variant_id, card)),
        )
