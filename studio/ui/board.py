"""The storyboard as a board: one card per shot, as wide as the shot is long, with a large frame, its lines (double-
click to edit in place) and a regenerate button; drag a card to reorder. Under the cards, a timeline strip on the
same time scale: shot boundaries, the voice-over waveform (from the rendered voice files) and the caption cues.

Edits go through the project document as one undo step each (studio.stages.edits), like every other edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDropEvent, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.ui.page import escape
from studio.ui.thumbnails import shot_thumbnail
from studio.ui.timeline_strip import Timeline, TimelineStrip, build_timeline

if TYPE_CHECKING:
    from studio.ui.document import ProjectDocument

MIME = "application/x-qianmian-shot"
MIN_CARD = 120
"""The narrowest card (a half-second shot still shows its frame and its buttons)."""
CARD_TEXT = 100
"""Height of a card under its frame: title, voice-over and caption."""


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
        from studio.model.motion import picked_motion

        for shot in doc.project.storyboard.shots:
            card = ShotCard(shot.id)
            moves = " · ▶ moves" if picked_motion(doc.project, shot.id, None) else ""  # a motion take plays here
            card.title.setText(f"<b>{escape(shot.id)}</b> · {escape(shot.beat)} · {shot.duration_s:.1f} s{moves}")
            card.voiceover.set_text(shot.voiceover, "VO")
            card.caption.set_text(shot.on_screen_text, "CC")
            card.setToolTip(shot.visual)
            card.setAccessibleName(f"Shot {shot.id}, {shot.beat}, {shot.duration_s:.1f} seconds")
            card.clicked.connect(self.select)
            card.edited.connect(self.edited)
            card.regenerate.connect(self.regenerate)
            self.cards[shot.id] = card
            self.row.addWidget(card)
            card.show()  # not left to the layout: a card added while the page is hidden stayed hidden when shown
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
