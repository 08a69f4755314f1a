"""Render: a chain of jobs the queue can see. The missing images on the GPU lane, then one cut per variant (or A/B
cell) on the process lane. Nothing here saves project.json; no diffusion runs outside the GPU lane.

    plan = plan_render(project, request)          # checks every line; decides final/draft/refused; finds missing images
    project = apply_checks(project, plan)         # line statuses and no-longer-final files, even when all is refused
    plan.raise_if_nothing_to_render()
    for step in plan.image_steps(): ...           # run on step.lane, then project = step.apply(project, outcome)
    for step in plan.cut_steps(project): ...      # in parallel, each on the process lane; apply each as it ends
    result = plan.finish(project, outcomes)       # deliverables.json (and ab_matrix.csv): the RenderResult

`run_render` does all of it for the CLI and tests through a `JobQueue`; the app submits the same steps itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.model import Deliverable, Project, ProjectError, ProjectStore, ValidationFailed, Variant
from studio.model.project import LineStatus
from studio.model.stage import CancelToken, Lane, ProgressFn, report, sub_progress
from studio.model.store import atomic_write_text
from studio.stages import cut as cut_stage
from studio.stages import takes as takes_stage
from studio.stages.settings import Settings

if TYPE_CHECKING:
    from studio.jobs import JobQueue
    from studio.render.ab import AbPlan
    from studio.render.release import Release


@dataclass(frozen=True)
class RenderRequest:
    project_dir: Path
    variant_ids: tuple[str, ...] | None = None
    aspects: tuple[str, ...] | None = None
    out_dir: Path | None = None
    """Default: the settings' output folder for this project, else PROJECT/renders."""
    workers: int | None = None
    """Cuts at once (default: one per core, at most one per variant)."""
    scale: float = 1.0
    """Below 1 renders a smaller preview (the app's quick look, tests); deliverables are full size at 1."""
    ab: str | None = None
    """'2x2': cut that many hook × call-to-action cells per variant and aspect instead of the main cut
    (named `<variant>_<aspect>_H1-C2.*`, listed in ab_matrix.csv; see studio/render/ab.py)."""
    draft: bool = False
    """Render variants with lines not in their language as drafts (DRAFT band, status "draft") instead of
    refusing them."""
    settings: Settings = field(default_factory=Settings)
    chrome: bool = False
    """Animatic preview: storyboard labels and camera arrows over the shots, marked DRAFT (never a deliverable)."""


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
    listing: Listing | None = None
    """deliverables.json still to be written (`finish(write=False)`: the app writes it with `write_listing` as a
    job; its fsync on the UI thread stalled the window at every render's end)."""


@dataclass(frozen=True)
class Listing:
    """What deliverables.json will list: the files made and the variants refused."""

    out_dir: Path
    root: Path
    deliverables: list[Deliverable]
    refused: dict[str, list[str]]
    voices: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    """Which voice read each variant (`quality.voice_of`), listed with each of its videos."""


