"""The studio as a creative professional tries it: starting a project, preview vs final, jobs, untranslated lines.

The brief here is one the samples do not have: noise-cancelling earbuds (electronics, by its alias) for Korea and
Saudi Arabia, no copy in the brief, no LLM — so the planner leaves English lines flagged untranslated.
"""

from __future__ import annotations

import functools
import itertools
import struct
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication, QKeySequence, QWheelEvent
from PySide6.QtWidgets import QApplication

from studio.model import Brief, Deliverable, MarketTarget, Project, ProjectStore, Segment, VoiceLine
from studio.model.stage import check, report


def earbuds_brief() -> Brief:
    return Brief(
        brand="Sonora",
        product="Sonora Air noise-cancelling earbuds",
        category="earbuds",
        # the pebble-shaped case is a selling point no phrase bank can say: its lines wait for a translator
        selling_points=["forty hours of battery", "silence on the metro", "a case shaped like a river pebble"],
        markets=[MarketTarget(code="KR", language="ko"), MarketTarget(code="SA", language="ar")],
        segments=[Segment(id="commuters", name="Commuters", description="25-40, long train rides", style="minimal")],
        duration_s=10,
    )


@functools.cache
def _planned() -> Project:
    from studio.planning import plan_project

    return plan_project(earbuds_brief(), name="earbuds")


def planned() -> Project:
    return _planned().model_copy(deep=True)


@pytest.fixture
def window(qtbot):
    from studio.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.doc is not None:
        win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def open_planned(window, folder: Path, project: Project | None = None) -> Project:
    ProjectStore(folder).create(project or planned())
    assert window.ops.project.open_project(folder)
    return window.doc.project


def fake_mp4(path: Path, width: int, height: int) -> Path:
    """The boxes that say a video's frame size (moov/trak/tkhd, version 0), as an encoder writes them."""
    tkhd_body = bytes(4) + bytes(20) + bytes(8) + bytes(8) + bytes(36) + struct.pack(">II", width << 16, height << 16)
    tkhd = struct.pack(">I", 8 + len(tkhd_body)) + b"tkhd" + tkhd_body
    trak = struct.pack(">I", 8 + len(tkhd)) + b"trak" + tkhd
    moov = struct.pack(">I", 8 + len(trak)) + b"moov" + trak
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack(">I", 16) + b"ftypisom" + bytes(4) + b"\0\0\0\x08mdat" + moov)
    return path


def video(project: Project, root: Path, vid: str, size: tuple[int, int], folder: str = "renders", **kw) -> Deliverable:
    v = project.variant(vid)
    rel = f"{folder}/{vid}_9x16.mp4"
    fake_mp4(root / rel, *size)
    fields = dict(duration_s=10.0) | kw
    return Deliverable(
        variant_id=vid,
        market=v.market,
        language=v.language,
        segment=v.segment,
        aspect="9:16",
        kind="video",
        path=rel,
        **fields,
    )


# --- 1. starting a project -----------------------------------------------------------------------------------


def test_new_project_dialog_creates_the_folder(window, qtbot, tmp_path):
    from studio.ui.new_project import NewProjectDialog

    dialog = NewProjectDialog(tmp_path / "campaigns", window)  # the location does not exist yet either
    dialog.chosen.connect(window.ops.project.new_project)
    dialog.name.setText("sonora-launch")
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled(), dialog.folder_label.text()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert (tmp_path / "campaigns" / "sonora-launch" / "project.json").is_file()
    assert window.doc is not None and window.doc.project.name == "sonora-launch"

    busy = tmp_path / "holiday-photos"
    busy.mkdir()
    (busy / "beach.jpg").write_bytes(b"x")
    dialog = NewProjectDialog(tmp_path, window)
    dialog.name.setText("holiday-photos")
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    assert "other files" in dialog.folder_label.text()


