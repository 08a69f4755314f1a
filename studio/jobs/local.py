"""This machine as an executor (today's lanes), and what every executor shares: the protocol, the notice callback,
the cluster-unavailable error and whether Ray is installed. The Ray executor (`ray_executor`) builds on these;
`executor` picks one per job."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from studio.jobs.process import call_in_process
from studio.model.errors import StudioError
from studio.model.stage import CancelToken, Lane, ProgressFn

INSTALL_HINT = "pip install 'qianmian-studio[cluster]'  (or: pip install 'ray[default]==2.60.0')"
"""What the Compute setting and a job's message say to install for cluster rendering."""

Notice = Callable[[str], None]


class ClusterUnavailable(StudioError):
    """The cluster cannot take work (Ray not installed, address unreachable, cluster gone)."""


class Executor(Protocol):
    """Runs one stage call; blocking, from the queue's lane thread."""

    name: str

    def slots(self, lane: Lane) -> int:
        """How many jobs of this lane may be in flight at once."""
        ...

    def call(
        self,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: Lane,
        kind: str = "",
        on_progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        notice: Notice | None = None,
    ) -> Any: ...

    def close(self) -> None: ...


class LocalExecutor:
    """This machine: cpu-lane stages in the calling thread, process-lane ones in a child process, gpu-lane ones one
    at a time (a lock, so a bigger pool, as after a cluster fallback, still keeps one model on the device)."""

    name = "this machine"

    def __init__(self, cpu_workers: int = 2) -> None:
        self.cpu_workers = max(1, cpu_workers)
        self._gpu = threading.Lock()

    def slots(self, lane: Lane) -> int:
        return 1 if lane == "gpu" else self.cpu_workers

    def call(
        self,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: Lane,
        kind: str = "",
        on_progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        notice: Notice | None = None,
    ) -> Any:
        if lane == "process":
            return call_in_process(stage, request, on_progress=on_progress, cancel=cancel)
        if lane == "gpu":
            with self._gpu:
                return stage(request, on_progress=on_progress, cancel=cancel)
        return stage(request, on_progress=on_progress, cancel=cancel)

    def close(self) -> None:
        return None


def ray_available() -> bool:
    """Whether the `cluster` extra (Ray) is installed; imports nothing heavy."""
    import importlib.util
    import sys

    if "ray" in sys.modules:
        return sys.modules["ray"] is not None  # None: import blocked (tests simulate a machine without the extra)
    return importlib.util.find_spec("ray") is not None


def compute_status(address: str) -> str:
    """One line for the Compute setting: where jobs run, or what to install to use a cluster."""
    if not address.strip() or address.strip() == "local":
        return "Jobs run on this machine."
    if not ray_available():
        return f"Cluster rendering needs Ray, which is not installed: {INSTALL_HINT}. Jobs run on this machine."
    return f"Jobs run on the Ray cluster at {address.strip()} (on this machine if it cannot be reached)."
