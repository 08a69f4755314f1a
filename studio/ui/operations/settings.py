"""Settings actions: the creator's settings as the Qt-free `Settings` every request carries, and the readiness check.

The settings are read from QSettings again after every save, so a change saved in the dialog (an LLM endpoint
cleared, the device back on auto) is what the very next job runs with; nothing goes through os.environ.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from studio.ui.operations.base import OpsBase, Shell

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from studio.jobs import Job
    from studio.stages.settings import Settings
    from studio.ui.settings import UserSettings


class SettingsOps(OpsBase):
    def __init__(self, shell: Shell, store: QSettings) -> None:
        super().__init__(shell)
        self.store = store
        self._loaded: tuple[int, UserSettings] | None = None

    def user(self) -> UserSettings:
        """The settings as the dialog edits them (read again after any save; reading them took ~10 ms of the UI
        thread at every Generate and Render click)."""
        from studio.ui.settings import load_settings, saves

        if self._loaded is None or self._loaded[0] != saves():
            self._loaded = (saves(), load_settings(self.store))
        return copy.deepcopy(self._loaded[1])

    def current(self) -> Settings:
        """The settings the next job runs with (as last saved)."""
        from studio.ui.settings import to_settings

        return to_settings(self.user())

    def save(self, user: UserSettings) -> None:
        """Keep these settings (the dialog saves its own form; this is for scripts and tests)."""
        from studio.ui.settings import save_settings

        save_settings(user, self.store)
        self.shell.show_status("Settings saved", 4000)

    def check_readiness(self, user: UserSettings | None, show: Callable[[Any, str], None] | None = None) -> Job | None:
        """Per market of the open project: is a voice, a font and an image model ready? `show(results, error)`."""
        from studio.stages.readiness import check_readiness, readiness_request

        doc = self.doc
        if doc is None:
            if show is not None:
                show(None, "Open a project: the check looks at its markets.")
            return None
        from pathlib import Path

        s = user or self.user()
        request = readiness_request(
            doc.project,
            s.voices,
            s.image_model,
            model_folders=tuple(s.all_model_folders()),
            voice_folders=tuple(Path(f) for f in s.voice_folders),
        )

        def done(job: Job) -> None:
            if show is not None:
                show(job.result if job.state == "finished" else None, job.error)

        return self.jobs.submit("Check voices, fonts and models", check_readiness, request, on_done=done)