def test_brief_offers_the_packs_and_names_the_field_before_plan(window, qtbot, tmp_path):
    open_planned(window, tmp_path / "p")
    page = window.pages["brief"]
    window.go_to(0)
    items = [page.category.itemText(i) for i in range(page.category.count())]
    assert "electronics" in items and "skincare" in items
    completions = page.category.completer().model()
    words = {completions.index(r, 0).data() for r in range(completions.rowCount())}
    assert "earbuds" in words  # aliases complete too

    # the market cell is edited with a picker of the known markets; the language cell offers that market's languages
    market_editor = page.markets.itemDelegateForColumn(0).createEditor(
        page.markets, None, page.markets.model().index(0, 0)
    )
    assert {"KR", "SA", "TH"} <= {market_editor.itemText(i) for i in range(market_editor.count())}
    language_editor = page.markets.itemDelegateForColumn(1).createEditor(
        page.markets, None, page.markets.model().index(1, 1)
    )
    assert [language_editor.itemText(i) for i in range(language_editor.count())] == ["ar"]

    page.markets.item(0, 0).setText("XX")  # a market nobody has a pack for
    assert window.doc.project.brief.markets[0].code == "KR", "an unknown market is not applied"
    assert "Market 1: 'XX'" in page.errors.text()
    jobs_before = len(window.jobs.jobs)
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    assert len(window.jobs.jobs) == jobs_before, "Plan does not start on a brief the planner would refuse"
    assert "before planning" in page.errors.text() and not page.errors.isHidden()

    page.markets.item(0, 0).setText("KR")
    page.category.setText("spaceships")
    page.category.editingFinished.emit()
    assert "Category: 'spaceships'" in page.errors.text()


def test_wheel_over_an_unfocused_spin_box_scrolls_the_page_not_the_value(window, qtbot, tmp_path):
    open_planned(window, tmp_path / "p")
    window.go_to(0)
    page = window.pages["brief"]
    page.plan_button.setFocus()
    assert not page.duration.hasFocus() and page.duration.value() == 10
    center = page.duration.rect().center()
    for _ in range(3):
        event = QWheelEvent(
            QPointF(center),
            QPointF(page.duration.mapToGlobal(center)),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(page.duration, event)
    assert page.duration.value() == 10
    assert page.duration.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert page.category.focusPolicy() == Qt.FocusPolicy.StrongFocus
    # every spin box and combo on every page has the guard
    from studio.ui.widgets import GUARDED

    for key in ("cut", "images", "storyboard"):
        for kind in GUARDED:
            for w in window.pages[key].findChildren(kind):
                assert w.property("wheelGuarded"), (key, w.objectName())


def test_plan_button_is_always_in_view(window, qtbot, tmp_path, test_output):
    open_planned(window, tmp_path / "p")
    window.go_to(0)
    page = window.pages["brief"]
    qtbot.wait(30)
    assert not page.scroll_area.widget().isAncestorOf(page.plan_button)
    top_left = page.plan_button.mapTo(window, QPoint(0, 0))
    assert top_left.y() >= 0 and top_left.y() + page.plan_button.height() <= window.height()
    assert page.plan_button.isVisible()
    out = test_output / "ui" / "honesty"
    out.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out / "brief-1280x720.png"))


# --- 2. fonts ---------------------------------------------------------------------------------------------------


def test_every_script_font_is_loaded_at_start_without_a_project(window, qtbot):
    from studio.ui import fonts

    assert window.doc is None
    qtbot.waitUntil(lambda: {"cjk", "arabic", "thai", "devanagari"} <= fonts.registered(), timeout=30_000)
    assert any(f == "Noto Sans CJK KR" for f in QFontDatabase.families())


# --- 3. preview and final ----------------------------------------------------------------------------------------


