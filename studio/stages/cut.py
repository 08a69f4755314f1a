"""Cut: one variant (or one A/B cell), every aspect, on the process lane. Never saves project.json.

`run` speaks the lines, fits the timing and encodes MP4 + SRT + VTT per aspect (studio.render.variant), writing its
files atomically inside the project (or the output folder); it returns what it made. `apply` merges that into the
current project by key: deliverables per (variant, aspect, kind, cell), voice lines per (variant, shot), the cut
record per (variant, aspect, cell), shot lengths per (variant, shot). Takes, picks and edits made while it ran stay.

A whole render is a chain of these (see `studio.stages.render.plan_render`): the missing images first, on the GPU
lane, then one cut per variant here. A cut never makes images itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.model import Deliverable, Project, Variant, VoiceLine
from studio.model.cut import CutRecord
from studio.model.stage import CancelToken, Lane, ProgressFn
from studio.stages.settings import Settings

LANE: Lane = "process"


@dataclass(frozen=True)
class CutRequest:
    project_dir: Path
    variant_id: str
    aspects: tuple[str, ...]
    out_dir: Path
    scale: float = 1.0
    """Below 1 renders a smaller preview; deliverables are full size at 1."""
    threads: int = 0
    """x264 threads (0: x264's choice); parallel cuts share the cores."""
    draft: bool = False
    """A cut that cannot be final (its lines, its measured length) renders as a marked draft instead of refused."""
    draft_reasons: tuple[str, ...] = ()
    """Why it is a draft before anything is cut (lines not in the variant's language)."""
    cell: str = ""
    """The A/B cell code (H1-C2); empty for the main cut."""
    cell_variant: Variant | None = None
    """The A/B cell's derived variant (other hook, other call to action)."""
    project: Project | None = None
    """The project to cut (the chain's snapshot, with the takes just made); None reads project.json."""
    settings: Settings = field(default_factory=Settings)
    """Default voices per language (a project's own choice wins)."""


@dataclass
class CutOutcome:
    variant_id: str
    cell: str
    aspects: tuple[str, ...]
    deliverables: list[Deliverable] = field(default_factory=list)
    voice_lines: list[VoiceLine] = field(default_factory=list)
    shot_durations: dict[str, float] = field(default_factory=dict)
    records: list[CutRecord] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Why nothing was encoded (the measured cut misses the brief and drafts were not allowed)."""

    @property
    def ok(self) -> bool:
        return not self.refused


def run(request: CutRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> CutOutcome:
    """Cut one variant at every aspect; the encoder and the voice run here (in the lane's child process)."""
    from studio.model import ProjectStore
    from studio.render.variant import RenderVariantRequest, render_variant

    project = request.project if request.project is not None else ProjectStore(request.project_dir).load()
    project = request.settings.with_project_voices(project)
    r = render_variant(
        RenderVariantRequest(
            project_dir=request.project_dir,
            variant_id=request.variant_id,
            aspects=request.aspects,
            out_dir=request.out_dir,
            loudness_lufs=project.settings.loudness_lufs,
            fps=project.settings.fps,
            scale=request.scale,
            threads=request.threads,
            variant=request.cell_variant,
            sub_variant=request.cell,
            draft_reasons=request.draft_reasons,
            allow_draft=request.draft,
            project=project,
        ),
        on_progress=on_progress,
        cancel=cancel,
    )
    return CutOutcome(
        variant_id=request.variant_id,
        cell=request.cell,
        aspects=request.aspects,
        deliverables=r.deliverables,
        voice_lines=r.voice_lines,
        shot_durations=r.shot_durations,
        records=r.records,
        flags=[f.message for f in r.flags],
        refused=r.refused,
    )


def apply(project: Project, outcome: CutOutcome) -> Project:
    """Merge one cut into the current project by key; nothing else is touched (takes and picks stay).

    A main cut replaces that variant's voice lines, its main deliverables at the aspects it cut, its cut records
    there and its shot lengths; an A/B cell replaces only that cell's files and records. A refused cut changes
    nothing here (see `mark_no_longer_final` for its earlier files)."""
    if outcome.refused:
        return project
    vid, cell, aspects = outcome.variant_id, outcome.cell, set(outcome.aspects)
    project.deliverables = [
        d
        for d in project.deliverables
        if not (
            d.variant_id == vid and d.sub_variant == cell and d.aspect in aspects and d.kind in ("video", "srt", "vtt")
        )
    ]
    project.deliverables.extend(outcome.deliverables)
    project.cuts = [
        c for c in project.cuts if not (c.variant_id == vid and c.sub_variant == cell and c.aspect in aspects)
    ]
    project.cuts.extend(outcome.records)
    if cell:
        return project
    spoken = {v.shot_id: v for v in outcome.voice_lines}
    project.voice_lines = [v for v in project.voice_lines if v.variant_id != vid] + list(spoken.values())
    try:
        variant = project.variant(vid)
    except KeyError:  # deleted while it rendered: its files stay listed, its lines have nowhere to go
        return project
    for shot in variant.shots:
        if shot.shot_id in outcome.shot_durations:
            shot.duration_s = round(outcome.shot_durations[shot.shot_id], 3)
    return project


def mark_no_longer_final(project: Project, refused: dict[str, list[str]]) -> Project:
    """Files an earlier render made of a variant that is refused now describe a plan that can't be final: they are
    listed as drafts with today's reasons, so nobody publishes them as finished."""
    for d in project.deliverables:
        if d.variant_id in refused and not d.sub_variant:
            d.status = "draft"
            d.reasons = [f"made before a change that keeps it from being final: {why}" for why in refused[d.variant_id]]
    return project
