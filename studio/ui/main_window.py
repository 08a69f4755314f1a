"""The studio window: the flow of steps on the left, the current step in the middle, jobs docked below.

Only wiring lives here: menus, the step list, the pages, the docks and the dialogs. What an action does is in
`studio.ui.operations` (one method per user action); pages get those operations, never the window.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.stages.status import STEPS, StepState, step_status
from studio.ui.jobs_adapter import QtJobs
from studio.ui.jobs_dock import JobProgressBar, JobsDock
from studio.ui.notifications import Actions, NotificationBar
from studio.ui.operations import Operations
from studio.ui.operations.render import PREVIEW_SCALE
from studio.ui.page import Page
from studio.ui.settings import qsettings
from studio.ui.thumbnails import Thumbnails
from studio.ui.welcome import WelcomePage
from studio.ui.widgets import guard_wheel_in

if TYPE_CHECKING:  # the schema, the queue and the pages load after the first frame
    from studio.ui.document import ProjectDocument

FONTS_AFTER_SHOW_MS = 300
"""Fonts load this long after the window shows: its first frame (and the job queue's import) never waits for them."""
JOBS_DOCK_HEIGHT = 100
"""The jobs dock starts compact (its buttons and about two rows); the creator can drag it taller."""
STATE_MARK = {StepState.DONE: "✓", StepState.MISSING: "○", StepState.STALE: "!"}
PAGES = {
    "brief": ("studio.ui.brief_page", "BriefPage"),
    "audience": ("studio.ui.audience_page", "AudiencePage"),
    "storyboard": ("studio.ui.storyboard_page", "StoryboardPage"),
    "variants": ("studio.ui.variants_page", "VariantsPage"),
    "images": ("studio.ui.images_page", "ImagesPage"),
    "cut": ("studio.ui.cut_page", "CutPage"),
    "deliver": ("studio.ui.deliver_page", "DeliverPage"),
}
"""Each step's page, imported when first shown (its module, and the schema, load only then)."""


class MainWindow(QMainWindow):
    """Open a project folder, walk its steps; every action goes through `self.ops`."""

    document_changed = Signal(object)  # ProjectDocument | None

    def __init__(self, jobs: QtJobs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("studioWindow")
        self.setWindowTitle("Qianmian Studio")
        self.resize(1280, 820)
        self.jobs = jobs or QtJobs(parent=self)
        self.thumbnails = Thumbnails(self.jobs, self)
        self.thumbnails.ready.connect(self._thumbnails_ready)
        self.doc: ProjectDocument | None = None
        self.settings = qsettings()
        self.ops = Operations(self, self.settings)
        self._settings_dialog: Any = None
        self._export_dialog: Any = None
        self._close_confirmed = False
        self._tray: Any = None
        self._stale_pages: dict[str, frozenset[str]] = {}
        self._step_texts: dict[int, str] = {}
        self._fonts_started = False
        from studio.ui.fonts import FontLoader

        self.fonts = FontLoader(self.jobs, self, self._fonts_loaded)

        self.steps = QListWidget()
        self.steps.setObjectName("flowSteps")
        self.steps.setAccessibleName("Steps of the project")
        self.steps.setMaximumWidth(260)
        self.steps.setUniformItemSizes(True)  # every item two lines high: a changing note never overlaps the next
        self.steps.setSpacing(2)
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        self._slots: list[QWidget] = []
        for key, title in STEPS:
            slot = QWidget()  # the page itself is built when first needed
            QVBoxLayout(slot).setContentsMargins(0, 0, 0, 0)
            self._slots.append(slot)
            self.stack.addWidget(slot)
            item = QListWidgetItem(title.replace("&&", "&"))
            item.setSizeHint(QSize(0, self.steps.fontMetrics().lineSpacing() * 2 + 10))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.steps.addItem(item)
        self.welcome = WelcomePage(self.choose_new_project, self.choose_project, self.ops.project.open_project)
        self.stack.addWidget(self.welcome)
        self.steps.currentRowChanged.connect(self._show_step)

        self.notifications = NotificationBar()
        self.recovery_bar = NotificationBar()
        self.recovery_bar.setObjectName("recoveryBar")
        splitter = QSplitter()
        splitter.addWidget(self.steps)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.recovery_bar)
        layout.addWidget(self.notifications)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.jobs_dock = JobsDock(self.jobs, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_dock)
        self.jobs_dock.notify.connect(self.notify)
        self.resizeDocks([self.jobs_dock], [JOBS_DOCK_HEIGHT], Qt.Orientation.Vertical)

        self._make_actions()
        self.progress = JobProgressBar(self.jobs, self.stop_action, self.cancel_action, self.statusBar())
        self.statusBar().addPermanentWidget(self.progress)
        self.welcome.fill(self.ops.project.recent())
        self.steps.setCurrentRow(0)
        self._refresh_steps()

    # --- the shell the operations act in --------------------------------------------------------------------------

    def notify(self, title: str, text: str, actions: Actions = ()) -> None:
        """Tell the creator without stopping them: the notification bar, and the system tray when there is one."""
        self.notifications.show_message(title, text, actions)
        self.statusBar().showMessage(title, 8000)
        if not self.isActiveWindow():
            from PySide6.QtWidgets import QSystemTrayIcon

            if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
                if self._tray is None:
                    self._tray = QSystemTrayIcon(self.windowIcon(), self)
                    self._tray.show()
                self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 8000)

    def show_status(self, text: str, ms: int = 4000) -> None:
        self.statusBar().showMessage(text, ms)
        self._update_title()

    def go_to(self, index: int) -> None:
        self.steps.setCurrentRow(index)

    def set_document(self, doc: ProjectDocument | None) -> None:
        if self.doc is not None:
            self.doc.changed.disconnect(self._document_changed)
            self.doc.deleteLater()
        self.doc = doc
        self._stale_pages.clear()
        self._step_texts.clear()
        self.recovery_bar.hide()
        self._fill_recent()
        if doc is not None:
            doc.setParent(self)
            doc.changed.connect(self._document_changed)
            doc.dirty_changed.connect(self._update_title)
            doc.undo_stack.canUndoChanged.connect(self._update_actions)
            doc.undo_stack.canRedoChanged.connect(self._update_actions)
            self.fonts.load_for_project(doc.project)
            self.ops.takes.warm_up()
            for key, _title in STEPS:
                self.page(key)
        for page in self.pages.values():
            page.set_document(doc)
        self._show_step(self.steps.currentRow())
        self._refresh_steps()
        self._update_actions()
        self._update_title()
        self.document_changed.emit(doc)
        if doc is not None:  # loaded for good: the collector's full passes (60-190 ms in a render) skip it all
            gc.freeze()
        auto = doc.newer_autosave() if doc is not None else None
        if auto is not None:
            self.recovery_bar.show_message(
                "Unsaved changes were found",
                f"An autosave in {auto.parent} is newer than the saved project: the studio may have closed "
                "unexpectedly. Restore it to continue where you were, or discard it.",
                [("Restore", self.ops.project.restore_autosave), ("Discard", self.ops.project.discard_autosave)],
            )

    # --- pages ---------------------------------------------------------------------------------------------------

    def _show_step(self, row: int) -> None:
        if self.doc is None or row < 0:
            self.stack.setCurrentWidget(self.welcome)
            return
        key = STEPS[row][0]
        page = self.page(key)
        stale = self._stale_pages.pop(key, None)
        if stale is not None:
            page.refresh(stale)
        self.stack.setCurrentIndex(row)

    def current_page(self) -> Page | None:
        """The page on screen (None while the welcome page shows)."""
        row = self.steps.currentRow()
        if self.doc is None or row < 0:
            return None
        return self.pages.get(STEPS[row][0])

    def page(self, key: str) -> Page:
        """The page of a step, built on first use."""
        if key not in self.pages:
            module, name = PAGES[key]
            page: Page = getattr(import_module(module), name)()
            page.ops = self.ops
            page.thumbnails = self.thumbnails
            if key == "deliver":
                page.export_requested.connect(self.show_export)  # type: ignore[attr-defined]
            guard_wheel_in(page)
            page.variant_selected.connect(self.select_variant)
            self.pages[key] = page
            slot = self._slots[[k for k, _t in STEPS].index(key)].layout()
            assert slot is not None
            slot.addWidget(page)
            page.set_document(self.doc)
        return self.pages[key]

    def select_variant(self, variant_id: str) -> None:
        """A variant chosen on one page (a wall card) is the one every page shows."""
        for page in self.pages.values():
            page.select_variant(variant_id)

    def _document_changed(self, parts: frozenset[str]) -> None:
        """The one subscriber to document changes: the page on screen redraws now; a hidden page that shows those
        parts remembers them and redraws when it is next shown (fewer Qt calls while workers hold the GIL)."""
        current = self.current_page()
        for key, page in self.pages.items():
            if not page.wants(parts):
                continue
            if page is current:
                page.refresh(parts)
            else:
                page.sync_models(parts)
                self._stale_pages[key] = self._stale_pages.get(key, frozenset()) | parts
        self._refresh_steps()
        self._update_actions()
        self._update_title()

    def _refresh_steps(self) -> None:
        for row, (key, title) in enumerate(STEPS):
            item = self.steps.item(row)
            label = title.replace("&&", "&")
            if self.doc is None:
                self._step_texts.pop(row, None)
                item.setText(label)
                item.setToolTip("")
                continue
            status = step_status(self.doc.project, key, self.doc.root)
            text = f"{STATE_MARK[status.state]}  {label}\n     {status.note}"
            if self._step_texts.get(row) == text:
                continue
            self._step_texts[row] = text
            item.setText(text)
            item.setToolTip(f"{label}: {status.state.value} — {status.note}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{label}, {status.state.value}: {status.note}")

    # --- menus and toolbar ---------------------------------------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _make_actions(self) -> None:
        ops = self.ops
        menu = self.menuBar().addMenu("&File")
        self.new_action = self._action("&New project…", self.choose_new_project, QKeySequence.StandardKey.New)
        menu.addAction(self.new_action)
        self.open_action = self._action("&Open project…", self.choose_project, QKeySequence.StandardKey.Open)
        self.save_action = self._action("&Save", ops.project.save, QKeySequence.StandardKey.Save)
        self.recent_menu = menu.addMenu("Open &recent")
        menu.addAction(self.open_action)
        menu.insertMenu(self.open_action, self.recent_menu)
        menu.addAction(self.save_action)
        self.import_script_action = self._action("&Import script…", self.choose_script)
        menu.addAction(self.import_script_action)
        self.export_action = self._action("&Export…", self.show_export, "Ctrl+E")
        self.export_action.setToolTip("Storyboard PDF, shot lists, editor timelines, review zip, translator files")
        menu.addAction(self.export_action)
        menu.addSeparator()
        self.settings_action = self._action("Se&ttings…", self.show_settings, QKeySequence.StandardKey.Preferences)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        self._fill_recent()

        edit = self.menuBar().addMenu("&Edit")
        self.undo_action = self._action("&Undo", ops.project.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action("&Redo", ops.project.redo, QKeySequence.StandardKey.Redo)
        edit.addActions([self.undo_action, self.redo_action])

        run = self.menuBar().addMenu("&Run")
        self.plan_action = self._action("&Plan from the brief", ops.plan.plan_brief, "Ctrl+Shift+P")
        self.render_action = self._action("&Render final videos", ops.render.render, "Ctrl+R")
        self.render_action.setToolTip("Full-size videos of every variant: the deliverables (Ctrl+R)")
        self.render_preview_action = self._action(
            "Render &preview (small, fast)", lambda: ops.render.render(scale=PREVIEW_SCALE), "Ctrl+Shift+R"
        )
        self.render_preview_action.setToolTip(
            "A third of the size, to check timing; listed as 'preview' in Deliver, never as a deliverable"
        )
        self.stop_action = self._action("&Stop running job", self.jobs.stop_running, "Ctrl+.")
        self.cancel_action = self._action("&Cancel queued jobs", self.jobs.cancel_queued, "Ctrl+Shift+.")
        run.addActions(
            [self.plan_action, self.render_preview_action, self.render_action, self.stop_action, self.cancel_action]
        )

        view = self.menuBar().addMenu("&View")
        view.addAction(self.jobs_dock.toggleViewAction())
        for i, (_key, title) in enumerate(STEPS):
            view.addAction(self._action(title, functools.partial(self.go_to, i), f"Ctrl+{i + 1}"))

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.addActions([self.new_action, self.open_action, self.save_action])
        # Undo/Redo in the toolbar keep one short label (what they undo is in the tooltip): the toolbar never jumps.
        self.undo_tool = self._action("Undo", ops.project.undo)
        self.redo_tool = self._action("Redo", ops.project.redo)
        toolbar.addActions([self.undo_tool, self.redo_tool])
        toolbar.addSeparator()
        toolbar.addActions([self.render_preview_action, self.render_action, self.stop_action])
        self._update_actions()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.ops.project.recent()
        for path in recent:
            self.recent_menu.addAction(path, functools.partial(self.ops.project.open_project, path))
        self.recent_menu.setEnabled(bool(recent))
        self.welcome.fill(recent)

    def _update_title(self, *_: Any) -> None:
        if self.doc is None:
            self.setWindowTitle("Qianmian Studio")
            return
        self.setWindowTitle(f"{self.doc.project.name}[*] — Qianmian Studio")
        self.setWindowModified(self.doc.dirty)

    def _update_actions(self, *_: Any) -> None:
        doc = self.doc
        for action in (self.save_action, self.render_action, self.render_preview_action, self.plan_action):
            action.setEnabled(doc is not None)
        self.import_script_action.setEnabled(doc is not None)
        self.export_action.setEnabled(doc is not None)
        self.undo_action.setEnabled(doc is not None and doc.undo_stack.canUndo())
        self.redo_action.setEnabled(doc is not None and doc.undo_stack.canRedo())
        self.undo_tool.setEnabled(self.undo_action.isEnabled())
        self.redo_tool.setEnabled(self.redo_action.isEnabled())
        if doc is not None:
            undo, redo = doc.undo_stack.undoText(), doc.undo_stack.redoText()
            self.undo_action.setText(f"&Undo {undo}".strip())
            self.redo_action.setText(f"&Redo {redo}".strip())
            self.undo_tool.setToolTip(f"Undo {undo} (Ctrl+Z)" if undo else "Nothing to undo")
            self.redo_tool.setToolTip(f"Redo {redo} (Ctrl+Shift+Z)" if redo else "Nothing to redo")

    # --- dialogs -------------------------------------------------------------------------------------------------

    def choose_new_project(self) -> None:
        """A name and a location; the folder is created (it need not exist, and must not hold other files)."""
        from studio.ui.new_project import NewProjectDialog

        recent = self.ops.project.recent()
        location = Path(recent[0]).parent if recent else Path.home()
        self.new_project_dialog = NewProjectDialog(location, self)
        self.new_project_dialog.chosen.connect(self.ops.project.new_project)
        self.new_project_dialog.open()

    def choose_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a project folder", str(Path.home()))
        if folder:
            self.ops.project.open_project(folder)

    def choose_script(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a script", str(Path.home()), "Scripts (*.fountain *.spmd *.txt *.text);;All files (*)"
        )
        if path:
            self.ops.plan.import_script(path)

    def show_settings(self) -> None:
        from studio.ui.settings_dialog import SettingsDialog

        if self._settings_dialog is None:
            dialog = self._settings_dialog = SettingsDialog(self)
            dialog.check_requested.connect(
                lambda: self.ops.settings.check_readiness(dialog.settings(), dialog.show_readiness)
            )
            dialog.saved.connect(lambda _settings: self.show_status("Settings saved: the next job uses them"))
            guard_wheel_in(dialog)
        self._settings_dialog.load()
        self._settings_dialog.show()
        self._settings_dialog.raise_()

    def show_export(self) -> None:
        """The Export dialog: every hand-off file the CLI writes, made as a background job."""
        if self.doc is None:
            return
        from studio.ui.export_dialog import ExportDialog

        if self._export_dialog is None:
            self._export_dialog = ExportDialog(self.ops.export, self)
            guard_wheel_in(self._export_dialog)
        self._export_dialog.set_project(self.doc)
        self._export_dialog.show()
        self._export_dialog.raise_()

    # --- closing -------------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Unsaved edits: ask (without blocking the event loop) whether to save; jobs are stopped cleanly."""
        if self.doc is not None and self.doc.dirty and not self._close_confirmed:
            event.ignore()
            self.doc.autosave()
            self._ask_before_close()
            return
        if self.doc is not None:
            self.doc.flush()  # a save taken for a job that has not run yet is written now
        if self.doc is not None and not self.doc.dirty:
            self.doc.discard_autosave()
        self.jobs.shutdown()
        super().closeEvent(event)

    def _ask_before_close(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        assert self.doc is not None
        buttons = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Save changes?",
            f"{self.doc.project.name} has changes that are not saved.",
            buttons.Save | buttons.Discard | buttons.Cancel,
            self,
        )
        box.setObjectName("closeQuestion")
        box.setWindowModality(Qt.WindowModality.NonModal)

        def answered(_result: int) -> None:
            button = box.standardButton(box.clickedButton()) if box.clickedButton() else buttons.Cancel
            if button == buttons.Cancel:
                return
            if button == buttons.Save and not self.ops.project.save():
                return
            if button == buttons.Discard and self.doc is not None:
                self.doc.discard_autosave()
                self.doc.undo_stack.setClean()
            self._close_confirmed = True
            self.close()

        box.finished.connect(answered)
        box.show()

    # --- after the first frame -----------------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, lambda: self.steps.setFocus())
        if not self._fonts_started:  # after the first frame: every script's font, for any market added later
            self._fonts_started = True
            from studio.ui import fonts

            QTimer.singleShot(FONTS_AFTER_SHOW_MS, self, lambda: self.fonts.load(fonts.all_scripts()))

    def _fonts_loaded(self) -> None:
        for page in self.pages.values():
            page.update()

    def _thumbnails_ready(self) -> None:
        """The page on screen shows new pictures now, a hidden one when shown (30-80 ms stalls in a render)."""
        for key in ("storyboard", "images", "variants"):
            if (page := self.pages.get(key)) is not None and page is self.current_page():
                page.refresh(frozenset({"thumbnails"}))
            elif page is not None:
                self._stale_pages[key] = self._stale_pages.get(key, frozenset()) | {"thumbnails"}
