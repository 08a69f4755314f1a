"""Planning actions: plan from the brief, plan from an imported script. Each result is one undo step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from studio.ui.operations.base import OpsBase, Shell

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.stages.plan import PlanOutcome, PlanRequest
    from studio.ui.operations.settings import SettingsOps

STORYBOARD_STEP = 2


class PlanOps(OpsBase):
    def __init__(self, shell: Shell, settings: SettingsOps) -> None:
        super().__init__(shell)
        self.settings = settings

    def plan_brief(self) -> Job | None:
        """Personas, insights, storyboard and variants from the current brief."""
        doc = self.doc
        if doc is None:
            return None
        from studio.stages.plan import PlanRequest

        request = PlanRequest(name=doc.project.name, brief=doc.project.brief, settings=self.settings.current())
        return self._run("Plan from the brief", "Plan", request)

    def import_script(self, path: str | Path) -> Job | None:
        """Storyboard and variants from a script; the open brief gives what its title page lacks."""
        doc = self.doc
        if doc is None:
            self.notify("Open or create a project first", "A script is planned into the open project.")
            return None
        from studio.stages.plan import PlanRequest

        request = PlanRequest(
            name=doc.project.name, brief=doc.project.brief, script_path=Path(path), settings=self.settings.current()
        )
        return self._run(f"Plan from {Path(path).name}", "Import script", request)

    def _run(self, title: str, undo_text: str, request: PlanRequest) -> Job:
        from studio.stages import plan

        def planned(outcome: PlanOutcome) -> None:
            self.apply(undo_text, plan.apply, outcome)
            self.shell.go_to(STORYBOARD_STEP)

        return self.run_job(
            title, plan.run, request, lane=plan.LANE, kind="plan", on_success=self.for_this_document(planned)
        )
