"""Looking closely at takes: the size of a take in a grid that fills its panel, a zoom at 100 % (one image pixel per
screen pixel) and an A/B compare, side by side or with a wipe slider over one frame.

Full-size frames are decoded by the window's thumbnail job (Pillow, off the UI thread); until one is ready the view
says "loading…" and fills in when `Thumbnails.ready` fires.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImageReader, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.model import Take
from studio.ui.thumbnails import load_thumbnail

TEXT_ROOM = 44
"""Height under a take's picture for its two lines of text."""


def take_size(viewport: QSize, count: int, aspect: str, spacing: int = 12) -> QSize:
    """The largest take picture that shows `count` takes (up to 4 across) in the grid's visible area."""
    try:
        aw, ah = (float(x) for x in aspect.split(":"))
    except ValueError:
        aw, ah = 9.0, 16.0
    across = max(1, min(count, 4))
    width = (viewport.width() - spacing * (across + 1)) / across - 8
    height = min(viewport.height() - TEXT_ROOM - spacing * 2, width * ah / aw)
    height = max(96.0, height)
    return QSize(max(54, round(height * aw / ah)), round(height))


def image_size(path: Path) -> QSize:
    """The stored frame's size, read from its header only (cheap on the UI thread)."""
    size = QImageReader(str(path)).size()
    return size if size.isValid() else QSize(0, 0)


class ZoomView(QDialog):
    """One take at 100 %: every pixel as generated, scrollable."""

    def __init__(self, path: Path, title: str, thumbs: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoomTake")
        self.setWindowTitle(f"{title} at 100 %")
        self.setModal(False)
        self.resize(820, 900)
        self.path, self.thumbs = path, thumbs
        self.full = image_size(path)
        self.picture = QLabel("loading…")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(f"{title} at full size")
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        info = QLabel(f"{path.name} · {self.full.width()}×{self.full.height()} px")
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(info)
        if thumbs is not None:
            thumbs.ready.connect(self.load)
        self.load()

    def load(self) -> None:
        if not self.full.isValid() or self.full.isEmpty():
            self.picture.setText(f"{self.path.name} cannot be read.")
            return
        # 100 %: one image pixel per device pixel, so the logical size is the image size over the screen's ratio
        dpr = self.devicePixelRatioF()
        logical = QSize(round(self.full.width() / dpr), round(self.full.height() / dpr))
        pixmap = self.thumbs.get(self.path, logical, dpr) if self.thumbs is not None else None
        if pixmap is None and self.thumbs is None:
            pixmap = load_thumbnail(self.path, logical, dpr)
        if pixmap is None:
            return
        pixmap.setDevicePixelRatio(dpr)
        self.picture.setPixmap(pixmap)
        self.picture.setMinimumSize(logical)


class WipeView(QWidget):
    """A over B on one frame; the slider's position is the seam (A to its left, B to its right)."""

    def __init__(self, a: QPixmap, b: QPixmap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.a, self.b = a, b
        self.seam = 0.5
        self.setMinimumSize(180, 320)

    def set_seam(self, fraction: float) -> None:
        self.seam = min(1.0, max(0.0, fraction))
        self.update()

    def frame_rect(self) -> QRect:
        size = self.a.size() / self.a.devicePixelRatio()
        fitted = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect(
            (self.width() - fitted.width()) // 2,
            (self.height() - fitted.height()) // 2,
            fitted.width(),
            fitted.height(),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self.frame_rect()
        seam = rect.left() + round(rect.width() * self.seam)
        p.setClipRect(QRect(rect.left(), rect.top(), seam - rect.left(), rect.height()))
        p.drawPixmap(rect, self.a)
        p.setClipRect(QRect(seam, rect.top(), rect.right() - seam + 1, rect.height()))
        p.drawPixmap(rect, self.b)
        p.setClipping(False)
        p.setPen(Qt.GlobalColor.white)
        p.drawLine(seam, rect.top(), seam, rect.bottom())
        p.end()


class CompareDialog(QDialog):
    """Two takes, A and B: side by side with what made each (seed, backend, prompt), or one frame with a wipe."""

    def __init__(self, root: Any, takes: list[Take], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareTakes")
        self.setWindowTitle("Compare takes")
        self.setModal(False)
        self.resize(900, 860)
        dpr = self.devicePixelRatioF()
        pixmaps = []
        for take in takes:
            pixmap = load_thumbnail(Path(root) / "assets" / take.asset, QSize(420, 746), dpr)
            pixmaps.append(pixmap if pixmap is not None else QPixmap())
        side = QWidget()
        sl = QHBoxLayout(side)
        for label, take, pixmap in zip("AB", takes, pixmaps, strict=False):
            column = QVBoxLayout()
            picture = QLabel()
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            if not pixmap.isNull():
                picture.setPixmap(pixmap)
            picture.setAccessibleName(f"Take {label}: {take.id}")
            column.addWidget(picture, 1)
            info = QLabel(f"<b>{label}</b> · seed {take.request.seed} · {take.backend}\n{take.request.prompt[:160]}")
            info.setWordWrap(True)
            info.setMaximumWidth(420)
            column.addWidget(info)
            sl.addLayout(column)
        self.wipe = WipeView(pixmaps[0], pixmaps[-1])
        self.wipe.setAccessibleName("Take A left of the seam, take B right of it")
        self.seam = QSlider(Qt.Orientation.Horizontal)
        self.seam.setAccessibleName("Wipe position")
        self.seam.setRange(0, 1000)
        self.seam.setValue(500)
        self.seam.valueChanged.connect(lambda v: self.wipe.set_seam(v / 1000))
        wipe_page = QWidget()
        wl = QVBoxLayout(wipe_page)
        wl.addWidget(self.wipe, 1)
        wl.addWidget(self.seam)
        self.views = QStackedWidget()
        self.views.addWidget(side)
        self.views.addWidget(wipe_page)
        self.side_button = QRadioButton("Side by side")
        self.wipe_button = QRadioButton("Wipe")
        self.side_button.setChecked(True)
        group = QButtonGroup(self)
        for i, b in enumerate((self.side_button, self.wipe_button)):
            group.addButton(b, i)
        group.idClicked.connect(self.views.setCurrentIndex)
        modes = QHBoxLayout()
        modes.addWidget(self.side_button)
        modes.addWidget(self.wipe_button)
        modes.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(modes)
        layout.addWidget(self.views, 1)

    def show_wipe(self, on: bool = True) -> None:
        (self.wipe_button if on else self.side_button).setChecked(True)
        self.views.setCurrentIndex(1 if on else 0)
