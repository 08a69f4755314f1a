"""The one bridge between the job queue (worker threads, psygnal) and the widgets (main thread, Qt signals)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from studio.jobs import Job, JobQueue, JobState


class QtJobs(QObject):
    """Owns the app's JobQueue and re-emits its changes on the main thread.

    Worker threads only record which jobs changed and post one queued relay; a burst of progress reports from a
    fast stage becomes a single update per event-loop turn, so the queue of events never floods the UI.
    `job_done` fires once per job when it reaches a final state; results are merged by the caller's `on_done`.
    """

    job_changed = Signal(object)  # Job
    job_added = Signal(object)  # Job
    job_done = Signal(object)  # Job (finished, failed or cancelled)
    job_failed = Signal(object)  # Job
    _relay = Signal()

    def __init__(self, queue: JobQueue | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue or JobQueue()
        self._lock = threading.Lock()
        self._pending: dict[int, Job] = {}
        self._seen: set[int] = set()
        self._reported: set[int] = set()
        self._callbacks: dict[int, Callable[[Job], None]] = {}
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.queue.changed.connect(self._on_changed)

    @property
    def jobs(self) -> list[Job]:
        return self.queue.jobs

    def _on_changed(self, job: Job) -> None:
        """Any thread: remember the job and post one relay if none is waiting."""
        with self._lock:
            first = not self._pending
            self._pending[job.id] = job
        if first:
            self._relay.emit()

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
                if job.state is JobState.FAILED:
                    self.job_failed.emit(job)
                self.job_done.emit(job)

    def submit(
        self,
        title: str,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: str = "cpu",
        on_done: Callable[[Job], None] | None = None,
    ) -> Job:
        """Queue a stage; `on_done(job)` runs on the main thread when it ends (any final state)."""
        job = self.queue.submit(title, stage, request, lane=lane)  # type: ignore[arg-type]
        if on_done is not None:
            with self._lock:
                self._callbacks[job.id] = on_done
            if job.state.done:  # finished before the callback was registered: deliver again
                self._on_changed(job)
        return job

    def running(self) -> list[Job]:
        return [j for j in self.queue.jobs if j.state is JobState.RUNNING]

    def queued(self) -> list[Job]:
        return [j for j in self.queue.jobs if j.state is JobState.QUEUED]

    def busy(self) -> bool:
        return any(not j.state.done for j in self.queue.jobs)

    def settled(self) -> bool:
        """Every job has ended and its end was handled on the main thread (results merged)."""
        return all(j.state.done and j.id in self._reported for j in self.queue.jobs)

    def stop_running(self) -> None:
        self.queue.stop_running()

    def cancel_queued(self) -> None:
        self.queue.cancel_queued()

    def stop(self, job: Job) -> None:
        self.queue.stop(job)

    def shutdown(self) -> None:
        self.queue.changed.disconnect(self._on_changed)
        self.queue.shutdown(wait=True)
