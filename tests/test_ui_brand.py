"""The brand kit on the Brief page: a logo, a colour and a product photo added from the app, each one undo step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from brand_fixtures import bag_photo, logo_badge
from PIL import Image

from studio import paths
from studio.model import Project, ProjectStore, load_brief
from studio.planning.brand import BrandEdits


@pytest.fixture(scope="module")
def planned() -> Project:
    from studio.planning import plan_project

    return plan_project(load_brief(paths.sample_brief()), name="demo")


@pytest.fixture
def window(qtbot, tmp_path: Path, planned: Project):
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "demo").create(planned.model_copy(deep=True))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.ops.project.open_project(tmp_path / "demo")
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def test_brand_panel_imports_files_as_one_undo_step(window, qtbot, tmp_path: Path) -> None:
    page = window.page("brief")
    doc = window.doc
    panel = page.brand_panel
    assert doc.project.brief.brand_kit is None
    logo_badge().save(tmp_path / "logo.png")
    photo, truth = bag_photo()
    photo.save(tmp_path / "bag.png")

    panel.edited.emit(BrandEdits(logo=tmp_path / "logo.png", photos=[("front", tmp_path / "bag.png")]))
    qtbot.waitUntil(lambda: doc.project.brief.brand_kit is not None, timeout=60000)
    kit = doc.project.brief.brand_kit
    assert kit.logo is not None and (doc.root / "assets" / kit.logo.asset).is_file()
    photo_entry = kit.product_photos[0]
    assert photo_entry.angle == "front" and photo_entry.mask_source == "grabcut"
    mask = np.asarray(Image.open(doc.root / "assets" / str(photo_entry.mask))) > 127
    assert (mask & truth).sum() / (mask | truth).sum() > 0.9
    qtbot.waitUntil(lambda: panel.photos.rowCount() == 1, timeout=5000)
    assert panel.photos.item(0, 0).text() == "front" and panel.photos.item(0, 2).text() == "grabcut"
    assert panel.logo_preview.pixmap() is not None and not panel.logo_preview.pixmap().isNull()

    panel.colours["primary"].setText("#1e6b52")
    panel.colours["primary"].editingFinished.emit()
    qtbot.waitUntil(lambda: doc.project.brief.brand_kit.colours.primary == "#1E6B52", timeout=30000)
    panel.corner_logo.setChecked(True)
    qtbot.waitUntil(lambda: doc.project.brief.brand_kit.corner_logo, timeout=30000)

    doc.undo_stack.undo()
    assert not doc.project.brief.brand_kit.corner_logo
    doc.undo_stack.undo()
    assert doc.project.brief.brand_kit.colours.primary is None
    doc.undo_stack.undo()
    assert doc.project.brief.brand_kit is None


def test_a_missing_file_reaches_the_creator_with_its_name(window, qtbot, tmp_path: Path) -> None:
    doc = window.doc
    window.page("brief").brand_panel.edited.emit(BrandEdits(logo=tmp_path / "no-such-logo.png"))
    qtbot.waitUntil(lambda: any(j.state.value == "failed" for j in window.jobs.jobs), timeout=30000)
    failed = next(j for j in window.jobs.jobs if j.state.value == "failed")
    assert "no-such-logo.png" in str(failed.error) and "brand_kit.logo" in str(failed.error)
    assert doc.project.brief.brand_kit is None
