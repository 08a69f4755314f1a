"""Run a CPU-heavy stage in a child process, keeping the stage contract (progress, cancel, typed errors).

Frame generation is Python and numpy: in a thread it competes with the window's event loop for the GIL (stalls of
100 ms and more were measured), and two variants in threads share one interpreter. A spawned child has its own
interpreter, so the app stays smooth and variants use every core. Spawn (not fork) is safe with threads and Qt.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import queue
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from studio.jobs.lifetime import become_worker, sigint_blocked_for_children
from studio.model.errors import StudioError
from studio.model.stage import CancelToken, Progress, ProgressFn

_REPORT_EVERY_S = 0.05
_NICENESS = 5


def _child(fn: Callable[..., Any], request: Any, messages: Any, stop: Any) -> None:
    become_worker()  # dies with the app (Linux: at once), ignores the terminal's Ctrl-C (the parent stops it)
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(_NICENESS)  # background work (and the ffmpeg it starts) yields the cores to the window
    token = CancelToken()

    parent_process = mp.parent_process()
    parent = parent_process.pid if parent_process is not None else os.getppid()

    def watch() -> None:
        # Poll rather than stop.wait(): Event.set() in the parent blocks on waiters that died with a crashed child.
        # A parent that died (the app was killed) also stops the work: nobody is left to use it, and if the work
        # does not notice the cancel within a few seconds the process ends itself (where no kernel signal does it).
        while not stop.is_set() and os.getppid() == parent:
            time.sleep(0.05)
        token.cancel()
        if os.getppid() != parent:
            time.sleep(3.0)
            os._exit(70)

    threading.Thread(target=watch, daemon=True).start()
    last = 0.0

    def on_progress(p: Progress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= _REPORT_EVERY_S or p.fraction >= 1.0:
            last = now
            messages.put(("progress", p.fraction, p.message))

    try:
        result = fn(request, on_progress=on_progress, cancel=token)
        messages.put(("result", result))
    except BaseException as e:  # every failure goes back to the parent, typed where it can be
        try:
            pickle.dumps(e)
            messages.put(("error", e))
        except Exception:
            messages.put(("error", RuntimeError(f"{type(e).__name__}: {e}\n{traceback.format_exc()}")))


def call_in_process(
    fn: Callable[..., Any],
    request: Any,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Any:
    """`fn(request, on_progress=…, cancel=…)` in a spawned process; `fn` and `request` must be picklable."""
    ctx = mp.get_context("spawn")
    messages = ctx.Queue()
    stop = ctx.Event()
    # Not a daemon: a render's child starts one child per variant. It stops when told, or when its parent dies.
    process = ctx.Process(target=_child, args=(fn, request, messages, stop))
    with sigint_blocked_for_children():
        process.start()
    try:
        while True:
            if cancel is not None and cancel.cancelled and not stop.is_set():
                stop.set()
            try:
                message = messages.get(timeout=0.1)
            except queue.Empty:
                if process.is_alive():
                    continue
                try:
                    message = messages.get(timeout=0.5)  # what it sent last may still be in the pipe
                except queue.Empty:
                    raise StudioError(
                        f"The worker process stopped unexpectedly (exit code {process.exitcode}).",
                        "Try again; if it happens again, free some memory or render fewer variants at once.",
                    ) from None
            if message[0] == "progress":
                if on_progress is not None:
                    on_progress(Progress(message[1], message[2]))
                continue
            break
    except BaseException:
        stop.set()
        process.join(10)
        if process.is_alive():
            process.kill()
        raise
    process.join(10)
    if message[0] == "result":
        return message[1]
    raise message[1]
