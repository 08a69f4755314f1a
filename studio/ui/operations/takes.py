"""Image actions: generate takes (on the GPU lane, the one resident model), generate what is missing, pick a take,
warm the model up. New takes join the project by request key; a pick the creator made meanwhile stays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studio.ui.operations.base import OpsBase, Shell, deep_copy, importable

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.model import Project
    from studio.model.stage import CancelToken, ProgressFn
    from studio.stages.takes import TakesOutcome
    from studio.ui.document import ProjectDocument
    from studio.ui.operations.project import ProjectOps
    from studio.ui.operations.settings import SettingsOps


@dataclass(frozen=True)
class PreflightCheck:
    project: Project
    variant_ids: tuple[str, ...]


def preflight(
    check: PreflightCheck, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> dict[str, list[str]]:
    """Variant id → why a market's rules block it (`studio.preflight.compliance.preflight_blocks`), as a job."""
    from studio.preflight.compliance import preflight_blocks

    return preflight_blocks(check.project, list(check.variant_ids))


def load_stages(
    _request: None = None, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> None:
    """Import the stages behind Generate and Render, the procedural frames and the knowledge and compliance packs
    on a worker thread while the creator looks at the project: on the UI thread, at the first click, the imports
    took 40-70 ms each, and done by the first job they held the GIL for 20-30 ms at a time (compiling regexes,
    initialising modules), stalling the window as it queued the work."""
    import pipelines.image.procedural
    import pipelines.voice.languages  # noqa: F401  (the render's end names each video's voice)
    import studio.stages.render
    import studio.stages.takes  # noqa: F401
    from studio.planning.knowledge import load_knowledge
    from studio.preflight.compliance import load_rules

    load_knowledge()
    load_rules()


def takes_job_title(shot_ids: tuple[str, ...], variant_ids: tuple[str | None, ...]) -> str:
    """A job name that says what it makes: which shots, for which variant (two jobs never read alike)."""
    shots = ", ".join(shot_ids) if len(shot_ids) <= 3 else f"{len(shot_ids)} shots ({shot_ids[0]}–{shot_ids[-1]})"
    variants = ", ".join(v or "master" for v in variant_ids) or "master"
    return f"Images: {shots} · {variants}"


class TakeOps(OpsBase):
    def __init__(self, shell: Shell, settings: SettingsOps, project: ProjectOps) -> None:
        super().__init__(shell)
        self.settings = settings
        self.project_ops = project

    def generate(
        self,
        *,
        variant_ids: tuple[str | None, ...],
        shot_ids: tuple[str, ...],
        aspect: str = "9:16",
        candidates: int = 1,
        regenerate: bool = False,
        lock_seed: bool = False,
    ) -> Job | None:
        """Image candidates for some shots of some variants (None: the master storyboard); one undo step.

        Pre-flight first: a variant whose lines a market's rules block is still drawn (the creator may be fixing
        it), but the creator is told before GPU time goes to a variant that cannot ship as written."""
        doc = self.doc
        if doc is None:
            return None
        from studio.stages import takes

        self._preflight(doc, tuple(v for v in variant_ids if v is not None))

        request = takes.TakesRequest(
            project_dir=doc.root,
            variant_ids=variant_ids,
            shot_ids=shot_ids,
            aspect=aspect,
            candidates=candidates,
            regenerate=regenerate,
            lock_seed=lock_seed,
            settings=self.settings.current(),
            project=deep_copy(doc.project),
        )

        lane = takes.lane_for(request)

        def made(outcome: TakesOutcome) -> None:
            if self.apply(f"Generate {len(outcome.takes)} takes", takes.apply, outcome):
                self.project_ops.save(background=True)

        return self.run_job(
            takes_job_title(shot_ids, variant_ids),
            takes.run,
            request,
            lane=lane if lane != "process" or importable(takes.run) else "cpu",  # a test's stand-in: a thread
            kind="takes",
            on_success=self.for_this_document(made),
        )

    def _preflight(self, doc: ProjectDocument, variant_ids: tuple[str, ...]) -> None:
        """Which of these variants a market's rules block, said as the images start. Checked in a worker process:
        every line against every rule took 20-150 ms, which on the UI thread froze the window at each Generate, and
        on a thread of this process still took the GIL from the window as it switched to the Images page."""
        if not variant_ids:
            return

        def told(job: Job) -> None:
            blocks = job.result if job.state == "finished" else None
            if blocks and self.doc is doc:
                lines = "\n".join(f"{vid}: {why}" for vid, whys in blocks.items() for why in whys)
                self.notify(
                    "Pre-flight: these variants cannot be published as written",
                    f"{lines}\nImages are being made; fix the lines or record an override (qianmian check) before "
                    "final.",
                )

        check = PreflightCheck(deep_copy(doc.project), variant_ids)
        self.jobs.submit("Pre-flight", preflight, check, lane="process", kind="preflight", on_done=told, quiet=True)

    def generate_missing(self, variant_id: str | None, *, aspect: str = "9:16") -> Job | None:
        """One take for every shot of a variant that has no picture of its own yet."""
        doc = self.doc
        if doc is None or doc.project.storyboard is None:
            return None
        project, storyboard = doc.project, doc.project.storyboard
        missing = tuple(s.id for s in storyboard.shots if project.own_take(s.id, variant_id) is None)
        if not missing:
            return None
        return self.generate(variant_ids=(variant_id,), shot_ids=missing, aspect=aspect, candidates=1)

    def pick(self, take_id: str) -> bool:
        """The take a shot uses (one undo step); a later generation never overrides it."""
        doc = self.doc
        if doc is None:
            return False
        from studio.stages.edits import pick_take

        take = next((t for t in doc.project.takes if t.id == take_id), None)
        if take is None:
            return False

        def change(project: Project) -> None:
            pick_take(project, take_id)

        return doc.edit(f"Pick take for {take.shot_id}", ("takes",), change)

    def warm_up(self) -> Job | None:
        """A diffusion model is loaded in the background as soon as a project that uses one opens (and the stage
        modules Generate and Render use, whichever the model)."""
        self.jobs.submit("Load the stages", load_stages, None, lane="cpu", kind="warm-up", quiet=True)
        self.jobs.queue.start_threads("cpu", "gpu")
        doc = self.doc
        model = doc.project.settings.image_model if doc is not None else ""
        if model in ("", "procedural"):
            return None
        from studio.stages import takes

        request = takes.WarmUpRequest(model, settings=self.settings.current())
        return self.run_job(
            f"Load image model {model}", takes.warm_up, request, lane=takes.WARM_UP_LANE, kind="warm-up"
        )

    def animate(self, request: Any, *, title: str) -> Job | None:
        """Motion takes (studio/motion_takes.py) of a picked picture on the GPU lane (the one resident model: a
        video model frees the image model); the clips join the project as one undo step, then it is saved."""
        doc = self.doc
        if doc is None or not self.project_ops.save():
            return None
        from studio.motion_takes import generate_motion_takes, merge_motion_takes

        def merged(made: list[Any]) -> None:
            def change(p: Project) -> None:
                merge_motion_takes(p, made)

            if self.doc is doc and doc.edit(title, ("motion_takes",), change):
                self.project_ops.save()

        return self.run_job(title, generate_motion_takes, request, lane="gpu", kind="motion", on_success=merged)
