"""Project-level stages: plan a brief into a project, render a project to deliverables, the demo.

Each is a stage (`request, *, on_progress, cancel`), so the CLI, the app and tests run the same code.
Per-variant work lives in `studio.render`; this module only orchestrates and keeps project.json consistent.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studio import paths
from studio.jobs.process import call_in_process
from studio.model import (
    Deliverable,
    Project,
    ProjectError,
    ProjectStore,
    ValidationFailed,
    Variant,
    load_brief,
)
from studio.model.project import LineStatus
from studio.model.stage import CancelToken, Progress, ProgressFn, check, report, sub_progress
from studio.model.store import atomic_write_text

if TYPE_CHECKING:
    from studio.render.variant import VariantRender


@dataclass(frozen=True)
class PlanRequest:
    brief_path: Path | None
    out_dir: Path
    name: str | None = None
    overwrite: bool = False
    script_path: Path | None = None
    """A Fountain or plain-text script to plan from; `brief_path` (optional then) fills what its title page lacks."""


def plan(request: PlanRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Path:
    """Brief file → project folder (insights, storyboard, variants). Refuses to overwrite unless asked."""
    from studio.planning import plan_project

    store = ProjectStore(request.out_dir)
    if store.exists() and not request.overwrite:
        raise ProjectError(
            f"{request.out_dir} already holds a project.",
            "Choose another folder, or pass --force to replace its plan (images and renders are kept).",
        )
    report(on_progress, 0.0, "Reading the script" if request.script_path else "Reading the brief")
    try:
        if request.script_path is not None:
            from studio.planning.script import plan_script_file

            project = plan_script_file(
                request.script_path,
                request.brief_path,
                name=_project_name(request),
                on_progress=sub_progress(on_progress, 0.05, 0.95),
                cancel=cancel,
            )
        elif request.brief_path is None:
            raise ProjectError("Nothing to plan from.", "Give a brief (.toml/.json) or a script (.fountain/.txt).")
        else:
            project = plan_project(
                load_brief(request.brief_path),
                name=_project_name(request),
                on_progress=sub_progress(on_progress, 0.05, 0.95),
                cancel=cancel,
            )
    except ValidationFailed as e:  # name the file: the planner only sees the brief's fields
        source = request.brief_path or request.script_path
        if source is not None and str(source) not in e.message:
            e.message = f"{source}: {e.message}"
            e.args = (e.message,)
        raise
    check(cancel)
    from studio.planning.brand import attach_brand_kit

    attach_brand_kit(
        project, store, request.brief_path, on_progress=sub_progress(on_progress, 0.95, 0.99), cancel=cancel
    )
    store.create(project)
    report(on_progress, 1.0, f"Planned {len(project.variants)} variants")
    return request.out_dir


def _project_name(request: PlanRequest) -> str:
    """The folder's name when it can name files, else its slug (the review zip is named after the project)."""
    from studio.model.ids import file_safe_name

    return file_safe_name(request.name or request.out_dir.resolve().name)


@dataclass(frozen=True)
class RenderRequest:
    project_dir: Path
    variant_ids: tuple[str, ...] | None = None
    aspects: tuple[str, ...] | None = None
    out_dir: Path | None = None
    workers: int | None = None
    scale: float = 1.0
    """Below 1 renders a smaller preview (the app's quick look, tests); deliverables are full size at 1."""
    ab: str | None = None
    """'2x2': cut that many hook × call-to-action cells per variant and aspect instead of the main cut
    (named `<variant>_<aspect>_H1-C2.*`, listed in ab_matrix.csv; see studio/render/ab.py)."""
    draft: bool = False
    """Render variants with lines not in their language as drafts (DRAFT band, status "draft") instead of
    refusing them."""
    chrome: bool = False
    """Animatic preview: storyboard labels and camera arrows over the shots (never for deliverables)."""