def test_preview_and_final_are_two_actions(window, qtbot, tmp_path, monkeypatch):
    from studio.stages import render

    open_planned(window, tmp_path / "p")
    scales, out_dirs = [], []
    plan_render = render.plan_render

    def record(project, request):
        scales.append(request.scale)
        out_dirs.append(request.out_dir or request.settings.output_dir(request.project_dir))
        return plan_render(project, request)

    def stand_in(request, *, on_progress=None, cancel=None):
        raise RuntimeError("stand-in render")

    monkeypatch.setattr(render, "plan_render", record)
    window.ops.render.stand_ins.update(takes=stand_in, cut=stand_in)
    assert window.render_action.shortcut() == QKeySequence("Ctrl+R")
    assert window.render_preview_action.shortcut() == QKeySequence("Ctrl+Shift+R")
    window.render_action.trigger()
    qtbot.waitUntil(lambda: window.jobs.settled(), timeout=10_000)
    window.render_preview_action.trigger()
    qtbot.waitUntil(lambda: window.jobs.settled() and len(scales) == 2, timeout=10_000)
    assert scales == [1.0, pytest.approx(1 / 3)]
    assert out_dirs[1].name == "preview" and out_dirs[0] != out_dirs[1], "a preview never overwrites a final video"
    cut = window.pages["cut"]
    assert cut.render_preview.text().replace("&", "") == "Render preview"
    assert cut.render_one.text().replace("&", "") == "Render final"
    assert not hasattr(cut, "quick")


def test_deliver_says_preview_draft_final_and_overrun(window, qtbot, tmp_path, test_output):
    from studio.stages.status import StepState, step_status

    root = tmp_path / "p"
    project = planned()
    kr, sa = (v.id for v in project.variants)
    for v in project.variants:  # a translator wrote Arabic lines; Korean is still English
        if v.id == sa:
            for s in v.shots:
                s.flags = [f for f in s.flags if f.kind != "untranslated"]
    ProjectStore(root).create(project)
    project.deliverables = [
        video(project, root, kr, (360, 640)),  # a preview
        video(project, root, sa, (1080, 1920), duration_s=11.2),  # final, but 1.2 s over the brief's 10 s
    ]
    ProjectStore(root).save(project)
    assert window.ops.project.open_project(root)
    window.go_to(6)
    page = window.pages["deliver"]
    table = page.table
    col = {name: i for i, name in enumerate(page.COLUMNS)}
    rows = {table.item(r, col["Variant"]).text(): r for r in range(table.rowCount())}
    assert table.item(rows[kr], col["Quality"]).text() == "preview"
    assert table.item(rows[sa], col["Quality"]).text() == "final"
    assert "1.2 s longer than the brief" in table.item(rows[sa], col["Check"]).text()
    status = step_status(window.doc.project, "deliver", root)
    assert status.state is StepState.MISSING and "1 of 2 variants without a final video" in status.note
    assert not window.steps.item(6).text().startswith("✓")
    qtbot.wait(30)
    out = test_output / "ui" / "honesty"
    out.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out / "deliver-1280x720.png"))

    # a full-size video of the Korean variant is still a draft: its lines are English
    project = window.doc.project.model_copy(deep=True)
    project.deliverables[0] = video(project, root, kr, (1080, 1920), folder="final")
    window.doc.edit("stand-in render", ("deliverables",), lambda p: setattr(p, "deliverables", project.deliverables))
    rows = {table.item(r, col["Variant"]).text(): r for r in range(table.rowCount())}
    assert table.item(rows[kr], col["Quality"]).text() == "draft"
    assert "No Korean" in table.item(rows[kr], col["Check"]).toolTip()
    assert step_status(window.doc.project, "deliver", root).state is StepState.MISSING
    assert not window.steps.item(6).text().startswith("✓")
    assert not window.steps.item(3).text().startswith("✓")  # Variants: one variant still has untranslated lines


