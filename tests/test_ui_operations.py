"""The app's actions go through `studio.ui.operations` and the one job queue; results are applied by key.

The brief is one the samples do not have: a Vietnamese rice-cracker snack brand for Vietnam and Brazil.
"""

from __future__ import annotations

import functools
import os
import threading
import zipfile
from pathlib import Path

import pytest

from studio.model import Brief, MarketTarget, Project, ProjectStore, Segment, Take

ROOT = Path(__file__).resolve().parent.parent


def snack_brief() -> Brief:
    return Brief(
        brand="Bánh Gạo Mây",
        product="Mây rice crackers with seaweed",
        category="snacks",
        selling_points=["baked, not fried", "crunchy for hours", "real seaweed"],
        markets=[MarketTarget(code="VN", language="vi"), MarketTarget(code="BR", language="pt-BR")],
        segments=[Segment(id="students", name="Students", description="18-24, late-night study", style="streetwear")],
        duration_s=10,
    )


@functools.cache
def _planned() -> Project:
    from studio.planning import plan_project

    return plan_project(snack_brief(), name="may-snacks")


def planned() -> Project:
    return _planned().model_copy(deep=True)


def take(root: Path, shot_id: str, variant_id: str | None, n: int, *, selected: bool = False) -> Take:
    """A take whose image is on disk (a small PNG): the render counts its shot as having a picture."""
    from PIL import Image

    asset = f"take-{variant_id}-{shot_id}-{n}.png"
    (root / "assets").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (270, 480), (40 * n % 255, 120, 60)).save(root / "assets" / asset)
    request = {"prompt": f"rice crackers {shot_id}", "seed": n, "width": 270, "height": 480, "shot_id": shot_id}
    return Take.model_validate(
        {
            "id": f"t-{variant_id}-{shot_id}-{n}",
            "shot_id": shot_id,
            "variant_id": variant_id,
            "asset": asset,
            "backend": "test",
            "request": request | {"variant_id": variant_id},
            "selected": selected,
        }
    )


@pytest.fixture
def window(qtbot):
    from studio.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.doc is not None:
        win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def open_project(window, root: Path, project: Project) -> Project:
    ProjectStore(root).create(project)
    assert window.ops.project.open_project(root)
    return window.doc.project


def missing_takes_stand_in(request, *, on_progress=None, cancel=None):
    """The GPU step, without a model: a picture for every shot the request names (as the stage returns them)."""
    from studio.stages.takes import TakesOutcome

    project = request.project
    made = []
    for vid in request.variant_ids:
        for shot in project.variant(vid).shots:
            if project.own_take(shot.shot_id, vid) is None:
                made.append(take(request.project_dir, shot.shot_id, vid, 1))
    return TakesOutcome(takes=tuple(made))


# --- 1. the main window is wiring only ---------------------------------------------------------------------------


def test_main_window_is_wiring_and_pages_get_typed_operations(window, tmp_path):
    lines = (ROOT / "studio" / "ui" / "main_window.py").read_text(encoding="utf-8").count("\n")
    assert lines < 500, f"main_window.py has {lines} lines: actions belong in studio/ui/operations"
    from studio.ui.operations import ExportOps, Operations, PlanOps, ProjectOps, RenderOps, TakeOps

    open_project(window, tmp_path / "p", planned())
    assert isinstance(window.ops, Operations)
    assert isinstance(window.ops.project, ProjectOps) and isinstance(window.ops.plan, PlanOps)
    assert isinstance(window.ops.takes, TakeOps) and isinstance(window.ops.render, RenderOps)
    assert isinstance(window.ops.export, ExportOps)
    for page in window.pages.values():
        assert page.ops is window.ops and not hasattr(page, "window_actions")


# --- 2. a render never undoes a pick -----------------------------------------------------------------------------


