"""Killing, interrupting and starving the app (issue 11): workers die with it, Ctrl-C stops cleanly with exit 130,
a full disk is said plainly, and a SIGKILL at any moment of a save or render loses nothing.

These start real processes and renders, so they are in the slow tier (a few minutes in all on two cores).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from render_project import build_project

from studio.model import ProjectStore

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and groups")]

RENDER_SCRIPT = """
import sys
from pathlib import Path
from studio.workflow import RenderRequest, render
print("rendering", flush=True)
render(RenderRequest(project_dir=Path(sys.argv[1]), scale=float(sys.argv[2])))
print("done", flush=True)
"""

SAVE_SCRIPT = """
import sys
from pathlib import Path
from studio.model import ProjectStore, Insight
store = ProjectStore(Path(sys.argv[1]))
project = store.load()
print("saving", flush=True)
n = 0
while True:
    n += 1
    project.insights.append(Insight(id=f"i-kill-{n}", kind="need", text="x" * 2000))
    if len(project.insights) > 40:
        del project.insights[:20]
    store.save(project)
    store.autosave(project)
"""


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["TMPDIR"] = str(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    return env


def _descendants(pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        return psutil.Process(pid).children(recursive=True)
    return []


def _wait_for(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for p in procs:
        with contextlib.suppress(psutil.Error):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
    return alive


def _kill_all(procs: list[psutil.Process]) -> None:
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.kill()


def _start_render(root: Path, tmp: Path, *, cli: bool) -> subprocess.Popen:
    cmd = (
        [sys.executable, "-m", "studio.cli", "--quiet", "render", str(root)]
        if cli
        else [sys.executable, "-c", RENDER_SCRIPT, str(root), "0.25"]
    )
    return subprocess.Popen(
        cmd, cwd=ROOT, env=_env(tmp), stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def _wait_for_worker(proc: subprocess.Popen, timeout: float = 120) -> list[psutil.Process]:
    """The render's worker process (a python child) once it exists."""
    found: list[psutil.Process] = []

    def worker() -> bool:
        found[:] = [p for p in _descendants(proc.pid) if "python" in p.name().lower()]
        return bool(found) or proc.poll() is not None

    assert _wait_for(worker, timeout), "no render worker started"
    return found


def _leftovers(*folders: Path) -> list[Path]:
    return [p for f in folders if f.is_dir() for p in f.iterdir() if "qmtmp" in p.name or p.name.startswith("qm-cut")]


def test_killing_the_app_ends_its_render_workers(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p", duration_s=20.0)
    proc = _start_render(store.root, tmp_path / "tmp", cli=True)
    try:
        _wait_for_worker(proc)
        time.sleep(2.0)
        family = _descendants(proc.pid)
        assert proc.poll() is None, "the render ended before the kill"
        proc.kill()  # the app only: its worker and the worker's ffmpeg must follow
        proc.wait(10)
        assert _wait_for(lambda: not _alive(family), 8.0), f"still running: {_alive(family)}"
    finally:
        _kill_all(_descendants(proc.pid))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    ProjectStore(store.root).load()  # the next start sweeps what the kill left
    import tempfile

    from studio.model.safe_paths import sweep_cut_dirs

    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp_path / "tmp")
    try:
        sweep_cut_dirs()
    finally:
        tempfile.tempdir = saved
    assert _leftovers(store.root, store.renders, store.assets, tmp_path / "tmp") == []


@pytest.mark.parametrize("when", ["worker-starting", "encoding"])
def test_ctrl_c_to_the_process_group_stops_cleanly_with_exit_130(tmp_path: Path, when: str) -> None:
    store = build_project(tmp_path / "p", duration_s=20.0)
    proc = _start_render(store.root, tmp_path / "tmp", cli=True)
    try:
        _wait_for_worker(proc)
        if when == "encoding":  # ffmpeg is running: the voice is made and frames are being encoded
            assert _wait_for(lambda: any("ffmpeg" in p.name() for p in _descendants(proc.pid)), 120)
            time.sleep(0.5)
        assert proc.poll() is None
        family = _descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C: the whole foreground group
        _out, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    text = err.decode(errors="replace")
    assert proc.returncode == 130, text[-2000:]
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-2000:]
    assert "Stopped by Ctrl-C" in text
    assert _wait_for(lambda: not _alive(family), 5.0)
    assert _leftovers(store.root, store.renders, store.assets, tmp_path / "tmp") == []
    ProjectStore(store.root).load()


