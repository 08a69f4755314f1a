"""Jobs on a Ray cluster: the same deliverables as this machine, a node lost mid-render, Stop reaching every task,
and the local executor when Ray is not installed. The cluster tests start 3 local nodes on CPU (one with a logical
GPU and the procedural model's resource) and render tiny previews (scale 0.25, 5 s)."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from media import frame_at, probe
from render_project import build_project

from studio.jobs import JobQueue
from studio.jobs.executor import LocalExecutor, compute_status, executor_for
from studio.model import Project, ProjectStore
from studio.model.errors import Cancelled
from studio.model.stage import CancelToken, Progress
from studio.stages.render import RenderRequest, run_render
from studio.stages.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")

# A Korean fintech app's three segments: same storyboard, each its own cut.
SEGMENTS = ("ko-commuters", "ko-students", "ko-freelancers", "ko-retirees")


def _project(root: Path, variants: int = 3, *, missing_take: bool = True) -> ProjectStore:
    """A small multi-variant project; one shot has no picture, so the render's images step runs on the GPU lane."""
    store = build_project(root, duration_s=5.0, variant_id=SEGMENTS[0])
    project = store.load()
    base = project.variants[0]
    for vid in SEGMENTS[1:variants]:
        project.variants.append(base.model_copy(update={"id": vid, "segment": vid.split("-")[1]}, deep=True))
    if missing_take:
        project.takes = [t for t in project.takes if t.shot_id != "s2"]
    store.save(project)
    return store


def _request(store: ProjectStore, **settings: Any) -> RenderRequest:
    return RenderRequest(project_dir=store.root, scale=0.25, draft=True, settings=Settings(**settings))


def _videos(root: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((root / "renders").glob("*.mp4"))}


def _leftovers(root: Path) -> list[str]:
    """Temp files or half-written outputs anywhere in the project."""
    return [p.name for p in root.rglob("*") if p.is_file() and (".tmp" in p.name or p.name.startswith(("qm-", ".")))]


# --- fast: the seam ---------------------------------------------------------------------------------------------


class Recording:
    """An executor that runs stages here and records what the queue asked of it."""

    name = "recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def slots(self, lane: str) -> int:
        return 2

    def call(self, stage: Any, request: Any, *, lane: str, kind: str = "", **kw: Any) -> Any:
        self.calls.append((lane, kind))
        return stage(request, on_progress=kw.get("on_progress"), cancel=kw.get("cancel"))

    def close(self) -> None:
        pass


def _square(n: int, *, on_progress: Any = None, cancel: CancelToken | None = None) -> int:
    if on_progress is not None:
        on_progress(Progress(0.5, "half"))
    return n * n


def test_the_queue_runs_stages_through_its_executor() -> None:
    executor = Recording()
    queue = JobQueue(executor=executor)
    try:
        jobs = [queue.submit("sq", _square, 7, lane="gpu", kind="takes"), queue.submit("sq", _square, 3, kind="cut")]
        assert [j.wait(10) for j in jobs] == [49, 9]
    finally:
        queue.shutdown()
    assert sorted(executor.calls) == [("cpu", "cut"), ("gpu", "takes")]


