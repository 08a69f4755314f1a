"""The open project in memory: one pydantic Project, an undo stack for every edit, autosave and recovery.

Views never mutate the Project directly: they call `ProjectDocument.edit(...)`, which records the parts of the
project it touches before and after, and pushes an undo command. Every change (edit, undo, redo, merged job
result) is announced once through `changed(parts)`, the one place views subscribe to.
"""

from __future__ import annotations

import contextlib
import copy
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.model import Project, ProjectStore
from studio.model.stage import CancelToken, ProgressFn
from studio.model.store import atomic_write_text, dump_data

#: Top-level parts of a Project an edit may touch (fields of studio.model.Project).
PARTS = (
    "name",
    "brief",
    "personas",
    "insights",
    "storyboard",
    "variants",
    "takes",
    "voice_lines",
    "deliverables",
    "settings",
)


_IMMUTABLE = (str, int, float, bytes, type(None), Enum, Path)


def deep_copy(value: Any) -> Any:
    """A deep copy of a project or a part of one: a tree of pydantic models, lists, dicts and plain values.

    Walked directly, ~2.5x faster than `model_copy(deep=True)` (copy.deepcopy with its memo, needed only for
    shared or cyclic objects, which a project never holds); a merged job result copies the project several times
    on the UI thread, and that was the longest part of a render's stalls."""
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, BaseModel):
        copied = value.__class__.__new__(value.__class__)
        object.__setattr__(copied, "__dict__", {k: deep_copy(v) for k, v in value.__dict__.items()})
        object.__setattr__(copied, "__pydantic_fields_set__", set(value.__pydantic_fields_set__))
        object.__setattr__(copied, "__pydantic_extra__", deep_copy(value.__pydantic_extra__))
        object.__setattr__(copied, "__pydantic_private__", deep_copy(value.__pydantic_private__))
        return copied
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(deep_copy(v) for v in value)
    return copy.deepcopy(value)


_copy = deep_copy


class _Writer:
    """Writes one document's snapshots in the order they were taken: an older one never lands over a newer one."""

    def __init__(self) -> None:
        self.taken = 0
        self.pending: dict[Path, Snapshot] = {}
        """The latest snapshot taken per file and not yet written (`ProjectDocument.flush` writes them)."""
        self._lock = threading.Lock()
        self._written: dict[Path, int] = {}

    def take(self, path: Path, data: Any) -> Snapshot:
        self.taken += 1
        snapshot = self.pending[path] = Snapshot(path, data, self.taken, self)
        return snapshot

    def write(self, snapshot: Snapshot) -> None:
        with self._lock:
            if self._written.get(snapshot.path, -1) >= snapshot.seq:
                return
            atomic_write_text(snapshot.path, dump_data(snapshot.data))
            self._written[snapshot.path] = snapshot.seq
            if self.pending.get(snapshot.path) is snapshot:
                del self.pending[snapshot.path]


@dataclass(frozen=True)
class Snapshot:
    """project.json's data at one undo step, to be written to `path`."""

    path: Path
    data: Any
    seq: int
    writer: _Writer


