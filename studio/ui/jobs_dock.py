"""The jobs dock: every background job with its progress, time left and outcome; Stop and Cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.ui.jobs_adapter import QtJobs

if TYPE_CHECKING:
    from studio.jobs import Job

Index = QModelIndex | QPersistentModelIndex
LANE_WORDS = {"gpu": "on the GPU worker", "process": "in its own process", "cpu": "in the background"}


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s left"
    return f"{seconds // 60} min {seconds % 60:02d} s left"


class JobTableModel(QAbstractTableModel):
    """One row per job, newest last; rows update in place from QtJobs.job_changed."""

    COLUMNS = ("Job", "State", "Progress", "Time left", "Message")
    PROGRESS = 2

    def __init__(self, jobs: QtJobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._row: dict[int, int] = {}
        self.jobs_adapter = jobs
        jobs.job_added.connect(self._add)
        jobs.job_changed.connect(self._update)

    def job(self, row: int) -> Job:
        return self._jobs[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self._jobs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return job.title
            if col == 1:
                return "Stopping…" if self.jobs_adapter.is_stopping(job) else job.state.value.capitalize()
            if col == 2:
                return f"{job.fraction:.0%}"
            if col == 3:
                return "" if self.jobs_adapter.is_stopping(job) else format_eta(job.eta_s())
            if col == 4:
                return f"{job.error} — {job.hint}" if job.state == "failed" and job.hint else job.message
        if role == Qt.ItemDataRole.UserRole:
            return None if self.jobs_adapter.is_stopping(job) else job.fraction
        if role == Qt.ItemDataRole.ToolTipRole and job.state == "failed":
            return f"{job.error}\n\nWhat to do: {job.hint}" if job.hint else job.error
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            lane = LANE_WORDS.get(job.lane, job.lane)
            return f"{job.title}\n{job.kind or 'job'} · {lane}" if getattr(job, "kind", "") else f"{job.title}\n{lane}"
        if role == Qt.ItemDataRole.ForegroundRole and job.state == "failed":
            return QColor("#d64541")
        return None

    def _add(self, job: Job) -> None:
        if job.id in self._row or self.jobs_adapter.is_quiet(job):
            return
        row = len(self._jobs)
        self.beginInsertRows(QModelIndex(), row, row)
        self._jobs.append(job)
        self._row[job.id] = row
        self.endInsertRows()

    def _update(self, job: Job) -> None:
        row = self._row.get(job.id)
        if row is None:
            self._add(job)
            return
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a native progress bar."""

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: Index) -> None:
        fraction = index.data(Qt.ItemDataRole.UserRole)
        if fraction is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(fraction * 1000)
        bar.text = f"{fraction:.0%}"
        bar.textVisible = True
        bar.state = option.state
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class JobsDock(QDockWidget):
    """Stop stops the running job(s) at their next check; Cancel removes queued jobs before they start."""

    notify = Signal(str, str)  # title, text (for the window's notification area)

    def __init__(self, jobs: QtJobs, parent: QWidget | None = None) -> None:
        super().__init__("Jobs", parent)
        self.setObjectName("jobsDock")
        self.jobs = jobs
        self.model = JobTableModel(jobs, self)

        self.table = QTableView()
        self.table.setObjectName("jobsTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(JobTableModel.PROGRESS, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(2, 140)
        self.table.setAccessibleName("Background jobs")
        self.table.setMinimumHeight(48)  # the dock starts compact; drag it taller to see more jobs

        self.summary = QLabel("No jobs running.")
        self.stop_button = QPushButton("&Stop")
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip(
            "Stop the running job (Esc). It stops at its next safe point; nothing is left half-written."
        )
        self.stop_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_button.clicked.connect(jobs.stop_running)
        self.cancel_button = QPushButton("&Cancel queued")
        self.cancel_button.setObjectName("cancelQueuedButton")
        self.cancel_button.setToolTip("Cancel the jobs that are waiting; the running job goes on.")
        self.cancel_button.clicked.connect(jobs.cancel_queued)

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.cancel_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)  # compact: the pages above need the height
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.setWidget(body)

        self._shown: tuple[bool, bool, str] = (True, True, "")
        jobs.job_changed.connect(self._refresh)
        jobs.job_failed.connect(self._failed)
        self._refresh()

    def _refresh(self, _job: Job | None = None) -> None:
        """Touch a widget only when what it shows changes (each Qt call waits for the GIL while workers run)."""
        running = self.jobs.running()
        queued = self.jobs.queued()
        if running and self.jobs.is_stopping(running[0]):
            text = f"Stopping {running[0].title}…"
        elif running:
            job = running[0]
            eta = format_eta(job.eta_s())
            text = f"{job.title}: {job.fraction:.0%}" + (f", {eta}" if eta else "")
        else:
            text = "" if queued else "No jobs running."
        if queued:
            text = f"{text} — {len(queued)} waiting" if text else f"{len(queued)} waiting"
        state = (bool(running), bool(queued), text)
        if state == self._shown:
            return
        if state[:2] != self._shown[:2]:
            self.stop_button.setEnabled(state[0])
            self.cancel_button.setEnabled(state[1])
        self.summary.setText(text)
        self._shown = state

    def _failed(self, job: Job) -> None:
        self.notify.emit(f"{job.title} failed", f"{job.error}\n{job.hint}" if job.hint else job.error)


class JobProgressBar(QProgressBar):
    """The status bar's bar for the running job; it also enables Stop and Cancel while there is something to stop."""

    def __init__(self, jobs: QtJobs, stop: Any, cancel: Any, status: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobProgress")
        self.setAccessibleName("Progress of the running job")
        self.setRange(0, 1000)
        self.setMaximumWidth(320)
        self.hide()
        self.jobs, self.stop_action, self.cancel_action, self.status = jobs, stop, cancel, status
        self._shown: tuple[Any, ...] = ()
        jobs.job_changed.connect(self.job_changed)

    def job_changed(self, job: Job) -> None:
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
        if shown == self._shown:
            return  # nothing visible changed: no Qt call at all
        before, self._shown = self._shown, shown
        if not before or before[:2] != shown[:2]:
            self.stop_action.setEnabled(shown[0])
            self.cancel_action.setEnabled(shown[1])
        if current is None:
            self.hide()
            if job.state == "finished":
                self.status.showMessage(f"{job.title}: done", 4000)
            return
        if not before or before[2] != shown[2] or before[4] != shown[4]:
            self.setFormat(f"{current.title}: stopping…" if stopping else f"{current.title}: %p%")
            self.show()
        self.setValue(shown[3])