@dataclass
class RenderResult:
    deliverables: list[Deliverable]
    manifest_path: Path
    flags: dict[str, list[str]] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)
    """Variants not rendered, and why (lines not in their language, no voice): their siblings still rendered."""
    drafts: dict[str, list[str]] = field(default_factory=dict)
    """Variants rendered as drafts, and the lines that keep them from being final."""
    refusal: str = ""
    """The refusals as one message listing every line, for a terminal or a notification."""


def _select_variants(project: Project, wanted: tuple[str, ...] | None) -> list[str]:
    known = [v.id for v in project.variants]
    if not known:
        raise ProjectError("The project has no variants yet.", "Plan the storyboard and variants first.")
    if wanted is None:
        return known
    unknown = [v for v in wanted if v not in known]
    if unknown:
        raise ProjectError(f"Unknown variant(s): {', '.join(unknown)}.", f"Known variants: {', '.join(known)}.")
    return list(wanted)


class _Aggregate:
    """Overall progress of parallel parts, each weighted equally."""

    def __init__(self, on_progress: ProgressFn | None, start: float, end: float, parts: int) -> None:
        self._forward = sub_progress(on_progress, start, end)
        self._fractions = [0.0] * max(1, parts)
        self._lock = threading.Lock()

    def part(self, index: int, label: str) -> ProgressFn:
        def on_progress(p: Progress) -> None:
            with self._lock:
                self._fractions[index] = p.fraction
                total = sum(self._fractions) / len(self._fractions)
            if self._forward is not None:
                self._forward(Progress(total, f"{label}: {p.message}" if p.message else label))

        return on_progress


