"""Export in the app writes what `qianmian export` and `qianmian translations export` write: the same file names,
the same bytes where the file is deterministic (shot lists, OTIO, contact sheet, media, translators' files), the
same content where it is not (a PDF's creation date, an XLSX's timestamps, editor timelines' absolute paths).

The brief is one the other tests do not have: an Indonesian batik-print scarf label for Indonesia and Malaysia.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.model import Brief, MarketTarget, Project, ProjectStore, Segment, Take

BRIEF = Brief(
    brand="Kain Senja",
    product="Kain Senja batik-print silk scarf",
    category="fashion",
    selling_points=["hand-drawn batik patterns", "washable silk"],
    markets=[MarketTarget(code="ID", language="id"), MarketTarget(code="MY", language="ms")],
    segments=[Segment(id="commuters", name="Office commuters", description="24-35, city trains")],
    duration_s=9,
)


@functools.cache
def _planned() -> Project:
    from studio.planning import plan_project

    return plan_project(BRIEF, name="kain-senja")


def with_takes(root: Path) -> Project:
    """The planned project with a picture for every shot of every variant (small PNGs, as a take leaves them)."""
    from PIL import Image

    project = _planned().model_copy(deep=True)
    (root / "assets").mkdir(parents=True, exist_ok=True)
    for v in project.variants:
        for n, s in enumerate(v.shots):
            asset = f"take-{v.id}-{s.shot_id}.png"
            Image.new("RGB", (180, 320), (30 + 40 * n, 90, 150)).save(root / "assets" / asset)
            request = {"prompt": f"silk scarf {s.shot_id}", "seed": n, "width": 180, "height": 320}
            project.takes.append(
                Take.model_validate(
                    {
                        "id": f"t-{v.id}-{s.shot_id}",
                        "shot_id": s.shot_id,
                        "variant_id": v.id,
                        "asset": asset,
                        "backend": "test",
                        "request": request | {"shot_id": s.shot_id, "variant_id": v.id},
                    }
                )
            )
    return project


@pytest.fixture
def window(qtbot):
    from studio.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    yield win
    if win.doc is not None:
        win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def twin_projects(tmp_path: Path) -> tuple[Path, Path]:
    """The same project in two folders: one the app exports, one the CLI exports."""
    app_root, cli_root = tmp_path / "app" / "kain-senja", tmp_path / "cli" / "kain-senja"
    ProjectStore(app_root).create(with_takes(app_root))
    shutil.copytree(app_root, cli_root)
    return app_root, cli_root


def export_from_dialog(window, qtbot, *, review_zip: bool, translations: str = "") -> list[Path]:
    """Deliver → Export…, as a creator does it; returns the files the dialog lists."""
    window.go_to(6)
    qtbot.mouseClick(window.pages["deliver"].export_button, Qt.MouseButton.LeftButton)
    dialog = window._export_dialog
    assert dialog.isVisible()
    dialog.review_zip.setChecked(review_zip)
    if not review_zip:
        for box in dialog.kinds.values():
            box.setChecked(False)
    dialog.translations.setChecked(bool(translations))
    (dialog.csv if translations == "csv" else dialog.xliff).setChecked(True)
    job = dialog.export()
    assert job is not None
    qtbot.waitUntil(lambda: job.state.done and dialog.export_button.isEnabled(), timeout=180_000)
    assert job.state == "finished", job.error
    return dialog.listed_files()


@pytest.mark.parametrize("fmt", ["xliff", "csv"])
def test_translators_files_from_the_app_are_the_cli_files(window, qtbot, tmp_path, fmt):
    from studio import cli

    app_root, cli_root = twin_projects(tmp_path)
    assert window.ops.project.open_project(app_root)
    files = export_from_dialog(window, qtbot, review_zip=False, translations=fmt)
    out = tmp_path / "cli-translations"
    assert cli.main(["translations", "export", str(cli_root), "--out", str(out), "--format", fmt]) == 0
    suffix = ".xlf" if fmt == "xliff" else ".csv"
    assert (
        sorted(f.name for f in files)
        == sorted(p.name for p in out.iterdir())
        == [
            f"kain-senja_id{suffix}",
            f"kain-senja_ms{suffix}",
        ]
    )
    for f in files:  # the same bytes, but for the project's folder (each unit names its frame's file)
        ours = f.read_bytes().replace(str(app_root).encode(), b"PROJECT")
        assert str(app_root).encode() in f.read_bytes() and b"PROJECT" in ours
        assert ours == (out / f.name).read_bytes().replace(str(cli_root).encode(), b"PROJECT"), f.name


def test_translators_file_has_the_line_edited_in_the_app_before_saving(window, qtbot, tmp_path):
    """The app exports the project as the creator sees it, unsaved edits included (as its other exports do)."""
    app_root, _ = twin_projects(tmp_path)
    assert window.ops.project.open_project(app_root)
    ms = next(v for v in window.doc.project.variants if v.market == "MY")
    line = "Batik lukisan tangan, sutera boleh basuh."
    from studio.stages.edits import set_variant_field

    window.doc.edit(
        "Edit line", ("variants",), lambda p: set_variant_field(p, ms.id, ms.shots[0].shot_id, "voiceover", line)
    )
    assert window.doc.dirty
    files = export_from_dialog(window, qtbot, review_zip=False, translations="csv")
    malay = next(f for f in files if f.name.endswith("_ms.csv"))
    assert line in malay.read_text(encoding="utf-8-sig")
    assert line not in (app_root / "project.json").read_text(encoding="utf-8"), "nothing was saved by the export"


# Members whose bytes carry a date or the project's absolute folder: compared by what they hold instead.
DATED = {".pdf", ".xlsx"}
PATHS = {".xml", ".fcpxml"}


@pytest.mark.slow  # two full exports with the storyboard PDFs (font subsetting), ~30 s
def test_review_zip_from_the_app_is_the_cli_review_zip(window, qtbot, tmp_path):
    from openpyxl import load_workbook

    from studio import cli

    app_root, cli_root = twin_projects(tmp_path)
    assert window.ops.project.open_project(app_root)
    files = export_from_dialog(window, qtbot, review_zip=True)
    assert cli.main(["export", str(cli_root)]) == 0

    app_zip = next(f for f in files if f.suffix == ".zip")
    cli_zip = cli_root / "renders" / "kain-senja_review.zip"
    assert app_zip == app_root / "renders" / "kain-senja_review.zip", "the app writes where the CLI does"
    # the hand-off files the dialog lists are the ones in the zip, on disk where the CLI leaves them
    listed = sorted(str(f.relative_to(app_root / "renders")) for f in files if f.suffix != ".zip")
    with zipfile.ZipFile(app_zip) as a, zipfile.ZipFile(cli_zip) as c:
        names = a.namelist()
        assert names == c.namelist()
        assert {n for n in names if n.startswith("handoff/") and "/media/" not in n} == set(listed)
        kinds = {Path(n).suffix for n in names}
        assert {".pdf", ".png", ".csv", ".xlsx", ".otio", ".xml", ".fcpxml", ".json"} <= kinds
        for name in names:
            ours, theirs = a.read(name), c.read(name)
            suffix = Path(name).suffix
            if name == "manifest.json":
                mine, cli_manifest = json.loads(ours), json.loads(theirs)
                assert [f["path"] for f in mine["files"]] == [f["path"] for f in cli_manifest["files"]]
                assert mine["variants"] == cli_manifest["variants"]
            elif suffix == ".pdf":
                assert ours.startswith(b"%PDF") and ours.count(b"/Type /Page\n") == theirs.count(b"/Type /Page\n")
                assert abs(len(ours) - len(theirs)) < 64, name  # the creation date differs, nothing else
            elif suffix == ".xlsx":
                rows = [
                    [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
                    for data in (ours, theirs)
                ]
                assert rows[0] == rows[1], name
            elif suffix in PATHS:
                assert ours.replace(str(app_root).encode(), b"ROOT") == theirs.replace(
                    str(cli_root).encode(), b"ROOT"
                ), name
            else:
                assert ours == theirs, name