def test_a_take_picked_while_a_render_runs_survives_the_render(window, qtbot, tmp_path):
    """The creator picks another take while the cut runs; the cut's outcome is applied by key and keeps the pick."""
    from studio.stages.cut import CutOutcome
    from studio.ui.operations.render import PREVIEW_SCALE

    root = tmp_path / "p"
    project = planned()
    vid = project.variants[0].id
    shot = project.variants[0].shots[0].shot_id
    project.takes = [take(root, shot, vid, 1, selected=True), take(root, shot, vid, 2)]
    open_project(window, root, project)
    first, second = (t.id for t in window.doc.project.takes)
    cutting, picked = threading.Event(), threading.Event()

    def slow_cut(request, *, on_progress=None, cancel=None):
        cutting.set()
        assert picked.wait(10), "the test picks a take while this runs"
        path = request.out_dir / f"{request.variant_id}_9x16.mp4"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"video")
        v = request.project.variant(request.variant_id)
        made = {"variant_id": v.id, "market": v.market, "language": v.language, "segment": v.segment}
        from studio.model import Deliverable

        d = Deliverable(**made, aspect="9:16", kind="video", path=os.path.relpath(path, request.project_dir))
        # the cut's project still has the first take picked: applying the outcome must not bring that back
        assert request.project.selected_take(shot, vid).id == first
        return CutOutcome(variant_id=v.id, cell="", aspects=request.aspects, deliverables=[d])

    window.ops.render.stand_ins.update(takes=missing_takes_stand_in, cut=slow_cut)
    run = window.ops.render.render(scale=PREVIEW_SCALE, variant_ids=(vid,))
    assert run is not None
    qtbot.waitUntil(cutting.is_set, timeout=20_000)  # the images step ended and the cut began
    assert window.ops.takes.pick(second)  # the creator changes their mind while it renders
    picked.set()
    qtbot.waitUntil(lambda: run.ended, timeout=20_000)

    p = window.doc.project
    assert p.selected_take(shot, vid).id == second, "the pick made during the render survives it"
    assert [d.variant_id for d in p.deliverables] == [vid], "the render's file is listed"
    on_disk = ProjectStore(root).load()
    assert on_disk.selected_take(shot, vid).id == second and len(on_disk.deliverables) == 1
    assert not window.doc.dirty
    assert window.doc.undo_stack.undoText() == "Render"
    window.ops.project.undo()  # the render is one step: undoing it keeps the pick
    assert window.doc.project.deliverables == [] and window.doc.project.selected_take(shot, vid).id == second


# --- 3. settings travel in requests ------------------------------------------------------------------------------


def test_changed_settings_reach_the_next_job_without_restart_or_environment(window, qtbot, tmp_path, monkeypatch):
    from studio.stages import plan
    from studio.stages.plan import PlanOutcome

    for name in [n for n in os.environ if n.startswith("QIANMIAN_") and n != "QIANMIAN_HOME"]:
        monkeypatch.delenv(name)
    environ_before = dict(os.environ)
    open_project(window, tmp_path / "p", planned())
    seen = []

    def record(request, *, on_progress=None, cancel=None):
        seen.append(request.settings)
        return PlanOutcome(project=planned())

    monkeypatch.setattr(plan, "run", record)
    window.show_settings()
    dialog = window._settings_dialog
    dialog.endpoint.setText("http://127.0.0.1:9/v1")
    dialog.llm_model.setText("qwen2.5:7b")
    dialog.device.setCurrentText("cpu")
    dialog.save()
    window.ops.plan.plan_brief()
    qtbot.waitUntil(lambda: len(seen) == 1 and window.jobs.settled(), timeout=10_000)
    assert seen[0].llm_endpoint == "http://127.0.0.1:9/v1" and seen[0].device == "cpu"

    dialog.endpoint.clear()  # back to the offline planner
    dialog.device.setCurrentText("auto")
    dialog.save()
    window.ops.plan.plan_brief()
    qtbot.waitUntil(lambda: len(seen) == 2 and window.jobs.settled(), timeout=10_000)
    assert seen[1].llm_endpoint == "" and seen[1].device == "auto", "the next job runs with the new settings"
    assert seen[1].llm_settings().backend != "openai"
    assert dict(os.environ) == environ_before, "nothing reaches the core through os.environ"


