"""The one bridge between the job queue (worker threads, psygnal) and the widgets (main thread, Qt signals)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

if TYPE_CHECKING:  # the queue (and the schema behind it) loads on first use, after the window is up
    from studio.jobs import Job, JobQueue


class QtJobs(QObject):
    """Owns the app's JobQueue and re-emits its changes on the main thread.

    Worker threads only record which jobs changed and post one queued relay; the main thread then delivers what
    changed at most every `INTERVAL_MS`, so a burst of progress reports from a fast stage costs the UI one update,
    and the event loop never floods.
    `job_done` fires once per job when it reaches a final state; results are merged by the caller's `on_done`.
    """

    job_changed = Signal(object)  # Job
    job_added = Signal(object)  # Job
    job_done = Signal(object)  # Job (finished, failed or cancelled)
    job_failed = Signal(object)  # Job
    _relay = Signal()
    INTERVAL_MS = 40

    def __init__(self, queue: JobQueue | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._lock = threading.Lock()
        self._pending: dict[int, Job] = {}
        self._seen: set[int] = set()
        self._reported: set[int] = set()
        self._callbacks: dict[int, Callable[[Job], None]] = {}
        self._quiet: set[int] = set()
        self._stopping: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._deliver)
        self._relay.connect(self._schedule, Qt.ConnectionType.QueuedConnection)
        if queue is not None:
            queue.changed.connect(self._on_changed)

    @property
    def queue(self) -> JobQueue:
        if self._queue is None:
            from studio.jobs import JobQueue
            from studio.jobs.executor import FollowSettings

            self._queue = JobQueue(executor=FollowSettings())  # this machine, or the cluster Compute names
            self._queue.changed.connect(self._on_changed)
        return self._queue

    @property
    def jobs(self) -> list[Job]:
        return self._queue.jobs if self._queue is not None else []

    def _on_changed(self, job: Job) -> None:
        """Any thread: remember the job and post one relay if none is waiting."""
        with self._lock:
            first = not self._pending
            self._pending[job.id] = job
        if first:
            self._relay.emit()

    @Slot()
    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            batch = list(self._pending.values())
            self._pending.clear()
        for job in batch:
            if job.id not in self._seen:
                self._seen.add(job.id)
                self.job_added.emit(job)
            self.job_changed.emit(job)
            if not job.state.done:
                continue
            callback = self._callbacks.pop(job.id, None)
            if callback is not None:
                callback(job)
            if job.id not in self._reported:
                self._reported.add(job.id)
                if job.state == "failed" and job.id not in self._quiet:
                    self.job_failed.emit(job)
                self.job_done.emit(job)

    def submit(
        self,
        title: str,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: str = "cpu",
        kind: str = "",
        on_done: Callable[[Job], None] | None = None,
        quiet: bool = False,
    ) -> Job:
        """Queue a stage; `on_done(job)` runs on the main thread when it ends (any final state).

        `kind` names the stage the job runs ("plan", "takes", "cut", "export"…; the jobs dock can group by it).
        A quiet job (thumbnails, fonts) is housekeeping: it is not listed in the dock and its failure is not
        announced; its `on_done` still runs.
        """
        job = self.queue.submit(title, stage, request, lane=lane, kind=kind)  # type: ignore[arg-type]
        if quiet:
            self._quiet.add(job.id)
        if on_done is not None:
            with self._lock:
                self._callbacks[job.id] = on_done
            if job.state.done:  # finished before the callback was registered: deliver again
                self._on_changed(job)
        return job

    def is_quiet(self, job: Job) -> bool:
        return job.id in self._quiet

    def running(self) -> list[Job]:
        return [j for j in self.jobs if j.state == "running" and j.id not in self._quiet]

    def queued(self) -> list[Job]:
        return [j for j in self.jobs if j.state == "queued" and j.id not in self._quiet]

    def busy(self) -> bool:
        return any(not j.state.done for j in self.jobs)

    def settled(self) -> bool:
        """Every job has ended and its end was handled on the main thread (results merged)."""
        return all(j.state.done and j.id in self._reported for j in self.jobs)

    def is_stopping(self, job: Job) -> bool:
        """Stop was asked and the job has not ended yet (it stops at its next safe point, which takes a moment)."""
        return job.id in self._stopping and not job.state.done

    def _mark_stopping(self, jobs: list[Job]) -> None:
        for job in jobs:
            self._stopping.add(job.id)
            self.job_changed.emit(job)  # at once: the dock and status bar say "Stopping…" before the job ends

    def stop_running(self) -> None:
        if self._queue is not None:
            running = [j for j in self.jobs if j.state == "running"]
            self._queue.stop_running()
            self._mark_stopping(running)

    def cancel_queued(self) -> None:
        if self._queue is not None:
            self._queue.cancel_queued()

    def stop(self, job: Job) -> None:
        self.queue.stop(job)
        if job.state == "running":
            self._mark_stopping([job])

    def shutdown(self) -> None:
        if self._queue is not None:
            self._queue.changed.disconnect(self._on_changed)
            self._queue.shutdown(wait=True)
            self._queue = None
