"""Background jobs in the window: progress on the main thread, Stop (running) apart from Cancel (queued), failures
shown in the dock and as a notification, never a modal dialog."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.jobs import JobState
from studio.model import BackendError
from studio.model.stage import check, report


def slow(request, *, on_progress=None, cancel=None):
    for i in range(request):
        check(cancel)
        report(on_progress, i / request, f"step {i}")
        time.sleep(0.01)
    return request


def chatty(request, *, on_progress=None, cancel=None):
    """Thousands of progress reports in a burst: the adapter must not queue one UI event per report."""
    for i in range(request):
        report(on_progress, i / request, "")
    return "done"


def broken(request, *, on_progress=None, cancel=None):
    report(on_progress, 0.3, "loading the model")
    raise BackendError(
        "Model folder /models/x has no unet/.", "Is it a diffusers folder? Pick the folder that holds model_index.json."
    )


@pytest.fixture
def window(qtbot):
    from studio.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.jobs.shutdown()


def test_adapter_delivers_on_the_main_thread_and_coalesces(window, qtbot):
    jobs = window.jobs
    seen_threads: set[str] = set()
    changes: list[float] = []
    done: list[str] = []

    def on_change(job):
        seen_threads.add(threading.current_thread().name)
        changes.append(job.fraction)

    jobs.job_changed.connect(on_change)
    jobs.job_done.connect(lambda job: done.append(job.state.value))
    finished = []
    job = jobs.submit("Chatty", chatty, 20_000, on_done=lambda j: finished.append(threading.current_thread()))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    qtbot.wait(50)
    assert job.state is JobState.FINISHED and job.result == "done"
    assert done == ["finished"], "job_done fires once per job"
    assert finished == [threading.main_thread()]
    assert seen_threads == {threading.main_thread().name}
    assert 1 <= len(changes) < 2_000, f"{len(changes)} UI updates for 20000 reports"


def test_stop_running_and_cancel_queued_are_separate(window, qtbot, test_output):
    first = window.ops.project.run_job("Images for s1", slow, 2_000, lane="gpu")
    second = window.ops.project.run_job("Images for s2", slow, 2_000, lane="gpu")
    third = window.ops.project.run_job("Images for s3", slow, 2_000, lane="gpu")
    dock = window.jobs_dock
    qtbot.waitUntil(lambda: first.state is JobState.RUNNING and first.fraction > 0, timeout=10_000)
    qtbot.waitUntil(lambda: dock.cancel_button.isEnabled() and dock.stop_button.isEnabled(), timeout=5_000)
    assert dock.model.rowCount() == 3
    assert "2 waiting" in dock.summary.text()
    (test_output / "ui").mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(test_output / "ui" / "jobs-dock-running-and-queued.png"))

    qtbot.mouseClick(dock.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.state is JobState.CANCELLED and third.state is JobState.CANCELLED, timeout=5_000)
    assert first.state is JobState.RUNNING, "Cancel queued leaves the running job alone"
    qtbot.waitUntil(lambda: not dock.cancel_button.isEnabled(), timeout=5_000)

    qtbot.mouseClick(dock.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.state is JobState.CANCELLED, timeout=10_000)
    qtbot.waitUntil(lambda: not dock.stop_button.isEnabled(), timeout=5_000)
    states = [dock.model.data(dock.model.index(r, 1)) for r in range(3)]
    assert states == ["Cancelled"] * 3
    assert first.fraction < 1

    # the queue is usable again after stopping
    again = window.ops.project.run_job("Images for s1", slow, 5, lane="gpu")
    qtbot.waitUntil(lambda: again.state is JobState.FINISHED, timeout=10_000)


def test_a_failure_reaches_the_dock_and_a_notification_with_what_to_do(window, qtbot, test_output):
    job = window.ops.project.run_job("Images for s1", broken, None, lane="gpu")
    qtbot.waitUntil(lambda: job.state is JobState.FAILED, timeout=10_000)
    qtbot.waitUntil(lambda: window.notifications.isVisible(), timeout=5_000)
    assert QApplication.activeModalWidget() is None
    dock = window.jobs_dock
    message = dock.model.data(dock.model.index(0, 4))
    assert "has no unet" in message and "model_index.json" in message
    assert "model_index.json" in dock.model.data(dock.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    title, text = window.notifications.history[-1]
    assert title == "Images for s1 failed"
    assert "Pick the folder" in text
    (test_output / "ui").mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(test_output / "ui" / "job-failed-notification.png"))


def test_nothing_is_modal_while_a_job_runs(window, qtbot):
    job = window.ops.project.run_job("Long", slow, 1_000)
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING, timeout=5_000)
    window.go_to(3)
    window.show_settings()
    assert QApplication.activeModalWidget() is None
    assert window.steps.currentRow() == 3 and window.stack.currentWidget() is window.welcome
    window.jobs.stop_running()
    qtbot.waitUntil(lambda: job.state is JobState.CANCELLED, timeout=5_000)


def test_a_diffusion_model_loads_in_the_background_when_its_project_opens(window, qtbot, tmp_path):
    from studio import paths
    from studio.model import ProjectStore, load_brief
    from studio.planning import plan_project

    project = plan_project(load_brief(paths.sample_brief()), name="demo")
    project.settings.image_model = "no-such-model"
    ProjectStore(tmp_path / "demo").create(project)
    assert window.ops.project.open_project(tmp_path / "demo")  # opening does not wait for the model
    job = next(j for j in window.jobs.jobs if j.title == "Load image model no-such-model")
    qtbot.waitUntil(lambda: job.state is JobState.FAILED, timeout=30_000)
    qtbot.waitUntil(window.notifications.isVisible, timeout=5_000)
    title, text = window.notifications.history[-1]
    assert "no-such-model" in title + text and job.hint
