"""The app's actions, one method per thing a creator does (as Anki's `aqt/operations`).

Pages and menus call these typed methods; each builds a stage request from the open project and the current
settings, runs it through the one job queue on the lane the stage declares, and applies the outcome into the
current project by key, on the main thread, as one undo step.

    ops.project  new_project, open_project, save, undo, redo, restore_autosave, recent
    ops.plan     plan_brief, import_script
    ops.takes    generate, generate_missing, pick, warm_up
    ops.render   render, preview_voice
    ops.export   export, import_translations
    ops.settings current, user, save, check_readiness
    ops.wall     score
    ops.presenter make (a presenter shot lip-synced to a variant's line), model_folders
    ops.tryon    make (the brand's garment on the talent of a shot, apparel briefs), image_models
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.ui.operations.base import OpsBase, Shell
from studio.ui.operations.export import ExportOps
from studio.ui.operations.plan import PlanOps
from studio.ui.operations.presenter import PresenterOps
from studio.ui.operations.project import ProjectOps
from studio.ui.operations.render import RenderOps
from studio.ui.operations.settings import SettingsOps
from studio.ui.operations.takes import TakeOps
from studio.ui.operations.tryon import TryOnOps
from studio.ui.operations.wall import WallOps

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

__all__ = [
    "ExportOps",
    "Operations",
    "OpsBase",
    "PlanOps",
    "PresenterOps",
    "ProjectOps",
    "RenderOps",
    "SettingsOps",
    "Shell",
    "TakeOps",
    "TryOnOps",
    "WallOps",
]


class Operations:
    """Every action of the app, grouped by area; built once per window."""

    def __init__(self, shell: Shell, store: QSettings) -> None:
        self.settings = SettingsOps(shell, store)
        self.project = ProjectOps(shell, store, self.settings)
        self.plan = PlanOps(shell, self.settings)
        self.takes = TakeOps(shell, self.settings, self.project)
        self.render = RenderOps(shell, self.settings, self.project, self.takes)
        self.export = ExportOps(shell, self.settings, self.project)
        self.wall = WallOps(shell)
        self.presenter = PresenterOps(shell, self.settings, self.project)
        self.tryon = TryOnOps(shell, self.settings, self.project)
