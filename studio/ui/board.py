"""The storyboard as a board: one card per shot, as wide as the shot is long, with a large frame, its lines (double-
click to edit in place) and a regenerate button; drag a card to reorder. Under the cards, a timeline strip on the
same time scale: shot boundaries, the voice-over waveform (from the rendered voice files) and the caption cues.

Edits go through the project document as one undo step each (studio.stages.edits), like every other edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDrag, QDragEnterEvent, QDropEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio.ui.page import escape
from studio.ui.thumbnails import shot_thumbnail

if TYPE_CHECKING:
    from studio.model import Project
    from studio.ui.document import ProjectDocument

MIME = "application/x-qianmian-shot"
MIN_CARD = 120
"""The narrowest card (a half-second shot still shows its frame and its buttons)."""
WAVE_POINTS = 400
CARD_TEXT = 100
"""Height of a card under its frame: title, voice-over and caption."""


@dataclass(frozen=True)
class Segment:
    shot_id: str
    start_s: float
    duration_s: float


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str


@dataclass
class Timeline:
    """What the strip draws: shots, caption cues and a waveform per voice line (peaks 0..1, placed in seconds)."""

    segments: list[Segment]
    cues: list[Cue]
    waves: list[tuple[float, float, list[float]]]

    @property
    def duration_s(self) -> float:
        return max((s.start_s + s.duration_s for s in self.segments), default=0.0)


_wave_cache: dict[tuple[str, float], list[float]] = {}


def waveform(path: Path, points: int = WAVE_POINTS) -> list[float]:
    """Peak levels of a sound file (soundfile), `points` buckets, 0..1; [] when it cannot be read."""
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return []
    if key in _wave_cache:
        return _wave_cache[key]
    try:
        import numpy as np
        import soundfile

        data, _rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (OSError, RuntimeError, ImportError):
        return []
    mono = np.abs(data).max(axis=1) if data.size else np.zeros(1, dtype="float32")
    buckets = np.array_split(mono, max(1, min(points, len(mono))))
    peaks = [float(b.max()) if len(b) else 0.0 for b in buckets]
    top = max(peaks) or 1.0
    _wave_cache[key] = [p / top for p in peaks]
    return _wave_cache[key]


def build_timeline(project: Project, root: Path, variant_id: str | None, aspect: str = "9:16") -> Timeline:
    """The master storyboard's timeline, or a variant's: its render's cut record when there is one (voice-fitted
    lengths, caption cues as burned in), else its planned durations and captions; its voice files as waveforms."""
    segments: list[Segment] = []
    cues: list[Cue] = []
    waves: list[tuple[float, float, list[float]]] = []
    cut = project.cut(variant_id, aspect) if variant_id is not None else None
    if cut is not None and cut.shots:
        segments = [Segment(s.shot_id, s.start_s, s.duration_s) for s in cut.shots]
        cues = [Cue(c.start_s, c.end_s, c.text) for c in cut.captions]
        voices = [(v.start_s, v.duration_s, v.asset) for v in cut.voice]
    else:
        if variant_id is not None:
            shots = [(s.shot_id, s.duration_s, s.caption or s.voiceover) for s in project.variant(variant_id).shots]
        elif project.storyboard is not None:
            shots = [(s.id, s.duration_s, s.on_screen_text or s.voiceover) for s in project.storyboard.shots]
        else:
            shots = []
        t = 0.0
        for shot_id, duration, text in shots:
            segments.append(Segment(shot_id, t, duration))
            if text:
                cues.append(Cue(t, t + duration, text))
            t += duration
        starts = {s.shot_id: s.start_s for s in segments}
        voices = [
            (starts[v.shot_id], v.duration_s, v.asset)
            for v in project.voice_lines
            if v.variant_id == variant_id and v.shot_id in starts
        ]
    for start, duration, asset in voices:
        peaks = waveform(root / "assets" / asset)
        if peaks:
            waves.append((start, duration, peaks))
    return Timeline(segments, cues, waves)


class TimelineStrip(QWidget):
    """Shots, waveform and caption cues on one time scale (the cards' scale: `px_per_s`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardTimeline")
        self.setAccessibleName("Timeline: shots, voice-over waveform and caption cues")
        self.timeline = Timeline([], [], [])
        self.px_per_s = 60.0
        self.offset = 0
        self.setMinimumHeight(80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_timeline(self, timeline: Timeline, px_per_s: float, offset: int = 0) -> None:
        self.timeline, self.px_per_s, self.offset = timeline, px_per_s, offset
        self.setMinimumWidth(int(offset + timeline.duration_s * px_per_s) + 8)
        self.setAccessibleDescription(" | ".join(c.text for c in timeline.cues))
        self.update()

    def x(self, seconds: float) -> float:  # type: ignore[override]
        return self.offset + seconds * self.px_per_s

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1b1c1f"))
        h = self.height()
        wave_top, wave_h = 18, (h - 18) // 2
        cue_top = wave_top + wave_h + 4
        p.setPen(QColor("#9aa0a6"))
        for seg in self.timeline.segments:
            left = self.x(seg.start_s)
            p.drawLine(int(left), 0, int(left), h)
            p.drawText(
                QRectF(left + 3, 0, seg.duration_s * self.px_per_s - 6, 16), f"{seg.shot_id} · {seg.duration_s:.1f} s"
            )
        p.setPen(QPen(QColor("#5fb3f9"), 1))
        mid = wave_top + wave_h / 2
        for start, duration, peaks in self.timeline.waves:
            width = duration * self.px_per_s
            for i, peak in enumerate(peaks):
                xx = self.x(start) + width * i / len(peaks)
                half = peak * wave_h / 2
                p.drawLine(int(xx), int(mid - half), int(xx), int(mid + half))
        if not self.timeline.waves:
            p.setPen(QColor("#6b7078"))
            p.drawText(
                QRectF(self.offset + 4, wave_top, 600, wave_h), Qt.AlignmentFlag.AlignVCenter, "no voice rendered yet"
            )
        for cue in self.timeline.cues:
            rect = QRectF(
                self.x(cue.start_s) + 1, cue_top, (cue.end_s - cue.start_s) * self.px_per_s - 2, h - cue_top - 2
            )
            p.fillRect(rect, QColor("#3a3f4b"))
            p.setPen(QColor("#f0f0f0"))
            p.drawText(rect.adjusted(3, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, cue.text)
        p.end()


class EditableLine(QWidget):
    """A line of a card: a label; double-click edits it in place (Enter keeps, Esc drops)."""

    committed = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setToolTip("Double-click to edit")
        self.editor = QLineEdit()
        self.editor.setPlaceholderText(placeholder)
        self.editor.setAccessibleName(placeholder)
        self.editor.hide()
        self.editor.editingFinished.connect(self._finish)
        self.text = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.editor)

    def set_text(self, text: str, prefix: str) -> None:
        self.text = text
        self.label.setText(f"<span style='color:#9aa0a6'>{prefix}</span> {escape(text) or '—'}")

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.start_editing()

    def start_editing(self) -> None:
        self.editor.setText(self.text)
        self.label.hide()
        self.editor.show()
        self.editor.setFocus()
        self.editor.selectAll()

    def editing(self) -> bool:
        return self.editor.isVisible()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.editing():
            self.editor.blockSignals(True)
            self.editor.hide()
            self.editor.blockSignals(False)
            self.label.show()
            return
        super().keyPressEvent(event)

    def _finish(self) -> None:
        if not self.editor.isVisible():
            return
        text = self.editor.text().strip()
        self.editor.hide()
        self.label.show()
        if text != self.text:
            self.committed.emit(text)


class ShotCard(QFrame):
    """One shot: frame, id, beat and length, its voice-over and caption, and a regenerate button."""

    clicked = Signal(str)
    edited = Signal(str, str, str)  # shot id, field, text
    regenerate = Signal(str)

    def __init__(self, shot_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shot_id = shot_id
        self.setObjectName("shotCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._press: QPoint | None = None
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.regen = QPushButton("↻")
        self.regen.setObjectName("regenerateShot")
        self.regen.setAccessibleName(f"Regenerate the image of {shot_id}")
        self.regen.setToolTip("New image candidates for this shot (in the background)")
        self.regen.setMaximumWidth(30)
        self.regen.clicked.connect(lambda: self.regenerate.emit(self.shot_id))
        self.voiceover = EditableLine("Voice-over")
        self.caption = EditableLine("Caption")
        self.voiceover.committed.connect(lambda t: self.edited.emit(self.shot_id, "voiceover", t))
        self.caption.committed.connect(lambda t: self.edited.emit(self.shot_id, "on_screen_text", t))
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.regen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.picture)
        layout.addLayout(head)
        layout.addWidget(self.voiceover)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self.set_selected(False)

    def set_selected(self, on: bool) -> None:
        self.setStyleSheet("#shotCard { border: 2px solid %s; border-radius: 4px; }" % ("#3d7eff" if on else "#4a4d55"))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self.clicked.emit(self.shot_id)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        if (event.position().toPoint() - self._press).manhattanLength() < 8:
            return
        self._press = None
        drag = QDrag(self)
        mime = QMimeData()
        mime.setData(MIME, self.shot_id.encode())
        drag.setMimeData(mime)
        drag.setPixmap(self.grab().scaledToHeight(120, Qt.TransformationMode.SmoothTransformation))
        drag.exec(Qt.DropAction.MoveAction)


class Board(QWidget):
    """The cards in story order over the timeline; emits what the creator did, the page makes the edits."""

    selected = Signal(str)
    reordered = Signal(list)  # the new order of shot ids
    edited = Signal(str, str, str)  # shot id, field (voiceover, on_screen_text), text
    regenerate = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visualBoard")
        self.setAccessibleName("Storyboard board")
        self.cards: dict[str, ShotCard] = {}
        self.current: str | None = None
        self.px_per_s = 60.0
        self.frame_h = 200
        self._args: tuple[ProjectDocument, Any, str | None] | None = None
        self.row_host = QWidget()
        self.row_host.setAcceptDrops(True)
        self.row_host.dragEnterEvent = self._drag_enter  # type: ignore[method-assign]
        self.row_host.dragMoveEvent = self._drag_enter  # type: ignore[method-assign,assignment]
        self.row_host.dropEvent = self._drop  # type: ignore[method-assign]
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(0)
        self.strip = TimelineStrip()
        column = QVBoxLayout(self.row_host)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(self.row, 1)
        column.addWidget(self.strip)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.row_host)
        self.timeline_of = QComboBox()
        self.timeline_of.setObjectName("timelineOf")
        self.timeline_of.setAccessibleName("Timeline of")
        self.timeline_of.currentIndexChanged.connect(lambda _i: self._fill_timeline())
        bar = QHBoxLayout()
        hint = QLabel("Double-click a line to edit it · drag a card to move the shot · ↻ new images")
        hint.setStyleSheet("color: #9aa0a6")
        bar.addWidget(hint, 1)
        bar.addWidget(QLabel("Timeline:"))
        bar.addWidget(self.timeline_of)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll_area, 1)
        self._resize = QTimer(self)
        self._resize.setSingleShot(True)
        self._resize.setInterval(120)
        self._resize.timeout.connect(self._rescale)

    # --- view ------------------------------------------------------------------------------------------------

    def order(self) -> list[str]:
        items = (self.row.itemAt(i) for i in range(self.row.count()))
        return [w.shot_id for item in items if item is not None and isinstance(w := item.widget(), ShotCard)]

    def fill(self, doc: ProjectDocument | None, thumbs: Any) -> None:
        """Rebuild the cards from the storyboard (and keep the timeline's variant choice)."""
        self._args = (doc, thumbs, self.current) if doc is not None else None
        while self.row.count():
            item = self.row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.cards.clear()
        chosen = self.timeline_of.currentData()
        self.timeline_of.blockSignals(True)
        self.timeline_of.clear()
        if doc is None or doc.project.storyboard is None:
            self.timeline_of.blockSignals(False)
            self.strip.set_timeline(Timeline([], [], []), self.px_per_s)
            return
        self.timeline_of.addItem("Master", None)
        for v in doc.project.variants:
            self.timeline_of.addItem(v.name, v.id)
        voiced = next((vl.variant_id for vl in doc.project.voice_lines), None)
        index = self.timeline_of.findData(chosen if chosen is not None else voiced)
        self.timeline_of.setCurrentIndex(max(index, 0))
        self.timeline_of.blockSignals(False)
        for shot in doc.project.storyboard.shots:
            card = ShotCard(shot.id)
            card.title.setText(f"<b>{escape(shot.id)}</b> · {escape(shot.beat)} · {shot.duration_s:.1f} s")
            card.voiceover.set_text(shot.voiceover, "VO")
            card.caption.set_text(shot.on_screen_text, "CC")
            card.setToolTip(shot.visual)
            card.setAccessibleName(f"Shot {shot.id}, {shot.beat}, {shot.duration_s:.1f} seconds")
            card.clicked.connect(self.select)
            card.edited.connect(self.edited)
            card.regenerate.connect(self.regenerate)
            self.cards[shot.id] = card
            self.row.addWidget(card)
        self.row.addStretch(1)
        self._rescale()
        if self.current in self.cards:
            self.cards[self.current].set_selected(True)

    def _rescale(self) -> None:
        """Widths follow durations; the scale fills the visible width (never below 60 px a second)."""
        if self._args is None:
            return
        doc, thumbs, _ = self._args
        if doc.project.storyboard is None:
            return
        # widths follow the timeline under the cards: the render's lengths when a rendered variant is shown
        timeline = self._timeline()
        lengths = {seg.shot_id: seg.duration_s for seg in timeline.segments}
        total = max(0.5, timeline.duration_s or doc.project.storyboard.total_duration())
        width = max(300, self.scroll_area.viewport().width() - 12)
        self.px_per_s = max(60.0, width / total)
        # the frame takes what the lines and the timeline strip leave, so the strip stays in view
        room = self.scroll_area.viewport().height() - CARD_TEXT - self.strip.minimumHeight() - 24
        self.frame_h = max(64, min(420, room))
        dpr = self.devicePixelRatioF()
        for shot in doc.project.storyboard.shots:
            card = self.cards.get(shot.id)
            if card is None:
                continue
            w = max(MIN_CARD, round(lengths.get(shot.id, shot.duration_s) * self.px_per_s))
            card.setFixedWidth(w)
            size = QSize(w - 12, self.frame_h)
            if any(t.shot_id == shot.id for t in doc.project.takes):  # a frame: fill the card, cropped as film
                box = QSize(size.width(), max(size.height(), size.width() * 2))
                card.picture.setPixmap(
                    cover(shot_thumbnail(doc.root, doc.project, shot.id, None, box, dpr, thumbs), size, dpr)
                )
            else:  # the placeholder says "no image yet" at the card's size
                card.picture.setPixmap(shot_thumbnail(doc.root, doc.project, shot.id, None, size, dpr, thumbs))
            card.picture.setFixedHeight(self.frame_h)
        self.strip.set_timeline(timeline, self.px_per_s)

    def _timeline(self) -> Timeline:
        if self._args is None:
            return Timeline([], [], [])
        doc = self._args[0]
        try:
            return build_timeline(doc.project, doc.root, self.timeline_of.currentData())
        except KeyError:
            return build_timeline(doc.project, doc.root, None)

    def _fill_timeline(self) -> None:
        self._rescale()  # a rendered variant's timeline has its own lengths: the cards follow them

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._resize.start()

    def select(self, shot_id: str) -> None:
        for sid, card in self.cards.items():
            card.set_selected(sid == shot_id)
        if shot_id != self.current:
            self.current = shot_id
            self.selected.emit(shot_id)

    # --- drag to reorder ---------------------------------------------------------------------------------------

    def _drag_enter(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(MIME):
            event.acceptProposedAction()

    def drop_index(self, x: int) -> int:
        """Where a card dropped at x (in the row's coordinates) goes: before the first card whose middle is right."""
        for i, shot_id in enumerate(self.order()):
            geometry: QRect = self.cards[shot_id].geometry()
            if x < geometry.center().x():
                return i
        return len(self.cards)

    def _drop(self, event: QDropEvent) -> None:
        if not event.mimeData().hasFormat(MIME):
            return
        shot_id = bytes(event.mimeData().data(MIME).data()).decode()
        self.move_to(shot_id, self.drop_index(event.position().toPoint().x()))
        event.acceptProposedAction()

    def move_to(self, shot_id: str, index: int) -> None:
        """Put a shot at `index` of the order (as a drop does); one `reordered` signal, one undo step."""
        order = self.order()
        if shot_id not in order:
            return
        old = order.index(shot_id)
        order.remove(shot_id)
        order.insert(index - 1 if index > old else index, shot_id)
        if order != self.order():
            self.reordered.emit(order)


def cover(source: QPixmap, size: QSize, dpr: float) -> QPixmap:
    """Fill `size` with the picture (cropped at the centre, as a film frame), never letterboxed."""
    target = size * dpr
    scaled = source.scaled(
        target, Qt.AspectRatioMode.KeepAspectRatioByExpanding, Qt.TransformationMode.SmoothTransformation
    )
    x = max(0, (scaled.width() - target.width()) // 2)
    y = max(0, (scaled.height() - target.height()) // 2)
    out = scaled.copy(x, y, min(target.width(), scaled.width()), min(target.height(), scaled.height()))
    out.setDevicePixelRatio(dpr)
    return out
