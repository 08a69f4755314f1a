"""Every edit in the studio is one undo step: the brief form, the storyboard board and table, insights, takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from studio import paths
from studio.model import Project, ProjectStore, load_brief
from studio.stages.status import StepState, step_status


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


def dump(project: Project, *parts: str) -> dict:
    return {p: project.model_dump(mode="json")[p] for p in parts}


def test_brief_form_validates_and_undoes(window, qtbot):
    page = window.pages["brief"]
    doc = window.doc
    original = doc.project.brief.brand

    page.brand.setText("Lumi Pro")
    page.brand.editingFinished.emit()
    assert doc.project.brief.brand == "Lumi Pro"
    assert (doc.dirty and "*" not in window.windowTitle()) or window.isWindowModified()

    # an invalid brief is refused with a message naming the field; the project keeps its last valid brief
    page.selling_points.setPlainText("")
    assert not page.commit()
    assert page.errors.isVisible()
    assert "Selling points" in page.errors.text()
    assert doc.project.brief.selling_points
    page.selling_points.setPlainText("brightens overnight")
    for box in page.aspects.values():
        box.setChecked(False)
    assert "aspect_ratios needs at least one" in page.errors.text()
    assert doc.project.brief.aspect_ratios == ["9:16"]

    window.ops.project.undo()
    assert doc.project.brief.brand == original
    assert page.brand.text() == original  # the form follows the document
    assert not page.errors.isVisible()
    window.ops.project.redo()
    assert doc.project.brief.brand == "Lumi Pro"
    assert window.undo_action.text() == "&Undo Edit brief"


def test_storyboard_edits_keep_variants_in_step_and_undo(window):
    window.go_to(2)
    page = window.pages["storyboard"]
    doc = window.doc
    project = doc.project
    before = dump(project, "storyboard", "variants")
    ids = [s.id for s in project.storyboard.shots]

    page.board.setCurrentRow(1)
    page.add_shot()
    new_ids = [s.id for s in project.storyboard.shots]
    assert len(new_ids) == len(ids) + 1 and new_ids[2] not in ids
    assert all([s.shot_id for s in v.shots] == new_ids for v in project.variants)
    assert all(v.shots[2].prompt for v in project.variants), "each variant gets a localized copy to draw"
    assert step_status(project, "images").state is StepState.MISSING

    page.board.setCurrentRow(0)
    page.split_shot()
    assert project.storyboard.shots[0].duration_s == pytest.approx(before["storyboard"]["shots"][0]["duration_s"] / 2)
    assert len(project.storyboard.shots) == len(ids) + 2

    # drag and drop: the list model moves the card, the page turns that into one "Reorder shots" step
    order_before = page.board.order()
    assert page.board.model().moveRow(QModelIndex(), 0, QModelIndex(), 3)
    assert [s.id for s in project.storyboard.shots] == page.board.order() != order_before
    assert doc.undo_stack.undoText() == "Reorder shots"
    assert all([s.shot_id for s in v.shots] == page.board.order() for v in project.variants)

    page.board.setCurrentRow(page.board.order().index(ids[-1]))
    page.delete_shot()
    assert ids[-1] not in [s.id for s in project.storyboard.shots]
    assert all(ids[-1] not in [s.shot_id for s in v.shots] for v in project.variants)

    for _ in range(4):
        window.ops.project.undo()
    assert dump(doc.project, "storyboard", "variants") == before
    assert page.board.order() == ids
    for _ in range(4):
        window.ops.project.redo()
    assert ids[-1] not in page.board.order()
    assert page.board.count() == len(ids) + 1


def test_shot_table_variant_column_is_an_override(window):
    window.go_to(2)
    page = window.pages["storyboard"]
    model = page.table_model
    doc = window.doc
    variant = doc.project.variants[0]
    master_cols = 5
    col = master_cols + [v.id for v in doc.project.variants].index(variant.id)
    cell = model.index(0, col)
    assert model.setData(cell, "ปาร์ตี้ทั้งคืน")
    shot = doc.project.variant(variant.id).shots[0]
    assert shot.voiceover == "ปาร์ตี้ทั้งคืน" and shot.overrides["voiceover"] == "ปาร์ตี้ทั้งคืน"
    assert isinstance(model.data(cell, Qt.ItemDataRole.FontRole), QFont)

    visual = model.index(1, 2)
    assert model.setData(visual, "a rooftop at midnight, neon and palm trees")
    assert doc.project.storyboard.shots[1].visual.startswith("a rooftop")
    assert all(v.shots[1].stale for v in doc.project.variants)
    assert not model.setData(model.index(1, 1), "-2")  # the schema refuses a negative duration; nothing changes

    window.ops.project.undo()
    assert not any(v.shots[1].stale for v in doc.project.variants)
    window.ops.project.undo()
    assert "voiceover" not in doc.project.variant(variant.id).shots[0].overrides


def test_insight_edit_and_variant_shot_edit_undo(window):
    window.go_to(1)
    audience = window.pages["audience"]
    doc = window.doc
    first = doc.project.insights[0].model_copy(deep=True)
    assert audience.model.setData(audience.model.index(0, 1), "Humid nights melt makeup by 11 pm")
    assert doc.project.insights[0].text == "Humid nights melt makeup by 11 pm"
    assert doc.project.insights[0].source == "edited"
    audience.add_insight()
    assert len(doc.project.insights) == len(window.pages["audience"].model._ids)

    window.go_to(3)
    variants = window.pages["variants"]
    variants.matrix.setCurrentCell(0, 0)
    vid = variants.selected_variant()
    from studio.ui.variants_page import LOCAL_COLUMNS

    caption = [key for key, _title in LOCAL_COLUMNS].index("caption")
    assert variants.shot_model.setData(variants.shot_model.index(0, caption), "ทั้งคืนยังโกลว์")
    assert doc.project.variant(vid).shots[0].caption == "ทั้งคืนยังโกลว์"

    for _ in range(3):
        window.ops.project.undo()
    assert doc.project.insights[0] == first
    assert not doc.undo_stack.canUndo()
    assert not doc.dirty


def test_insights_follow_the_selected_persona(window):
    """A persona shows its own insights and its market's and segment's, not the whole plan's; All insights shows
    every one; a new insight is added for the persona in view and can be deleted from the filtered table."""
    window.go_to(1)
    audience = window.pages["audience"]
    personas = window.doc.project.personas
    markets = {p.market for p in personas}
    assert len(markets) > 1, "the sample plan has personas in several markets"
    total = audience.model.rowCount()

    def shown() -> list:
        return [
            audience.model.insight(audience.shown.mapToSource(audience.shown.index(r, 0)).row())
            for r in range(audience.shown.rowCount())
        ]

    seen = {}
    for row, persona in enumerate(personas):
        audience.personas.setCurrentRow(row)
        insights = shown()
        assert insights and len(insights) < total, persona.name
        for i in insights:
            assert i.persona_id in (None, persona.id), i
            assert i.market in (None, "", persona.market) and i.segment in (None, "", persona.segment), i
        seen[persona.market] = {i.id for i in insights}
    assert len({frozenset(v) for v in seen.values()}) == len(seen), "each market's persona sees its own insights"

    audience.all_insights.setChecked(True)
    assert audience.shown.rowCount() == total
    audience.all_insights.setChecked(False)

    audience.personas.setCurrentRow(0)
    audience.add_insight()
    new = window.doc.project.insights[-1]
    assert (new.market, new.segment) == (personas[0].market, personas[0].segment)
    assert new.id in {i.id for i in shown()}, "the new insight stays in view"
    audience.table.selectRow(audience.table.currentIndex().row())
    audience.delete_insight()
    assert new.id not in {i.id for i in window.doc.project.insights}
    assert len(window.doc.project.insights) == total


def test_plan_runs_as_a_job_and_is_one_undo_step(window, qtbot):
    doc = window.doc
    doc.edit(
        "Clear plan", ("storyboard", "variants"), lambda p: (setattr(p, "storyboard", None), setattr(p, "variants", []))
    )
    assert window.steps.item(2).text().startswith("○")
    job = window.ops.plan.plan_brief()
    qtbot.waitUntil(lambda: doc.project.storyboard is not None, timeout=30_000)
    assert job.state.value == "finished"
    assert doc.undo_stack.undoText() == "Plan"
    assert window.pages["storyboard"].board.count() == len(doc.project.storyboard.shots)
    assert window.current_page() is window.pages["storyboard"]
    window.ops.project.undo()
    assert doc.project.storyboard is None
