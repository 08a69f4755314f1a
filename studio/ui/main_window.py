"""The studio window: the flow of steps on the left, the current step in the middle, jobs docked below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.ui.flow import STEPS, StepState, step_status
from studio.ui.jobs_adapter import QtJobs
from studio.ui.jobs_dock import JobsDock
from studio.ui.page import Page, escape
from studio.ui.settings import qsettings
from studio.ui.thumbnails import Thumbnails
from studio.ui.widgets import guard_wheel_in

if TYPE_CHECKING:  # the schema, the queue and the pages load after the first frame
    from studio.jobs import Job
    from studio.ui.document import ProjectDocument


def _studio_error() -> type[Exception]:
    from studio.model import StudioError

    return StudioError


MAX_RECENT = 8
PREVIEW_SCALE = 1 / 3
FONTS_AFTER_SHOW_MS = 300
"""Fonts load this long after the window shows: its first frame (and the job queue's import) never waits for them."""
JOBS_DOCK_HEIGHT = 110
"""The jobs dock starts compact (its buttons and about two rows); the creator can drag it taller."""
STATE_MARK = {StepState.DONE: "✓", StepState.MISSING: "○", StepState.STALE: "!"}


def takes_job_title(shot_ids: tuple[str, ...], variant_ids: tuple[str | None, ...]) -> str:
    """A job name that says what it makes: which shots, for which variant (two jobs never read alike)."""
    shots = ", ".join(shot_ids) if len(shot_ids) <= 3 else f"{len(shot_ids)} shots ({shot_ids[0]}–{shot_ids[-1]})"
    variants = ", ".join(v or "master" for v in variant_ids) or "master"
    return f"Images: {shots} · {variants}"


def pick_in(project: Any, take: Any) -> None:
    for t in project.takes:
        if t.shot_id == take.shot_id and t.variant_id == take.variant_id:
            t.selected = t is take


def keep_shown_picks(project: Any, shots: set[tuple[str, str | None]]) -> None:
    """Before new takes of these shots are added: the take the creator sees as picked stays picked.

    Without an explicit pick the newest take is used, so a new generation would silently replace it.
    """
    for shot_id, variant_id in shots:
        takes = [t for t in project.takes if t.shot_id == shot_id and t.variant_id == variant_id]
        takes = [t for t in takes if "aspect_of" not in t.info]  # redrawn for another aspect: never the pick
        if takes and not any(t.selected for t in takes):
            takes[-1].selected = True


def deliverable_exists(d: Any, root: Path) -> bool:
    path = Path(d.path)
    return (path if path.is_absolute() else root / path).exists()


class NotificationBar(QFrame):
    """In-window notifications: what happened and what to do. Never modal; the newest replaces the last."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.actions_box = QHBoxLayout()
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addLayout(self.actions_box)
        layout.addWidget(close)
        self.history: list[tuple[str, str]] = []
        self.hide()

    def show_message(self, title: str, text: str, actions: list[tuple[str, Callable[[], None]]] = ()) -> None:
        self.history.append((title, text))
        while self.actions_box.count():
            item = self.actions_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for label, callback in actions:
            button = QPushButton(label)
            button.clicked.connect(callback)
            button.clicked.connect(self.hide)
            self.actions_box.addWidget(button)
        body = escape(text).replace("\n", "<br>")
        self.label.setText(f"<b>{escape(title)}</b><br>{body}")
        self.show()


class WelcomePage(QWidget):
    """What the window shows before a project is open: start a new one, open one, or pick a recent one."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.setObjectName("welcomePage")
        self.window_ = window
        title = QLabel("<h1>Qianmian Studio</h1><p>From an audience brief to a video per market and audience.</p>")
        title.setWordWrap(True)
        new = QPushButton("&New project…")
        new.setObjectName("welcomeNew")
        new.clicked.connect(window.choose_new_project)
        open_ = QPushButton("&Open project…")
        open_.clicked.connect(window.choose_project)
        self.recent = QListWidget()
        self.recent.setObjectName("welcomeRecent")
        self.recent.setAccessibleName("Recent projects")
        self.recent.itemActivated.connect(lambda item: window.open_project(item.text()))
        recent_label = QLabel("&Recent projects:")
        recent_label.setBuddy(self.recent)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(open_)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent, 1)

    def fill(self, recent: list[str]) -> None:
        self.recent.clear()
        self.recent.addItems(recent)


