"""Project actions: new, open, save, undo, redo, recover; and the list of recent projects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.ui.operations.base import OpsBase, Shell, _studio_error

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from studio.jobs import Job
    from studio.model import Brief
    from studio.ui.operations.settings import SettingsOps

MAX_RECENT = 8


class ProjectOps(OpsBase):
    def __init__(self, shell: Shell, store: QSettings, settings: SettingsOps) -> None:
        super().__init__(shell)
        self.store = store
        self.settings = settings

    def new_project(self, folder: str | Path, brief: Brief | None = None) -> bool:
        """A project folder with a starter brief (or the one given), with the creator's voices and image model."""
        from studio.model import Project, ProjectSettings, ProjectStore
        from studio.model.ids import file_safe_name
        from studio.ui.brief_page import starter_brief

        store = ProjectStore(folder)
        if store.exists():
            self.notify("That folder already holds a project", f"{store.root} was opened instead; nothing was changed.")
            return self.open_project(folder)
        user = self.settings.current()
        defaults = ProjectSettings(image_model=user.image_model or "procedural", voices=dict(user.voices))
        try:
            name = file_safe_name(Path(folder).name)
            store.create(Project(name=name, brief=brief or starter_brief(), settings=defaults))
        except _studio_error() as e:
            self.notify("Could not create the project", str(e))
            return False
        ok = self.open_project(folder)
        self.shell.go_to(0)
        return ok

    def open_project(self, folder: str | Path) -> bool:
        from studio.ui.document import ProjectDocument

        try:
            doc = ProjectDocument.open(folder, None)
        except _studio_error() as e:
            self.notify("Could not open the project", str(e))
            return False
        self.remember(doc.root)
        doc.write_later = self._write_later
        self.shell.set_document(doc)
        return True

    def _write_later(self, snapshot: Any, then: Callable[[], None] | None = None) -> None:
        """A snapshot written by a job (`studio.ui.document.write_snapshot`): the window never waits on the disk.
        `then` runs once it is written (or failed)."""
        from studio.ui.document import write_snapshot

        doc = self.doc

        def ended(job: Job) -> None:
            if then is not None:
                then()
            if self.doc is not doc or doc is None:
                return
            if job.state == "finished" and snapshot.path == doc.store.project_file:
                doc.saved_to_disk()
            elif job.state == "failed":
                if snapshot.path == doc.store.project_file:
                    doc.undo_stack.resetClean()
                self.notify("Could not save", f"{job.error}\n{job.hint}".strip())

        self.jobs.submit("Save", write_snapshot, snapshot, lane="cpu", kind="save", on_done=ended, quiet=True)

    def close_project(self) -> None:
        self.shell.set_document(None)

    def save(self, *, background: bool = False, then: Callable[[], None] | None = None) -> bool:
        """Save now; `background`: take the project now and write it as a job (a chain's end, while jobs run),
        then call `then` (at once when saved now)."""
        doc = self.doc
        if doc is None:
            return False
        if background and doc.write_later is not None:
            self._write_later(doc.snapshot(), then)
            return True
        if then is not None:
            try:
                return self.save()
            finally:
                then()
        try:
            doc.save()
        except _studio_error() as e:
            self.notify("Could not save", str(e))
            return False
        self.shell.show_status(f"Saved {doc.store.project_file}", 4000)
        return True

    def undo(self) -> None:
        if self.doc is not None:
            self.doc.undo_stack.undo()

    def redo(self) -> None:
        if self.doc is not None:
            self.doc.undo_stack.redo()

    def restore_autosave(self) -> None:
        if self.doc is not None:
            self.doc.restore_autosave()

    def discard_autosave(self) -> None:
        if self.doc is not None:
            self.doc.discard_autosave()

    # --- recent projects ------------------------------------------------------------------------------------------

    def recent(self) -> list[str]:
        value: Any = self.store.value("recentProjects", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def remember(self, folder: Path) -> None:
        items = [str(folder)] + [p for p in self.recent() if p != str(folder)]
        self.store.setValue("recentProjects", items[:MAX_RECENT])

    def edit_brand(self, edits: Any) -> None:
        """Import the brand kit's new files in the background (cutouts take a few seconds); the kit that comes back
        is one undo step."""
        doc = self.doc
        if doc is None:
            return
        from studio.planning.brand import BrandEditRequest, edit_brand_stage

        def apply(kit: Any) -> None:
            def change(p: Any) -> None:
                p.brief.brand_kit = kit

            if self.doc is doc:
                doc.edit("Edit brand kit", ("brief",), change)

        request = BrandEditRequest(doc.project.model_copy(deep=True), doc.root, edits)
        self.run_job("Brand kit", edit_brand_stage, request, kind="brand", on_success=apply)
