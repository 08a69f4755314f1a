"""Variant wall actions: score a rendered variant (the scorecard decodes the video, so it is a job) and read a
variant's compliance summary (cheap text checks). Both are imported when first used: they load the video decoder
and the rule packs, which the window does not need to open."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.ui.operations.base import OpsBase, Shell

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.model import Project


SCORECARD_MODULES = ("studio.check.scorecard",)
SUMMARY_MODULES = ("studio.check.report",)


def _first(modules: tuple[str, ...], name: str) -> Any:
    """`name` from the first of `modules` that has it (looked up when used, so tests can stand one in)."""
    for module in modules:
        found = getattr(importlib.import_module(module), name, None)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class ScoreRequest:
    project: Project
    variant_id: str
    video: Path
    root: Path | None = None


def score(request: ScoreRequest, *, on_progress: Any = None, cancel: Any = None) -> Any:
    """Worker side: the variant's scorecard."""
    score_variant = _first(SCORECARD_MODULES, "score_variant")
    if score_variant is None:
        return None
    return score_variant(
        request.project, request.variant_id, request.video, root=request.root, on_progress=on_progress, cancel=cancel
    )


def compliance(project: Project, variant_id: str) -> dict[str, Any] | None:
    """The check package's summary of one variant (blocked, counts, findings); None for a variant it cannot read."""
    variant_summary = _first(SUMMARY_MODULES, "variant_summary")
    if variant_summary is None:
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
        if doc is None:
            return None
        request = ScoreRequest(doc.project.model_copy(deep=True), variant_id, video, doc.root)
        return self.run_job(
            f"Score {variant_id}",
            score,
            request,
            kind="score",
            on_success=self.for_this_document(lambda card: on_scored(variant_id, card)),
        )