def write_snapshot(
    snapshot: Snapshot, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> None:
    """Encode and write a snapshot atomically (on the UI thread, or as a job on a worker thread)."""
    snapshot.writer.write(snapshot)


class EditCommand(QUndoCommand):
    """Swaps whole parts of the project between their before and after states (deep copies, never aliased)."""

    def __init__(
        self, doc: ProjectDocument, text: str, before: dict[str, Any], after: dict[str, Any] | None, merge_key: str
    ):
        """`after` None: the after state is taken from the project when this step is undone (see `replace`)."""
        super().__init__(text)
        self._doc = doc
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self._first = True

    def id(self) -> int:
        return 1 if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or not self.merge_key or other.merge_key != self.merge_key:
            return False
        if set(other.before) != set(self.before):
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._first:  # the edit was already applied by ProjectDocument.edit
            self._first = False
            return
        assert self.after is not None  # set by undo(), which always runs before a redo
        self._doc._restore(self.after)

    def undo(self) -> None:
        if self.after is None:  # the steps above were undone first: the project holds this step's after state
            self.after = {p: getattr(self._doc.project, p) for p in self.before}  # detached by the restore below
        self._doc._restore(self.before)


class ProjectDocument(QObject):
    """A project folder opened for editing."""

    changed = Signal(object)  # frozenset[str] of parts
    dirty_changed = Signal(bool)
    recovery_available = Signal(str)  # when an autosave newer than project.json was found
    saved = Signal()

    AUTOSAVE_MS = 30_000

    def __init__(self, store: ProjectStore, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.project = project
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._autosaved_index = self.undo_stack.index()
        self._writer = _Writer()
        self.write_later: Callable[[Snapshot], Any] | None = None
        """Submits a snapshot's write as a job (set by the operations that open the document); None: write at once."""
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(self.AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self._autosave_tick)
        self._autosave_timer.start()

    def _clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    # --- opening and saving -------------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | Path, parent: QObject | None = None) -> ProjectDocument:
        store = ProjectStore(folder)
        return cls(store, store.load(), parent)

    @property
    def root(self) -> Path:
        return self.store.root

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def save(self) -> None:
        """Atomic save of project.json; the autosave copy is then stale and removed."""
        try:
            write_snapshot(self.snapshot())
        except BaseException:
            self.undo_stack.resetClean()
            raise
        self.saved_to_disk()

    def flush(self) -> None:
        """Write now what was taken to be written by a job that has not run yet (the window is closing)."""
        for snapshot in list(self._writer.pending.values()):
            write_snapshot(snapshot)

    def snapshot(self) -> Snapshot:
        """The project as saved data (~1 ms): it counts as saved from here; `write_snapshot` writes it, at once or
        as a job (encoding and fsync took a render's end 30-60 ms on the UI thread). If the write fails, call
        `undo_stack.resetClean()`."""
        snapshot = self._writer.take(self.store.project_file, self.project.model_dump(mode="json", by_alias=True))
        self.undo_stack.setClean()
        self._autosaved_index = self.undo_stack.index()
        return snapshot

    def saved_to_disk(self) -> None:
        """A snapshot was written: the autosave is stale (unless edits came since) and listeners hear of it."""
        if not self.dirty:
            self.discard_autosave()
        self.saved.emit()

    def autosave(self, *, later: Callable[[Snapshot], Any] | None = None) -> Path | None:
        """Write autosave/project.json when there are edits since the last save or autosave (`later`: submit the
        write as a job instead, as the autosave timer does when `write_later` is set)."""
        if not self.dirty or self.undo_stack.index() == self._autosaved_index:
            return None
        snap = self._writer.take(self.autosave_file, self.project.model_dump(mode="json", by_alias=True))
        self._autosaved_index = self.undo_stack.index()
        (later or write_snapshot)(snap)
        return self.autosave_file

    def _autosave_tick(self) -> None:
        self.autosave(later=self.write_later)

    @property
    def autosave_file(self) -> Path:
        return self.store.autosave_dir / "project.json"

    def newer_autosave(self) -> Path | None:
        """The autosave left by a session that did not save (a crash), if it is newer than project.json."""
        auto = self.autosave_file
        if not auto.is_file():
            return None
        try:
            saved = self.store.project_file.stat().st_mtime
        except FileNotFoundError:
            return auto
        if auto.stat().st_mtime <= saved or auto.read_bytes() == self.store.project_file.read_bytes():
            return None
        return auto

    def restore_autosave(self) -> None:
        """Bring back the autosaved edits as one undoable step (so the creator can undo the recovery too)."""
        recovered = ProjectStore(self.store.autosave_dir)
        project = recovered.load()
        parts = tuple(Project.model_fields)  # every part, including ones added after PARTS was written
        self.edit("Recover unsaved changes", parts, lambda p: _assign_parts(p, project, parts))

    def discard_autosave(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.autosave_file)

    # --- editing ------------------------------------------------------------------------------------------------

    def edit(self, text: str, parts: Iterable[str], change: Callable[[Project], None], *, merge_key: str = "") -> bool:
        """Apply `change` to the project as one undoable step touching `parts`.

        If `change` raises (a validation error), the project is left as it was and the error propagates.
        Returns False when nothing changed (no undo step is recorded).
        """
        parts = tuple(dict.fromkeys(parts))
        before = {p: _copy(getattr(self.project, p)) for p in parts}
        try:
            change(self.project)
        except Exception:
            self._restore(before, announce=False)
            raise
        after = {p: _copy(getattr(self.project, p)) for p in parts}
        if all(_same(before[p], after[p]) for p in parts):
            return False
        self.undo_stack.push(EditCommand(self, text, before, after, merge_key))
        self.changed.emit(frozenset(parts))
        return True

    def replace(self, text: str, parts: dict[str, Any], *, merge_key: str = "") -> None:
        """Put new values in place of whole parts, as one undoable step (a job's result merged by the caller).

        The values must be the caller's own, shared with nothing. The parts they replace leave the project, so they
        are the undo state as they are, and the after state is what the project holds when the step is undone:
        no copies, which cost a render's merges tens of ms on the UI thread."""
        before = {p: getattr(self.project, p) for p in parts}
        for part, value in parts.items():
            self.project.__dict__[part] = value  # validated where the caller built it
        self.undo_stack.push(EditCommand(self, text, before, None, merge_key))
        self.changed.emit(frozenset(parts))

    def _restore(self, state: dict[str, Any], *, announce: bool = True) -> None:
        for part, value in state.items():
            setattr(self.project, part, _copy(value))
        if announce:
            self.changed.emit(frozenset(state))


def _same(a: Any, b: Any) -> bool:
    return a == b  # pydantic models compare field by field


def _assign_parts(target: Project, source: Project, parts: Iterable[str]) -> None:
    for part in parts:
        setattr(target, part, _copy(getattr(source, part)))
