"""How responsive the studio window stays while the machine works, and how fast it opens.

Method
- startup_s: wall time from launching a fresh `python` process to the main window's first frame on screen
  (the child prints when the window is exposed; interpreter start-up is included, as a creator would feel it).
  The child also reports whether torch, diffusers or moviepy were imported by then (they must not be).
- max_stall_ms: a 5 ms QTimer runs on the UI thread; a stall is how much later than due a tick arrives. It is
  recorded while the window drives, through the real JobQueue and Qt adapter, an image generation for every
  shot of every variant of the sample project and then a render of all variants (quick preview size), with the
  result merges, saves and page refreshes that follow. The same timer is run for as long on an idle window as
  the in-process reference; the ratio says how much the background work costs the event loop.

Each of the worst stalls says how much of it the UI thread spent computing (thread CPU time): the rest it waited
for the GIL or for a core (the machine's other work, the render's own processes), which the histogram of late ticks
and the idle reference help tell apart.

Goals (issue 15): startup ≤ 1.0 s, max stall ≤ 33 ms (two frames at 60 Hz).
Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_latency.py [--full-size]`
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from studio.app import configure_runtime
configure_runtime()
app = QApplication(sys.argv)
from studio.ui.main_window import MainWindow
from studio.ui.theme import follow_system_theme
follow_system_theme(app)
w = MainWindow()

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            heavy = [m for m in ("torch", "diffusers", "moviepy", "transformers") if m in sys.modules]
            print(f"SHOWN {time.perf_counter() - t0:.3f} heavy={','.join(heavy) or 'none'}", flush=True)
            QTimer.singleShot(0, app.quit)
        return False

probe = FirstPaint()
w.centralWidget().installEventFilter(probe)
w.show()
app.exec()
"""


def measure_startup(runs: int = 3) -> tuple[float, str]:
    """Best of `runs` cold launches (the first also warms the OS file cache, as a second launch would)."""
    best, heavy = float("inf"), ""
    env = {**os.environ, "QIANMIAN_HOME": tempfile.mkdtemp(prefix="qm-bench-home-")}
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        ).stdout
        elapsed = time.perf_counter() - start
        line = next(x for x in out.splitlines() if x.startswith("SHOWN"))
        heavy = line.split("heavy=")[1]
        best = min(best, elapsed)
    return best, heavy


