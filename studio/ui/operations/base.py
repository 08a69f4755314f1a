"""What every operation shares: the shell it acts in, running a stage as a job, applying an outcome as one undo step.

An operation is one user action (Plan, Generate takes, Render, Export…). It builds the stage's request from the
open project and the settings, submits it to the one job queue, and on the main thread applies the outcome into
the *current* project by key, as one undoable step. Widgets never start threads and never merge results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from studio.jobs import Job
    from studio.model import Project
    from studio.ui.document import ProjectDocument
    from studio.ui.jobs_adapter import QtJobs


class Shell(Protocol):
    """What operations need from the window around them (a test may pass a stand-in)."""

    doc: ProjectDocument | None
    jobs: QtJobs

    def notify(self, title: str, text: str, actions: Any = ()) -> None: ...

    def show_status(self, text: str, ms: int = 4000) -> None: ...

    def go_to(self, index: int) -> None: ...

    def set_document(self, doc: ProjectDocument | None) -> None: ...


def _studio_error() -> type[Exception]:
    from studio.model import StudioError

    return StudioError


def deep_copy(value: Any) -> Any:
    """`studio.ui.document.deep_copy` (a project copied for a job or a merge), loaded with the schema on first use."""
    from studio.ui.document import deep_copy as copy_

    return copy_(value)


def importable(fn: Callable[..., Any]) -> bool:
    """A child process can run it (a module-level function, found again by name); a test's local stand-in cannot."""
    qualname = getattr(fn, "__qualname__", "<locals>")
    return "<locals>" not in qualname and "<lambda>" not in qualname


def changed_parts(before: Project, after: Project) -> tuple[str, ...]:
    """The top-level parts of the project that differ (what an undo step must record)."""
    return tuple(p for p in type(before).model_fields if getattr(before, p) != getattr(after, p))


class OpsBase:
    """Runs stages as jobs for the open document; subclasses add one method per user action."""

    def __init__(self, shell: Shell) -> None:
        self.shell = shell

    @property
    def doc(self) -> ProjectDocument | None:
        return self.shell.doc

    @property
    def jobs(self) -> QtJobs:
        return self.shell.jobs

    def notify(self, title: str, text: str) -> None:
        self.shell.notify(title, text)

    def run_job(
        self,
        title: str,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: str = "cpu",
        kind: str = "",
        on_success: Callable[[Any], None] | None = None,
        on_end: Callable[[Job], None] | None = None,
    ) -> Job:
        """Queue a stage; `on_success(result)` runs on the main thread. Failures reach the jobs dock.

        `on_end(job)` runs after any final state (finished, failed, cancelled), e.g. to go on with a chain.
        """

        def done(job: Job) -> None:
            if job.state == "finished" and on_success is not None:
                try:
                    on_success(job.result)
                except _studio_error() as e:
                    self.notify(f"{title}: the result could not be used", str(e))
            elif job.state == "cancelled":
                self.shell.show_status(f"{title}: stopped", 4000)
            if on_end is not None:
                on_end(job)

        return self.jobs.submit(title, stage, request, lane=lane, kind=kind, on_done=done)

    def for_this_document(self, merge: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a result merge so a job that ends after another project was opened changes nothing."""
        doc = self.doc

        def guarded(result: Any) -> None:
            if self.doc is doc and doc is not None:
                merge(result)
            else:
                self.notify("A job finished for a project that is no longer open", "Its files are on disk; reopen it.")

        return guarded

    def apply(
        self,
        text: str,
        apply: Callable[[Project, Any], Project],
        outcome: Any,
        *,
        merge_key: str = "",
        parts: tuple[str, ...] = (),
    ) -> tuple[str, ...]:
        """Merge a stage's outcome into the current project as one undo step; returns the parts it changed.

        `apply(project, outcome) -> project` is the stage's pure merge (by key): it sees a copy of the project as it
        is now, with every edit the creator made while the job ran, and what it returns replaces only the parts that
        differ. Steps of one chain (a render's takes and cuts) pass the same `merge_key` and `parts`: consecutive
        steps then fold into one undo step.
        """
        doc = self.doc
        if doc is None:
            return ()
        merged = apply(deep_copy(doc.project), outcome)
        changed = changed_parts(doc.project, merged)
        if not changed:
            return ()
        parts = tuple(dict.fromkeys((*parts, *changed)))
        # `merged` was validated as the stage's merge built it, and is this call's own: its parts replace the
        # project's without the per-part validation and copies an edit in place needs (both ran on the UI thread
        # while the render's later steps still ran).
        doc.replace(text, {part: getattr(merged, part) for part in parts}, merge_key=merge_key)
        return parts
