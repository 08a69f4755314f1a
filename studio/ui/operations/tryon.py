"""Try-on actions: the brand's garment inpainted on the cast talent of one shot (studio/tryon_takes.py), on the GPU
lane like every take; the take joins the project as one undo step (picked for its shot unless the creator said not),
then the project is saved. A failure is told with the stage's own message and what to do next."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from studio.ui.operations.base import OpsBase, Shell, deep_copy

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.model import Project
    from studio.stages.takes import TakesOutcome
    from studio.ui.operations.project import ProjectOps
    from studio.ui.operations.settings import SettingsOps

#: Framings whose default frame has the talent in it (the stage finds their torso; product shots show nobody).
PEOPLE_FRAMINGS = frozenset({"wide", "medium", "close-up"})


def try_on_blocked(project: Project, shot_id: str | None) -> str:
    """Why this shot offers no try-on, in the creator's words; "" when it does."""
    from studio.takes import category_id
    from studio.tryon_takes import APPAREL

    if category_id(project) not in APPAREL:
        return (
            f"Try-on dresses the talent in the brand's garment: it is for apparel, sportswear and outdoor-apparel "
            f"briefs (this brief's category is {project.brief.category or 'not set'!r})."
        )
    kit = project.brief.brand_kit
    if not [p for p in (kit.photos() if kit is not None else []) if p.cutout]:
        return "The brand kit has no garment photo: add one in Brand (the garment on a plain background)."
    shots = project.storyboard.shots if project.storyboard is not None else []
    shot = next((s for s in shots if s.id == shot_id), None)
    if shot is None:
        return "Choose a shot of the talent."
    if shot.framing not in PEOPLE_FRAMINGS:
        return f"Shot {shot.id} is a {shot.framing} shot with nobody to dress: choose a shot of the talent."
    return ""


class TryOnOps(OpsBase):
    def __init__(self, shell: Shell, settings: SettingsOps, project: ProjectOps) -> None:
        super().__init__(shell)
        self.settings = settings
        self.project_ops = project

    def image_models(self) -> list[str]:
        """Diffusion models a try-on can use: the settings' and the project's image model first, then every ready
        model the settings' model folders hold (never the procedural default frames)."""
        from pipelines.image.registry import scan

        s = self.settings.current()
        first = [s.image_model, self.doc.project.settings.image_model if self.doc is not None else ""]
        found = [m.id for m in scan(list(s.model_folders), env={}) if m.ready]
        return [m for m in dict.fromkeys([*first, *found]) if m and m != "procedural"]

    def make(
        self,
        *,
        variant_id: str | None,
        shot_id: str,
        angle: str | None = None,
        model: str | None = None,
        strength: float | None = None,
        mask: Path | None = None,
        pick: bool = True,
    ) -> Job | None:
        """Queue the try-on of one shot for one variant (None: the master storyboard)."""
        doc = self.doc
        if doc is None:
            return None
        from studio.stages import takes
        from studio.tryon_takes import STRENGTH, TryOn

        blocked = try_on_blocked(doc.project, shot_id)
        if blocked:
            self.notify("Try-on: not for this shot", blocked)
            return None
        try_on = TryOn(angle=angle, mask=mask, strength=STRENGTH if strength is None else strength, pick=pick)
        request = takes.TakesRequest(
            project_dir=doc.root,
            variant_ids=(variant_id,),
            shot_ids=(shot_id,),
            options={"try_on": try_on, **({"model": model} if model else {})},
            settings=self.settings.current(),
            project=deep_copy(doc.project),
        )
        title = f"Try-on: {shot_id} · {variant_id or 'master'}"

        def made(outcome: TakesOutcome) -> None:
            if self.apply(f"Try-on for {shot_id} ({variant_id or 'master'})", takes.apply, outcome):
                self.project_ops.save(background=True)

        def failed(job: Job) -> None:
            if job.state == "failed":
                self.notify(f"{title} failed", f"{job.error}\n{job.hint}".strip())

        return self.run_job(
            title,
            takes.run,
            request,
            lane=takes.LANE,
            kind="takes",
            on_success=self.for_this_document(made),
            on_end=failed,
        )