def test_voice_and_cut_is_done_only_when_every_variant_is_voiced():
    from studio.stages.status import StepState, step_status

    project = planned()
    first = project.variants[0]
    project.voice_lines = [
        VoiceLine.model_validate(
            {
                "variant_id": first.id,
                "shot_id": s.shot_id,
                "asset": f"voice-{s.shot_id}.wav",
                "backend": "espeak",
                "duration_s": 1.0,
                "request": {"text": s.voiceover, "language": first.language, "voice": "espeak"},
            }
        )
        for s in first.shots
    ]
    status = step_status(project, "cut")
    assert status.state is StepState.MISSING and "1 variant to render" in status.note


# --- 4. jobs --------------------------------------------------------------------------------------------------------


def stubborn_stage(request, *, on_progress=None, cancel=None):
    """Stops only at its safe points, a second apart (like an encoder between chunks)."""
    for i in range(60):
        report(on_progress, i / 60, "chunk")
        time.sleep(1.0)
        check(cancel)
    return request


def test_stop_says_stopping_at_once_and_jobs_are_named_and_the_dock_is_compact(window, qtbot):
    job = window.jobs.submit("Render kr-commuters", stubborn_stage, None)
    qtbot.waitUntil(lambda: job.state == "running" and window.jobs_dock.stop_button.isEnabled(), timeout=5_000)
    qtbot.mouseClick(window.jobs_dock.stop_button, Qt.MouseButton.LeftButton)
    model = window.jobs_dock.model
    assert job.state == "running", "the stage has not reached its safe point yet"
    assert model.index(0, 1).data() == "Stopping…"
    assert window.jobs_dock.summary.text().startswith("Stopping Render kr-commuters")
    qtbot.waitUntil(lambda: job.state.done, timeout=5_000)
    qtbot.waitUntil(lambda: model.index(0, 1).data() == "Cancelled", timeout=5_000)

    from studio.ui.operations.takes import takes_job_title

    names = {takes_job_title(("s1", "s2", "s3", "s4", "s5"), (v,)) for v in ("kr-commuters", "sa-commuters")}
    assert len(names) == 2 and all("s1–s5" in n for n in names)
    assert window.jobs_dock.height() <= 0.2 * window.height()


# --- 5. status and polish ------------------------------------------------------------------------------------------


def test_steps_do_not_overlap_toolbar_holds_still_and_counts_read_right(window, qtbot, tmp_path):
    project = planned()
    project.brief.markets = project.brief.markets[:1]
    open_planned(window, tmp_path / "p", project)
    steps = window.steps
    rects = [steps.visualItemRect(steps.item(i)) for i in range(steps.count())]
    for a, b in itertools.pairwise(rects):
        assert a.bottom() < b.top(), "step items overlap"
    assert all(r.height() >= 2 * steps.fontMetrics().lineSpacing() for r in rects)
    assert "1 market," in steps.item(0).text()

    toolbar = window.findChild(type(window.addToolBar("probe")), "mainToolbar")
    undo_button = toolbar.widgetForAction(window.undo_tool)
    width = undo_button.sizeHint().width()
    window.doc.edit(
        "Edit a rather long description of what changed", ("brief",), lambda p: setattr(p.brief, "tone", "calm")
    )
    assert undo_button.sizeHint().width() == width
    assert "rather long" in window.undo_tool.toolTip()


def test_a_newer_generation_never_replaces_the_take_in_use(window, qtbot, tmp_path, monkeypatch):
    from studio.model import Take
    from studio.stages import takes as takes_stage

    project = planned()
    vid, shot = project.variants[0].id, project.variants[0].shots[0].shot_id

    def take(seed: int) -> Take:
        request = {"prompt": "earbuds on a metro seat", "seed": seed, "width": 64, "height": 64, "shot_id": shot}
        return Take.model_validate(
            {
                "id": f"t{seed}",
                "shot_id": shot,
                "variant_id": vid,
                "asset": f"take-{seed}.png",
                "backend": "test",
                "request": request,
            }
        )

    project.takes = [take(1)]
    open_planned(window, tmp_path / "p", project)
    assert window.doc.project.selected_take(shot, vid).id == "t1"  # the creator sees it as the picked take
    made = takes_stage.TakesOutcome(takes=(take(2),))
    monkeypatch.setattr(takes_stage, "run", lambda request, on_progress=None, cancel=None: made)
    window.ops.takes.generate(variant_ids=(vid,), shot_ids=(shot,), candidates=1)
    qtbot.waitUntil(lambda: window.jobs.settled() and len(window.doc.project.takes) == 2, timeout=10_000)
    assert window.doc.project.selected_take(shot, vid).id == "t1", "the newer take did not replace the one in use"
    assert window.jobs_dock.model.index(0, 0).data() == f"Images: {shot} · {vid}"