def test_the_local_executor_keeps_one_gpu_stage_at_a_time() -> None:
    local = LocalExecutor(cpu_workers=3)
    running, peak = 0, 0
    lock = threading.Lock()

    def gpu_stage(_: object, **_kw: object) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    threads = [threading.Thread(target=local.call, args=(gpu_stage, None), kwargs={"lane": "gpu"}) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 1 and local.slots("gpu") == 1 and local.slots("process") == 3


def test_without_ray_the_compute_setting_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the extra were not installed
    told: list[str] = []
    executor = Settings(compute="10.0.0.5:6379").executor(notice=told.append)
    assert isinstance(executor, LocalExecutor)
    assert told and "pip install" in told[0] and "cluster" in told[0] and "this machine" in told[0]
    assert "pip install" in compute_status("10.0.0.5:6379")
    assert compute_status("") == "Jobs run on this machine."
    assert isinstance(executor_for(""), LocalExecutor)
    env = {"QIANMIAN_CLUSTER": "ray://head:10001"}
    assert Settings.from_environment(env=env).compute == "ray://head:10001"


@dataclass(frozen=True)
class _Req:
    n: int
    settings: Settings


def _n_squared(request: _Req, *, on_progress: Any = None, cancel: CancelToken | None = None) -> int:
    return request.n * request.n


def test_the_apps_queue_follows_the_compute_setting_per_job(monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.jobs.executor import FollowSettings

    monkeypatch.setitem(sys.modules, "ray", None)  # a cluster asked for, Ray not installed: here, and it says so
    executor = FollowSettings()
    queue = JobQueue(executor=executor)
    try:
        here = queue.submit("sq", _n_squared, _Req(4, Settings()), kind="cut")
        asked = queue.submit("sq", _n_squared, _Req(5, Settings(compute="head:6379")), kind="cut")
        assert here.wait(10) == 16 and asked.wait(10) == 25
    finally:
        queue.shutdown()
    assert here.notice == "" and "pip install" in asked.notice
    assert executor.slots_for("process", _Req(1, Settings())) == 2


def test_an_unreachable_cluster_runs_the_job_here_and_says_so() -> None:
    pytest.importorskip("ray")
    from studio.jobs.ray_executor import RayExecutor

    executor = RayExecutor("127.0.0.1:1")  # nothing listens there
    queue = JobQueue(executor=executor)
    try:
        job = queue.submit("sq", _square, 6, kind="cut")
        assert job.wait(30) == 36
    finally:
        queue.shutdown()
    assert "cannot be reached" in job.notice and "runs on this machine" in job.notice


def test_a_cluster_that_cannot_be_reached_can_be_waited_for_and_stop_ends_the_wait() -> None:
    pytest.importorskip("ray")
    from studio.jobs.ray_executor import RayExecutor

    queue = JobQueue(executor=RayExecutor("127.0.0.1:1", fallback="wait"))
    try:
        job = queue.submit("sq", _square, 6, kind="cut")
        deadline = time.monotonic() + 30
        while "Waiting for it" not in job.notice:
            assert time.monotonic() < deadline, job.message
            time.sleep(0.05)
        assert job.state.value == "running"
        queue.stop(job)
        with pytest.raises(Cancelled):
            job.wait(30)
    finally:
        queue.shutdown()
    assert job.state.value == "cancelled"


def test_a_token_at_hand_turns_rays_token_mode_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.jobs.ray_executor import token_auth_from_environment

    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ray/auth_token
    env: dict[str, str] = {}
    assert not token_auth_from_environment(env) and "RAY_AUTH_MODE" not in env
    env = {"RAY_AUTH_TOKEN": "f" * 64}
    assert token_auth_from_environment(env) and env["RAY_AUTH_MODE"] == "token"
    env = {"RAY_AUTH_MODE": "disabled", "RAY_AUTH_TOKEN": "f" * 64}
    assert not token_auth_from_environment(env) and env["RAY_AUTH_MODE"] == "disabled"  # an explicit choice stays


def test_gpu_stages_ask_for_a_gpu_and_their_model() -> None:
    from studio.jobs.ray_executor import task_options
    from studio.stages.takes import TakesRequest

    request = TakesRequest(project_dir=Path("."), options={"model": "sdxl-turbo"})
    cluster = {"CPU": 8.0, "GPU": 2.0, "model:sdxl-turbo": 1000.0}
    assert task_options("gpu", request, cluster) == {
        "num_cpus": 1,
        "num_gpus": 1,
        "resources": {"model:sdxl-turbo": 0.001},
    }
    assert "resources" not in task_options("gpu", request, {"CPU": 8.0, "GPU": 1.0})  # no node has it: any GPU
    assert task_options("process", request, cluster) == {"num_cpus": 1}


# --- slow: a local cluster --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    from studio.jobs.ray_executor import RayExecutor

    home = tmp_path_factory.mktemp("ray-home")
    saved = os.environ.get("QIANMIAN_HOME")
    os.environ["QIANMIAN_HOME"] = str(home)  # the nodes' workers inherit it
    c = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "num_gpus": 1, "resources": {"model:procedural": 1000}},
    )
    c.add_node(num_cpus=1)
    c.add_node(num_cpus=1)
    c.wait_for_nodes()
    executor = RayExecutor(c.address, max_retries=3)
    executor.connect()
    try:
        yield c, executor
    finally:
        executor.close()
        ray.shutdown()
        c.shutdown()
        if saved is None:
            os.environ.pop("QIANMIAN_HOME", None)
        else:
            os.environ["QIANMIAN_HOME"] = saved


