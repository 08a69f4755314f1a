"""Frame thumbnails for shot cards and take grids, decoded at display size and cached by asset name."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImageReader, QPainter, QPixmap

from studio.model import Project

_cache: dict[tuple[str, int, int], QPixmap] = {}


def load_thumbnail(path: Path, size: QSize, dpr: float = 1.0) -> QPixmap | None:
    """Decode only as many pixels as shown (QImageReader scales while decoding); None if unreadable."""
    key = (str(path), size.width(), size.height())
    if key in _cache:
        return _cache[key]
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
    _cache[key] = pixmap
    return pixmap


def placeholder(size: QSize, title: str, subtitle: str = "", dpr: float = 1.0) -> QPixmap:
    """A card for a shot with no image yet: says so instead of showing an empty box."""
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


def shot_thumbnail(
    root: Path, project: Project, shot_id: str, variant_id: str | None, size: QSize, dpr: float = 1.0
) -> QPixmap:
    """The picked take of a shot (variant, else master, else any variant's) or a placeholder."""
    take = project.selected_take(shot_id, variant_id)
    if take is None:
        others = [t for t in project.takes if t.shot_id == shot_id]
        take = next((t for t in others if t.selected), others[-1] if others else None)
    if take is not None:
        pixmap = load_thumbnail(root / "assets" / take.asset, size, dpr)
        if pixmap is not None:
            return pixmap
    beat = ""
    if project.storyboard is not None:
        with contextlib.suppress(KeyError):
            beat = project.storyboard.shot(shot_id).beat
    return placeholder(size, shot_id, f"{beat}\nno image yet", dpr)


def clear_cache() -> None:
    _cache.clear()