def test_open_file_without_an_opener_says_why_and_offers_the_path(window, qtbot, tmp_path, monkeypatch):
    root = tmp_path / "p"
    project = planned()
    ProjectStore(root).create(project)
    project.deliverables = [video(project, root, project.variants[0].id, (1080, 1920))]
    ProjectStore(root).save(project)
    assert window.ops.project.open_project(root)
    window.go_to(6)
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    page = window.pages["deliver"]
    page.open_selected()
    bar = window.notifications
    assert not bar.isHidden() and "xdg-open" in bar.label.text()
    buttons = [bar.actions_box.itemAt(i).widget() for i in range(bar.actions_box.count())]
    copy = next(b for b in buttons if b.text() == "Copy path")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(root / project.deliverables[0].path)


def test_unchecked_boxes_are_visible_in_the_dark_theme(qapp):
    from PySide6.QtWidgets import QCheckBox

    from studio.ui.theme import apply_theme

    saved_style, saved_palette, saved_sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    try:
        apply_theme(qapp, Qt.ColorScheme.Dark)
        box = QCheckBox("x")
        box.resize(60, 24)
        image = box.grab().toImage()
        background = qapp.palette().window().color().lightness()
        brightest = max(image.pixelColor(x, y).lightness() for x in range(16) for y in range(24))
        assert brightest - background > 60, "the unchecked box's edge stands out from the window"
    finally:
        qapp.setStyleSheet(saved_sheet)
        qapp.setStyle(saved_style)
        qapp.setPalette(saved_palette)


# --- 6. untranslated lines ------------------------------------------------------------------------------------------


def test_untranslated_lines_are_marked_where_they_are(window, tmp_path):
    project = open_planned(window, tmp_path / "p")
    window.go_to(3)
    page = window.pages["variants"]
    kr = next(v for v in project.variants if v.market == "KR")
    row = [v.market for v in project.variants].index("KR")
    page.matrix.setCurrentCell(row, 0)
    assert page.selected_variant() == kr.id
    model = page.shot_model
    from studio.ui.variants_page import LOCAL_COLUMNS

    keys = [k for k, _t in LOCAL_COLUMNS]
    assert keys.index("flags") == 1, "the Check column is visible first"
    n = next(i for i, s in enumerate(kr.shots) if any(f.kind == "untranslated" for f in s.flags))
    flagged = [k for k in ("voice-over", "caption") if any(f" {k} " in f.message for f in kr.shots[n].flags)]
    assert flagged
    for kind in flagged:
        field = "voiceover" if kind == "voice-over" else "caption"
        cell_index = model.index(n, keys.index(field))
        assert cell_index.data().startswith("⚠")
        assert f"No Korean {kind}" in cell_index.data(Qt.ItemDataRole.ToolTipRole)
        assert cell_index.data(Qt.ItemDataRole.BackgroundRole) is not None
        line = getattr(kr.shots[n], field)
        assert cell_index.data(Qt.ItemDataRole.EditRole) == line, "editing starts from the line itself"
    cell = page.matrix.item(row, 0).text()
    assert "untranslated" in cell and "✓" not in cell
    assert not window.steps.item(3).text().startswith("✓")

    window.go_to(5)  # Voice & Cut marks the same lines
    cut = window.pages["cut"]
    cut.variant.setCurrentIndex(cut.variant.findData(kr.id))
    column = 1 if flagged[0] == "voice-over" else 2
    assert f"No Korean {flagged[0]}" in cut.lines.item(n, column).toolTip()
    assert cut.lines.item(n, column).text() == getattr(kr.shots[n], "voiceover" if column == 1 else "caption")

    # a line identified as another language counts too, with no flag at all
    from studio.model.project import LineStatus
    from studio.stages.quality import line_problems, untranslated

    v = kr.model_copy(deep=True)
    for shot in v.shots:
        shot.flags, shot.line_status = [], {}
    v.line_status = {}
    assert untranslated(v) == []
    last = v.shots[-1]
    last.line_status["voice-over"] = LineStatus(origin="creator-edit", language_ok=False, detected="en")
    assert untranslated(v) == [f"{last.shot_id} voice-over: not ko (en)"]
    assert "reads as en" in line_problems(last, "voiceover", "ko")[0]
    assert line_problems(last, "caption", "ko") == []