def _render_on(executor: Any, store: ProjectStore, **kw: Any) -> tuple[Project, Any]:
    queue = JobQueue(executor=executor)
    try:
        return run_render(store.load(), _request(store), queue=queue, **kw)
    finally:
        queue.shutdown(wait=False)


@pytest.mark.slow
def test_a_cluster_render_makes_the_same_deliverables_as_this_machine(tmp_path: Path, cluster: Any) -> None:
    _, executor = cluster
    here = _project(tmp_path / "here")
    there = tmp_path / "there"
    shutil.copytree(here.root, there)
    there_store = ProjectStore(there)

    local_project, local = run_render(here.load(), _request(here))
    remote_project, remote = _render_on(executor, there_store)

    assert [(d.variant_id, d.kind) for d in remote.deliverables] == [(d.variant_id, d.kind) for d in local.deliverables]
    assert len({d.variant_id for d in remote.deliverables}) == 3
    mine, theirs = _videos(here.root), _videos(there)
    assert list(mine) == list(theirs) and len(theirs) == 3
    for name, path in theirs.items():
        a, b = probe(mine[name]), probe(path)
        assert (b.width, b.height) == (a.width, a.height)
        assert abs(b.duration_s - a.duration_s) < 0.05, name
        for t in (0.5, 2.5, 4.5):
            diff = np.abs(frame_at(mine[name], t).astype(int) - frame_at(path, t).astype(int)).mean()
            assert diff < 3.0, f"{name} at {t}s differs by {diff:.1f}"
    # the GPU step's images and the cut's voice came back by content hash and were merged by the stages' apply
    assert {t.asset for t in remote_project.takes} == {t.asset for t in local_project.takes}
    assert all((there / "assets" / t.asset).is_file() for t in remote_project.takes)
    assert len(remote_project.voice_lines) == len(local_project.voice_lines) > 0
    assert all((there / "assets" / v.asset).is_file() for v in remote_project.voice_lines)
    assert len(remote_project.cuts) == 3
    assert not _leftovers(there)


@pytest.mark.slow
def test_a_node_lost_mid_render_is_retried_and_nothing_is_missing(tmp_path: Path, cluster: Any) -> None:
    c, executor = cluster
    extra = c.add_node(num_cpus=1)
    c.wait_for_nodes()
    store = _project(tmp_path / "p", variants=4, missing_take=False)  # 4 cuts on 4 one-CPU nodes: one on `extra`
    killed = threading.Event()

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not killed.is_set():
            if extra.node_id in executor.running_nodes():
                time.sleep(1.5)  # well into the cut: its scratch folder holds half-made files
                c.remove_node(extra)
                killed.set()
                return
            time.sleep(0.2)

    killer = threading.Thread(target=kill_when_busy, daemon=True)
    killer.start()
    messages: list[str] = []
    project, result = _render_on(executor, store, on_progress=lambda p: messages.append(p.message))
    killer.join(5)
    assert killed.is_set(), "no cut ran on the extra node"
    assert any("node was lost" in m and "attempt 2" in m for m in messages), "the creator was not told"
    videos = _videos(store.root)
    assert sorted(videos) == sorted(f"{vid}_9x16.mp4" for vid in SEGMENTS)
    for path in videos.values():
        assert abs(probe(path).duration_s - 5.0) < 0.3
    assert {d.variant_id for d in result.deliverables if d.kind == "video"} == set(SEGMENTS)
    saved = {d.path for d in project.deliverables}
    assert all(f"renders/{name}" in saved for name in videos)
    assert not _leftovers(store.root)


@pytest.mark.slow
def test_stop_reaches_every_cluster_task(tmp_path: Path, cluster: Any) -> None:
    import ray

    _, executor = cluster
    store = _project(tmp_path / "p", variants=3, missing_take=False)
    cancel = CancelToken()
    seen: set[str] = set()

    def on_progress(p: Progress) -> None:
        seen.update(vid for vid in SEGMENTS if f"Cut {vid}" in p.message and "frame" in p.message)
        if len(seen) >= 2:
            cancel.cancel()

    started = time.monotonic()
    with pytest.raises(Cancelled):
        _render_on(executor, store, on_progress=on_progress, cancel=cancel)
    assert time.monotonic() - started < 120
    deadline = time.monotonic() + 30
    while ray.available_resources().get("CPU", 0) < ray.cluster_resources().get("CPU", 0):
        assert time.monotonic() < deadline, "a task still holds a CPU after Stop"
        time.sleep(0.2)
    assert not executor.running_nodes()
    videos = _videos(store.root)  # a cut that ended before Stop is kept, whole (as on this machine)
    assert len(videos) < 3
    for path in videos.values():
        assert abs(probe(path).duration_s - 5.0) < 0.3
    assert not _leftovers(store.root)


