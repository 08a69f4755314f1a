"""The render as stages: outcomes merged by key into the current project, the cut recorded once and read by exports,
and a chain the queue can see (images on the GPU lane, then one cut per variant on the process lane)."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from render_project import build_project, take_image

from studio.model import ImageRequest, ProjectStore, Take
from studio.stages import cut as cut_stage
from studio.stages.edits import pick_take
from studio.stages.render import RenderRequest, apply_checks, plan_render, run_render
from studio.stages.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


def _second_take(store: ProjectStore, shot_id: str) -> Take:
    """Another master take of the shot (not picked), as if the creator had generated a candidate earlier."""
    buf = io.BytesIO()
    take_image((200, 200, 30)).save(buf, "PNG")
    asset = store.put_asset(buf.getvalue(), "png")
    return Take(
        id=f"t-{shot_id}-b",
        shot_id=shot_id,
        request=ImageRequest(shot_id=shot_id, prompt="other", seed=7, width=288, height=512),
        asset=asset,
        backend="test",
    )


def test_a_take_picked_while_the_cut_runs_stays_picked(tmp_path: Path) -> None:
    from studio.model import Deliverable

    store = build_project(tmp_path / "proj")
    project = store.load()
    project.takes.append(_second_take(store, "s1"))
    pdf = dict(market="TH", language="en", segment="night-owls", aspect="9:16", kind="pdf", path="renders/x.pdf")
    project.deliverables.append(Deliverable(variant_id="en-night-owls", **pdf))  # an export's storyboard PDF
    store.save(project)
    request = RenderRequest(project_dir=store.root, scale=0.2, draft=True, settings=Settings())

    plan = plan_render(project, request)
    project = apply_checks(project, plan)
    for step in plan.image_steps(project):
        project = step.apply(project, step.run(step.request))
    [step] = plan.cut_steps(project)
    assert step.kind == "cut" and step.lane == "process"
    on_disk = store.project_file.read_bytes()

    picked = threading.Event()

    def pick_meanwhile(p: object) -> None:  # the creator picks the other take while the voice is being made
        if not picked.is_set():
            pick_take(project, "t-s1-b")
            picked.set()

    outcome = cut_stage.run(step.request, on_progress=pick_meanwhile)
    assert picked.is_set()
    assert store.project_file.read_bytes() == on_disk, "the cut never saves project.json"

    merged = step.apply(project, outcome)
    takes = {t.id: t for t in merged.takes}
    assert takes["t-s1-b"].selected and not takes["t-s1"].selected, "the pick made during the render stays"
    kinds = sorted(d.kind for d in merged.deliverables)
    assert kinds == ["pdf", "srt", "video", "vtt"], "the cut replaces its own files, not the export's PDF"
    assert all(Path(store.root / d.path).is_file() for d in merged.deliverables if d.kind != "pdf")
    assert {v.shot_id for v in merged.voice_lines} == {"s1", "s2", "s3"}
    assert merged.cut("en-night-owls", "9:16") is not None
    from studio.stages.voice import voice_request_for

    spoken = {v.shot_id: v.request for v in merged.voice_lines}
    assert voice_request_for(merged, "en-night-owls", "s2") == spoken["s2"], "the preview asks for what was spoken"


def test_a_variant_camera_override_is_exported_as_it_was_cut(tmp_path: Path) -> None:
    from studio.stages import export as export_stage

    store = build_project(tmp_path / "proj")
    project = store.load()
    variant = project.variant("en-night-owls")
    variant.shot("s2").overrides = {"camera": "tilt-up"}  # the master pans right
    store.save(project)

    project, _ = run_render(
        project,
        RenderRequest(project_dir=store.root, scale=0.2, draft=True, workers=1),
        on_applied=store.save,
    )
    record = project.cut("en-night-owls", "9:16")
    assert record is not None and record.shot("s2").camera == "tilt-up" and record.shot("s1").camera == "push-in"
    assert ProjectStore(store.root).load().cut("en-night-owls", "9:16") == record, "the record is saved by the CLI"

    # Changed after the render: the hand-off still shows what was cut, not what the plan says now.
    project.variant("en-night-owls").shot("s2").overrides = {"camera": "pull-out"}
    store.save(project)
    outcome = export_stage.run(export_stage.ExportRequest(store.root, project=project, include_videos=False))
    project = export_stage.apply(ProjectStore(store.root).load(), outcome)
    store.save(project)
    sheet = next(d for d in project.deliverables if d.kind == "csv")
    rows = list(csv.DictReader((store.root / sheet.path).read_text("utf-8-sig").splitlines()))
    by_shot = {r["shot_id"]: r for r in rows}
    assert by_shot["s2"]["camera"] == "tilt-up" and by_shot["s1"]["camera"] == "push-in"
    cut_lengths = [round(s.duration_s, 2) for s in record.shots]
    assert [round(float(r["duration_s"]), 2) for r in rows] == cut_lengths


# --- the chain: one diffusion model on the GPU lane, one cut job per variant --------------------------------------


@pytest.fixture
def diffusion_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ProjectStore, Settings, list[str]]:
    """Two variants, no images yet, the tiny SD 1.5 as the project's model; loads of the pipeline are counted."""
    from test_takes import make_project
    from tiny_models import tiny_models

    from pipelines.image import generator as gen
    from studio import paths

    models = tiny_models()
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    store = make_project(tmp_path / "proj", paths.sample_brief())
    project = store.load()
    project.settings.image_model, project.settings.image_steps = "tiny-sd15", 2
    project.brief.aspect_ratios = ["1:1"]
    store.save(project)
    gen.generator().unload()  # another test's resident model must not hide a load
    loads: list[str] = []
    real = gen._load_pipeline

    def counted(info: object, device: object) -> object:
        loads.append(threading.current_thread().name)
        return real(info, device)

    monkeypatch.setattr(gen, "_load_pipeline", counted)
    return store, Settings(model_folders=(models.root,), device="cpu"), loads


