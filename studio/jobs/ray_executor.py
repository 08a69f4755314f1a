"""The Ray executor: the same stage functions as Ray tasks on a cluster, asked for resources by their lane.

- **Resources**: gpu-lane stages ask `num_gpus=1` (and `model:<id>` when some node advertises the model: see
  `node_resources`), cut and voice stages one CPU. Ray places them; the job queue's lanes only pace the dispatch.
- **Data by content hash**: a task gets project.json, the assets the project (or the request's snapshot) names and
  any input file the request names, as bytes in Ray's object store (one `ray.put` per content hash per executor), or
  as paths when `shared_root` says the cluster sees the project folder there. The worker runs the stage in a scratch
  copy of the project and returns the outcome plus the files it made, as bytes by relative path. The driver writes
  them atomically (an asset only when its hash is new) and the caller merges the outcome with the stage's own
  `apply`, exactly as a local result. No worker writes into the project.
- **Progress and cancel**: a small actor (`_Board`) holds each task's latest progress and a cancel flag; the driver
  forwards progress to the job and sets the flag on Stop (the worker's CancelToken polls it), then `ray.cancel`s the
  task if it has not stopped within a grace period. Queued jobs never reach Ray, so Cancel queued is as locally.
- **Faults**: tasks are retried (`max_retries`, bounded) when a worker or node dies; a dead attempt's scratch folder
  is never read, so half-made files are discarded. A cluster that cannot be reached makes a job run on this machine
  (`fallback="local"`) or wait for it (`"wait"`); the job's message says which.

Stages not listed in `SHIPPED` run on this machine (see there why).
Ray is imported only when a cluster is used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.jobs.local import INSTALL_HINT, ClusterUnavailable, LocalExecutor, Notice
from studio.model.errors import Cancelled, StudioError
from studio.model.stage import CancelToken, Lane, Progress, ProgressFn

SHIPPED = frozenset({"takes", "cut"})
"""Job kinds the cluster runs: images (GPU) and cuts (CPU: the voice, the frames, the encode). Every other job runs on
this machine: planning (its LLM endpoint is often this machine's, its API key is in this machine's keyring), voice
previews (interactive, into this machine's cache), exports (they read rendered videos), the model warm-up and helpers
without a kind."""

OUT = "_out"
"""Where, in the scratch copy, a worker writes an output folder that lies outside the project."""

_GRACE_S = 3.0
"""How long a stopped task may take to stop at its own check before `ray.cancel` interrupts it."""


def import_ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise ClusterUnavailable("Ray is not installed, so jobs cannot run on a cluster.", INSTALL_HINT) from e
    return ray


# --- nodes ------------------------------------------------------------------------------------------------------


def node_resources(model_folders: tuple[Path, ...] = ()) -> dict[str, float]:
    """The custom resources a node advertises for the image models it has on disk (`model:<id>`), for
    `ray start --resources` (`python -m studio.jobs.ray_executor resources` prints them as JSON). Many tasks may share
    one model, so each is a large count: the resource routes work, the GPU request limits it."""
    from pipelines.image.registry import scan

    found = scan(list(model_folders), include_hf_cache=False, env={})
    return {"model:procedural": 1000.0} | {f"model:{m.id}": 1000.0 for m in found if m.ready}  # procedural: built in


def model_of(request: Any) -> str:
    """The image model a gpu-lane request will load ("" when it does not say)."""
    options = getattr(request, "options", None) or {}
    if options.get("model"):
        return str(options["model"])
    project: Any = getattr(request, "project", None)
    chosen = str(project.settings.image_model or "") if project is not None else ""
    if chosen:
        return chosen
    settings = getattr(request, "settings", None)
    return str(getattr(settings, "image_model", "") or "")


def task_options(lane: Lane, request: Any, cluster: dict[str, float]) -> dict[str, Any]:
    """Ray resources for a stage: a GPU for the gpu lane (when the cluster has any; else a CPU, as diffusion on CPU
    does here) and its model's resource when a node advertises it; one CPU otherwise."""
    if lane != "gpu":
        return {"num_cpus": 1}
    options: dict[str, Any] = {"num_cpus": 1, "num_gpus": 1 if cluster.get("GPU", 0) >= 1 else 0}
    model = model_of(request)
    if model and f"model:{model}" in cluster:
        options["resources"] = {f"model:{model}": 0.001}
    return options


# --- packing a request ------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Layout:
    """How the worker rebuilds the request inside its scratch folder."""

    project: bool
    out_rel: str | None
    """The request's out_dir relative to the scratch folder (inside the project, or `_out`); None: no out_dir."""
    inputs: dict[str, str]
    """Request fields naming input files → their path in the scratch folder."""


def _referenced_assets(root: Path, texts: list[str]) -> list[Path]:
    assets = root / "assets"
    if not assets.is_dir():
        return []
    return [p for p in sorted(assets.iterdir()) if p.is_file() and any(p.name in t for t in texts)]


def pack(request: Any) -> tuple[dict[str, Path], Layout]:
    """The files a stage needs (relative path in the scratch copy → file here) and how to rebuild its request."""
    files: dict[str, Path] = {}
    inputs: dict[str, str] = {}
    root: Path | None = getattr(request, "project_dir", None)
    has_project = root is not None and (root / "project.json").is_file()
    if has_project:
        assert root is not None
        texts = [(root / "project.json").read_text("utf-8")]
        snapshot = getattr(request, "project", None)
        if snapshot is not None:
            texts.append(snapshot.model_dump_json())
        if getattr(request, "cell_variant", None) is not None:
            texts.append(request.cell_variant.model_dump_json())
        texts.append(repr(getattr(request, "options", "")))
        files["project.json"] = root / "project.json"
        files |= {f"assets/{p.name}": p for p in _referenced_assets(root, texts)}
    out_rel: str | None = None
    out_dir: Path | None = getattr(request, "out_dir", None)
    if out_dir is not None:
        out_rel = OUT
        if has_project and root is not None:
            try:
                out_rel = out_dir.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                out_rel = OUT
    if dataclasses.is_dataclass(request):
        for f in dataclasses.fields(request):
            value = getattr(request, f.name)
            if f.name in ("project_dir", "out_dir") or not isinstance(value, Path) or not value.is_file():
                continue
            rel = f"_in/{f.name}/{value.name}"
            files[rel] = value
            inputs[f.name] = rel
    return files, Layout(project=has_project, out_rel=out_rel, inputs=inputs)


# --- the worker side --------------------------------------------------------------------------------------------


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(folder).as_posix()] = (st.st_size, st.st_mtime_ns)
    return out


