"""Frame thumbnails for shot cards and take grids.

Decoding a 1080×1920 PNG takes tens of milliseconds, too long for the UI thread, so images are decoded and scaled
by a quiet job on the JobQueue (Pillow, no Qt); the main thread only wraps the small result in a QPixmap.
Until a thumbnail is ready a card shows a placeholder, and `Thumbnails.ready` tells the window to redraw.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPixmap

if TYPE_CHECKING:
    from studio.model import Project
    from studio.ui.jobs_adapter import QtJobs

Key = tuple[str, int, int]


@dataclass(frozen=True)
class ScaleRequest:
    items: tuple[Key, ...]


def scale_images(
    request: ScaleRequest, *, on_progress: Any = None, cancel: Any = None
) -> dict[Key, tuple[int, int, bytes]]:
    """Worker side: decode and shrink each image with Pillow (draft mode for JPEG); RGBA bytes per key."""
    from PIL import Image

    from studio.model.stage import check

    out: dict[Key, tuple[int, int, bytes]] = {}
    for key in request.items:
        check(cancel)
        path, w, h = key
        try:
            with Image.open(path) as im:
                im.draft("RGB", (w, h))
                im = im.convert("RGBA")
                im.thumbnail((w, h), Image.Resampling.BILINEAR)
                out[key] = (im.width, im.height, im.tobytes())
        except OSError:
            continue
    return out


class Thumbnails(QObject):
    """A cache of scaled frames; misses are decoded in one batched quiet job."""

    ready = Signal()

    def __init__(self, jobs: QtJobs | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self._cache: dict[Key, QPixmap] = {}
        self._pending: set[Key] = set()
        self._in_flight: set[Key] = set()
        self._failed: set[Key] = set()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush)

    def get(self, path: Path, size: QSize, dpr: float = 1.0) -> QPixmap | None:
        """The thumbnail if ready; else None, and it will be made (or decoded here when there is no job queue)."""
        key = (str(path), round(size.width() * dpr), round(size.height() * dpr))
        pixmap = self._cache.get(key)
        if pixmap is not None:
            return pixmap
        if self.jobs is None:
            pixmap = load_thumbnail(path, size, dpr)
            if pixmap is not None:
                self._cache[key] = pixmap
            return pixmap
        if key not in self._in_flight and key not in self._failed:
            self._pending.add(key)
            self._flush_timer.start()
        return None

    def pending(self) -> bool:
        return bool(self._pending or self._in_flight)

    def _flush(self) -> None:
        if not self._pending or self.jobs is None:
            return
        batch = tuple(sorted(self._pending))
        self._pending.clear()
        self._in_flight.update(batch)
        self.jobs.submit("Thumbnails", scale_images, ScaleRequest(batch), on_done=self._done, quiet=True)

    def _done(self, job: Any) -> None:
        batch = set(job.result or {}) if job.state == "finished" else set()
        requested = {k for k in self._in_flight}
        for key, (w, h, data) in (job.result or {}).items():
            image = QImage(data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
            pixmap = QPixmap.fromImage(image)
            self._cache[key] = pixmap
        if job.state == "finished":
            self._failed.update(requested - batch - set(self._cache))
        self._in_flight.clear()
        if batch:
            self.ready.emit()
        if self._pending:
            self._flush_timer.start()

    def clear(self) -> None:
        self._cache.clear()
        self._failed.clear()


def load_thumbnail(path: Path, size: QSize, dpr: float = 1.0) -> QPixmap | None:
    """Decode on the calling thread at display size (QImageReader scales while decoding); None if unreadable."""
    reader = QImageReader(str(path))
    if not reader.canRead():
        return None
    full = reader.size()
    target = full.scaled(size * dpr, Qt.AspectRatioMode.KeepAspectRatio) if full.isValid() else size
    reader.setScaledSize(target)
    image = reader.read()
    if image.isNull():
        return None
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(dpr)
    return pixmap


_placeholders: dict[tuple[int, int, str, str, float], QPixmap] = {}


def placeholder(size: QSize, title: str, subtitle: str = "", dpr: float = 1.0) -> QPixmap:
    """A card for a shot with no image yet: says so instead of showing an empty box.

    Drawn once per size and text (pages redraw their cards at every merge of a job's result)."""
    key = (size.width(), size.height(), title, subtitle, dpr)
    cached = _placeholders.get(key)
    if cached is not None:
        return cached
    if len(_placeholders) > 512:
        _placeholders.clear()
    pixmap = _placeholders[key] = _draw_placeholder(size, title, subtitle, dpr)
    return pixmap


def _draw_placeholder(size: QSize, title: str, subtitle: str, dpr: float) -> QPixmap:
    pixmap = QPixmap(size * dpr)
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(QColor("#3a3f4b"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#e8e8e8"))
    font = QFont()
    font.setBold(True)
    painter.setFont(font)
    rect = QRect(0, 0, size.width(), size.height())
    painter.drawText(rect.adjusted(6, 6, -6, -size.height() // 2), Qt.AlignmentFlag.AlignCenter, title)
    font.setBold(False)
    painter.setFont(font)
    painter.drawText(
        rect.adjusted(6, size.height() // 2, -6, -6), Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, subtitle
    )
    painter.end()
    return pixmap


def take_pixmap(thumbs: Thumbnails | None, path: Path, size: QSize, dpr: float, label: str) -> QPixmap:
    pixmap = thumbs.get(path, size, dpr) if thumbs is not None else load_thumbnail(path, size, dpr)
    if pixmap is not None:
        pixmap.setDevicePixelRatio(dpr)
        return pixmap
    loading = thumbs is not None and path.exists()
    return placeholder(size, label, "loading…" if loading else "missing file", dpr)


def shot_thumbnail(
    root: Path,
    project: Project,
    shot_id: str,
    variant_id: str | None,
    size: QSize,
    dpr: float = 1.0,
    thumbs: Thumbnails | None = None,
) -> QPixmap:
    """The picked take of a shot (variant, else master, else any variant's) or a placeholder."""
    take = project.selected_take(shot_id, variant_id)
    if take is None:
        others = [t for t in project.takes if t.shot_id == shot_id]
        take = next((t for t in others if t.selected), others[-1] if others else None)
    if take is not None:
        return take_pixmap(thumbs, root / "assets" / take.asset, size, dpr, shot_id)
    beat = ""
    if project.storyboard is not None:
        with contextlib.suppress(KeyError):
            beat = project.storyboard.shot(shot_id).beat
    return placeholder(size, shot_id, f"{beat}\nno image yet", dpr)