def test_a_preview_render_keeps_the_final_video_listed(window, qtbot, tmp_path):
    root = tmp_path / "p"
    project = planned()
    vid = project.variants[0].id
    ProjectStore(root).create(project)
    project.deliverables = [video(project, root, vid, (1080, 1920))]
    ProjectStore(root).save(project)
    assert window.ops.project.open_project(root)

    def preview_cut(request, *, on_progress=None, cancel=None):
        """As the cut does: the variant's video at the preview's size, in the preview folder."""
        from studio.stages.cut import CutOutcome

        rel = request.out_dir.relative_to(request.project_dir)
        made = (
            [video(project, request.project_dir, vid, (360, 640), folder=str(rel))] if request.variant_id == vid else []
        )
        return CutOutcome(variant_id=request.variant_id, cell="", aspects=request.aspects, deliverables=made)

    def no_images(request, *, on_progress=None, cancel=None):
        from studio.stages.takes import TakesOutcome

        return TakesOutcome(takes=())

    window.ops.render.stand_ins["takes"] = no_images
    window.ops.render.stand_ins["cut"] = preview_cut
    window.go_to(6)
    window.render_preview_action.trigger()
    qtbot.waitUntil(lambda: window.jobs.settled() and len(window.doc.project.deliverables) == 2, timeout=10_000)
    page = window.pages["deliver"]
    quality = page.COLUMNS.index("Quality")
    grades = sorted(page.table.item(r, quality).text() for r in range(page.table.rowCount()))
    assert grades == ["draft", "preview"], "the full-size video stays listed (a draft: its lines are still English)"
    assert (root / "renders" / f"{vid}_9x16.mp4").is_file(), "the final file is still there"
    assert not window.doc.dirty and len(ProjectStore(root).load().deliverables) == 2


def test_images_are_done_only_when_every_variant_has_its_own_pictures():
    """A master image is not a segment's picture: the step stays open until each variant shot has its own take."""
    from studio.model import ImageRequest, Take
    from studio.stages.status import StepState, step_status

    project = planned()
    shots = [s.id for s in project.storyboard.shots]

    def take(shot_id: str, variant_id: str | None) -> Take:
        request = ImageRequest(shot_id=shot_id, variant_id=variant_id, prompt="p")
        return Take(id=f"t-{variant_id}-{shot_id}", shot_id=shot_id, variant_id=variant_id, request=request,
                    asset=f"{shot_id}-{variant_id}.png", backend="procedural")  # fmt: skip

    project.takes = [take(s, None) for s in shots]
    status = step_status(project, "images")
    assert status.state != StepState.DONE and "have no image" in status.note
    project.takes += [take(s, v.id) for v in project.variants for s in shots]
    assert step_status(project, "images").state == StepState.DONE