def _mount_small_disk(path: Path, size: str) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return False
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def test_full_disk_render_and_export_say_so_and_leave_no_partial_files(tmp_path: Path) -> None:
    small = tmp_path / "small"
    if not _mount_small_disk(small, "1536k"):
        pytest.skip("mounting a small tmpfs needs root on Linux (the fast tier simulates ENOSPC instead)")
    try:
        store = build_project(small / "p", duration_s=7.0)
        env = _env(small / "tmp")
        for command in (["render", str(store.root)], ["export", str(store.root), "--no-videos"]):
            done = subprocess.run(
                [sys.executable, "-m", "studio.cli", "--quiet", *command],
                cwd=ROOT,
                env=env,
                capture_output=True,
                timeout=600,
            )
            err = done.stderr.decode(errors="replace")
            assert done.returncode == 2, err[-2000:]
            assert "disk is full: free" in err and "MB at" in err, err[-2000:]
            assert "Traceback" not in err and "LibsndfileError" not in err
            partial = [p for p in small.rglob("*") if "partial" in p.name or "qmtmp" in p.name]
            assert partial == [], partial
            ProjectStore(store.root).load()
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)


def _finished_files_are_whole(folder: Path) -> None:
    """Every file that looks finished (not hidden) is complete: MP4s decode to the end, SRTs parse."""
    from studio.render.encode import ffmpeg_exe

    for path in folder.iterdir() if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        if path.suffix == ".mp4":
            check = subprocess.run(
                [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, timeout=120
            )
            assert check.returncode == 0 and not check.stderr.strip(), f"{path.name} is truncated: {check.stderr!r}"
        elif path.suffix in (".srt", ".vtt"):
            text = path.read_text("utf-8")
            assert "-->" in text and "\x00" not in text


def test_kill_loop_loses_nothing(tmp_path: Path) -> None:
    """SIGKILL ≥ 50 times mid-save and mid-render: every project loads, nothing finished-looking is truncated,
    and the next start leaves no temp files or cut folders behind."""
    import tempfile

    from studio.model.safe_paths import sweep_cut_dirs

    rng = random.Random(11)
    store = build_project(tmp_path / "p", duration_s=6.0)
    env = _env(tmp_path / "tmp")
    kills = 0
    for _ in range(44):  # mid-save
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVE_SCRIPT, str(store.root)], cwd=ROOT, env=env, stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"saving"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.kill()
        proc.wait(10)
        kills += 1
        project = ProjectStore(store.root).load()  # whole, whatever moment the kill hit
        assert project.variants
        ProjectStore(store.root).autosave_dir.joinpath("project.json").is_file()
    assert _leftovers(store.root, store.autosave_dir) == []

    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp_path / "tmp")
    try:
        first = _start_render(store.root, tmp_path / "tmp", cli=False)  # finished files the kills must not damage
        assert first.wait(600) == 0, first.stderr.read() if first.stderr else ""
        finished = {p.name for p in store.renders.glob("*.mp4")}
        assert finished
        for _ in range(8):  # mid-render, the whole process group at once
            proc = _start_render(store.root, tmp_path / "tmp", cli=False)
            try:
                _wait_for_worker(proc)
                time.sleep(rng.uniform(0.2, 3.0))
                family = _descendants(proc.pid)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
                kills += 1
                assert _wait_for(lambda family=family: not _alive(family), 8.0), f"orphans: {_alive(family)}"
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            ProjectStore(store.root).load()
            sweep_cut_dirs()
            _finished_files_are_whole(store.renders)
            assert finished <= {p.name for p in store.renders.glob("*.mp4")}
            assert _leftovers(store.root, store.renders, store.assets, tmp_path / "tmp") == []
    finally:
        tempfile.tempdir = saved
    assert kills >= 50