def sweep_scratch() -> None:
    """Remove scratch folders of workers that died (a killed attempt's half-made files): `qm-ray-<pid>-…`."""
    for folder in Path(tempfile.gettempdir()).glob("qm-ray-*"):
        try:
            pid = int(folder.name.split("-")[2])
            os.kill(pid, 0)
        except (ValueError, IndexError):
            continue
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue


def work(
    fn: Callable[..., Any], request: Any, files: dict[str, Any], key: str, board: Any, layout: Layout
) -> tuple[Any, dict[str, bytes], str]:
    """Run on a cluster node: rebuild the project in a scratch folder, run the stage there, return its outcome, the
    files it made (bytes by relative path) and the scratch path (to map paths in the outcome back). The scratch
    folder is removed whatever happens: a killed attempt's half-made files never leave the node."""
    import ray

    sweep_scratch()
    scratch = Path(tempfile.mkdtemp(prefix=f"qm-ray-{os.getpid()}-"))
    board.started.remote(key, ray.get_runtime_context().get_node_id())
    token = CancelToken()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            try:
                if ray.get(board.cancelled.remote(key), timeout=10):
                    token.cancel()
                    return
            except Exception:
                continue

    threading.Thread(target=watch, daemon=True, name="qm-ray-cancel").start()
    last = 0.0

    def on_progress(p: Progress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= 0.1 or p.fraction >= 1.0:
            last = now
            board.report.remote(key, p.fraction, p.message)

    try:
        for rel, source in files.items():
            dest = scratch / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, str):  # a shared folder the cluster sees
                shutil.copyfile(source, dest)
            else:
                dest.write_bytes(ray.get(source))
        changes: dict[str, Any] = {name: scratch / rel for name, rel in layout.inputs.items()}
        if layout.project:
            for sub in ("assets", "renders", "autosave"):
                (scratch / sub).mkdir(exist_ok=True)
            changes["project_dir"] = scratch
        if layout.out_rel is not None:
            changes["out_dir"] = scratch / layout.out_rel
        request = dataclasses.replace(request, **changes) if changes else request
        before = _listing(scratch)
        outcome = fn(request, on_progress=on_progress, cancel=token)
        after = _listing(scratch)
        made = {
            rel: (scratch / rel).read_bytes()
            for rel, stamp in after.items()
            if before.get(rel) != stamp and rel != "project.json" and not rel.startswith("_in/")
        }
        return outcome, made, str(scratch)
    finally:
        done.set()
        shutil.rmtree(scratch, ignore_errors=True)


