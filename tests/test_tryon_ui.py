"""The app's Try on… action: on the Images page an apparel brief with a garment photo offers it for shots of the
talent; the dialog takes the image model from Settings → Model folders, the garment by its angle, the strength and a
mask; the stage runs on the GPU lane (tiny SD 1.5) and the take appears, picked, in that shot's takes as one undo step.
Elsewhere the action is disabled and its tooltip says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from test_tryon import VID, apparel_project
from tiny_models import TinyModels, use_tiny_models

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


def open_window(qtbot: Any, root: Path, models: TinyModels) -> Any:
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import UserSettings

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.ops.settings.save(UserSettings(model_folders=[str(models.root)], device="cpu"))
    assert win.ops.project.open_project(root)
    win.go_to(4)
    return win


def test_try_on_makes_the_picked_take_of_the_shot(
    qtbot: Any, models: TinyModels, tmp_path: Path, sample_brief_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = apparel_project(tmp_path / "proj", sample_brief_path)
    talent = store.load().selected_take("s2", VID)
    assert talent is not None
    win = open_window(qtbot, store.root, models)
    try:
        page: Any = win.page("images")
        page.select_variant(VID)
        page.shots.setCurrentRow(2)
        button = page.try_on_button
        assert not button.isEnabled() and "nobody to dress" in button.toolTip(), "the product shot"
        page.shots.setCurrentRow(1)
        assert button.isVisibleTo(page) and button.isEnabled()
        before = page.takes.count()

        dialog = page.open_try_on()
        assert dialog.isVisible() and dialog.variant.currentData() == VID
        assert [dialog.garment.itemText(i) for i in range(dialog.garment.count())] == ["front"]
        assert "tiny-sd15" in [dialog.model.itemText(i) for i in range(dialog.model.count())], "from the settings"
        dialog.model.setCurrentText("tiny-sd15")
        assert not dialog.show_stored.isEnabled(), "no try-on yet: no stored mask"
        dialog.mask_file.setText(str(tmp_path / "missing.png"))
        assert not dialog.ok.isEnabled() and "does not exist" in dialog.note.text()
        dialog.mask_file.clear()
        assert dialog.ok.isEnabled() and dialog.pick.isChecked()
        dialog.ok.click()

        job = page.try_on_job
        assert job is not None and job.lane == "gpu"
        qtbot.waitUntil(lambda: win.jobs.settled(), timeout=300_000)
        assert [j.error for j in win.jobs.jobs if j.state == "failed"] == []
        project = win.doc.project
        made = [t for t in project.takes if t.request.tryon_mask]
        assert [(t.variant_id, t.shot_id) for t in made] == [(VID, "s2")]
        take = made[0]
        assert project.selected_take("s2", VID).id == take.id, "the try-on is the shot's pick"
        assert page.takes.count() == before + 1
        shown = {page.takes.item(i).data(256): page.takes.item(i).text() for i in range(page.takes.count())}
        assert shown[take.id].startswith("✓ picked"), shown
        out = np.asarray(Image.open(store.asset_path(take.asset)).convert("RGB"), dtype=np.float32)
        start = np.asarray(Image.open(store.asset_path(talent.asset)).convert("RGB").resize(out.shape[1::-1]))
        mask = np.asarray(Image.open(store.asset_path(take.request.tryon_mask)).convert("L")) > 127
        assert np.abs(out[mask] - start[mask]).mean() > 10, "the garment region is redrawn"
        qtbot.waitUntil(lambda: any(t.id == take.id for t in store.load().takes), timeout=10_000)

        opened: list[QUrl] = []

        def open_url(url: QUrl) -> bool:
            opened.append(url)
            return True

        monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
        again = page.open_try_on()
        assert again.show_stored.isEnabled(), "the stored mask can now be opened to paint over"
        again.show_stored.trigger()
        assert [Path(u.toLocalFile()) for u in opened] == [store.asset_path(take.request.tryon_mask).parent]
        painted = Image.new("L", Image.open(store.asset_path(talent.asset)).size, 0)
        ImageDraw.Draw(painted).rectangle([0, painted.height // 2, painted.width // 2, painted.height], fill=255)
        painted.save(tmp_path / "mask.png")
        again.model.setCurrentText("tiny-sd15")
        again.mask_file.setText(str(tmp_path / "mask.png"))
        again.pick.setChecked(False)
        again.ok.click()
        qtbot.waitUntil(lambda: win.jobs.settled(), timeout=300_000)
        assert [j.error for j in win.jobs.jobs if j.state == "failed"] == []
        second = [t for t in win.doc.project.takes if t.request.tryon_mask and t.id != take.id]
        assert [t.info["mask_source"] for t in second] == ["creator"], "the creator's replacement mask"
        assert win.doc.project.selected_take("s2", VID).id == take.id, "unchecked: not the pick"
        assert page.takes.count() == before + 2

        win.doc.undo_stack.undo()
        assert [t.id for t in win.doc.project.takes if t.request.tryon_mask] == [take.id], "one undo step each"
        win.doc.undo_stack.undo()
        assert not [t for t in win.doc.project.takes if t.request.tryon_mask]
        assert win.doc.project.selected_take("s2", VID).id == talent.id
    finally:
        win.doc.undo_stack.setClean()
        win.jobs.shutdown()


def test_try_on_failure_is_told_with_the_stages_message(
    qtbot: Any, models: TinyModels, tmp_path: Path, sample_brief_path: Path
) -> None:
    store = apparel_project(tmp_path / "proj", sample_brief_path)
    win = open_window(qtbot, store.root, models)
    told: list[tuple[str, str]] = []
    win.notify = lambda title, text, actions=(): told.append((title, text))
    try:
        page: Any = win.page("images")
        page.select_variant(VID)
        page.shots.setCurrentRow(1)
        dialog = page.open_try_on()
        dialog.model.setCurrentText("no-such-model")
        dialog.ok.click()
        qtbot.waitUntil(lambda: win.jobs.settled(), timeout=60_000)
        assert any("failed" in title and "no-such-model" in text for title, text in told), told
        assert not [t for t in win.doc.project.takes if t.request.tryon_mask]
    finally:
        win.doc.undo_stack.setClean()
        win.jobs.shutdown()


def test_try_on_is_disabled_with_the_reason_on_a_non_apparel_project(
    qtbot: Any, models: TinyModels, tmp_path: Path, sample_brief_path: Path
) -> None:
    serum = apparel_project(tmp_path / "serum", sample_brief_path, category="skincare")
    win = open_window(qtbot, serum.root, models)
    try:
        page: Any = win.page("images")
        page.select_variant(VID)
        page.shots.setCurrentRow(1)
        assert not page.try_on_button.isEnabled()
        assert "apparel" in page.try_on_button.toolTip() and "skincare" in page.try_on_button.toolTip()
    finally:
        win.jobs.shutdown()

    bare = apparel_project(tmp_path / "bare", sample_brief_path, garment=False)
    win = open_window(qtbot, bare.root, models)
    try:
        page = win.page("images")
        page.select_variant(VID)
        page.shots.setCurrentRow(1)
        assert not page.try_on_button.isEnabled() and "add one in Brand" in page.try_on_button.toolTip()
    finally:
        win.jobs.shutdown()