class StallMeter:
    """Ticks every `interval_ms` on the UI thread and records how late each tick is."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval = interval_ms / 1000
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.lates: list[float] = []
        self.times: list[float] = []
        self.own: list[float] = []
        """Per tick: how much of the wait the UI thread spent computing (the rest it was preempted or waited for
        the GIL), so a stall can be told apart: our code on the UI thread, or the machine being busy."""
        self._last = 0.0
        self._last_cpu = 0.0
        self._start = 0.0

    def start(self) -> None:
        self.lates.clear()
        self.times.clear()
        self.own.clear()
        self._last = self._start = time.perf_counter()
        self._last_cpu = time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.lates.append(max(0.0, now - self._last - self.interval))
        self.times.append(now - self._start)
        self.own.append(cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu

    def worst(self, n: int = 5) -> list[tuple[float, float, float]]:
        """The n longest stalls as (seconds since start, ms late, ms the UI thread computed meanwhile)."""
        rows = zip(self.times, (1000 * x for x in self.lates), (1000 * x for x in self.own), strict=True)
        return sorted(rows, key=lambda p: -p[1])[:n]

    def histogram(self) -> str:
        """How many ticks were late by each range of ms (the shape says whether a few long stalls or many)."""
        edges = (8, 16, 33, 50, 100, 200)
        counts = [sum(1 for x in self.lates if lo <= 1000 * x < hi) for lo, hi in itertools.pairwise((*edges, 1e9))]
        return ", ".join(f"≥{lo} ms: {c}" for lo, c in zip(edges, counts, strict=True) if c)

    def max_own_ms(self) -> float:
        """The longest the UI thread computed between two ticks: the part of a stall this code controls."""
        return 1000 * max(self.own, default=0.0)

    def max_ms(self) -> float:
        return 1000 * max(self.lates, default=0.0)

    def p99_ms(self) -> float:
        if not self.lates:
            return 0.0
        ordered = sorted(self.lates)
        return 1000 * ordered[int(0.99 * (len(ordered) - 1))]


def spin(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def run_until(app, done, timeout: float) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the jobs did not finish in time")
        app.processEvents()
        time.sleep(0.001)


def measure_stalls(full_size: bool) -> dict[str, float]:
    os.environ.setdefault("QIANMIAN_HOME", tempfile.mkdtemp(prefix="qm-bench-home-"))
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from studio import paths
    from studio.app import configure_runtime

    configure_runtime()
    from studio.model import ProjectStore, load_brief
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    folder = Path(tempfile.mkdtemp(prefix="qm-bench-")) / "demo"
    ProjectStore(folder).create(plan_project(load_brief(paths.sample_brief()), name="demo"))
    window = MainWindow()
    window.show()
    window.ops.project.open_project(folder)
    spin(app, 0.5)
    meter = StallMeter()

    project = window.doc.project
    shots = tuple(s.id for s in project.storyboard.shots)
    started = time.perf_counter()
    meter.start()
    window.go_to(4)
    window.ops.takes.generate(variant_ids=tuple(v.id for v in project.variants), shot_ids=shots, candidates=1)
    run_until(app, window.jobs.settled, 600)
    generation_s = time.perf_counter() - started
    window.go_to(5)
    window.ops.render.render(scale=1.0 if full_size else 1 / 3)
    run_until(app, window.jobs.settled, 1200)
    busy_s = time.perf_counter() - started
    meter.stop()
    failed = [j for j in window.jobs.jobs if j.state.value == "failed"]
    if failed:
        raise RuntimeError(f"{failed[0].title}: {failed[0].error}")
    busy = {"max": meter.max_ms(), "p99": meter.p99_ms(), "ticks": len(meter.lates), "own": meter.max_own_ms()}
    worst = ", ".join(f"{ms:.0f} ms at {t:.1f} s (UI thread computing {own:.0f} ms)" for t, ms, own in meter.worst())
    print(f"worst stalls: {worst} (images done at {generation_s:.1f} s)")
    print(f"late ticks: {meter.histogram() or 'none ≥ 8 ms'}")

    meter.start()
    spin(app, min(busy_s, 10.0))
    meter.stop()
    idle = {"max": meter.max_ms(), "p99": meter.p99_ms()}
    videos = len([d for d in window.doc.project.deliverables if d.kind == "video"])
    window.doc.undo_stack.setClean()
    window.close()  # stops the job queue; Qt objects go before the interpreter finalizes
    window.deleteLater()
    meter.timer.deleteLater()
    app.processEvents()
    return {
        "busy_max": busy["max"],
        "busy_p99": busy["p99"],
        "busy_own": busy["own"],
        "idle_max": idle["max"],
        "idle_p99": idle["p99"],
        "generation_s": generation_s,
        "busy_s": busy_s,
        "ticks": busy["ticks"],
        "videos": videos,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-size", action="store_true", help="render full-size deliverables, not previews")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} (other work on the machine shows as stalls too)")
    startup, heavy = measure_startup()
    print(f"startup: {startup:.2f} s to the first frame (goal 1.0 s); heavy modules loaded by then: {heavy}")
    r = measure_stalls(args.full_size)
    print(
        f"work: images for every shot in {r['generation_s']:.1f} s, then {r['videos']} videos; "
        f"{r['busy_s']:.1f} s busy, {r['ticks']:.0f} timer ticks"
    )
    print(f"event loop while busy: max stall {r['busy_max']:.1f} ms, p99 {r['busy_p99']:.1f} ms")
    print(f"UI thread's longest stretch of its own work between two ticks: {r['busy_own']:.1f} ms")
    print(f"event loop idle (reference): max stall {r['idle_max']:.1f} ms, p99 {r['idle_p99']:.1f} ms")
    ratio = r["busy_p99"] / max(r["idle_p99"], 0.1)
    print(f"p99 stall busy / idle = {ratio:.1f}x (goal for max stall: 33 ms)")
    print(f"max_stall_ms={r['busy_max']:.1f} startup_s={startup:.2f}")


if __name__ == "__main__":
    main()