class _Board:
    """One actor per executor: each running task's latest progress, and which tasks were told to stop."""

    def __init__(self) -> None:
        self._progress: dict[str, tuple[float, str]] = {}
        self._stop: set[str] = set()
        self._where: dict[str, str] = {}
        self._attempts: dict[str, int] = {}

    def started(self, key: str, node_id: str) -> None:
        self._where[key] = node_id
        self._attempts[key] = self._attempts.get(key, 0) + 1

    def attempts(self, key: str) -> int:
        return self._attempts.get(key, 0)

    def where(self) -> dict[str, str]:
        """Running task → the node it runs on (its latest attempt)."""
        return dict(self._where)

    def report(self, key: str, fraction: float, message: str) -> None:
        self._progress[key] = (fraction, message)

    def take(self, key: str) -> tuple[tuple[float, str] | None, int]:
        """The latest progress (None when there is no news) and how many attempts have started."""
        return self._progress.pop(key, None), self._attempts.get(key, 0)

    def cancel(self, key: str) -> None:
        self._stop.add(key)

    def cancelled(self, key: str) -> bool:
        return key in self._stop

    def forget(self, key: str) -> None:
        self._progress.pop(key, None)
        self._stop.discard(key)
        self._where.pop(key, None)
        self._attempts.pop(key, None)


# --- the driver side --------------------------------------------------------------------------------------------


def _rebase(value: Any, old: str, new: str) -> Any:
    """`value` with every path (str or Path) under `old` moved under `new`: dataclasses, pydantic models, containers."""
    from pydantic import BaseModel

    if isinstance(value, str):
        return new + value[len(old) :] if value == old or value.startswith(old + os.sep) else value
    if isinstance(value, Path):
        return Path(_rebase(str(value), old, new))
    if isinstance(value, list):
        return [_rebase(v, old, new) for v in value]
    if isinstance(value, tuple):
        return tuple(_rebase(v, old, new) for v in value)
    if isinstance(value, dict):
        return {k: _rebase(v, old, new) for k, v in value.items()}
    if isinstance(value, BaseModel):
        update = {name: _rebase(getattr(value, name), old, new) for name in type(value).model_fields}
        changed = {k: v for k, v in update.items() if v is not getattr(value, k)}
        return value.model_copy(update=changed) if changed else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        update = {f.name: _rebase(getattr(value, f.name), old, new) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **update)
    return value


def write_outputs(request: Any, outputs: dict[str, bytes], scratch: str, outcome: Any) -> Any:
    """The worker's files into the project (or its output folder), atomically; the outcome's paths mapped back."""
    from studio.model.safe_paths import confine
    from studio.model.store import atomic_write_bytes

    root: Path | None = getattr(request, "project_dir", None)
    out_dir: Path | None = getattr(request, "out_dir", None)
    for rel, data in sorted(outputs.items()):
        if rel.startswith(OUT + "/"):
            if out_dir is None:
                continue
            dest = confine(out_dir, rel[len(OUT) + 1 :], field="cluster output", source="a cluster task")
        elif root is not None:
            dest = confine(root, rel, field="cluster output", source="a cluster task")
        else:
            continue
        if rel.startswith("assets/") and dest.exists():
            continue  # content-addressed: the same name is the same bytes
        dest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(dest, data)
    if out_dir is not None:
        outcome = _rebase(outcome, str(Path(scratch) / OUT), str(out_dir))
    if root is not None:
        outcome = _rebase(outcome, scratch, str(root))
    return outcome


