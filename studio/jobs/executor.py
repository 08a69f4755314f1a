"""Where a job's stage runs: this machine (the local executor, today's lanes) or a Ray cluster (`ray_executor`).

The job queue calls `executor.call(stage, request, lane=…, …)` from its lane's thread and gets the stage's outcome
back; the caller applies it as always. Nothing above the queue knows which executor ran it. The local executor keeps
the lanes' promises: one GPU stage at a time (one resident model), process-lane stages in a child process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.jobs.local import (
    INSTALL_HINT,
    ClusterUnavailable,
    Executor,
    LocalExecutor,
    Notice,
    compute_status,
    ray_available,
)
from studio.model.stage import CancelToken, Lane, ProgressFn

__all__ = [
    "INSTALL_HINT",
    "ClusterUnavailable",
    "Executor",
    "FollowSettings",
    "LocalExecutor",
    "compute_status",
    "executor_for",
    "ray_available",
]


def executor_for(
    address: str = "",
    *,
    shared_root: Path | None = None,
    cpu_workers: int = 2,
    fallback: str = "local",
    notice: Notice | None = None,
) -> Executor:
    """The executor a Compute setting names: "" or "local" → this machine; anything else is a Ray address ("auto",
    "host:6379", "ray://host:10001"). Without Ray installed the local executor is returned and `notice` says what to
    install (the render still runs)."""
    address = address.strip()
    if not address or address == "local":
        return LocalExecutor(cpu_workers)
    if not ray_available():
        if notice is not None:
            notice(compute_status(address))
        return LocalExecutor(cpu_workers)
    from studio.jobs.ray_executor import RayExecutor

    return RayExecutor(address, shared_root=shared_root, fallback=fallback, local=LocalExecutor(cpu_workers))


class FollowSettings:
    """The app's executor: each job runs where its request's settings say (Settings.compute), so a changed Compute
    setting counts from the next job. Jobs whose requests carry no settings run on this machine."""

    name = "as the Compute setting says"

    def __init__(self, cpu_workers: int = 2) -> None:
        self.local = LocalExecutor(cpu_workers)
        self._cluster: dict[tuple[str, Path | None, str], Executor] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _where(request: Any) -> tuple[str, Path | None, str]:
        settings = getattr(request, "settings", None)
        address = str(getattr(settings, "compute", "") or "").strip()
        fallback = str(getattr(settings, "compute_fallback", "local") or "local")
        return ("" if address == "local" else address), getattr(settings, "shared_root", None), fallback

    def _executor(self, request: Any, notice: Notice | None = None) -> Executor:
        address, shared_root, fallback = self._where(request)
        if not address:
            return self.local
        if not ray_available():
            if notice is not None:
                notice(compute_status(address))
            return self.local
        with self._lock:
            key = (address, shared_root, fallback)
            if key not in self._cluster:
                from studio.jobs.ray_executor import RayExecutor

                self._cluster[key] = RayExecutor(  # the same local executor: one GPU lock
                    address, shared_root=shared_root, fallback=fallback, local=self.local
                )
            return self._cluster[key]

    def slots(self, lane: Lane) -> int:
        return self.local.slots(lane)

    def slots_for(self, lane: Lane, request: Any) -> int:
        address = self._where(request)[0]
        if address and ray_available():
            return 64  # threads that wait on the cluster; its resources decide what runs
        return self.local.slots(lane)

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
        executor = self._executor(request, notice)
        return executor.call(
            stage, request, lane=lane, kind=kind, on_progress=on_progress, cancel=cancel, notice=notice
        )

    def close(self) -> None:
        with self._lock:
            executors, self._cluster = list(self._cluster.values()), {}
        for executor in executors:
            executor.close()
