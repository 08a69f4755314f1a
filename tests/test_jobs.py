"""The job system: states, progress, stop the running job, cancel queued jobs, typed failures."""

from __future__ import annotations

import threading
import time

import pytest

from studio.jobs import JobQueue, JobState
from studio.model import BackendError, Cancelled
from studio.model.stage import CancelToken, ProgressFn, check, report


def counting_stage(n: int, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> int:
    for i in range(n):
        check(cancel)
        report(on_progress, (i + 1) / n, f"step {i + 1}")
    return n


def test_job_runs_and_reports_progress() -> None:
    queue = JobQueue()
    seen: list[tuple[str, float]] = []
    queue.changed.connect(lambda job: seen.append((job.state.value, job.fraction)))
    job = queue.submit("count", counting_stage, 5)
    assert job.wait(10) == 5
    assert job.state is JobState.FINISHED
    fractions = [f for s, f in seen if s == "running"]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert seen[0][0] == "queued" and seen[-1][0] == "finished"
    queue.shutdown()


def test_stop_running_and_cancel_queued_are_separate() -> None:
    queue = JobQueue()
    started, release = threading.Event(), threading.Event()

    def blocking(_: object, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> str:
        started.set()
        while not release.wait(0.01):
            check(cancel)
        return "done"

    running = queue.submit("gpu 1", blocking, None, lane="gpu")
    queued = queue.submit("gpu 2", blocking, None, lane="gpu")
    assert started.wait(5)
    queue.cancel_queued()
    assert queued.state is JobState.CANCELLED
    assert running.state is JobState.RUNNING
    queue.stop_running()
    with pytest.raises(Cancelled):
        running.wait(5)
    assert running.state is JobState.CANCELLED
    queue.shutdown()


def test_failure_keeps_message_and_hint() -> None:
    queue = JobQueue()

    def failing(_: object, **_kw: object) -> None:
        raise BackendError("model folder X has no unet/", "Is it a diffusers folder?")

    job = queue.submit("fail", failing, None)
    with pytest.raises(BackendError):
        job.wait(5)
    assert job.state is JobState.FAILED
    assert job.error == "model folder X has no unet/" and job.hint == "Is it a diffusers folder?"
    queue.shutdown()


def test_stage_in_a_child_process_reports_and_returns() -> None:
    import os

    from process_stages import count

    from studio.jobs.process import call_in_process
    from studio.model import Progress

    seen: list[Progress] = []
    n, pid = call_in_process(count, 5, on_progress=seen.append)
    assert n == 5 and pid != os.getpid()
    assert seen and seen[-1].fraction == pytest.approx(1.0) and seen[-1].message == "step 5"


def test_child_process_cancel_and_errors_keep_their_type() -> None:
    from process_stages import crash, fail, report_then_crash, wait_for_cancel

    from studio.jobs.process import call_in_process
    from studio.model import StudioError

    token = CancelToken()
    threading.Timer(1.5, token.cancel).start()
    with pytest.raises(Cancelled):
        call_in_process(wait_for_cancel, None, cancel=token)
    with pytest.raises(BackendError) as info:
        call_in_process(fail, None)
    assert info.value.hint == "Is it a diffusers folder?"
    with pytest.raises(StudioError, match="exit code 3"):
        call_in_process(crash, None)
    with pytest.raises(StudioError, match="exit code 4"):
        call_in_process(report_then_crash, None)


def test_process_lane_runs_the_stage_out_of_process_and_stops_it() -> None:
    import os

    from process_stages import count, wait_for_cancel

    queue = JobQueue()
    job = queue.submit("count", count, 3, lane="process")
    n, pid = job.wait(60)
    assert n == 3 and pid != os.getpid() and job.state is JobState.FINISHED
    waiting = queue.submit("wait", wait_for_cancel, None, lane="process")
    deadline = time.monotonic() + 30
    while waiting.fraction < 0.1 and time.monotonic() < deadline:
        time.sleep(0.05)
    queue.stop(waiting)
    with pytest.raises(Cancelled):
        waiting.wait(30)
    assert waiting.state is JobState.CANCELLED
    queue.shutdown()