def token_auth_from_environment(env: Any = None) -> bool:
    """Turn Ray's token authentication on for this process when a token is at hand (RAY_AUTH_TOKEN,
    RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token) and RAY_AUTH_MODE is unset, as `ray start` does: a driver that has
    the token but not the mode is refused with a bare "Failed to connect" (checked with Ray 2.60.0)."""
    env = os.environ if env is None else env
    if "RAY_AUTH_MODE" in env:
        return bool(env["RAY_AUTH_MODE"].lower() == "token")
    if not (
        env.get("RAY_AUTH_TOKEN") or env.get("RAY_AUTH_TOKEN_PATH") or (Path.home() / ".ray" / "auth_token").is_file()
    ):
        return False
    env["RAY_AUTH_MODE"] = "token"
    try:  # Ray reads its config once; refresh it so this process sees token mode (what `ray start` does)
        from ray._raylet import Config  # type: ignore[attr-defined,unused-ignore]  # (no stub export; ray optional)

        Config.initialize("")
    except Exception:
        pass
    return True


def reachable(address: str, timeout_s: float = 3.0) -> str:
    """ "" when `host:port` (or ray://host:port) accepts a TCP connection, else why not; "auto" is left to Ray."""
    import socket

    bare = address.removeprefix("ray://").strip()
    if not bare or bare == "auto" or ":" not in bare:
        return ""
    host, _, port = bare.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            return ""
    except ValueError:
        return f"{port!r} is not a port"
    except OSError as e:
        return e.strerror or type(e).__name__


