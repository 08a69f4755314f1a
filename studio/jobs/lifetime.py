"""Child processes die with their parent: a killed app must not leave a render worker or an ffmpeg writing files
that project.json never records.

On Linux the kernel does it (PR_SET_PDEATHSIG); elsewhere a watchdog thread polls the parent and ends the worker.
What a hard kill still leaves (temp files, `qm-cut-*` folders) carries the owner's pid in its name, so the next
start removes it (`studio.model.safe_paths.sweep_leftovers`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

_PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()  # resolved once, before any fork: the pre-exec hook below only calls it


def die_with_parent(sig: int = signal.SIGKILL if hasattr(signal, "SIGKILL") else 15) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies (Linux); False where unsupported."""
    if _PRCTL is None:
        return False
    return _PRCTL(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0


def _pre_exec() -> None:  # runs in the forked child before exec: only async-signal-safe work
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, 9, 0, 0, 0)


def child_process_options() -> dict[str, Any]:
    """subprocess options for helpers such as ffmpeg: killed with the process that started them (Linux), and in
    their own process group so a terminal's Ctrl-C reaches only the app, which stops them cleanly itself."""
    if sys.platform == "win32":
        return {"creationflags": 0x00000200}  # CREATE_NEW_PROCESS_GROUP: Ctrl-C goes to the app only
    options: dict[str, Any] = {"process_group": 0}
    if _PRCTL is not None:
        options["preexec_fn"] = _pre_exec
    return options


def watch_parent(on_gone: Callable[[], None], *, grace_s: float = 3.0, poll_s: float = 0.1) -> threading.Thread:
    """Call `on_gone` when the parent process dies, then end this process `grace_s` later whatever it is doing."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        with contextlib.suppress(Exception):
            on_gone()
        time.sleep(grace_s)
        os._exit(70)

    thread = threading.Thread(target=watch, name="qm-parent-watch", daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def sigint_blocked_for_children() -> Iterator[None]:
    """Start children with Ctrl-C blocked (the mask is inherited through fork and exec), so a terminal's Ctrl-C
    cannot interrupt a worker while it is still importing; the worker then ignores it for good (`become_worker`).
    Only the calling thread's mask changes; Python handles signals in the main thread anyway."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def become_worker() -> None:
    """Set up a spawned worker: die with the parent, leave Ctrl-C to the parent (it cancels the work cleanly)."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if hasattr(signal, "SIGTERM"):

        def on_term(_sig: int, _frame: Any) -> None:
            raise SystemExit(143)  # unwinds: temp files and the cut folder are removed by their finally blocks

        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, on_term)
            die_with_parent(signal.SIGTERM)
