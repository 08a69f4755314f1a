"""Export: storyboard PDFs, shot lists, editor timelines and a review zip, on the CPU lane. Never saves project.json.

The hand-off files read the cut record the render wrote (`Project.cuts`: shot lengths, camera, transitions, caption
cues), so they show what was cut. `apply` records the exported files in the current project, each (variant, kind)
replacing the earlier file of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.model import Deliverable, Project
from studio.model.stage import CancelToken, Lane, ProgressFn
from studio.stages.settings import Settings

LANE: Lane = "cpu"


@dataclass(frozen=True)
class ExportRequest:
    project_dir: Path
    out: Path | None = None
    """The zip to write; default PROJECT/renders/<project name>_review.zip."""
    variant_ids: tuple[str, ...] | None = None
    include_videos: bool = True
    include_media: bool = True
    project: Project | None = None
    """The project as the caller has it now; None reads project.json."""
    settings: Settings = field(default_factory=Settings)


@dataclass
class ExportOutcome:
    zip_path: Path
    manifest: dict[str, object]
    deliverables: list[Deliverable]
    variant_ids: list[str]
    warnings: list[str] = field(default_factory=list)


def run(
    request: ExportRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> ExportOutcome:
    """Every variant's hand-off files, zipped with the renders and a manifest (files written atomically)."""
    from studio.export import CampaignExportRequest, export_campaign

    result = export_campaign(
        CampaignExportRequest(
            request.project_dir,
            out=request.out,
            variant_ids=request.variant_ids,
            include_videos=request.include_videos,
            include_media=request.include_media,
            project=request.project,
            save=False,
        ),
        on_progress=on_progress,
        cancel=cancel,
    )
    variants = [str(v["id"]) for v in result.manifest.get("variants", [])]
    return ExportOutcome(
        zip_path=result.zip_path,
        manifest=result.manifest,
        deliverables=result.deliverables,
        variant_ids=variants,
        warnings=result.warnings,
    )


def apply(project: Project, outcome: ExportOutcome) -> Project:
    """The exported files into the current project: each (variant, kind) replaces its earlier file."""
    from studio.export.bundle import record_exports

    return record_exports(project, outcome.deliverables, outcome.variant_ids)
