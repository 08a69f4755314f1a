"""The app's Presenter… action: on the Images page a presenter shot offers it; the dialog takes the lip-sync model
folder from Settings → Model folders, a portrait only with a consent note, and the variant; the stage runs on the GPU
lane (tiny random MuseTalk-shaped models) and the take appears in the shot's takes for that variant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from render_project import build_project
from tiny_presenter_models import build_tiny_lipsync

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")

VARIANT = "vi-snack-fans"
SHOTS = [
    ("s1", "hook", 2.0, "push-in", "Giòn tan mỗi ngày.", "Giòn tan", (200, 120, 40)),
    ("s2", "proof", 2.5, "static", "Bánh tráng Cô Ba, ngon thật!", "", (60, 120, 90)),
    ("s3", "cta", 2.0, "static", "Mua ngay hôm nay.", "Mua ngay", (150, 40, 60)),
]
CONSENT = "Model release signed by Linh Tran, 2026-11-30, ads in VN"


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_lipsync(tmp_path_factory.mktemp("presenter-models") / "musetalk-tiny")


def test_presenter_action_makes_the_take_for_the_variant_and_shot(
    qtbot: Any, tmp_path: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.presenter.portrait import draw_portrait
    from studio.model.requests import CastMember
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import UserSettings

    monkeypatch.delenv("QIANMIAN_PRESENTER_MODELS", raising=False)
    store = build_project(tmp_path / "p", duration_s=8.0, shots=SHOTS, language="vi", variant_id=VARIANT)
    project = store.load()
    project.settings.fps = 12
    assert project.storyboard is not None
    project.storyboard.shots[1].presenter = True
    project.variant(VARIANT).market = "VN"
    store.save(project)
    photo = tmp_path / "linh.png"
    member = CastMember(role="presenter", gender="woman", skin_tone="olive", age="adult")
    draw_portrait(member, 256, 448, seed=5).image.save(photo)

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.ops.settings.save(UserSettings(model_folders=[str(models.parent)], device="cpu"))
    assert win.ops.project.open_project(store.root)
    try:
        win.go_to(4)
        page: Any = win.page("images")
        page.select_variant(VARIANT)
        panel = page.motion_panel
        page.shots.setCurrentRow(0)
        assert not panel.presenter_button.isVisibleTo(page), "only presenter shots offer it"
        page.shots.setCurrentRow(1)
        assert panel.presenter_button.isVisibleTo(page) and panel.presenter_button.isEnabled()

        dialog = panel.open_presenter()
        assert dialog.isVisible()
        assert [dialog.model.itemText(i) for i in range(dialog.model.count())] == [models.name], "from the settings"
        assert dialog.variant.currentData() == VARIANT
        dialog.portrait.setText(str(photo))
        assert not dialog.ok.isEnabled() and "who agreed" in dialog.note.text(), "no likeness without consent"
        dialog.consent.setText(CONSENT)
        assert dialog.ok.isEnabled()
        dialog.ok.click()

        job = panel.presenter_job
        assert job is not None and job.lane == "gpu" and job.kind == "presenter"
        qtbot.waitUntil(lambda: win.jobs.settled(), timeout=120_000)
        assert [j.error for j in win.jobs.jobs if j.state == "failed"] == []
        takes = [t for t in win.doc.project.motion_takes if t.info.get("lipsync")]
        assert [(t.variant_id, t.shot_id) for t in takes] == [(VARIANT, "s2")]
        assert takes[0].info["consent"] == CONSENT and takes[0].info["portrait_source"] == "supplied"
        assert panel.clips.count() == 1 and "presenter" in panel.clips.item(0).text()
        assert "✓ in the cut" in panel.clips.item(0).text()
        assert "▶ moves" in page.shots.item(1).text()
        assert [t.id for t in store.load().motion_takes] == [takes[0].id], "saved with the project"
        win.doc.undo_stack.undo()
        assert win.doc.project.motion_takes == [] and panel.clips.count() == 0, "one undo step"
    finally:
        win.doc.undo_stack.setClean()
        win.jobs.shutdown()


def test_storyboard_toggle_tells_a_shot_to_camera_as_one_undo_step(qtbot: Any, tmp_path: Path) -> None:
    from studio.model import ProjectStore, load_brief
    from studio.planning import plan_project
    from studio.ui.document import ProjectDocument
    from studio.ui.storyboard_page import StoryboardPage

    project = plan_project(load_brief(Path(__file__).parent / "briefs" / "fintech-app.toml"), llm=None)
    store = ProjectStore(tmp_path / "p")
    store.create(project)
    doc = ProjectDocument(store, project)
    page = StoryboardPage()
    qtbot.addWidget(page)
    page.set_document(doc)
    doc.changed.connect(page.refresh)
    page.board.setCurrentRow(1)
    button = page.presenter_button
    assert button.isEnabled() and not button.isChecked()
    button.click()
    assert doc.project.storyboard is not None and doc.project.storyboard.shots[1].presenter
    assert button.isChecked() and "to camera" in page.board.item(1).text()
    variant = doc.project.variants[0]
    assert "the presenter, facing the camera" in variant.shots[1].prompt
    page.board.setCurrentRow(0)
    assert not button.isChecked(), "the toggle follows the selected shot"
    doc.undo_stack.undo()
    assert not doc.project.storyboard.shots[1].presenter