class MainWindow(QMainWindow):
    """Open a project folder, walk its steps, run its stages as background jobs."""

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
        self.render_stage: Callable[..., Any] | None = None
        """None: the built-in render, run out of process; tests may set a stand-in (run on a CPU thread)."""
        self.settings = qsettings()
        from studio.ui.settings import apply_to_environment, load_settings

        apply_to_environment(load_settings(self.settings))
        self._settings_dialog: Any = None
        self._close_confirmed = False
        self._tray: Any = None
        self._stale_pages: dict[str, frozenset[str]] = {}
        self._step_texts: dict[int, str] = {}
        self._progress_shown: tuple[Any, ...] = ()
        self._fonts_started = False
        self._fonts_in_flight: set[str] = set()

        self.steps = QListWidget()
        self.steps.setObjectName("flowSteps")
        self.steps.setAccessibleName("Steps of the project")
        self.steps.setMaximumWidth(260)
        self.steps.setUniformItemSizes(True)  # every item two lines high: a changing note never overlaps the next
        self.steps.setSpacing(2)
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        self._slots: list[QWidget] = []
        for _key, title in STEPS:
            slot = QWidget()  # the page itself is built when first needed
            QVBoxLayout(slot).setContentsMargins(0, 0, 0, 0)
            self._slots.append(slot)
            self.stack.addWidget(slot)
            item = QListWidgetItem(title.replace("&&", "&"))
            item.setSizeHint(QSize(0, self.steps.fontMetrics().lineSpacing() * 2 + 10))
            item.setData(Qt.ItemDataRole.UserRole, _key)
            self.steps.addItem(item)
        self.welcome = WelcomePage(self)
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

        self.progress = QProgressBar()
        self.progress.setObjectName("jobProgress")
        self.progress.setAccessibleName("Progress of the running job")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(320)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.jobs.job_changed.connect(self._job_progress)

        self._make_actions()
        self.welcome.fill(self.recent_projects())
        self.steps.setCurrentRow(0)
        self._refresh_steps()

    # --- construction --------------------------------------------------------------------------------------------

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
        """The page of a step, built on first use (its module, and the schema, load only then)."""
        if key not in self.pages:
            index = [k for k, _t in STEPS].index(key)
            page = self._make_page(key)
            page.window_actions = self
            guard_wheel_in(page)
            self.pages[key] = page
            self._slots[index].layout().addWidget(page)
            page.set_document(self.doc)
        return self.pages[key]

    def _make_page(self, key: str) -> Page:
        if key == "audience":
            from studio.ui.audience_page import AudiencePage

            return AudiencePage()
        if key == "images":
            from studio.ui.images_page import ImagesPage

            return ImagesPage()
        if key == "cut":
            from studio.ui.cut_page import CutPage

            return CutPage()
        if key == "storyboard":
            from studio.ui.storyboard_page import StoryboardPage

            return StoryboardPage()
        if key == "variants":
            from studio.ui.variants_page import VariantsPage

            return VariantsPage()
        if key == "brief":
            from studio.ui.brief_page import BriefPage

            return BriefPage()
        if key == "deliver":
            from studio.ui.deliver_page import DeliverPage

            return DeliverPage()
        raise KeyError(key)

    def _action(self, text: str, slot: Callable[[], Any], shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.new_action = self._action("&New project…", self.choose_new_project, QKeySequence.StandardKey.New)
        menu.addAction(self.new_action)
        self.open_action = self._action("&Open project…", self.choose_project, QKeySequence.StandardKey.Open)
        self.save_action = self._action("&Save", self.save, QKeySequence.StandardKey.Save)
        self.recent_menu = menu.addMenu("Open &recent")
        menu.addAction(self.open_action)
        menu.insertMenu(self.open_action, self.recent_menu)
        menu.addAction(self.save_action)
        self.import_script_action = self._action("&Import script…", self.choose_script)
        menu.addAction(self.import_script_action)
        menu.addSeparator()
        self.settings_action = self._action("Se&ttings…", self.show_settings, QKeySequence.StandardKey.Preferences)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        self._fill_recent()

        edit = self.menuBar().addMenu("&Edit")
        self.undo_action = self._action("&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action("&Redo", self.redo, QKeySequence.StandardKey.Redo)
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)

        run = self.menuBar().addMenu("&Run")
        self.plan_action = self._action("&Plan from the brief", self.start_plan, "Ctrl+Shift+P")
        self.render_action = self._action("&Render final videos", lambda: self.start_render(), "Ctrl+R")
        self.render_action.setToolTip("Full-size videos of every variant: the deliverables (Ctrl+R)")
        self.render_preview_action = self._action(
            "Render &preview (small, fast)", lambda: self.start_render(scale=PREVIEW_SCALE), "Ctrl+Shift+R"
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
            action = self._action(title, lambda _checked=False, i=i: self.go_to(i), f"Ctrl+{i + 1}")
            view.addAction(action)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.addActions([self.new_action, self.open_action, self.save_action])
        # Undo/Redo in the toolbar keep one short label (what they undo is in the tooltip): the toolbar never jumps.
        self.undo_tool = self._action("Undo", self.undo)
        self.redo_tool = self._action("Redo", self.redo)
        toolbar.addActions([self.undo_tool, self.redo_tool])
        toolbar.addSeparator()
        toolbar.addActions([self.render_preview_action, self.render_action, self.stop_action])
        self._update_actions()

    def go_to(self, index: int) -> None:
        self.steps.setCurrentRow(index)

    # --- project ---------------------------------------------------------------------------------------------

    def choose_new_project(self) -> None:
        """A name and a location; the folder is created (it need not exist, and must not hold other files)."""
        from studio.ui.new_project import NewProjectDialog

        recent = self.recent_projects()
        location = Path(recent[0]).parent if recent else Path.home()
        self.new_project_dialog = NewProjectDialog(location, self)
        self.new_project_dialog.chosen.connect(self.new_project)
        self.new_project_dialog.open()

    def new_project(self, folder: str | Path, brief: Any = None) -> bool:
        """A project folder with a starter brief (or the one given); the Brief step opens for the creator to fill in."""
        from studio.model import Project, ProjectStore
        from studio.ui.brief_page import starter_brief

        store = ProjectStore(folder)
        if store.exists():
            self.notify("That folder already holds a project", f"{store.root} was opened instead; nothing was changed.")
            return self.open_project(folder)
        from studio.model import ProjectSettings
        from studio.model.ids import file_safe_name
        from studio.ui.settings import load_settings

        user = load_settings(self.settings)
        defaults = ProjectSettings(image_model=user.image_model or "procedural", voices=dict(user.voices))
        try:
            name = file_safe_name(Path(folder).name)
            store.create(Project(name=name, brief=brief or starter_brief(), settings=defaults))
        except _studio_error() as e:
            self.notify("Could not create the project", str(e))
            return False
        ok = self.open_project(folder)
        self.go_to(0)
        return ok

    def choose_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a project folder", str(Path.home()))
        if folder:
            self.open_project(folder)

    def open_project(self, folder: str | Path) -> bool:
        from studio.ui.document import ProjectDocument

        try:
            doc = ProjectDocument.open(folder, self)
        except _studio_error() as e:
            self.notify("Could not open the project", str(e))
            return False
        self.set_document(doc)
        self._remember_recent(doc.root)
        auto = doc.newer_autosave()
        if auto is not None:
            self.recovery_bar.show_message(
                "Unsaved changes were found",
                f"An autosave in {auto.parent} is newer than the saved project: the studio may have closed "
                "unexpectedly. Restore it to continue where you were, or discard it.",
                [("Restore", self.restore_autosave), ("Discard", doc.discard_autosave)],
            )
        return True

    def restore_autosave(self) -> None:
        if self.doc is not None:
            self.doc.restore_autosave()

    def set_document(self, doc: ProjectDocument | None) -> None:
        if self.doc is not None:
            self.doc.changed.disconnect(self._document_changed)
            self.doc.deleteLater()
        self.doc = doc
        self._stale_pages.clear()
        self._step_texts.clear()
        self.recovery_bar.hide()
        if doc is not None:
            doc.changed.connect(self._document_changed)
            doc.dirty_changed.connect(self._update_title)
            doc.undo_stack.canUndoChanged.connect(self._update_actions)
            doc.undo_stack.canRedoChanged.connect(self._update_actions)
        if doc is not None:
            self._load_fonts()
            self._warm_up(doc)
            for key, _title in STEPS:
                self.page(key)
        for page in self.pages.values():
            page.set_document(doc)
        self._show_step(self.steps.currentRow())
        self._refresh_steps()
        self._update_actions()
        self._update_title()
        self.document_changed.emit(doc)

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

    def _update_title(self, *_: Any) -> None:
        if self.doc is None:
            self.setWindowTitle("Qianmian Studio")
            return
        self.setWindowTitle(f"{self.doc.project.name}[*] — Qianmian Studio")
        self.setWindowModified(self.doc.dirty)

    def _update_actions(self, *_: Any) -> None:
        has = self.doc is not None
        self.save_action.setEnabled(has)
        self.render_action.setEnabled(has)
        self.render_preview_action.setEnabled(has)
        self.plan_action.setEnabled(has)
        self.import_script_action.setEnabled(has)
        self.undo_action.setEnabled(has and self.doc.undo_stack.canUndo())
        self.redo_action.setEnabled(has and self.doc.undo_stack.canRedo())
        self.undo_tool.setEnabled(self.undo_action.isEnabled())
        self.redo_tool.setEnabled(self.redo_action.isEnabled())
        if has:
            undo, redo = self.doc.undo_stack.undoText(), self.doc.undo_stack.redoText()
            self.undo_action.setText(f"&Undo {undo}".strip())
            self.redo_action.setText(f"&Redo {redo}".strip())
            self.undo_tool.setToolTip(f"Undo {undo} (Ctrl+Z)" if undo else "Nothing to undo")
            self.redo_tool.setToolTip(f"Redo {redo} (Ctrl+Shift+Z)" if redo else "Nothing to redo")

    def undo(self) -> None:
        if self.doc is not None:
            self.doc.undo_stack.undo()

    def redo(self) -> None:
        if self.doc is not None:
            self.doc.undo_stack.redo()

    def save(self) -> bool:
        if self.doc is None:
            return False
        try:
            self.doc.save()
        except _studio_error() as e:
            self.notify("Could not save", str(e))
            return False
        self.statusBar().showMessage(f"Saved {self.doc.store.project_file}", 4000)
        self._update_title()
        return True

    # --- recent projects --------------------------------------------------------------------------------------

    def recent_projects(self) -> list[str]:
        value = self.settings.value("recentProjects", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember_recent(self, folder: Path) -> None:
        items = [str(folder)] + [p for p in self.recent_projects() if p != str(folder)]
        self.settings.setValue("recentProjects", items[:MAX_RECENT])
        self._fill_recent()
        self.welcome.fill(self.recent_projects())

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_projects()
        for path in recent:
            self.recent_menu.addAction(path, lambda _checked=False, p=path: self.open_project(p))
        self.recent_menu.setEnabled(bool(recent))

    # --- jobs --------------------------------------------------------------------------------------------------

    def run_job(
        self,
        title: str,
        stage: Callable[..., Any],
        request: Any,
        *,
        lane: str = "cpu",
        on_success: Callable[[Any], None] | None = None,
    ) -> Job:
        """Queue a stage; `on_success(result)` merges its result on the main thread. Failures reach the dock."""

        def done(job: Job) -> None:
            if job.state == "finished" and on_success is not None:
                try:
                    on_success(job.result)
                except _studio_error() as e:
                    self.notify(f"{title}: the result could not be used", str(e))
            elif job.state == "cancelled":
                self.statusBar().showMessage(f"{title}: stopped", 4000)

        return self.jobs.submit(title, stage, request, lane=lane, on_done=done)

    def start_render(self, *, scale: float = 1.0, variant_ids: tuple[str, ...] | None = None) -> Job | None:
        """Save, then render in the background; the result's deliverables are merged back as one undo step."""
        if self.doc is None:
            return None
        if not self.save():
            return None
        try:
            from studio.workflow import RenderRequest
        except ImportError as e:
            self.notify("Rendering is not available", f"{e}\nUpdate Qianmian Studio; the project is saved.")
            return None
        from studio.ui.settings import load_settings

        out = load_settings().output_folder
        out_dir = Path(out).expanduser() / self.doc.root.name if out else None
        if scale < 1:  # previews go beside the finals, never over them
            out_dir = (out_dir or self.doc.store.renders) / "preview"
        # A preview may show lines waiting for a translator (as a marked DRAFT); a full render is final or refused.
        # A preview is the animatic: shot labels and camera arrows over the pictures (never in a final render).
        request = RenderRequest(
            project_dir=self.doc.root,
            variant_ids=variant_ids,
            scale=scale,
            out_dir=out_dir,
            draft=scale < 1,
            chrome=scale < 1,
        )
        title = "Render " + (", ".join(variant_ids) if variant_ids else "all variants")
        if scale < 1:
            title += " (preview)"
        saved_at = self.doc.undo_stack.index()
        from studio.ui.stages import render_stage

        return self.run_job(
            title,
            self.render_stage or render_stage,
            request,
            lane="cpu" if self.render_stage else "process",
            on_success=self._for_this_document(lambda result: self._render_done(result, saved_at, preview=scale < 1)),
        )

    def _render_done(self, result: Any, saved_at: int | None = None, *, preview: bool = False) -> None:
        """The render saved its takes, voice lines and deliverables to project.json: merge those parts back.

        With no edit since the render started, memory then equals the file, so nothing is written again.
        """
        if self.doc is None:
            return
        outcome = getattr(result, "result", None)
        if getattr(outcome, "refused", None):
            self.notify(
                f"{len(outcome.refused)} variant(s) not rendered: lines not in their language",
                outcome.refusal + "\nThe other variants were rendered. Fix these lines or import a translator's file.",
            )
        on_disk = getattr(result, "project", None)
        if on_disk is None:
            from studio.model import ProjectStore

            on_disk = ProjectStore(self.doc.root).load()
        durations = {(v.id, s.shot_id): s.duration_s for v in on_disk.variants for s in v.shots}
        checked = {(v.id, s.shot_id): s.line_status for v in on_disk.variants for s in v.shots}  # language check
        checked |= {(v.id, ""): v.line_status for v in on_disk.variants}

        picked = {t.id for t in self.doc.project.takes if t.selected}
        kept_finals: list[Any] = []
        if preview:  # a preview never hides the final videos it was rendered beside
            from studio.ui.deliver_page import is_preview

            listed = {d.path for d in on_disk.deliverables}
            kept_finals = [
                d
                for d in self.doc.project.deliverables
                if d.path not in listed and not is_preview(d, self.doc.root) and deliverable_exists(d, self.doc.root)
            ]

        def merge(project: Any) -> None:
            project.takes = on_disk.takes
            for t in project.takes:  # a pick made while it rendered is the creator's: keep it
                if t.id in picked and not t.selected:
                    pick_in(project, t)
            project.voice_lines = on_disk.voice_lines
            project.deliverables = [*kept_finals, *on_disk.deliverables]
            for v in project.variants:
                if (v.id, "") in checked:
                    v.line_status = {k: st.model_copy() for k, st in checked[(v.id, "")].items()}
                for s in v.shots:
                    if (v.id, s.shot_id) in durations:
                        s.duration_s = durations[(v.id, s.shot_id)]
                    if (v.id, s.shot_id) in checked:
                        s.line_status = {k: st.model_copy() for k, st in checked[(v.id, s.shot_id)].items()}

        untouched = saved_at is not None and self.doc.undo_stack.index() == saved_at and not kept_finals
        self.doc.edit("Render", ("takes", "voice_lines", "deliverables", "variants"), merge)
        if untouched:
            self.doc.undo_stack.setClean()
        elif self.doc.dirty:
            self.save()

    def _for_this_document(self, merge: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a result merge so a job that ends after another project was opened changes nothing."""
        doc = self.doc

        def guarded(result: Any) -> None:
            if self.doc is doc and doc is not None:
                merge(result)
            else:
                self.notify("A job finished for a project that is no longer open", "Its files are on disk; reopen it.")

        return guarded

    def start_plan(self) -> Job | None:
        """Plan personas, insights, storyboard and variants from the current brief; the result is one undo step."""
        if self.doc is None:
            return None
        from studio.ui.stages import PlanBriefRequest, plan_brief

        def merge(planned: Any) -> None:
            def change(p: Any) -> None:
                p.personas, p.insights = planned.personas, planned.insights
                p.storyboard, p.variants = planned.storyboard, planned.variants

            self.doc.edit("Plan", ("personas", "insights", "storyboard", "variants"), change)
            self.go_to(2)

        request = PlanBriefRequest(brief=self.doc.project.brief, name=self.doc.project.name)
        return self.run_job("Plan from the brief", plan_brief, request, on_success=self._for_this_document(merge))

    def choose_script(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a script", str(Path.home()), "Scripts (*.fountain *.spmd *.txt *.text);;All files (*)"
        )
        if path:
            self.import_script(path)

    def import_script(self, path: str | Path) -> Job | None:
        """Plan storyboard and variants from a script; the open brief gives what its title page lacks. One undo step."""
        if self.doc is None:
            self.notify("Open or create a project first", "A script is planned into the open project.")
            return None
        from studio.ui.stages import PlanScriptRequest, plan_script_stage

        def merge(planned: Any) -> None:
            def change(p: Any) -> None:
                p.brief, p.personas, p.insights = planned.brief, planned.personas, planned.insights
                p.storyboard, p.variants = planned.storyboard, planned.variants

            self.doc.edit("Import script", ("brief", "personas", "insights", "storyboard", "variants"), change)
            self.go_to(2)

        request = PlanScriptRequest(Path(path), self.doc.project.brief, self.doc.project.name)
        return self.run_job(
            f"Plan from {Path(path).name}", plan_script_stage, request, on_success=self._for_this_document(merge)
        )

    def start_takes(
        self,
        *,
        variant_ids: tuple[str | None, ...],
        shot_ids: tuple[str, ...],
        aspect: str = "9:16",
        candidates: int = 1,
        regenerate: bool = False,
        lock_seed: bool = False,
    ) -> Job | None:
        """Save (the stage reads project.json), then generate images on the GPU lane; new takes are one undo step."""
        if self.doc is None or not self.save():
            return None
        from studio.ui.stages import MakeTakesRequest, make_takes

        request = MakeTakesRequest(
            project_dir=self.doc.root,
            variant_ids=variant_ids,
            shot_ids=shot_ids,
            aspect=aspect,
            candidates=candidates,
            options={"regenerate": regenerate, "lock_seed": lock_seed},
        )

        def merge(takes: list[Any]) -> None:
            def change(p: Any) -> None:
                known = {t.request.key() for t in p.takes}
                new = [t for t in takes if t.request.key() not in known]
                keep_shown_picks(p, {(t.shot_id, t.variant_id) for t in new})
                p.takes = [*p.takes, *new]

            if self.doc.edit(f"Generate {len(takes)} takes", ("takes",), change):
                self.save()

        return self.run_job(
            takes_job_title(shot_ids, variant_ids),
            make_takes,
            request,
            lane="gpu",
            on_success=self._for_this_document(merge),
        )

    def start_voice_preview(self, request: Any, player: Any) -> Job:
        from studio.ui.stages import VoicePreviewRequest, preview_voice

        def play(preview: Any) -> None:
            player.open(preview.path, play=True)

        return self.run_job(
            f"Voice: {request.text[:30]}", preview_voice, VoicePreviewRequest(voice=request), on_success=play
        )

    def show_settings(self) -> None:
        from studio.ui.settings_dialog import SettingsDialog

        if self._settings_dialog is None:
            self._settings_dialog = SettingsDialog(self)
            self._settings_dialog.check_requested.connect(self.start_readiness_check)
            self._settings_dialog.saved.connect(self._settings_saved)
            guard_wheel_in(self._settings_dialog)
        self._settings_dialog.load()
        self._settings_dialog.show()
        self._settings_dialog.raise_()

    def _settings_saved(self, settings: Any) -> None:
        from studio.ui.settings import apply_to_environment

        apply_to_environment(settings)
        self.statusBar().showMessage("Settings saved", 4000)

    def start_readiness_check(self) -> Job | None:
        from studio.ui.readiness import check_readiness, readiness_request
        from studio.ui.settings import load_settings

        dialog = self._settings_dialog
        if self.doc is None:
            if dialog is not None:
                dialog.show_readiness(None, "Open a project: the check looks at its markets.")
            return None
        s = dialog.settings() if dialog is not None else load_settings()
        request = readiness_request(
            self.doc.project,
            s.voices,
            s.image_model,
            model_folders=tuple(s.all_model_folders()),
            voice_folders=tuple(Path(f) for f in s.voice_folders),
        )

        def done(job: Job) -> None:
            if dialog is not None:
                dialog.show_readiness(job.result if job.state == "finished" else None, job.error)

        return self.jobs.submit("Check voices, fonts and models", check_readiness, request, on_done=done)

    def _job_progress(self, job: Job) -> None:
        if self.jobs.is_quiet(job):
            return
        running = self.jobs.running()
        current = running[0] if running else None
        stopping = current is not None and self.jobs.is_stopping(current)
        shown = (
            bool(running),
            bool(self.jobs.queued()),
            current.id if current else None,
            int(current.fraction * 1000) if current else -1,
            stopping,
        )
        if shown == self._progress_shown:
            return  # nothing visible changed: no Qt call at all
        before, self._progress_shown = self._progress_shown, shown
        if not before or before[:2] != shown[:2]:
            self.stop_action.setEnabled(shown[0])
            self.cancel_action.setEnabled(shown[1])
        if current is None:
            self.progress.hide()
            if job.state == "finished":
                self.statusBar().showMessage(f"{job.title}: done", 4000)
            return
        if not before or before[2] != shown[2] or before[4] != shown[4]:
            self.progress.setFormat(f"{current.title}: stopping…" if stopping else f"{current.title}: %p%")
            self.progress.show()
        self.progress.setValue(shown[3])

    def notify(self, title: str, text: str) -> None:
        """Tell the creator without stopping them: the notification bar, and the system tray when there is one."""
        self.notifications.show_message(title, text)
        self.statusBar().showMessage(title, 8000)
        if not self.isActiveWindow():
            from PySide6.QtWidgets import QSystemTrayIcon

            if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
                if self._tray is None:
                    self._tray = QSystemTrayIcon(self.windowIcon(), self)
                    self._tray.show()
                self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 8000)

    # --- closing -----------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Unsaved edits: ask (without blocking the event loop) whether to save; jobs are stopped cleanly."""
        if self.doc is not None and self.doc.dirty and not self._close_confirmed:
            event.ignore()
            self.doc.autosave()
            self._ask_before_close()
            return
        if self.doc is not None and not self.doc.dirty:
            self.doc.discard_autosave()
        self.jobs.shutdown()
        super().closeEvent(event)

    def _ask_before_close(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Save changes?",
            f"{self.doc.project.name} has changes that are not saved.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("closeQuestion")
        box.setWindowModality(Qt.WindowModality.NonModal)

        def answered(_result: int) -> None:
            button = (
                box.standardButton(box.clickedButton()) if box.clickedButton() else QMessageBox.StandardButton.Cancel
            )
            if button == QMessageBox.StandardButton.Cancel:
                return
            if button == QMessageBox.StandardButton.Save and not self.save():
                return
            if button == QMessageBox.StandardButton.Discard and self.doc is not None:
                self.doc.discard_autosave()
                self.doc.undo_stack.setClean()
            self._close_confirmed = True
            self.close()

        box.finished.connect(answered)
        box.show()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, lambda: self.steps.setFocus())
        if not self._fonts_started:  # after the first frame: every script's font, for any market added later
            self._fonts_started = True
            QTimer.singleShot(FONTS_AFTER_SHOW_MS, self, lambda: self._load_fonts(everything=True))

    def _load_fonts(self, *, everything: bool = False) -> None:
        """The bundled fonts, read by a quiet job and registered here one script per event-loop turn.

        Called once right after the window first shows (every script the studio ships), and when a project opens
        (its scripts first, in case the first load has not finished).
        """
        from studio.ui import fonts

        scripts: tuple[str, ...] = ()
        if everything:
            scripts = fonts.all_scripts()
        elif self.doc is not None:
            p = self.doc.project
            languages = {p.brief.master_language, *(v.language for v in p.variants)}
            languages |= {m.language for m in p.brief.markets if m.language}
            scripts = fonts.scripts_for_languages(languages)
        scripts = tuple(s for s in scripts if s not in self._fonts_in_flight)
        if not scripts:
            return
        self._fonts_in_flight.update(scripts)

        def done(job: Job) -> None:
            self._fonts_in_flight.difference_update(scripts)
            if job.state != "finished":
                return
            pending = dict(job.result)

            def register_next() -> None:
                if not pending:
                    for page in self.pages.values():
                        page.update()
                    return
                script = next(iter(pending))
                fonts.register({script: pending.pop(script)})
                QTimer.singleShot(0, self, register_next)

            register_next()

        self.jobs.submit("Fonts", fonts.read_font_files, fonts.FontFilesRequest(scripts), on_done=done, quiet=True)

    def _warm_up(self, doc: ProjectDocument) -> Job | None:
        """A diffusion model is loaded in the background as soon as a project that uses one opens."""
        model = doc.project.settings.image_model
        if model in ("", "procedural"):
            return None
        from studio.ui.stages import WarmUpRequest, warm_up_image_model

        return self.run_job(f"Load image model {model}", warm_up_image_model, WarmUpRequest(model), lane="gpu")

    def _thumbnails_ready(self) -> None:
        for key in ("storyboard", "images"):
            if key in self.pages:
                self.pages[key].refresh(frozenset({"thumbnails"}))
