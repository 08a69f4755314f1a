"""The storyboard as a board: one card per shot, as wide as the shot is long, with a large frame, its lines (double-
click to edit in place) and a regenerate button; drag a card to reorder. Under the cards, a timeline strip on the
same time scale: shot boundaries, the voice-over waveform (from the rendered voice files) and the caption cues.

The "Timeline" choice says whose board it is: the master's, or a variant's. With a variant chosen the cards show
that variant's lines in its own language, with the problems of each line (untranslated, too long, compliance) as
badges on the frame; editing a line there edits the variant's copy (as the variant wall's line editor does).

Edits go through the project document as one undo step each (studio.stages.edits), like every other edit. A change
that leaves the shots and the lines shown as they were (a render's merge, new thumbnails) keeps the cards and their
text as they are: only the layout and the pictures follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio.ui.elided_label import ElidedLabel, elide_lines  # noqa: F401  (elide_lines: tests)
from studio.ui.text_direction import BidiLineEdit
from studio.ui.thumbnails import shot_thumbnail
from studio.ui.timeline_strip import Timeline, TimelineStrip, build_timeline
from studio.ui.variant_wall import Badge, badge_html, line_badges, untranslated_lines

if TYPE_CHECKING:
    from studio.ui.document import ProjectDocument

MIME = "application/x-qianmian-shot"
MIN_CARD = 96
"""The narrowest card the scale aims for (a short shot still shows its frame and its button); the board scrolls."""
MAX_PX_PER_S = 240.0
"""...but a very short shot never blows the scale up past this."""
CARD_GAP = 4
"""Space between two cards (they end this much before the next shot's segment starts)."""
CARD_PAD = 4
MARGIN = 4
ROW_GAP = 4
STRIP_H = 64
STRIP_SLACK = 12
"""The strip asks for 8 px past its end: the fitted scale leaves that (and a little) so no scroll bar shows."""
MIN_FRAME, MAX_FRAME = 96, 600
HINT = "Double-click a line to edit · drag a card to move it · ↻ new images"
TWO_LINES_FROM = 420
"""A board this tall gives the voice-over two lines; a shorter one keeps the height for the frame."""


class EditableLine(QWidget):
    """A line of a card: a label; double-click edits it in place (Enter keeps, Esc drops)."""

    committed = Signal(str)

    def __init__(self, placeholder: str, lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = ElidedLabel(lines)
        self.editor = BidiLineEdit()
        self.editor.setPlaceholderText(placeholder)
        self.editor.setAccessibleName(placeholder)
        self.editor.hide()
        self.editor.editingFinished.connect(self._finish)
        self.text = ""
        self.language: str | None = None
        self.problems: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.label)
        layout.addWidget(self.editor)
        layout.addStretch(1)
        self.setToolTip("Double-click to edit")

    def set_text(self, text: str, prefix: str, problems: list[str] | None = None, language: str | None = None) -> None:
        """The line in its language (and what is wrong with it: the label is tinted and the tooltip says why)."""
        self.text, self.language = text, language
        self.problems = list(problems or [])
        self.label.set_content(prefix, text or "—", language)
        why = "\n".join(self.problems)
        self.label.setToolTip(f"{prefix} {text or '—'}\n{why + chr(10) if why else ''}Double-click to edit")
        self.label.setStyleSheet("QLabel { background: rgba(192, 57, 43, 70); }" if self.problems else "")

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.start_editing()

    def start_editing(self) -> None:
        self.editor.setFixedHeight(min(24, max(20, self.label.height())))  # in the line's own row, not over the next
        self.editor.set_language(self.language)
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


class Picture(QWidget):
    """A card's frame: the shot's picture as tall as the frame, centred; when the card is narrower than the picture
    it is cropped at the sides (as a film frame), never stretched and never drawn outside the card."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixmap = QPixmap()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.overlay = QLabel(self)
        """The line badges, on the frame's top edge (they take none of the height the frame and lines need)."""
        self.overlay.setObjectName("lineBadges")
        self.overlay.setTextFormat(Qt.TextFormat.RichText)
        self.overlay.setWordWrap(True)
        self.overlay.hide()

    def place_overlay(self) -> None:
        width = max(8, self.width() - 8)
        self.overlay.setFixedWidth(width)
        wanted = self.overlay.heightForWidth(width)  # -1 while the label has no text to wrap
        wanted = wanted if wanted >= 0 else self.overlay.sizeHint().height()
        self.overlay.setFixedHeight(max(0, min(wanted, max(8, self.height() - 8))))
        self.overlay.move(4, 4)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.place_overlay()

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self.pixmap = pixmap
        self.update()

    def placement(self) -> tuple[QRectF, QRectF]:
        """Where the picture goes (in this widget) and which part of the pixmap it shows: same aspect, inside."""
        if self.pixmap.isNull() or self.width() <= 0 or self.height() <= 0:
            return QRectF(), QRectF()
        pw, ph = float(self.pixmap.width()), float(self.pixmap.height())
        h = float(self.height())
        w = pw * h / ph  # as tall as the frame
        if w <= self.width():
            return QRectF((self.width() - w) / 2, 0, w, h), QRectF(0, 0, pw, ph)
        keep = pw * self.width() / w  # narrower card: the middle of the picture
        return QRectF(0, 0, self.width(), h), QRectF((pw - keep) / 2, 0, keep, ph)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#15161a"))
        target, source = self.placement()
        if not target.isEmpty():
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawPixmap(target, self.pixmap, source)
        p.end()


class ShotCard(QFrame):
    """One shot: its frame on top; under it, in their own rows, id, beat and length with a regenerate button, its
    voice-over and its caption (elided to the card's width; the whole line in the tooltip)."""

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
        self.picture = Picture()
        self.title = ElidedLabel(1, bold_prefix=True)
        self.regen = QPushButton("↻")
        self.regen.setObjectName("regenerateShot")
        self.regen.setAccessibleName(f"Regenerate the image of {shot_id}")
        self.regen.setToolTip("New image candidates for this shot (in the background)")
        self.regen.setFixedSize(26, 22)
        self.regen.clicked.connect(lambda: self.regenerate.emit(self.shot_id))
        self.voiceover = EditableLine("Voice-over")
        self.caption = EditableLine("Caption")
        self.voiceover.committed.connect(lambda t: self.edited.emit(self.shot_id, "voiceover", t))
        self.caption.committed.connect(lambda t: self.edited.emit(self.shot_id, "on_screen_text", t))
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(2)
        head.addWidget(self.title, 1, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.regen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(CARD_PAD, CARD_PAD, CARD_PAD, CARD_PAD)
        layout.setSpacing(2)
        layout.addWidget(self.picture)
        layout.addLayout(head)
        layout.addWidget(self.voiceover)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self.items: list[Badge] = []
        self.set_selected(False)

    @property
    def badges(self) -> QLabel:
        return self.picture.overlay

    def show_lines(
        self,
        voiceover: str,
        caption: str,
        items: list[Badge],
        problems: dict[str, list[str]],
        language: str | None = None,
    ) -> None:
        """The lines shown (the master's or a variant's, in `language`) and the badges of what is wrong with them."""
        self.voiceover.set_text(voiceover, "VO", problems.get("voiceover"), language)
        self.caption.set_text(caption, "CC", problems.get("caption"), language)
        self.items = items
        self.badges.setText(badge_html(items))
        self.badges.setToolTip("\n\n".join(f"{b.text}\n{b.why}" for b in items if b.why))
        self.badges.setVisible(bool(items))
        self.picture.place_overlay()
        self.setAccessibleDescription("; ".join(b.text for b in items))

    def badge_kinds(self) -> set[str]:
        return {b.kind for b in self.items}

    def text_height(self) -> int:
        """Height of the rows under the frame (title and button, voice-over, caption) with the spacing."""
        return (
            max(self.regen.height(), self.title.height())
            + self.voiceover.label.height()
            + self.caption.label.height()
            + 3 * 2
        )

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


class CardRow(QWidget):
    """The cards, placed by hand on the timeline's scale (a layout would squeeze or overlap them): a card starts
    where its shot starts on the strip below and ends a small gap before the next one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)


class Board(QWidget):
    """The cards in story order over the timeline; emits what the creator did, the page makes the edits."""

    selected = Signal(str)
    reordered = Signal(list)  # the new order of shot ids
    edited = Signal(str, str, str)  # shot id, field (voiceover, on_screen_text), text: the master's line
    variant_edited = Signal(str, str, str, str)  # variant id, shot id, field (voiceover, caption), text
    regenerate = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visualBoard")
        self.setAccessibleName("Storyboard board")
        self.cards: dict[str, ShotCard] = {}
        self._order: list[str] = []
        self.current: str | None = None
        self.px_per_s = 60.0
        self.frame_h = 200
        self._args: tuple[ProjectDocument, Any, str | None] | None = None
        self.lines_of: str | None = None
        """The variant whose lines the cards show (None: the master's)."""
        self._lines_key: Any = None
        """What the cards' lines were last shown from: the same key again (a render's merge) changes nothing."""
        self._doc_key: int | None = None
        self.row = CardRow()
        self.row.dragEnterEvent = self._drag_enter  # type: ignore[method-assign]
        self.row.dragMoveEvent = self._drag_enter  # type: ignore[method-assign,assignment]
        self.row.dropEvent = self._drop  # type: ignore[method-assign]
        self.strip = TimelineStrip()
        self.strip.setFixedHeight(STRIP_H)
        self.row_host = QWidget()
        column = QVBoxLayout(self.row_host)
        column.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        column.setSpacing(ROW_GAP)
        column.addWidget(self.row, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.strip)
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the frames fit instead
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.row_host)
        self.timeline_of = QComboBox()
        self.timeline_of.setObjectName("timelineOf")
        self.timeline_of.setAccessibleName("Timeline of")
        self.timeline_of.setToolTip("Whose lengths the cards and the strip show: the master's plan or a variant's")
        self.timeline_of.currentIndexChanged.connect(lambda _i: self._fill_timeline())
        self.bar = QWidget()
        """The hint and the timeline choice: the page may put it beside its tabs (saves a row for the frames)."""
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(HINT)
        self.hint.setObjectName("boardHint")
        self.hint.setStyleSheet("color: #9aa0a6")
        bar.addWidget(self.hint, 1)
        bar.addWidget(QLabel("Timeline:"))
        bar.addWidget(self.timeline_of)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.bar)
        layout.addWidget(self.scroll_area, 1)
        self._resize = QTimer(self)
        self._resize.setSingleShot(True)
        self._resize.setInterval(120)
        self._resize.timeout.connect(self._rescale)

    # --- view ------------------------------------------------------------------------------------------------

    def order(self) -> list[str]:
        return list(self._order)

    def fill(self, doc: ProjectDocument | None, thumbs: Any) -> None:
        """Bring the cards in step with the storyboard: a card per shot (the ones already there are kept), the
        timeline's variant choice kept, the lines shown again only when they changed."""
        self._args = (doc, thumbs, self.current) if doc is not None else None
        new_doc = id(doc) if doc is not None else None
        if new_doc != self._doc_key:
            self._doc_key, self._lines_key = new_doc, None
            self.timeline_of.blockSignals(True)
            self.timeline_of.clear()  # a project opened: its own variants, its voiced one first
            self.timeline_of.blockSignals(False)
        if doc is None or doc.project.storyboard is None:
            for each in self.cards.values():
                each.hide()
                each.deleteLater()
            self.cards.clear()
            self._order = []
            self.timeline_of.blockSignals(True)
            self.timeline_of.clear()
            self.timeline_of.blockSignals(False)
            self.lines_of, self._lines_key = None, None
            self.strip.set_timeline(Timeline([], [], []), self.px_per_s)
            return
        self._fill_choice(doc)
        shots = [shot.id for shot in doc.project.storyboard.shots]
        for shot_id in [s for s in self.cards if s not in shots]:
            gone = self.cards.pop(shot_id)
            gone.hide()
            gone.deleteLater()
        for shot in doc.project.storyboard.shots:
            card = self.cards.get(shot.id)
            if card is None:
                card = self.cards[shot.id] = ShotCard(shot.id, self.row)
                card.clicked.connect(self.select)
                card.edited.connect(self._card_edited)
                card.regenerate.connect(self.regenerate)
                card.show()  # a card added while the page is hidden stays hidden when shown unless shown here
            card.setToolTip(shot.visual)
        self._order = shots
        self._show_lines()
        self._rescale()
        if self.current in self.cards:
            self.cards[self.current].set_selected(True)

    def _fill_choice(self, doc: ProjectDocument) -> None:
        """The timeline choice: Master and each variant; the choice kept (the voiced variant when none was made)."""
        items = [("Master", None), *((v.name, v.id) for v in doc.project.variants)]
        shown = [(self.timeline_of.itemText(i), self.timeline_of.itemData(i)) for i in range(self.timeline_of.count())]
        if items == shown:
            return
        first = not shown
        chosen = self.timeline_of.currentData()
        self.timeline_of.blockSignals(True)
        self.timeline_of.clear()
        for name, vid in items:
            self.timeline_of.addItem(name, vid)
        voiced = next((vl.variant_id for vl in doc.project.voice_lines), None)
        index = self.timeline_of.findData(voiced if first else chosen)
        self.timeline_of.setCurrentIndex(max(index, 0))
        self.timeline_of.blockSignals(False)

    def variant_id(self) -> str | None:
        """The variant chosen on the timeline (None: the master)."""
        vid = self.timeline_of.currentData()
        return vid if isinstance(vid, str) and vid else None

    def _show_lines(self) -> None:
        """Each card's lines: the chosen variant's, in its language, with their badges; else the master's. Read
        from the project only when what they are made of changed (a merged render leaves them as they are)."""
        doc = self._args[0] if self._args is not None else None
        storyboard = doc.project.storyboard if doc is not None else None
        if doc is None or storyboard is None:
            return
        project = doc.project
        masters = storyboard.shots
        vid = self.variant_id()
        variant = next((v for v in project.variants if v.id == vid), None)
        key: Any = (vid, tuple((s.id, s.voiceover, s.on_screen_text) for s in masters))
        if variant is not None:
            key += (variant.language, tuple(_line_key(s) for s in variant.shots))
        if key == self._lines_key:
            return
        self._lines_key = key
        self.lines_of = variant.id if variant is not None else None
        compliance = _compliance(project, variant.id) if variant is not None else None
        own = {s.shot_id: s for s in variant.shots} if variant is not None else {}
        for shot in masters:
            card = self.cards.get(shot.id)
            if card is None:
                continue
            local = own.get(shot.id)
            if variant is None or local is None:  # the master's lines (a shot the variant lacks says so)
                missing = [f"{variant.name} has no copy of this shot yet."] if variant is not None else []
                problems = {"voiceover": missing} if missing else {}
                card.show_lines(shot.voiceover, shot.on_screen_text, [], problems, project.brief.master_language)
                continue
            items = line_badges(project, variant.id, shot.id, compliance)
            problems = untranslated_lines(local, variant.language)
            card.show_lines(local.voiceover, local.caption, items, problems, variant.language)
        if variant is not None:
            self.hint.setText(f"Lines in {variant.language} · {HINT}")
            self.hint.setToolTip(f"The cards show {variant.name}'s lines, in {variant.language}: edits change them")
        else:
            self.hint.setText(HINT)
            self.hint.setToolTip("The cards show the master storyboard's lines")

    def _card_edited(self, shot_id: str, field: str, text: str) -> None:
        """A card's line edited in place: the master's shot, or the chosen variant's copy of the line."""
        if self.lines_of is None:
            self.edited.emit(shot_id, field, text)
        else:
            self.variant_edited.emit(self.lines_of, shot_id, "caption" if field == "on_screen_text" else field, text)

    def spans(self, timeline: Timeline) -> dict[str, tuple[float, float]]:
        """Each card's start and length in seconds: its segment on the strip; a shot the timeline lacks follows
        the last one with its planned length."""
        doc = self._args[0] if self._args is not None else None
        if doc is None or doc.project.storyboard is None:
            return {}
        spans = {seg.shot_id: (seg.start_s, seg.duration_s) for seg in timeline.segments}
        t = timeline.duration_s
        for shot in doc.project.storyboard.shots:
            if shot.id not in spans:
                spans[shot.id] = (t, shot.duration_s)
                t += shot.duration_s
        return spans

    def _rescale(self) -> None:
        """The cards on the strip's time scale, filling the visible width (wider, with a scroll bar, when the
        shortest shot would make too narrow a card); the frames as tall as the board's height allows."""
        if self._args is None:
            return
        doc, thumbs, _ = self._args
        if doc.project.storyboard is None:
            return
        variant = self.timeline_of.currentData()
        timeline = self._timeline()
        spans = self.spans(timeline)
        if not spans:
            self.strip.set_timeline(timeline, self.px_per_s)
            return
        total = max(0.5, max(start + length for start, length in spans.values()))
        shortest = max(0.1, min(length for _, length in spans.values()))
        width = max(300, self.scroll_area.width() - 2 * MARGIN - STRIP_SLACK)
        fit = width / total
        self.px_per_s = max(fit, min(MAX_PX_PER_S, (MIN_CARD + CARD_GAP) / shortest))
        # the frame takes what the lines, the strip (and a scroll bar when the cards overflow) leave
        sample = next(iter(self.cards.values()))
        # a tall board gives the voice-over a second line, when a line is longer than its card (else the frame)
        metrics = sample.voiceover.label.fontMetrics()

        def too_long(shot_id: str) -> bool:
            length = spans[shot_id][1]
            inner = round(length * self.px_per_s) - CARD_GAP - 2 * CARD_PAD - 4
            return metrics.horizontalAdvance(f"VO {self.cards[shot_id].voiceover.text}") > inner

        lines = 2 if self.scroll_area.height() > TWO_LINES_FROM and any(too_long(s) for s in self.cards) else 1
        for card in self.cards.values():
            card.voiceover.label.set_lines(lines)
        bar_h = self.scroll_area.horizontalScrollBar().sizeHint().height() if self.px_per_s > fit + 1e-6 else 0
        room = self.scroll_area.height() - bar_h - 2 * MARGIN - ROW_GAP - STRIP_H - 2 * CARD_PAD - 2
        self.frame_h = max(MIN_FRAME, min(MAX_FRAME, room - sample.text_height() - 2))
        card_h = self.frame_h + sample.text_height() + 2 + 2 * CARD_PAD
        self.row.setFixedSize(round(total * self.px_per_s), card_h)
        dpr = self.devicePixelRatioF()
        planned = {s.id: s.duration_s for s in doc.project.storyboard.shots}
        for shot in doc.project.storyboard.shots:
            if shot.id not in self.cards:
                continue
            card = self.cards[shot.id]
            start, length = spans[shot.id]
            left, right = round(start * self.px_per_s), round((start + length) * self.px_per_s)
            card.setGeometry(left, 0, max(8, right - left - CARD_GAP), card_h)
            card.picture.setFixedHeight(self.frame_h)
            self._label(card, doc, shot.id, shot.beat, length, planned[shot.id], variant)
            inner = QSize(max(8, card.width() - 2 * CARD_PAD), self.frame_h)
            tall = QSize(round(self.frame_h * 9 / 16), self.frame_h)  # a 9:16 frame as tall as the card allows
            if any(t.shot_id == shot.id for t in doc.project.takes):
                card.picture.set_pixmap(shot_thumbnail(doc.root, doc.project, shot.id, variant, tall, dpr, thumbs))
            else:  # the placeholder says "no image yet" at the frame's size
                box = QSize(min(inner.width(), tall.width()), self.frame_h)
                card.picture.set_pixmap(shot_thumbnail(doc.root, doc.project, shot.id, variant, box, dpr, thumbs))
        self.strip.set_timeline(timeline, self.px_per_s)

    def _label(
        self, card: ShotCard, doc: ProjectDocument, shot_id: str, beat: str, length: float, planned: float, variant: Any
    ) -> None:
        """Id, beat and the length on the timeline shown (the plan's beside it when the voice stretched it)."""
        from studio.model.motion import picked_motion

        moves = " · ▶ moves" if picked_motion(doc.project, shot_id, None) else ""  # a motion take plays here
        seconds = f"{length:.1f} s" if abs(length - planned) < 0.05 else f"{length:.1f} s (plan {planned:.1f})"
        card.title.set_content(shot_id, f"· {beat} · {seconds}{moves}")
        where = self.timeline_of.currentText() or "Master"
        card.title.setToolTip(f"{shot_id} · {beat}: {length:.1f} s on the {where} timeline, planned {planned:.1f} s")
        card.setAccessibleName(f"Shot {shot_id}, {beat}, {length:.1f} seconds")

    def _timeline(self) -> Timeline:
        if self._args is None:
            return Timeline([], [], [])
        doc = self._args[0]
        try:
            return build_timeline(doc.project, doc.root, self.timeline_of.currentData())
        except KeyError:
            return build_timeline(doc.project, doc.root, None)

    def _fill_timeline(self) -> None:
        self._show_lines()  # the chosen variant's lines on the cards
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


def _line_key(shot: Any) -> tuple[Any, ...]:
    """What a variant shot's lines and their badges are made of (cheap to compare on every change)."""
    return (
        shot.shot_id,
        shot.voiceover,
        shot.caption,
        tuple((f.kind, f.message) for f in shot.flags),
        tuple(sorted((k, st.origin, st.language_ok, st.detected) for k, st in shot.line_status.items())),
    )


def _compliance(project: Any, variant_id: str) -> Any:
    from studio.ui.operations.wall import compliance

    return compliance(project, variant_id)