def test_missing_images_are_one_gpu_job_then_one_cut_per_variant(
    diffusion_project: tuple[ProjectStore, Settings, list[str]],
) -> None:
    from studio.jobs import JobQueue

    store, settings, loads = diffusion_project
    project = store.load()
    plan = plan_render(project, RenderRequest(project_dir=store.root, draft=True, scale=0.2, settings=settings))
    assert plan.missing == 3 * 3, "3 master shots + 2 variants x 3 restyled shots... counted before any image"
    [images] = plan.image_steps(project)
    assert (images.kind, images.lane) == ("takes", "gpu")

    queue = JobQueue(cpu_workers=2)
    try:
        job = queue.submit(images.title, images.run, images.request, lane=images.lane, kind=images.kind)
        project = images.apply(project, job.wait(timeout=600))
    finally:
        queue.shutdown()
    assert loads == ["qm-gpu_0"], "exactly one diffusion model load, on the GPU lane's worker"
    assert {t.variant_id for t in project.takes} == {None, "th-night-owls", "th-guochao"}
    cuts = plan.cut_steps(project)
    assert [(s.kind, s.lane, s.request.variant_id) for s in cuts] == [
        ("cut", "process", "th-night-owls"),
        ("cut", "process", "th-guochao"),
    ]
    assert all(s.request.project == project for s in cuts), "each cut cuts the project with the new images"
    assert all(s.request.project is not project for s in cuts), "a snapshot: later edits do not reach the cuts"
    assert plan_render(project, plan.request).image_steps(project) == [], "nothing is missing any more"


@pytest.mark.slow
def test_the_whole_chain_through_the_queue(diffusion_project: tuple[ProjectStore, Settings, list[str]]) -> None:
    from studio.jobs import JobQueue

    store, settings, loads = diffusion_project
    queue = JobQueue(cpu_workers=2)
    try:
        project, result = run_render(
            store.load(),
            RenderRequest(project_dir=store.root, draft=True, scale=0.2, settings=settings),
            queue=queue,
            on_applied=store.save,
        )
        kinds = [(j.kind, j.lane) for j in queue.jobs]
    finally:
        queue.shutdown()
    assert kinds == [("takes", "gpu"), ("cut", "process"), ("cut", "process")]
    assert len(loads) == 1
    assert {d.variant_id for d in result.deliverables if d.kind == "video"} == {"th-night-owls", "th-guochao"}
    assert ProjectStore(store.root).load().cuts == project.cuts and len(project.cuts) == 2