# --- 4. a render is a chain the jobs dock shows ------------------------------------------------------------------


def test_a_render_with_missing_images_is_a_takes_job_then_a_cut_job_per_variant(window, qtbot, tmp_path, test_output):
    from process_stages import fake_cut
    from PySide6.QtCore import Qt

    from studio.ui.operations.render import PREVIEW_SCALE

    project = open_project(window, tmp_path / "p", planned())
    variants = [v.id for v in project.variants]
    assert len(variants) >= 2
    window.ops.render.stand_ins.update(takes=missing_takes_stand_in, cut=fake_cut)
    run = window.ops.render.render(scale=PREVIEW_SCALE)
    assert run is not None
    qtbot.waitUntil(lambda: run.ended, timeout=60_000)
    assert [j.state.value for j in run.jobs] == ["finished"] * (1 + len(variants)), [j.error for j in run.jobs]
    model = window.jobs_dock.model
    rows = [model.job(r) for r in range(model.rowCount())]
    # procedural frames are drawn in a worker process (no model to keep on the GPU lane), as the cuts are
    assert [(j.kind, j.lane) for j in rows] == [("takes", "process")] + [("cut", "process")] * len(variants)
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles[0].startswith("Images for the render")
    assert "takes · in its own process" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert sorted(titles[1:]) == sorted(f"Cut {vid} (preview)" for vid in variants)
    p = window.doc.project
    assert {t.variant_id for t in p.takes} == set(variants), "the images step's takes were applied"
    assert {d.variant_id for d in p.deliverables} == set(variants)
    assert window.doc.undo_stack.undoText() == "Render" and window.doc.undo_stack.count() == 1
    (test_output / "ui").mkdir(parents=True, exist_ok=True)
    window.resizeDocks([window.jobs_dock], [220], Qt.Orientation.Vertical)
    window.go_to(6)
    qtbot.wait(50)
    assert window.grab().save(str(test_output / "ui" / "render-chain-jobs.png"))


# --- 5. export in the app ----------------------------------------------------------------------------------------


def test_export_dialog_writes_the_files_and_lists_them(window, qtbot, tmp_path, test_output):
    from PySide6.QtCore import Qt

    from studio.export.translations import read_translations

    root = tmp_path / "p"
    project = planned()
    vid = project.variants[0].id
    project.takes = [take(root, s.shot_id, vid, 1) for s in project.variants[0].shots]
    open_project(window, root, project)
    window.go_to(6)
    qtbot.mouseClick(window.pages["deliver"].export_button, Qt.MouseButton.LeftButton)  # Deliver → Export…
    dialog = window._export_dialog
    assert dialog.isVisible() and dialog.variants.count() == len(project.variants)
    for kind, box in dialog.kinds.items():
        box.setChecked(kind in ("csv", "xlsx"))  # the PDF (font subsetting takes a while) is in the slow test
    for r in range(dialog.variants.count()):  # only the first variant
        item = dialog.variants.item(r)
        item.setCheckState(Qt.CheckState.Checked if r == 0 else Qt.CheckState.Unchecked)
    dialog.translations.setChecked(True)
    job = dialog.export()
    assert job is not None and job.kind == "export"
    qtbot.waitUntil(lambda: job.state.done and dialog.export_button.isEnabled(), timeout=60_000)
    assert job.state == "finished", job.error

    files = dialog.listed_files()
    by_suffix = {f.suffix: f for f in files}
    assert {".csv", ".xlsx", ".xlf"} <= set(by_suffix), files
    assert all(f.is_file() for f in files)
    shots = by_suffix[".csv"].read_text(encoding="utf-8-sig")
    assert all(s.shot_id in shots for s in project.variants[0].shots)
    xliff = next(f for f in files if f.suffix == ".xlf")
    assert read_translations(window.doc.project, xliff).results is not None
    assert dialog.show_button.isEnabled() and "files in" in dialog.status.text()
    (test_output / "ui").mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(test_output / "ui" / "export-dialog.png"))
    recorded = {d.kind for d in window.doc.project.deliverables}
    assert {"csv", "xlsx"} <= recorded and not window.doc.dirty
    assert {d.kind for d in ProjectStore(root).load().deliverables} == recorded