@pytest.mark.slow
def test_without_ray_a_render_asked_for_a_cluster_runs_here_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    store = _project(tmp_path / "p", variants=1, missing_take=False)
    messages: list[str] = []
    request = _request(store, compute="127.0.0.1:6379")
    _, result = run_render(store.load(), request, on_progress=lambda p: messages.append(p.message))
    assert len(_videos(store.root)) == 1 and result.deliverables
    assert any("pip install" in m and "this machine" in m for m in messages)


@dataclass(frozen=True)
class _CutLike:
    project_dir: Path
    out_dir: Path


@dataclass
class _Made:
    files: list[str]
    where: Path


def test_a_workers_files_land_where_the_request_said_and_nowhere_else(tmp_path: Path) -> None:
    from studio.jobs.ray_executor import pack, write_outputs
    from studio.model import ValidationFailed

    store = _project(tmp_path / "proj", variants=1, missing_take=False)
    outside = tmp_path / "deliveries"
    request = _CutLike(project_dir=store.root, out_dir=outside)
    files, layout = pack(request)
    project = store.load()
    assert set(files) == {"project.json", *(f"assets/{t.asset}" for t in project.takes)}
    assert layout.project and layout.out_rel == "_out"

    scratch = "/tmp/qm-ray-1-abc"
    outcome = _Made(files=[f"{scratch}/_out/ko_9x16.mp4", "renders/x.srt"], where=Path(scratch) / "assets")
    merged = write_outputs(request, {"_out/ko_9x16.mp4": b"video", "assets/new.wav": b"voice"}, scratch, outcome)
    assert (outside / "ko_9x16.mp4").read_bytes() == b"video"
    assert (store.root / "assets" / "new.wav").read_bytes() == b"voice"
    assert merged.files == [str(outside / "ko_9x16.mp4"), "renders/x.srt"]
    assert merged.where == store.root / "assets"
    with pytest.raises(ValidationFailed):
        write_outputs(request, {"../escaped.txt": b"no"}, scratch, outcome)
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.slow
def test_a_node_advertises_the_models_it_has_on_disk(tmp_path: Path) -> None:
    from tiny_models import tiny_models

    from studio.jobs.ray_executor import node_resources

    models = tiny_models()
    advertised = node_resources((models.root,))
    assert {"model:procedural", "model:tiny-sd15", "model:tiny-sdxl"} <= set(advertised)
    assert node_resources((tmp_path,)) == {"model:procedural": 1000.0}  # an empty folder: only the built-in one


@pytest.mark.slow
def test_a_shared_folder_is_read_in_place_not_shipped(tmp_path: Path, cluster: Any) -> None:
    from studio.jobs.ray_executor import RayExecutor

    c, _ = cluster
    store = _project(tmp_path / "p", variants=1, missing_take=False)
    executor = RayExecutor(c.address, shared_root=tmp_path)  # every node "mounts" tmp_path at the same path
    project, _ = _render_on(executor, store)
    assert not executor._refs, "inputs under the shared folder went through the object store"
    [video] = _videos(store.root).values()
    assert abs(probe(video).duration_s - 5.0) < 0.3
    assert all((store.root / "assets" / v.asset).is_file() for v in project.voice_lines)


def test_settings_compute_says_where_jobs_run_and_what_to_install(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.ui.settings import load_settings, to_settings
    from studio.ui.settings_dialog import SettingsDialog

    monkeypatch.setitem(sys.modules, "ray", None)
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.load()
    assert dialog.compute_note.text() == "Jobs run on this machine."
    dialog.compute.setText("10.0.0.5:6379")
    assert "pip install" in dialog.compute_note.text() and "qianmian-studio[cluster]" in dialog.compute_note.text()
    dialog.save()
    assert to_settings(load_settings()).compute == "10.0.0.5:6379"