def write_listing(
    listing: Listing, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Path:
    """Write deliverables.json (a job in the app, at once in `finish` by default)."""
    return write_manifest(
        listing.out_dir,
        ProjectStore(listing.root),
        listing.deliverables,
        refused=listing.refused,
        voices=listing.voices,
    )


@dataclass(frozen=True)
class Step:
    """One job of a chain: which stage (its kind), on which lane, with which request, and how it merges."""

    kind: str
    lane: Lane
    title: str
    request: Any
    run: Callable[..., Any]
    apply: Callable[[Project, Any], Project]


LineStatuses = dict[str, dict[tuple[str, str], LineStatus]]


@dataclass
class RenderPlan:
    """What a render will do, decided before any image or voice is made."""

    request: RenderRequest
    root: Path
    variant_ids: list[str]
    """The variants that will be cut (refused ones left out)."""
    aspects: tuple[str, ...]
    out_dir: Path
    releases: dict[str, Release]
    statuses: LineStatuses
    refused: dict[str, list[str]]
    refusal: str
    missing: int = 0
    """Images to make before cutting (shots without a stored image for today's request): the GPU step."""
    ab: AbPlan | None = None

    # --- the steps ----------------------------------------------------------------------------------------------

    def raise_if_nothing_to_render(self) -> None:
        if not self.variant_ids:
            raise ValidationFailed(
                "No variant can be rendered:\n" + self.refusal,
                "Fix the lines listed (or import a translator's file), or render with --draft to make drafts "
                "marked DRAFT that must not be published.",
            )

    def image_steps(self, project: Project | None = None) -> list[Step]:
        """One takes step for every missing image (on the GPU lane, or a worker process for procedural frames), or
        none when every shot has its picture."""
        if not self.variant_ids or not self.missing:
            return []
        count = self.missing
        request = takes_stage.TakesRequest(
            project_dir=self.root,
            variant_ids=tuple(self.variant_ids),
            aspect=self.aspects[0],
            options={"aspects": self.aspects},  # diffusion takes composed for each aspect cut, in the same job
            settings=self.request.settings,
            project=project.model_copy(deep=True) if project is not None else None,  # a snapshot: edits go on
        )
        return [
            Step(
                kind="takes",
                lane=takes_stage.lane_for(request),
                title=f"Images for the render: {count} missing",
                request=request,
                run=takes_stage.run,
                apply=takes_stage.apply,
            )
        ]

    def cut_steps(self, project: Project) -> list[Step]:
        """One cut per variant (or A/B cell) on the process lane, each cutting a snapshot of `project` taken now
        (after the images step): edits the creator makes while they run change the project, not the cuts."""
        snapshot = project.model_copy(deep=True)
        cuts: list[tuple[str, Variant | None, str]] = (
            list(self.ab.cuts) if self.ab is not None else [(vid, None, "") for vid in self.variant_ids]
        )
        workers = self.request.workers or min(len(cuts), os.cpu_count() or 1)
        threads = max(1, (os.cpu_count() or 1) // max(1, workers))  # x264 threads per cut: parallel encodes share
        steps = []
        for vid, derived, cell in cuts:
            request = cut_stage.CutRequest(
                project_dir=self.root,
                variant_id=vid,
                aspects=self.aspects,
                out_dir=self.out_dir,
                scale=self.request.scale,
                threads=threads,
                draft=self.request.draft,
                draft_reasons=tuple(self.releases[vid].reasons),
                cell=cell,
                cell_variant=derived,
                project=snapshot,
                settings=self.request.settings,
                chrome=self.request.chrome,
            )
            title = f"Cut {vid} {cell}".strip() + (" (preview)" if self.request.scale < 1 else "")
            steps.append(Step("cut", cut_stage.LANE, title, request, cut_stage.run, cut_stage.apply))
        return steps

    # --- the end ------------------------------------------------------------------------------------------------

    def finish(self, project: Project, outcomes: Sequence[cut_stage.CutOutcome], *, write: bool = True) -> RenderResult:
        """After every cut was applied: mark the files of variants refused for their length, write deliverables.json
        (and ab_matrix.csv), and say what was made. It changes `project` (those marks, the A/B alternatives found):
        the app runs it inside the same undo step as the last apply. Only the listing files are written; with
        `write=False` deliverables.json is left to `write_listing(result.listing)`."""
        store = ProjectStore(self.root)
        refused = dict(self.refused)
        refusal = self.refusal
        if self.ab is not None:
            return self._finish_ab(project, store, outcomes)
        too_long = {o.variant_id: o.refused for o in outcomes if o.refused}
        if too_long:  # measured on the voice: refused before encoding; its earlier files are no longer final
            refused |= too_long
            cut_stage.mark_no_longer_final(project, too_long)
            extra = "\n".join(f"{vid}: {why}" for vid, whys in too_long.items() for why in whys)
            refusal = f"{refusal}\n{extra}".strip()
        made = [o for o in outcomes if not o.refused]
        deliverables = [d for o in made for d in o.deliverables]
        flags = {o.variant_id: list(o.flags) for o in made if o.flags}
        drafts = {vid: self.releases[vid].reasons for vid in (o.variant_id for o in made) if self.releases[vid].reasons}
        for d in deliverables:  # a cut that missed the brief's length and was allowed as a draft
            if d.status == "draft" and d.variant_id not in drafts:
                drafts[d.variant_id] = list(d.reasons)
        listing = Listing(
            self.out_dir,
            self.root,
            [d.model_copy(deep=True) for d in deliverables],
            refused,
            voices_of(project, made),
        )
        manifest = write_listing(listing) if write else self.out_dir / "deliverables.json"
        return RenderResult(
            deliverables=deliverables,
            manifest_path=manifest,
            listing=None if write else listing,
            flags=flags,
            refused=refused,
            drafts=drafts,
            refusal=refusal,
        )

    def _finish_ab(
        self, project: Project, store: ProjectStore, outcomes: Sequence[cut_stage.CutOutcome]
    ) -> RenderResult:
        from studio.render.ab import CSV_NAME, write_matrix_csv

        assert self.ab is not None
        for v in project.variants:  # alternatives found now are kept, so the app shows what was tested
            if v.id in self.ab.alternatives and not (v.ab_hooks or v.ab_ctas):
                v.ab_hooks, v.ab_ctas = self.ab.alternatives[v.id]
        deliverables = [d for o in outcomes for d in o.deliverables]
        flags = {vid: list(n) for vid, n in self.ab.notes.items() if n}
        for o in outcomes:
            flags.setdefault(o.variant_id, []).extend(f"{o.cell}: {f}" for f in o.flags)
        manifest = write_manifest(self.out_dir, store, deliverables, voices=voices_of(project, outcomes))
        write_matrix_csv(self.out_dir / CSV_NAME, store, self.ab.cells, deliverables)
        return RenderResult(
            deliverables=deliverables, manifest_path=manifest, flags=flags, refused={}, refusal=self.refusal
        )


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


def line_statuses(variant: Variant) -> dict[tuple[str, str], LineStatus]:
    """The language check's verdicts, keyed (shot id or "", line kind), to merge into the current project."""
    out = {("", kind): st.model_copy() for kind, st in variant.line_status.items()}
    for shot in variant.shots:
        out |= {(shot.shot_id, kind): st.model_copy() for kind, st in shot.line_status.items()}
    return out


def missing_images(
    project: Project,
    root: Path,
    variant_ids: Sequence[str],
    aspect: str,
    settings: Settings,
    aspects: Sequence[str] | None = None,
) -> int:
    """How many images the render's GPU step has to make (shots without a stored image for today's request, and
    diffusion takes, try-ons included, not yet made at the other `aspects`; None: the brief's)."""
    from studio.model import ProjectStore
    from studio.takes import TakesRequest, missing_takes
    from studio.tryon_takes import missing_aspect_try_ons

    if not variant_ids:
        return 0
    request = TakesRequest(
        project_dir=root,
        variant_ids=tuple(variant_ids),
        aspect=aspect,
        place=takes_stage.placement(settings),
        project=project,
        aspects=tuple(aspects) if aspects is not None else None,
    )
    wanted = tuple(aspects) if aspects is not None else tuple(project.brief.aspect_ratios)
    try_ons = missing_aspect_try_ons(project, ProjectStore(root), variant_ids, wanted)
    return len(missing_takes(request)) + sum(n for _, _, n in try_ons)


def plan_render(project: Project, request: RenderRequest) -> RenderPlan:
    """Decide the render before any image or voice is made: which variants are final, draft or refused (a refused
    one never stops its siblings), which images are missing, and the A/B cells. Checks update `project`'s line
    statuses in place (a copy is taken: `apply_checks` merges them into the current project)."""
    from studio.render.release import refusal_message, release_check

    project = project.model_copy(deep=True)
    variant_ids = _select_variants(project, request.variant_ids)
    aspects = request.aspects or tuple(project.brief.aspect_ratios)
    out_dir = request.out_dir or request.settings.output_dir(request.project_dir)
    releases = {vid: release_check(project, project.variant(vid), draft=request.draft) for vid in variant_ids}
    statuses = {vid: line_statuses(project.variant(vid)) for vid in variant_ids}
    refused = {vid: r.refused for vid, r in releases.items() if r.refused}
    refusal = refusal_message(list(releases.values()))
    cut_ids = [vid for vid in variant_ids if vid not in refused]
    plan = RenderPlan(
        request=request,
        root=request.project_dir,
        variant_ids=cut_ids,
        aspects=tuple(aspects),
        out_dir=out_dir,
        releases=releases,
        statuses=statuses,
        refused=refused,
        refusal=refusal,
    )
    plan.missing = missing_images(
        project, request.project_dir, cut_ids, plan.aspects[0], request.settings, plan.aspects
    )
    if request.ab and cut_ids:
        from studio.render.ab import plan_ab

        plan.ab = plan_ab(project, cut_ids, request.ab)
    return plan


def apply_checks(project: Project, plan: RenderPlan) -> Project:
    """The language check's verdicts into the current project, and earlier files of refused variants marked as
    drafts (no longer final). Applied whether or not anything is then cut."""
    for vid, by_line in plan.statuses.items():
        try:
            variant = project.variant(vid)
        except KeyError:
            continue
        shots = {s.shot_id: s for s in variant.shots}
        for (shot_id, kind), status in by_line.items():
            target = variant.line_status if not shot_id else (shots[shot_id].line_status if shot_id in shots else None)
            if target is not None:
                target[kind] = status
    cut_stage.mark_no_longer_final(project, plan.refused)
    if plan.ab is not None:  # an A/B run replaces every earlier cell of the variants it cuts, at its aspects
        rendered = set(plan.variant_ids)
        project.deliverables = [
            d
            for d in project.deliverables
            if not (d.sub_variant and d.variant_id in rendered and d.aspect in plan.aspects)
        ]
    return project


def deliverable_file(store: ProjectStore, d: Deliverable) -> Path:
    path = Path(d.path)
    return path if path.is_absolute() else store.root / path


def voices_of(project: Project, outcomes: Sequence[cut_stage.CutOutcome]) -> dict[str, dict[str, Any] | None]:
    """Which voice read each variant cut: the cut's own voice lines (what its video says), else the project's."""
    from studio.stages.quality import voice_of

    out: dict[str, dict[str, Any] | None] = {}
    for o in outcomes:
        language = next((v.language for v in project.variants if v.id == o.variant_id), "")
        voice = voice_of(o.voice_lines, o.variant_id, language) or voice_of(project.voice_lines, o.variant_id, language)
        if voice is not None or o.variant_id not in out:
            out[o.variant_id] = voice
    return out


def write_manifest(
    out_dir: Path,
    store: ProjectStore,
    deliverables: list[Deliverable],
    *,
    refused: dict[str, list[str]] | None = None,
    voices: dict[str, dict[str, Any] | None] | None = None,
) -> Path:
    """deliverables.json: one entry per file (final or draft, with the reasons), paths relative to the manifest's
    folder; `refused` lists the variants not rendered and why. Each video says which voice read it (`voices`, by
    variant; else the project's voice lines): `voice` is null for a video with no voice-over, and an espeak voice is
    a guide voice (`guide`: true), which the warnings say is not for publishing."""
    from studio.stages.quality import quality, voice_label, voice_of

    voices = dict(voices or {})
    if any(d.kind == "video" and d.variant_id not in voices for d in deliverables):
        try:
            project = store.load()
        except Exception:  # a listing is still written for a folder whose project.json cannot be read
            project = None
        for d in deliverables:
            if d.kind == "video" and d.variant_id not in voices:
                voices[d.variant_id] = voice_of(project.voice_lines, d.variant_id, d.language) if project else None

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
                "quality": quality(d, store.root),
                "reasons": list(d.reasons),
                **({"voice": voices.get(d.variant_id)} if d.kind == "video" else {}),
            }
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "deliverables.json"
    warnings = [f"{vid} not rendered: {why}" for vid, whys in (refused or {}).items() for why in whys]
    drafts = {d.variant_id: d.reasons for d in deliverables if d.status == "draft"}
    warnings += [f"{vid} is a DRAFT, not for publishing: {why}" for vid, whys in drafts.items() for why in whys]
    guides = {
        d.variant_id: voices[d.variant_id] for d in deliverables if d.kind == "video" and voices.get(d.variant_id)
    }
    warnings += [f"{vid} is read by {voice_label(v)}: {v['note']}" for vid, v in guides.items() if v and v.get("guide")]
    warnings += [
        f"{e['path']} is a small preview, not a deliverable: render without --scale for the final"
        for e in entries
        if e["quality"] == "preview"
    ]
    document = {"deliverables": entries, "refused": refused or {}, "warnings": warnings}
    atomic_write_text(manifest, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return manifest


# --- running the chain (CLI, tests) -----------------------------------------------------------------------------


def run_render(
    project: Project,
    request: RenderRequest,
    *,
    queue: JobQueue | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    on_applied: Callable[[Project], None] | None = None,
) -> tuple[Project, RenderResult]:
    """The whole chain through a JobQueue (one is made when none is given): images on its GPU lane, cuts on its
    process lane in parallel. Each outcome is applied to `project` as it ends; `on_applied(project)` is called
    after each apply (the CLI saves there). Returns the project and the result; never saves by itself."""
    from studio.jobs import JobQueue

    plan = plan_render(project, request)
    project = apply_checks(project, plan)
    if on_applied is not None:
        on_applied(project)
    plan.raise_if_nothing_to_render()
    images = plan.image_steps(project)
    cuts_n = len(plan.ab.cuts) if plan.ab is not None else len(plan.variant_ids)
    workers = request.workers or min(cuts_n, os.cpu_count() or 1)
    own = queue is None
    q = (
        queue
        if queue is not None
        else JobQueue(
            cpu_workers=max(1, workers),
            executor=request.settings.executor(max(1, workers), notice=lambda m: report(on_progress, 0.0, m)),
        )
    )
    split = 0.25 if images else 0.0
    try:
        report(on_progress, 0.0, "Images" if images else "Cutting")
        for step in images:
            [outcome] = _run_steps(q, [step], sub_progress(on_progress, 0.0, split), cancel)
            project = step.apply(project, outcome)
            if on_applied is not None:
                on_applied(project)
        steps = plan.cut_steps(project)
        outcomes = _run_steps(q, steps, sub_progress(on_progress, split, 0.98), cancel)
    finally:
        if own:
            q.shutdown(wait=False)
    for step, outcome in zip(steps, outcomes, strict=True):
        project = step.apply(project, outcome)
    result = plan.finish(project, outcomes)
    if on_applied is not None:
        on_applied(project)
    made = len({o.variant_id for o in outcomes if not o.refused})
    if plan.ab is not None:
        report(on_progress, 1.0, f"Rendered {len(plan.ab.cells)} A/B cells for {made} variants")
    else:
        tail = f", refused {len(result.refused)}" if result.refused else ""
        report(on_progress, 1.0, f"Rendered {made} variants{tail}")
    return project, result


def _run_steps(
    queue: JobQueue, steps: Sequence[Step], on_progress: ProgressFn | None, cancel: CancelToken | None
) -> list[Any]:
    """Submit the steps on their lanes, report their mean progress, wait for all; the first failure (or a cancel)
    stops the others and is raised."""
    from studio.model.stage import Progress

    jobs = [queue.submit(s.title, s.run, s.request, lane=s.lane, kind=s.kind) for s in steps]
    mine = {j.id for j in jobs}

    def changed(job: Any) -> None:
        if job.id in mine and on_progress is not None:
            total = sum(j.fraction for j in jobs) / max(1, len(jobs))
            on_progress(Progress(total, f"{job.title}: {job.message}" if job.message else job.title))

    queue.changed.connect(changed)
    try:
        results: list[Any] = []
        for job in jobs:
            while True:
                if cancel is not None and cancel.cancelled:
                    for j in jobs:
                        queue.stop(j)
                try:
                    results.append(job.wait(timeout=0.1))
                    break
                except TimeoutError:
                    continue
                except BaseException:
                    for j in jobs:
                        queue.stop(j)
                    _wait_stopped(jobs)
                    raise
        return results
    finally:
        queue.changed.disconnect(changed)


def _wait_stopped(jobs: Sequence[Any], limit_s: float = 60.0) -> None:
    """Let stopped jobs clean up (remove their partial files) before the error goes on; more Ctrl-C presses are
    absorbed, the jobs' own failures are not shown again."""
    import time

    deadline = time.monotonic() + limit_s
    for job in jobs:
        while time.monotonic() < deadline:
            try:
                job.wait(timeout=0.2)
                break
            except TimeoutError:
                continue
            except KeyboardInterrupt:
                continue
            except BaseException:
                break