@pytest.mark.slow
def test_export_dialog_makes_the_review_zip(window, qtbot, tmp_path):
    root = tmp_path / "p"
    project = planned()
    project.takes = [take(root, s.shot_id, v.id, 1) for v in project.variants for s in v.shots]
    open_project(window, root, project)
    window.show_export()
    dialog = window._export_dialog
    dialog.review_zip.setChecked(True)
    dialog.with_media.setChecked(False)
    job = dialog.export()
    qtbot.waitUntil(lambda: job.state.done and dialog.export_button.isEnabled(), timeout=120_000)
    assert job.state == "finished", job.error
    zips = [f for f in dialog.listed_files() if f.suffix == ".zip"]
    assert len(zips) == 1 and zips[0].name == "may-snacks_review.zip"
    with zipfile.ZipFile(zips[0]) as zf:
        names = zf.namelist()
    assert "manifest.json" in names or any(n.endswith("manifest.json") for n in names)
    assert sum(n.endswith("_storyboard.pdf") for n in names) == len(project.variants)
    pdfs = [f for f in dialog.listed_files() if f.suffix == ".pdf"]
    assert len(pdfs) == len(project.variants) and all(f.read_bytes().startswith(b"%PDF") for f in pdfs)
    assert {d.kind for d in ProjectStore(root).load().deliverables} >= {"pdf", "png", "csv", "xlsx", "otio", "xml"}


@pytest.mark.slow  # the language check of the imported line loads its identifier (about 10 s on a busy machine)
def test_translators_file_round_trip_from_the_app(window, qtbot, tmp_path):
    """Export the lines for translators, a translator fills one Vietnamese line, the app checks and applies it."""
    import csv

    from studio.ui.operations.export import ExportChoice

    open_project(window, tmp_path / "p", planned())
    vi_variant = next(v for v in window.doc.project.variants if v.language == "vi")
    unsaved = "Giòn tan từng miếng, chưa lưu."

    def edit(project):
        project.variant(vi_variant.id).shots[-1].caption = unsaved

    window.doc.edit("Edit caption", ["variants"], edit)  # not saved: the export reads the open project
    done = []
    job = window.ops.export.export(ExportChoice(kinds=(), translations="csv", out_dir=tmp_path / "out"), done.append)
    qtbot.waitUntil(lambda: job.state.done and bool(done), timeout=30_000)
    vi = next(f for f in done[0].files if f.name.endswith("_vi.csv"))
    with open(vi, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert any(r["target"] == unsaved for r in rows), "the unsaved edit reaches the translators' file"
    row = next(r for r in rows if r["kind"] == "voice-over")
    line = "Bánh gạo giòn tan, nướng chứ không chiên."
    row["target"] = line
    with open(vi, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    summaries: list[str] = []
    job = window.ops.export.import_translations(vi, summaries.append)
    qtbot.waitUntil(lambda: job.state.done and bool(summaries), timeout=30_000)
    assert "1 applied" in summaries[0], summaries[0]
    shot = window.doc.project.variant(row["variant"]).shot(row["shot"])
    assert shot.voiceover == line
    assert window.doc.undo_stack.undoText() == f"Import translations from {vi.name}"
    window.ops.project.undo()
    assert window.doc.project.variant(row["variant"]).shot(row["shot"]).voiceover != line
