"""The Qt binding the studio runs on keeps Python's reference counts: PySide6 6.12.0's SignalInstance.emit() dropped
one reference to True per call, and on Python 3.11 (where True is not immortal) the window aborted with
"bool_dealloc" once a session had emitted a few thousand signals (progress, merges, thumbnails). pyproject excludes
that release; this test fails on any binding that does it again."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(object)
    named = Signal(str)
    bare = Signal()


def test_emitting_signals_keeps_the_reference_counts_of_true_false_and_none(qtbot) -> None:
    emitter = _Emitter()
    heard: list[object] = []
    emitter.changed.connect(heard.append)
    emitter.named.connect(heard.append)
    emitter.bare.connect(lambda: heard.append(None))
    before = {name: sys.getrefcount(value) for name, value in (("True", True), ("False", False), ("None", None))}
    for _ in range(20):
        emitter.changed.emit(None)
        emitter.named.emit("x")
        emitter.bare.emit()
    heard.clear()
    after = {name: sys.getrefcount(value) for name, value in (("True", True), ("False", False), ("None", None))}
    drift = {name: after[name] - before[name] for name in before}
    assert all(abs(d) < 20 for d in drift.values()), (
        f"60 emits changed these reference counts by {drift}: the Qt binding leaks or drops references "
        "(PySide6 6.12.0 drops one to True per emit and the app aborts); pin another PySide6 release"
    )