def render(
    request: RenderRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> RenderResult:
    """Project → images for every shot that lacks one → one MP4 + SRT + VTT per variant and aspect."""
    from studio.render.release import refusal_message, release_check
    from studio.render.variant import RenderVariantRequest, render_variant
    from studio.takes import TakesRequest, generate_takes

    cancel = cancel or CancelToken()  # one variant failing stops its siblings
    store = ProjectStore(request.project_dir)
    project = store.load()
    variant_ids = _select_variants(project, request.variant_ids)
    aspects = request.aspects or tuple(project.brief.aspect_ratios)
    out_dir = request.out_dir or store.renders

    # Final or draft is decided here, before any image or voice is made: a refused variant never stops its siblings.
    releases = {vid: release_check(project, project.variant(vid), draft=request.draft) for vid in variant_ids}
    statuses = {vid: _line_statuses(project.variant(vid)) for vid in variant_ids}
    refused = {vid: r.refused for vid, r in releases.items() if r.refused}
    refusal = refusal_message(list(releases.values()))
    variant_ids = [vid for vid in variant_ids if vid not in refused]
    if not variant_ids:
        _save_line_statuses(store, statuses, refused)
        raise ValidationFailed(
            "No variant can be rendered:\n" + refusal,
            "Fix the lines listed (or import a translator's file), or render with --draft to make drafts "
            "marked DRAFT that must not be published.",
        )

    report(on_progress, 0.0, "Images")
    from studio.aspect_takes import native_aspect_takes, redraw_labelled_frames

    if redraw_labelled_frames(store, project, cancel=cancel):
        store.save(project)
    takes = generate_takes(
        TakesRequest(project_dir=store.root, variant_ids=tuple(variant_ids), aspect=aspects[0]),
        on_progress=sub_progress(on_progress, 0.0, 0.25),
        cancel=cancel,
    )
    known = {t.request.key() for t in project.takes}
    before = len(project.takes)
    project.takes.extend(t for t in takes if t.request.key() not in known)
    project.takes.extend(native_aspect_takes(store, project, variant_ids, aspects, cancel=cancel))  # 1:1, 16:9
    if len(project.takes) > before:
        store.save(project)
    check(cancel)

    from studio.render.ab import plan_ab

    ab = plan_ab(project, variant_ids, request.ab) if request.ab else None
    cuts = ab.cuts if ab else [(vid, None, "") for vid in variant_ids]
    workers = request.workers or min(len(cuts), os.cpu_count() or 1)
    threads = max(1, (os.cpu_count() or 1) // workers)  # x264 threads per variant: parallel encodes share the cores
    progress = _Aggregate(on_progress, 0.25, 0.98, len(cuts))

    def render_one(index: int, cut: tuple) -> VariantRender:
        variant_id, derived, cell = cut
        # Each variant cuts in its own process: frame generation then uses every core and never holds the app's GIL.
        return call_in_process(
            render_variant,
            RenderVariantRequest(
                project_dir=store.root,
                variant_id=variant_id,
                aspects=tuple(aspects),
                out_dir=out_dir,
                loudness_lufs=project.settings.loudness_lufs,
                fps=project.settings.fps,
                scale=request.scale,
                threads=threads,
                variant=derived,
                sub_variant=cell,
                draft_reasons=tuple(releases[variant_id].reasons),
                allow_draft=request.draft,
                chrome=request.chrome,
            ),
            on_progress=progress.part(index, f"{variant_id} {cell}".strip()),
            cancel=cancel,
        )

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qm-variant") as pool:
        futures = [pool.submit(render_one, i, cut) for i, cut in enumerate(cuts)]
        try:
            renders = [f.result() for f in futures]
        except BaseException:
            cancel.cancel()
            raise

    project = store.load()  # the creator may have saved edits while it rendered: merge on top of them
    _apply_line_statuses(project, statuses)
    _mark_no_longer_final(project, refused)
    if ab is not None:
        return ab.finish(project, store, renders, aspects, out_dir, on_progress)
    too_long = {vid: r.refused for vid, r in zip(variant_ids, renders, strict=True) if r.refused}
    if too_long:  # measured on the voice: refused before encoding; its earlier files are no longer final
        refused |= too_long
        _mark_no_longer_final(project, too_long)
        extra = "\n".join(f"{vid}: {why}" for vid, whys in too_long.items() for why in whys)
        refusal = f"{refusal}\n{extra}".strip()
        renders = [r for r in renders if not r.refused]
        variant_ids = [vid for vid in variant_ids if vid not in too_long]
    rendered = set(variant_ids)
    project.voice_lines = [v for v in project.voice_lines if v.variant_id not in rendered]
    project.deliverables = [
        d for d in project.deliverables if d.sub_variant or not (d.variant_id in rendered and d.aspect in aspects)
    ]
    deliverables: list[Deliverable] = []
    flags: dict[str, list[str]] = {}
    for vid, r in zip(variant_ids, renders, strict=True):
        project.voice_lines.extend(r.voice_lines)
        deliverables.extend(r.deliverables)
        variant = project.variant(vid)
        for shot in variant.shots:
            if shot.shot_id in r.shot_durations:
                shot.duration_s = round(r.shot_durations[shot.shot_id], 3)
        if r.flags:
            flags[vid] = [f.message for f in r.flags]
    project.deliverables.extend(deliverables)
    store.save(project)
    drafts = {vid: releases[vid].reasons for vid in variant_ids if releases[vid].reasons}
    for d in deliverables:  # a cut that missed the brief's length and was allowed as a draft
        if d.status == "draft" and d.variant_id not in drafts:
            drafts[d.variant_id] = list(d.reasons)
    manifest = write_manifest(out_dir, store, deliverables, refused=refused)
    report(on_progress, 1.0, f"Rendered {len(variant_ids)} variants" + (f", refused {len(refused)}" if refused else ""))
    return RenderResult(
        deliverables=deliverables,
        manifest_path=manifest,
        flags=flags,
        refused=refused,
        drafts=drafts,
        refusal=refusal,
    )


def _line_statuses(variant: Variant) -> dict[tuple[str, str], LineStatus]:
    """The language check's verdicts, keyed (shot id or "", line kind), to merge into the project saved later."""
    out = {("", kind): st.model_copy() for kind, st in variant.line_status.items()}
    for shot in variant.shots:
        out |= {(shot.shot_id, kind): st.model_copy() for kind, st in shot.line_status.items()}
    return out


def _apply_line_statuses(project: Project, statuses: dict[str, dict[tuple[str, str], LineStatus]]) -> None:
    for vid, by_line in statuses.items():
        try:
            variant = project.variant(vid)
        except KeyError:
            continue
        shots = {s.shot_id: s for s in variant.shots}
        for (shot_id, kind), status in by_line.items():
            target = variant.line_status if not shot_id else (shots[shot_id].line_status if shot_id in shots else None)
            if target is not None:
                target[kind] = status


def _mark_no_longer_final(project: Project, refused: dict[str, list[str]]) -> None:
    """Files an earlier render made of a variant that is refused now describe a plan that can't be final: they are
    listed as drafts with today's reasons, so nobody publishes them as finished."""
    for d in project.deliverables:
        if d.variant_id in refused and not d.sub_variant:
            d.status = "draft"
            d.reasons = [f"made before a change that keeps it from being final: {why}" for why in refused[d.variant_id]]


def _save_line_statuses(
    store: ProjectStore, statuses: dict[str, dict[tuple[str, str], LineStatus]], refused: dict[str, list[str]]
) -> None:
    project = store.load()
    _apply_line_statuses(project, statuses)
    _mark_no_longer_final(project, refused)
    store.save(project)


def deliverable_file(store: ProjectStore, d: Deliverable) -> Path:
    path = Path(d.path)
    return path if path.is_absolute() else store.root / path


def write_manifest(
    out_dir: Path, store: ProjectStore, deliverables: list[Deliverable], *, refused: dict[str, list[str]] | None = None
) -> Path:
    """deliverables.json: one entry per file (final or draft, with the reasons), paths relative to the manifest's
    folder; `refused` lists the variants not rendered and why."""
    entries = []
    for d in deliverables:
        file = deliverable_file(store, d)
        entries.append(
            {
                "variant": d.variant_id,
                "market": d.market,
                "language": d.language,
                "segment": d.segment,
                "aspect": d.aspect,
                "kind": d.kind,
                "path": os.path.relpath(file, out_dir),
                "duration_s": d.duration_s,
                "sub_variant": d.sub_variant,
                "bytes": file.stat().st_size if file.exists() else None,
                "status": d.status,
                "reasons": list(d.reasons),
            }
        )
    manifest = out_dir / "deliverables.json"
    warnings = [f"{vid} not rendered: {why}" for vid, whys in (refused or {}).items() for why in whys]
    drafts = {d.variant_id: d.reasons for d in deliverables if d.status == "draft"}
    warnings += [f"{vid} is a DRAFT, not for publishing: {why}" for vid, whys in drafts.items() for why in whys]
    document = {"deliverables": entries, "refused": refused or {}, "warnings": warnings}
    atomic_write_text(manifest, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return manifest


@dataclass(frozen=True)
class DemoRequest:
    out_dir: Path
    brief_path: Path | None = None


def demo(
    request: DemoRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> RenderResult:
    """The sample brief, planned and rendered: videos and deliverables.json in `out_dir`."""
    project_dir = request.out_dir / "project"
    if (project_dir / "project.json").exists():
        shutil.rmtree(project_dir / "autosave", ignore_errors=True)
    plan(
        PlanRequest(request.brief_path or paths.sample_brief(), project_dir, name="demo", overwrite=True),
        on_progress=sub_progress(on_progress, 0.0, 0.03),
        cancel=cancel,
    )
    return render(
        # Every variant renders: one that can't be final yet (a line to translate, a cut longer than the brief)
        # comes out as a marked draft with its reasons, so the demo shows the whole campaign and what is left to do.
        RenderRequest(project_dir=project_dir, out_dir=request.out_dir, draft=True),
        on_progress=sub_progress(on_progress, 0.03, 1.0),
        cancel=cancel,
    )
