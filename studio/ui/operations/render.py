"""Voice & Cut actions: render (a chain of jobs the dock shows) and hear one line as the render will speak it.

A render is planned first (which variants are final, draft or refused; which images are missing). The missing
images are one job on the GPU lane (the one resident model); when it ends, one cut job per variant runs on the
process lane. Each outcome is applied into the current project by key as it ends (a take picked meanwhile stays
picked), consecutive steps folding into one "Render" undo step; the project is saved when the chain ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.ui.operations.base import OpsBase, Shell, _studio_error, deep_copy, importable

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.model import Project
    from studio.model.stage import CancelToken, ProgressFn
    from studio.stages.cut import CutOutcome
    from studio.stages.render import RenderPlan, RenderRequest, RenderResult, Step
    from studio.ui.document import ProjectDocument
    from studio.ui.operations.project import ProjectOps
    from studio.ui.operations.settings import SettingsOps
    from studio.ui.operations.takes import TakeOps

PREVIEW_SCALE = 1 / 3
RENDER_PARTS = ("takes", "voice_lines", "deliverables", "variants", "cuts")
"""What a render's steps may change; every step records them all, so a chain folds into one undo step."""
_chains = itertools.count(1)


@dataclass(frozen=True)
class RenderCheck:
    project: Project
    request: RenderRequest


