"""The one job system. Every long piece of work (planning, images, voice, cut) runs as a Job.

GPU work shares one worker thread (one model on the device at a time); CPU work runs on a small pool.
Listeners subscribe to `JobQueue.changed` (psygnal); the Qt adapter re-emits it on the main thread.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from psygnal import Signal

from studio.jobs.executor import Executor, LocalExecutor
from studio.model.errors import Cancelled, StudioError
from studio.model.stage import CancelToken, Lane, Progress

__all__ = ["Job", "JobQueue", "JobState", "Lane", "StageFn", "StageSpecLike"]

StageFn = Callable[..., Any]


class StageSpecLike(Protocol):
    """What the queue reads of a stage (`studio.stages.StageSpec`): its name (the job's kind), lane and function."""

    @property
    def name(self) -> str: ...

    @property
    def lane(self) -> Lane: ...

    @property
    def run(self) -> StageFn: ...


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def done(self) -> bool:
        return self in (JobState.FINISHED, JobState.FAILED, JobState.CANCELLED)


_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    title: str
    lane: Lane
    kind: str = ""
    """Which stage this job runs ("plan", "takes", "cut"...; empty for helpers such as font loading)."""
    id: int = field(default_factory=lambda: next(_ids))
    state: JobState = JobState.QUEUED
    fraction: float = 0.0
    message: str = ""
    result: Any = None
    error: str = ""
    hint: str = ""
    notice: str = ""
    """Where it ran when that is news (a cluster that could not be reached: it ran on this machine)."""
    started: float | None = None
    ended: float | None = None
    cancel_token: CancelToken = field(default_factory=CancelToken)
    future: Future[Any] | None = field(default=None, repr=False)

    def eta_s(self) -> float | None:
        """Seconds left, extrapolated from progress so far; None until there is something to go on."""
        if self.state is not JobState.RUNNING or self.started is None or self.fraction <= 0.02:
            return None
        elapsed = time.monotonic() - self.started
        return elapsed * (1 - self.fraction) / self.fraction

    def wait(self, timeout: float | None = None) -> Any:
        """Block until done (CLI and tests); returns the result or raises the stage's error."""
        assert self.future is not None
        return self.future.result(timeout)


class JobQueue:
    changed = Signal(object)  # Job
    """Emitted from worker threads on every state or progress change."""

    def __init__(self, cpu_workers: int = 2, *, executor: Executor | None = None) -> None:
        self.executor: Executor = executor if executor is not None else LocalExecutor(cpu_workers)
        """Where stages run (this machine, or a cluster: `studio.jobs.executor`); the lanes' pools only pace them."""
        self._pools: dict[tuple[str, int], ThreadPoolExecutor] = {}
        self._jobs: list[Job] = []
        self._lock = threading.Lock()

    @property
    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs)

    def submit(self, title: str, stage: StageFn, request: Any, *, lane: Lane = "cpu", kind: str = "") -> Job:
        job = Job(title=title, lane=lane, kind=kind)
        with self._lock:
            self._jobs.append(job)
        self.changed.emit(job)
        job.future = self._pool(lane, request).submit(self._run, job, stage, request)
        return job

    def _pool(self, lane: Lane, request: Any) -> ThreadPoolExecutor:
        """The lane's pool, as wide as the executor runs that lane for this request (an executor that follows the
        settings may send one job to this machine, the next to a cluster: each width has its own pool)."""
        group = "gpu" if lane == "gpu" else "cpu"
        slots_for = getattr(self.executor, "slots_for", None)
        if slots_for is not None:
            size = slots_for(lane, request)
        else:
            size = self.executor.slots("gpu") if group == "gpu" else max(self.executor.slots(lane), 1)
        key = (group, max(1, size))
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = ThreadPoolExecutor(max_workers=key[1], thread_name_prefix=f"qm-{group}")
        return pool

    def start_threads(self, *lanes: Lane) -> None:
        """Start these lanes' worker threads now, not at the first job: starting a thread waits until it runs, which
        while other threads held the GIL took the UI thread ~15 ms at a creator's first Generate click."""
        for lane in lanes:
            pool = self._pool(lane, None)
            width = pool._max_workers  # the pool's own width (one start per thread it may run)
            gate = threading.Barrier(width, timeout=5)

            def started(gate: threading.Barrier = gate) -> None:
                with contextlib.suppress(threading.BrokenBarrierError):
                    gate.wait()  # each thread waits for the others, so every submit below starts a new thread

            for _ in range(width):
                pool.submit(started)

    def submit_stage(self, spec: StageSpecLike, request: Any, *, title: str = "") -> Job:
        """Queue a stage on the lane it declares; the job's kind is the stage's name."""
        return self.submit(title or spec.name.capitalize(), spec.run, request, lane=spec.lane, kind=spec.name)

    def _run(self, job: Job, stage: StageFn, request: Any) -> Any:
        if job.cancel_token.cancelled:
            self._finish(job, JobState.CANCELLED, message="Cancelled before it started.")
            raise Cancelled()
        job.state = JobState.RUNNING
        job.started = time.monotonic()
        self.changed.emit(job)

        def on_progress(p: Progress) -> None:
            job.fraction, job.message = p.fraction, p.message
            self.changed.emit(job)

        def notice(message: str) -> None:  # the executor's word to the creator (a cluster fell back to local...)
            job.notice = message
            job.message = message
            self.changed.emit(job)

        try:
            result = self.executor.call(
                stage,
                request,
                lane=job.lane,
                kind=job.kind,
                on_progress=on_progress,
                cancel=job.cancel_token,
                notice=notice,
            )
        except Cancelled:
            self._finish(job, JobState.CANCELLED, message="Stopped.")
            raise
        except StudioError as e:
            job.error, job.hint = e.message, e.hint
            self._finish(job, JobState.FAILED, message=e.message)
            raise
        except Exception as e:
            job.error = f"{type(e).__name__}: {e}"
            job.hint = "This is a bug in Qianmian Studio; the details are in the log."
            traceback.print_exc()
            self._finish(job, JobState.FAILED, message=job.error)
            raise
        job.result = result
        job.fraction = 1.0
        self._finish(job, JobState.FINISHED, message="Done.")
        return result

    def _finish(self, job: Job, state: JobState, message: str) -> None:
        job.state, job.message, job.ended = state, message, time.monotonic()
        self.changed.emit(job)

    def stop(self, job: Job) -> None:
        """Stop one job: a running job stops at its next check; a queued one never starts."""
        job.cancel_token.cancel()
        if job.state is JobState.QUEUED and job.future is not None and job.future.cancel():
            self._finish(job, JobState.CANCELLED, message="Cancelled before it started.")

    def stop_running(self) -> None:
        for job in self.jobs:
            if job.state is JobState.RUNNING:
                self.stop(job)

    def cancel_queued(self) -> None:
        for job in self.jobs:
            if job.state is JobState.QUEUED:
                self.stop(job)

    def shutdown(self, wait: bool = True) -> None:
        self.cancel_queued()
        self.stop_running()
        with self._lock:
            pools = list(self._pools.values())
        for pool in pools:
            pool.shutdown(wait=wait)
        if wait:
            self.executor.close()
