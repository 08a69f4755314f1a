"""What a Ray cluster of local nodes gives a 12-variant render, against the local executor in the same run.

Method: one project of 12 variants (the render tests' 3-shot storyboard, Pillow takes, so no image step; espeak
voice, captions, end card) is rendered as previews (`--scale`, default 0.25; `--seconds`, default 4) by `run_render`:
first through the local executor (today's lanes: one cut per core in a child process), then through the Ray executor
on a `ray.cluster_utils.Cluster` of 1, 2 and 3 nodes started on this machine, each node advertising `--node-cpus`
CPUs (default 2, the size of this machine). Every run starts from a fresh copy of the project (same inputs, same
outputs); the local path is warmed by an untimed one-variant render and each cluster by the dispatch calls below
before the clock starts, so the figure is the render, not imports or Ray's start-up. Throughput = variants per
minute; the ratio is cluster / local.

Local nodes share this machine's cores, so more nodes cannot be faster here: the figures measure what the cluster
path costs (shipping assets by hash, scratch copies, returning files, Ray's scheduling) on one machine; on real
machines each node brings its own cores and GPU. Dispatch overhead: a stage that does nothing, called 30 times one
after another through each executor (after a warm-up call), mean wall time per call: the Ray task round trip
(object-store puts, progress actor, scratch folder) against a direct call and a child process (the process lane).

    PYTHONPATH=. .venv/bin/python benchmarks/cluster.py [--variants 12] [--seconds 4] [--scale 0.25]

Last line: cluster_vs_local=<1 node>x/<2 nodes>x/<3 nodes>x dispatch_ms=<per Ray task>.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


@dataclass(frozen=True)
class Nothing:
    """A request that names no project: the dispatch measurement ships nothing but the call."""

    n: int = 0


def nothing(request: Nothing, *, on_progress: Any = None, cancel: Any = None) -> int:
    return request.n


def build(root: Path, variants: int, seconds: float) -> Path:
    from render_project import build_project

    store = build_project(root, duration_s=seconds, variant_id="vi-snack-00")
    project = store.load()
    base = project.variants[0]
    for i in range(1, variants):
        project.variants.append(base.model_copy(update={"id": f"vi-snack-{i:02d}", "segment": f"s{i}"}, deep=True))
    store.save(project)
    return store.root


def render(source: Path, work: Path, name: str, scale: float, queue: Any = None, only: str | None = None) -> float:
    from studio.model import ProjectStore
    from studio.stages.render import RenderRequest, run_render

    folder = work / name
    shutil.copytree(source, folder)
    store = ProjectStore(folder)
    request = RenderRequest(project_dir=folder, scale=scale, draft=True, variant_ids=(only,) if only else None)
    start = time.perf_counter()
    _, result = run_render(store.load(), request, queue=queue)
    elapsed = time.perf_counter() - start
    videos = [d for d in result.deliverables if d.kind == "video"]
    assert all((folder / d.path).is_file() for d in videos), "a deliverable is missing"
    return elapsed


def dispatch_ms(executor: Any, lane: str, calls: int = 30) -> float:
    executor.call(nothing, Nothing(), lane=lane, kind="cut")
    start = time.perf_counter()
    for i in range(calls):
        assert executor.call(nothing, Nothing(i), lane=lane, kind="cut") == i
    return (time.perf_counter() - start) / calls * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--node-cpus", type=int, default=2)
    args = parser.parse_args()

    import ray
    from ray.cluster_utils import Cluster

    from studio.jobs import JobQueue
    from studio.jobs.executor import LocalExecutor
    from studio.jobs.ray_executor import RayExecutor

    work = Path(tempfile.mkdtemp(prefix="qm-bench-cluster-"))
    try:
        source = build(work / "source", args.variants, args.seconds)
        render(source, work, "warm", args.scale, only="vi-snack-00")  # imports, fonts, voice: warm like the cluster
        local_s = render(source, work, "local", args.scale)
        rate = lambda s: args.variants / s * 60  # noqa: E731
        print(f"local executor: {local_s:.1f} s, {rate(local_s):.1f} variants/min")
        local = LocalExecutor()
        direct, child = dispatch_ms(local, "cpu"), dispatch_ms(local, "process", calls=5)
        ratios, ray_ms = [], 0.0
        for nodes in (1, 2, 3):
            cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": args.node_cpus})
            for _ in range(nodes - 1):
                cluster.add_node(num_cpus=args.node_cpus)
            cluster.wait_for_nodes()
            executor = RayExecutor(cluster.address)
            try:
                executor.connect()
                ms = dispatch_ms(executor, "process")  # also warms a worker per node before the render
                ray_ms = ms if nodes == 1 else ray_ms
                queue = JobQueue(executor=executor)
                try:
                    s = render(source, work, f"ray{nodes}", args.scale, queue=queue)
                finally:
                    queue.shutdown(wait=False)
                ratios.append(local_s / s)
                print(
                    f"ray, {nodes} node(s) × {args.node_cpus} CPUs: {s:.1f} s, {rate(s):.1f} variants/min, "
                    f"{local_s / s:.2f}x local; dispatch {ms:.1f} ms/task"
                )
            finally:
                executor.close()
                ray.shutdown()
                cluster.shutdown()
        print(f"dispatch per call: direct {direct:.3f} ms, child process {child:.0f} ms, Ray task {ray_ms:.1f} ms")
        print(f"cluster_vs_local={'/'.join(f'{r:.2f}' for r in ratios)}x dispatch_ms={ray_ms:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