def check_render(
    check: RenderCheck, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> RenderPlan:
    """The render's plan (final, draft or refused per variant; the missing images), made in a worker process."""
    from studio.stages.render import plan_render

    return plan_render(check.project, check.request)


@dataclass
class RenderRun:
    """One render in the app: its request, its plan once the lines are checked, its jobs, and how it ended."""

    request: RenderRequest
    plan: RenderPlan | None = None
    jobs: list[Job] = field(default_factory=list)
    outcomes: list[CutOutcome] = field(default_factory=list)
    result: RenderResult | None = None
    ended: bool = False
    stopped: bool = False

    @property
    def first(self) -> Job | None:
        return self.jobs[0] if self.jobs else None


def keep_finals(apply: Callable[[Project, Any], Project], root: Path) -> Callable[[Project, Any], Project]:
    """A preview's cut lists the preview beside the variant's final videos, never in their place."""

    def merge(project: Project, outcome: Any) -> Project:
        from studio.stages.quality import deliverable_path, is_preview

        before = list(project.deliverables)
        project = apply(project, outcome)
        listed = {d.path for d in project.deliverables}
        kept = [
            d for d in before if d.path not in listed and not is_preview(d, root) and deliverable_path(d, root).exists()
        ]
        project.deliverables = [*kept, *project.deliverables]
        return project

    return merge


class RenderOps(OpsBase):
    def __init__(self, shell: Shell, settings: SettingsOps, project: ProjectOps, takes: TakeOps) -> None:
        super().__init__(shell)
        self.settings = settings
        self.project_ops = project
        self.takes = takes
        self.stand_ins: dict[str, Callable[..., Any]] = {}
        """Tests only: a stage kind ("takes", "cut") → a function run in its place, on the stage's lane (a local
        function that a child process could not import runs on a CPU thread instead)."""

    def render(self, *, scale: float = 1.0, variant_ids: tuple[str, ...] | None = None) -> RenderRun | None:
        """Render every variant (or these), full size or as a small preview beside the finals."""
        doc = self.doc
        if doc is None:
            return None
        from studio.stages.render import RenderRequest

        settings = self.settings.current()
        out_dir = settings.output_dir(doc.root) / "preview" if scale < 1 else None  # never over the finals
        # A preview may show lines waiting for a translator (as a marked DRAFT); a full render is final or refused.
        request = RenderRequest(
            project_dir=doc.root,
            variant_ids=variant_ids,
            scale=scale,
            out_dir=out_dir,
            draft=scale < 1,
            chrome=scale < 1,  # a preview is the animatic: shot labels and camera arrows (never in a final)
            settings=settings,
        )
        run = RenderRun(request)
        key = f"render-{next(_chains)}"

        def checked(job: Job) -> None:
            if self.doc is not doc:
                run.ended = True
            elif job.state == "finished":
                self._start(run, doc, key, job.result)
            else:
                run.ended = True
                if job.state == "failed":
                    self.notify("Cannot render", f"{job.error}\n{job.hint}".strip())

        # Every line's language is checked first, in a worker process: lingua loads its models for seconds while
        # holding the GIL, which on a thread of this process froze the window (3.8 s measured by ui_latency).
        self.shell.show_status("Render: checking every line before anything is made…", 10_000)
        check = RenderCheck(deep_copy(doc.project), request)
        self.jobs.submit(
            "Check the lines",
            check_render,
            check,
            lane="cpu" if self.stand_ins else "process",  # a test's stand-ins (and its patches) live in this process
            kind="render-check",
            on_done=checked,
            quiet=True,
        )
        return run

    def _start(self, run: RenderRun, doc: ProjectDocument, key: str, plan: RenderPlan) -> None:
        """The plan is made: its verdicts go into the project, then the images step (if any), then the cuts."""
        from studio.stages.render import apply_checks

        run.plan = plan
        self.apply("Render", apply_checks, plan, merge_key=key, parts=self._parts())
        if not plan.variant_ids:
            self.notify("No variant can be rendered", plan.refusal)
            self._end(run, doc)
            return
        steps = plan.image_steps(doc.project)  # it snapshots the project itself
        for step in steps:
            self._submit(run, doc, step, key, then=lambda: self._cut(run, doc, key))
        if not steps:
            self._cut(run, doc, key)

    def _parts(self) -> tuple[str, ...]:
        from studio.model import Project

        return tuple(p for p in RENDER_PARTS if p in Project.model_fields)

    def _submit(self, run: RenderRun, doc: ProjectDocument, step: Step, key: str, then: Callable[[], None]) -> Job:
        stand_in = self.stand_ins.get(step.kind)
        merge = keep_finals(step.apply, doc.root) if step.kind == "cut" and run.request.scale < 1 else step.apply

        def applied(outcome: Any) -> None:
            if step.kind == "cut":
                run.outcomes.append(outcome)
            self.apply("Render", merge, outcome, merge_key=key, parts=self._parts())

        def ended(job: Job) -> None:
            if job.state != "finished":
                run.stopped = True
            then()

        job = self.run_job(
            step.title,
            stand_in or step.run,
            step.request,
            lane="cpu" if stand_in is not None and step.lane == "process" and not importable(stand_in) else step.lane,
            kind=step.kind,
            on_success=self.for_this_document(applied),
            on_end=ended,
        )
        run.jobs.append(job)
        return job

    def _cut(self, run: RenderRun, doc: ProjectDocument, key: str) -> None:
        """After the images: one cut per variant, each cutting the project as it is now (new takes included)."""
        if run.stopped or self.doc is not doc:
            self._end(run, doc)
            return
        assert run.plan is not None
        steps = run.plan.cut_steps(doc.project)  # it snapshots the project itself
        waiting = len(steps)

        def one_ended() -> None:
            nonlocal waiting
            waiting -= 1
            if waiting == 0:
                self._finish(run, doc, key)

        for step in steps:
            self._submit(run, doc, step, key, then=one_ended)
        if not steps:
            self._finish(run, doc, key)

    def _finish(self, run: RenderRun, doc: ProjectDocument, key: str) -> None:
        plan = run.plan
        assert plan is not None
        if self.doc is doc and run.outcomes:

            def finish(project: Project, outcomes: list[CutOutcome]) -> Project:
                run.result = plan.finish(project, outcomes, write=False)  # deliverables.json: a job, below
                return project

            try:
                self.apply("Render", finish, list(run.outcomes), merge_key=key, parts=self._parts())
            except _studio_error() as e:
                self.notify("The render's list of files could not be written", str(e))
            result = run.result
            if result is not None and result.refused:
                self.notify(
                    f"{len(result.refused)} variant(s) not rendered",
                    result.refusal
                    + "\nThe other variants were rendered. Fix these lines or import a translator's file.",
                )
        elif self.doc is doc and plan.refused:
            self.notify(f"{len(plan.refused)} variant(s) not rendered", plan.refusal)
        listing = run.result.listing if run.result is not None else None
        if listing is None:
            self._end(run, doc)
            return
        from studio.stages.render import write_listing

        def written(job: Job) -> None:
            if job.state == "failed":
                self.notify("The render's list of files could not be written", f"{job.error}\n{job.hint}".strip())
            self._end(run, doc)

        self.jobs.submit("Write the list of files", write_listing, listing, kind="listing", on_done=written, quiet=True)

    def _end(self, run: RenderRun, doc: ProjectDocument) -> None:
        if self.doc is doc and doc.dirty:  # ended once its result is on disk
            self.project_ops.save(background=True, then=lambda: setattr(run, "ended", True))
        else:
            run.ended = True

    def preview_voice(self, variant_id: str, shot_id: str, player: Any) -> Job | None:
        """Speak one shot's line as the render will (same builder: reading, voice, fitted speed), then play it."""
        doc = self.doc
        if doc is None:
            return None
        from studio.stages import voice

        request = voice.VoicePreviewRequest(
            project=deep_copy(doc.project),
            variant_id=variant_id,
            shot_id=shot_id,
            settings=self.settings.current(),
        )
        text = doc.project.variant(variant_id).shot(shot_id).voiceover
        return self.run_job(
            f"Voice: {text[:30]}",
            voice.run,
            request,
            lane=voice.LANE,
            kind="voice",
            on_success=lambda preview: player.hear(preview.path),  # its own audio player: the video stays on screen
        )
