"""Presenter actions: lip-sync a variant's presenter shot to its own voice-over line (studio/stages/presenter.py), on
the GPU lane; the take joins the project as one undo step (picked for its shot, with the voice its lips follow),
then the project is saved. The stage reads project.json, so the open project is saved first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from studio.ui.operations.base import OpsBase, Shell

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.stages.presenter import PresenterOutcome
    from studio.ui.operations.project import ProjectOps
    from studio.ui.operations.settings import SettingsOps


class PresenterOps(OpsBase):
    def __init__(self, shell: Shell, settings: SettingsOps, project: ProjectOps) -> None:
        super().__init__(shell)
        self.settings = settings
        self.project_ops = project

    def model_folders(self) -> list[Path]:
        """The lip-sync model folders the settings' model folders (and the studio's own places) hold."""
        from pipelines.presenter.registry import lipsync_folders

        return lipsync_folders(self.settings.current().model_folders)

    def make(
        self,
        *,
        variant_id: str,
        shot_id: str,
        aspect: str = "",
        model: str | None = None,
        portrait: Path | None = None,
        consent: str = "",
    ) -> Job | None:
        """Queue the presenter take of one variant shot; a supplied portrait without a consent note is refused
        before anything runs (the stage refuses it too)."""
        doc = self.doc
        if doc is None:
            return None
        from studio.model import StudioError
        from studio.presenter_takes import refuse_without_consent
        from studio.stages import presenter

        try:
            refuse_without_consent(portrait, consent)
        except StudioError as e:
            self.notify("Presenter: consent needed", str(e))
            return None
        if not self.project_ops.save():
            return None
        request = presenter.PresenterTakesRequest(
            project_dir=doc.root,
            variant_id=variant_id,
            shot_ids=(shot_id,),
            aspect=aspect,
            model=model,
            portrait=portrait,
            consent=consent,
            settings=self.settings.current(),
        )

        def made(outcome: PresenterOutcome) -> None:
            if self.apply(f"Presenter for {shot_id} ({variant_id})", presenter.apply, outcome):
                self.project_ops.save()

        return self.run_job(
            f"Presenter: {shot_id} · {variant_id}",
            presenter.run,
            request,
            lane=presenter.LANE,
            kind="presenter",
            on_success=self.for_this_document(made),
        )