class RayExecutor:
    """Jobs as Ray tasks on the cluster at `address` ("auto", "host:6379", "ray://host:10001")."""

    name = "Ray cluster"

    def __init__(
        self,
        address: str,
        *,
        shared_root: Path | None = None,
        fallback: str = "local",
        local: LocalExecutor | None = None,
        max_retries: int = 2,
        init_options: dict[str, Any] | None = None,
        dispatch_slots: int = 64,
    ) -> None:
        if fallback not in ("local", "wait"):
            raise ValueError("fallback is 'local' or 'wait'")
        self.address = address
        self.shared_root = shared_root
        self.fallback = fallback
        self.local = local or LocalExecutor()
        self.max_retries = max(0, min(max_retries, 5))
        self.init_options = init_options or {}
        self._dispatch_slots = dispatch_slots
        self._lock = threading.Lock()
        self._local_slots = threading.BoundedSemaphore(self.local.cpu_workers)
        self._board: Any = None
        self._remote: Any = None
        self._refs: dict[str, Any] = {}
        """Content hash → ObjectRef: each input's bytes go into the object store once."""
        self._we_started = False
        self._gcs = ""
        """The head's GCS address once connected: probed before each job, so a gone cluster is noticed at once."""

    # --- lanes ---
    def slots(self, lane: Lane) -> int:
        return self._dispatch_slots  # threads that wait on Ray; Ray's resources decide what actually runs

    # --- connection ---
    def connect(self) -> Any:
        """Connect (once) and return the ray module; ClusterUnavailable when the cluster cannot be reached."""
        ray = import_ray()
        with self._lock:
            problem = reachable(self._gcs or self.address)
            if problem:
                raise ClusterUnavailable(
                    f"The Ray cluster at {self.address} cannot be reached ({problem}).",
                    "Check the address (`ray status` on the head) and that the head is running.",
                )
            try:
                if not ray.is_initialized():
                    token_auth_from_environment()
                    ray.init(
                        address=self.address,
                        log_to_driver=False,
                        ignore_reinit_error=True,
                        configure_logging=False,
                        **self.init_options,
                    )
                    self._we_started = True
                    self._gcs = str(ray.get_runtime_context().gcs_address or "")
                resources = ray.cluster_resources()
            except Exception as e:
                raise ClusterUnavailable(
                    f"The Ray cluster at {self.address} cannot be reached: {type(e).__name__}: {e}".strip(),
                    "Check the address (ray status on the head) and the token (RAY_AUTH_TOKEN or ~/.ray/auth_token).",
                ) from e
            if not resources.get("CPU"):
                raise ClusterUnavailable(f"The Ray cluster at {self.address} has no live nodes.", "Start a node.")
            if self._board is None:
                self._board = ray.remote(num_cpus=0)(_Board).remote()
                self._remote = ray.remote(work)
            return ray

    def close(self) -> None:
        if self._we_started:
            import ray

            ray.shutdown()
            self._we_started = False
        self._board = self._remote = None
        self._refs.clear()

    def running_nodes(self) -> set[str]:
        """The nodes running this executor's tasks now (node ids)."""
        if self._board is None:
            return set()
        import ray

        return set(ray.get(self._board.where.remote(), timeout=10).values())

    # --- running ---
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
        if kind not in SHIPPED:
            return self._here(stage, request, lane=lane, on_progress=on_progress, cancel=cancel)
        while True:
            try:
                ray = self.connect()
                break
            except ClusterUnavailable as e:
                if self.fallback == "local":
                    if notice is not None:
                        notice(f"{e.message} This job runs on this machine instead.")
                    return self._here(stage, request, lane=lane, on_progress=on_progress, cancel=cancel)
                if notice is not None:
                    notice(f"{e.message} Waiting for it (Stop cancels).")
                for _ in range(50):
                    if cancel is not None and cancel.cancelled:
                        raise Cancelled() from None
                    time.sleep(0.1)
        return self._remote_call(ray, stage, request, lane=lane, on_progress=on_progress, cancel=cancel, notice=notice)

    def _here(
        self,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: Lane,
        on_progress: ProgressFn | None,
        cancel: CancelToken | None,
    ) -> Any:
        if lane == "gpu":
            return self.local.call(stage, request, lane=lane, on_progress=on_progress, cancel=cancel)
        with self._local_slots:  # this machine's share, however many dispatch threads the cluster allowed
            return self.local.call(stage, request, lane=lane, on_progress=on_progress, cancel=cancel)

    def _put(self, ray: Any, path: Path) -> Any:
        if self.shared_root is not None:
            try:
                path.resolve().relative_to(self.shared_root.resolve())
                return str(path.resolve())  # the cluster reads it from the shared folder
            except ValueError:
                pass
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            ref = self._refs.get(digest)
            if ref is None:
                ref = self._refs[digest] = ray.put(data)
        return ref

    def _remote_call(
        self,
        ray: Any,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: Lane,
        on_progress: ProgressFn | None,
        cancel: CancelToken | None,
        notice: Notice | None = None,
    ) -> Any:
        from ray import exceptions as rex

        paths, layout = pack(request)
        files = {rel: self._put(ray, path) for rel, path in paths.items()}
        options = task_options(lane, request, ray.cluster_resources())
        key = uuid.uuid4().hex
        board = self._board
        ref = self._remote.options(**options, max_retries=self.max_retries, retry_exceptions=False).remote(
            stage, request, files, key, board, layout
        )
        stopped_at: float | None = None
        interrupted = False
        attempts = 0
        try:
            while True:
                ready, _ = ray.wait([ref], timeout=0.15)
                try:
                    latest, attempt = ray.get(board.take.remote(key), timeout=5)
                except Exception:
                    latest, attempt = None, 0
                if attempt > attempts:
                    attempts = attempt
                    if attempt > 1 and notice is not None:  # the node of the last attempt died
                        total = self.max_retries + 1
                        notice(f"A cluster node was lost; running it again (attempt {attempt} of {total}).")
                if latest is not None and on_progress is not None and not ready:
                    on_progress(Progress(*latest))
                if ready:
                    break
                if cancel is not None and cancel.cancelled:
                    if stopped_at is None:
                        stopped_at = time.monotonic()
                        board.cancel.remote(key)
                    elif not interrupted and time.monotonic() - stopped_at > _GRACE_S:
                        ray.cancel(ref)
                        interrupted = True
            try:
                outcome, outputs, scratch = ray.get(ref)
            except rex.TaskCancelledError:
                raise Cancelled() from None
            except rex.RayTaskError as e:
                cause = e.cause
                if isinstance(cause, Exception):
                    raise cause from None
                raise StudioError(f"A cluster task failed: {e}", "The details are in the log.") from e
            except (rex.WorkerCrashedError, rex.NodeDiedError, rex.ObjectLostError, rex.OutOfMemoryError) as e:
                raise StudioError(
                    f"The cluster lost this job {self.max_retries + 1} times ({type(e).__name__}).",
                    "Check the nodes (ray status); nothing half-made was kept. Run it again.",
                ) from e
        except KeyboardInterrupt:
            board.cancel.remote(key)
            ray.cancel(ref)
            raise
        finally:
            board.forget.remote(key)
        return write_outputs(request, outputs, scratch, outcome)


def main(argv: list[str] | None = None) -> int:
    """`python -m studio.jobs.ray_executor resources [MODEL_FOLDER...]`: the `--resources` JSON for `ray start`."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "resources":
        print(main.__doc__)
        return 2
    print(json.dumps(node_resources(tuple(Path(a) for a in args[1:]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
