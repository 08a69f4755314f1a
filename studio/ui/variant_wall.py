"""The variant wall (千人千面 at a glance): markets down, audience segments across, one card per variant with its
current frame, its hook line (what it says first, in its own language and script) and what stands between it and
delivery (untranslated lines, lines too long to speak, compliance,
draft or final, the scorecard once rendered). Click a card to select the variant everywhere; edit its lines in its
own language beside the wall; compare two variants side by side with playback in step.

The cards are kept while the grid stays the same (same markets, segments, variants and aspect): a change such as a
render's merge updates their badges and buttons in place, and a card's hook line is set again only when the line or
its problems changed (as the storyboard board keeps its cards).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.compare_view import CompareView
from studio.ui.elided_label import ElidedLabel
from studio.ui.line_editor import LineEditor
from studio.ui.page import escape
from studio.ui.player import load_media, media_unavailable_hint
from studio.ui.thumbnails import shot_thumbnail, take_pixmap

if TYPE_CHECKING:
    from studio.model import Project
    from studio.ui.document import ProjectDocument

#: Badge colours: a problem to fix, a warning, fine.
TONE = {"bad": "#c0392b", "warn": "#c98a00", "ok": "#2e8b57", "info": "#5b6572"}


@dataclass(frozen=True)
class Badge:
    kind: str  # untranslated, too-long, compliance, final, draft, preview, not-rendered, score
    text: str
    tone: str
    why: str = ""


def variant_video(project: Project, root: Path, variant_id: str, aspect: str) -> Path | None:
    """The variant's main-cut video at this aspect: a final one when there is one, else the newest draft/preview."""
    from studio.stages.quality import deliverable_path, is_preview

    videos = [
        d
        for d in project.deliverables
        if d.kind == "video" and d.variant_id == variant_id and d.aspect == aspect and not d.sub_variant
    ]
    videos.sort(key=lambda d: (d.status == "final" and not is_preview(d, root), d.created))
    for d in reversed(videos):
        path = deliverable_path(d, root)
        if path.exists():
            return path
    return None


def badges(
    project: Project, root: Path, variant_id: str, aspect: str, score: Any = None, compliance: Any = None
) -> list[Badge]:
    """What the card says about a variant, most urgent first."""
    from studio.stages.quality import final_videos, is_preview, untranslated

    v = project.variant(variant_id)
    out: list[Badge] = []
    todo = untranslated(v)
    if todo:
        out.append(Badge("untranslated", f"⚠ {len(todo)} untranslated", "bad", "\n".join(todo)))
    long_lines = [f.message for s in v.shots for f in s.flags if f.kind == "too-long"]
    if long_lines:
        out.append(Badge("too-long", f"⏱ {len(long_lines)} too long", "warn", "\n".join(long_lines)))
    if compliance is not None:
        findings = "\n".join(str(f.get("message", f)) for f in compliance.get("findings", []) if isinstance(f, dict))
        if compliance.get("blocked"):
            out.append(Badge("compliance", f"⛔ {compliance.get('block', 0)} compliance", "bad", findings))
        elif compliance.get("warn"):
            out.append(Badge("compliance", f"△ {compliance.get('warn', 0)} to check", "warn", findings))
        else:
            out.append(Badge("compliance", "✓ compliance", "ok", "No compliance findings."))
    finals = [d for d in final_videos(project, root, variant_id) if d.aspect == aspect]
    videos = [
        d for d in project.deliverables if d.kind == "video" and d.variant_id == variant_id and d.aspect == aspect
    ]
    full = [d for d in videos if not is_preview(d, root)]
    reasons = "\n".join(dict.fromkeys(r for d in videos for r in d.reasons))
    if finals and todo:  # as Deliver says: a video of untranslated lines is not a deliverable
        why = "Rendered before the lines were checked: not final while lines are untranslated.\n" + "\n".join(todo)
        out.append(Badge("draft", "draft", "warn", why))
    elif finals:
        out.append(Badge("final", "✓ final", "ok", "A full-size final video is rendered."))
    elif any(d.status == "draft" for d in full):
        out.append(Badge("draft", "draft", "warn", reasons or "Rendered as a draft: not a deliverable."))
    elif len(full) < len(videos):
        why = "A small preview: render final for the deliverable." + (f"\n{reasons}" if reasons else "")
        out.append(Badge("preview", "preview only", "info", why))
    else:
        out.append(Badge("not-rendered", "not rendered", "info", "Render this variant in Voice & Cut."))
    if score is not None:
        total = int(getattr(score, "total", 0))
        rows: list[dict[str, str]] = getattr(score, "rows", lambda: [])()
        why = "\n".join(f"{r.get('status', '')}: {r.get('item', '')} — {r.get('reason', '')}" for r in rows)
        out.append(Badge("score", f"★ {total}/100", "ok" if total >= 70 else "warn", why))
    return out


def untranslated_lines(shot: Any, language: str) -> dict[str, list[str]]:
    """A variant shot's lines not in the variant's language yet ('voiceover', 'caption'), each with why: its
    untranslated flag, or its status (marked untranslated, or identified as another language)."""
    from studio.stages.quality import LINE_KINDS, flag_line

    out: dict[str, list[str]] = {}
    for field, kind in LINE_KINDS.items():
        why = [f.message for f in shot.flags if f.kind == "untranslated" and flag_line(f.message) == field]
        status = shot.line_status.get(kind)
        if status is not None and status.language_ok is False:
            found = f" (reads as {status.detected})" if status.detected else ""
            why.insert(0, f"Not in {language} yet{found}: a translator must write this {kind}.")
        elif status is not None and status.origin == "untranslated" and not why:
            why.append(f"Untranslated {kind}: a translator must write it in {language}.")
        if why:
            out[field] = why
    return out


def line_badges(project: Project, variant_id: str, shot_id: str, compliance: Any = None) -> list[Badge]:
    """What a storyboard card says about one shot's lines in a variant, as the wall says it of the whole variant:
    a line not in the variant's language yet, a voice-over too long for its shot, compliance findings on the shot's
    voice-over or caption, and (on the shot that carries their flags) the end card's untranslated lines."""
    from studio.stages.quality import flag_line

    v = project.variant(variant_id)
    s = v.shot(shot_id)
    out: list[Badge] = []
    todo = untranslated_lines(s, v.language)
    if todo:
        which = " + ".join("VO" if f == "voiceover" else "CC" for f in todo)
        why = "\n".join(m for ms in todo.values() for m in ms)
        out.append(
            Badge("untranslated", f"⚠ untranslated {which}", "bad", why + "\nDouble-click the line to write it.")
        )
    long_lines = [f.message for f in s.flags if f.kind == "too-long"]
    if long_lines:
        out.append(Badge("too-long", "⏱ too long", "warn", "\n".join(long_lines)))
    if compliance is not None:
        found = [
            f
            for f in compliance.get("findings", [])
            if isinstance(f, dict) and f.get("where") == shot_id and f.get("field") in ("voiceover", "caption")
        ]
        blocks = [f for f in found if f.get("severity") == "block" and not f.get("override")]
        warns = [f for f in found if f.get("severity") == "warn"]
        if blocks:
            out.append(Badge("compliance", "⛔ compliance", "bad", "\n".join(str(f.get("message")) for f in blocks)))
        elif warns:
            out.append(Badge("compliance", "△ to check", "warn", "\n".join(str(f.get("message")) for f in warns)))
    end_card = [f.message for f in s.flags if f.kind == "untranslated" and flag_line(f.message) is None]
    if end_card:
        out.append(Badge("end-card", "⚠ end card", "bad", "\n".join(end_card)))
    return out


def badge_html(items: list[Badge]) -> str:
    return " ".join(
        f'<span style="background:{TONE[b.tone]};color:white;">&nbsp;{escape(b.text)}&nbsp;</span>' for b in items
    )


@dataclass(frozen=True)
class HookLine:
    """What a variant says first: its first shot's voice-over (its caption when it has none), in its language."""

    text: str
    field: str  # voiceover or caption ("" when the first shot says nothing)
    language: str
    problems: tuple[str, ...] = ()
    """Why the line is not in the variant's language yet (empty: it is)."""


def hook_line(project: Project, variant_id: str) -> HookLine:
    """The variant's hook line: the first shot of the storyboard's order that the variant has (else its first)."""
    v = project.variant(variant_id)
    order = [s.id for s in project.storyboard.shots] if project.storyboard is not None else []
    own = {s.shot_id: s for s in v.shots}
    first = next((own[i] for i in order if i in own), v.shots[0] if v.shots else None)
    if first is None:
        return HookLine("", "", v.language)
    field = "voiceover" if first.voiceover.strip() else "caption" if first.caption.strip() else ""
    text = first.voiceover.strip() if field == "voiceover" else first.caption.strip()
    problems = tuple(untranslated_lines(first, v.language).get(field, [])) if field else ()
    return HookLine(text, field, v.language, problems)


def frame_size(aspect: str, height: int) -> QSize:
    try:
        w, h = (float(x) for x in aspect.split(":"))
    except ValueError:
        w, h = 9.0, 16.0
    return QSize(max(40, round(height * w / h)), height)


LINE_ROWS = 2
"""A card's hook line is elided to this many lines (the whole line in its tooltip)."""
UNTRANSLATED_TINT = "QLabel { background: rgba(192, 57, 43, 70); border-radius: 3px; }"


class VariantCard(QFrame):
    """One variant: its current frame, its name, its hook line and its badges. Click selects it."""

    clicked = Signal(str)
    play_requested = Signal(str)

    def __init__(self, variant_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.variant_id = variant_id
        self.setObjectName("variantCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.line = ElidedLabel(LINE_ROWS)
        """The hook line, in its language and direction, elided to two lines; tinted and marked ⚠ when untranslated."""
        self.line.setObjectName("hookLine")
        self.hook: HookLine | None = None
        self.badges = QLabel()
        self.badges.setWordWrap(True)
        self.badges.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.items: list[Badge] = []
        self.play_button = QToolButton()
        self.play_button.setText("▶")
        self.play_button.setObjectName("playOnCard")
        self.play_button.setAccessibleName(f"Play {variant_id} on its card")
        self.play_button.setToolTip("Play this variant's video here, muted (again: stop)")
        self.play_button.clicked.connect(lambda: self.play_requested.emit(self.variant_id))
        self.play_button.setEnabled(False)
        self.video: Any = None
        """The video widget while this card plays its preview (the picture is hidden meanwhile)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.picture, 1)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.play_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(title_row)
        layout.addWidget(self.line)
        layout.addWidget(self.badges)
        self.set_selected(False)

    def show_badges(self, items: list[Badge]) -> None:
        self.items = items
        self.badges.setText(badge_html(items))
        self.badges.setToolTip("\n\n".join(f"{b.text}\n{b.why}" for b in items if b.why))
        self.setAccessibleDescription("; ".join(b.text for b in items))

    def badge_kinds(self) -> set[str]:
        return {b.kind for b in self.items}

    def show_line(self, hook: HookLine) -> None:
        """The hook line as the variant says it; an untranslated one tinted, marked ⚠ and its tooltip says why."""
        self.hook = hook
        if not hook.field:
            self.line.set_content("", "— no line in the first shot —")
            self.line.setStyleSheet("QLabel { color: #9aa0a6; }")
            return
        self.line.set_content("⚠" if hook.problems else "", hook.text, hook.language)
        kind = "Voice-over" if hook.field == "voiceover" else "Caption"
        why = "\n".join(hook.problems)
        self.line.setToolTip(
            f"{kind} of the first shot ({hook.language}):\n{hook.text}" + (f"\n\n{why}" if why else "")
        )
        self.line.setStyleSheet(UNTRANSLATED_TINT if hook.problems else "")

    def line_untranslated(self) -> bool:
        return bool(self.hook is not None and self.hook.problems)

    def set_selected(self, on: bool) -> None:
        self.setProperty("selected", on)
        self.setStyleSheet("#variantCard { border: 2px solid %s; border-radius: 6px; }" % ("#3d7eff" if on else "#555"))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.variant_id)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.variant_id)
            return
        super().keyPressEvent(event)


class VariantWall(QWidget):
    """The grid of variant cards, the aspect picker, the line editor of the selected card and Compare."""

    variant_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("variantWall")
        self.doc: ProjectDocument | None = None
        self.ops: Any = None
        self.thumbs: Any = None
        self.selected: str | None = None
        self.cards: dict[str, VariantCard] = {}
        self._grid_key: Any = None
        """What the cards were built for (markets, segments, variants and their cells, aspect): kept while equal."""
        self._line_keys: dict[str, Any] = {}
        """Per card, what its hook line shows (set again only when that changed)."""
        self._playing_video: Path | None = None
        self.scores: dict[tuple[str, str], Any] = {}
        self._scoring: set[tuple[str, str]] = set()
        self._stamps: dict[tuple[str, str], str] = {}
        self.compare_view: CompareView | None = None
        self.playing: str | None = None
        """The variant whose card plays its video now (one at a time, muted)."""
        self._player: Any = None
        self._audio: Any = None
        self.aspect = QComboBox()
        self.aspect.setObjectName("wallAspect")
        self.aspect.setAccessibleName("Aspect ratio shown on the wall")
        self.aspect.currentIndexChanged.connect(lambda _i: self.refresh())
        self.compare_with = QComboBox()
        self.compare_with.setAccessibleName("Variant to compare with")
        self.compare_button = QPushButton("Co&mpare")
        self.compare_button.setObjectName("compareVariants")
        self.compare_button.setToolTip("The selected variant beside another, playing in step")
        self.compare_button.clicked.connect(self.compare)
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Aspect:"))
        bar.addWidget(self.aspect)
        bar.addWidget(self.summary, 1)
        bar.addWidget(QLabel("Compare with:"))
        bar.addWidget(self.compare_with)
        bar.addWidget(self.compare_button)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(8)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.grid_host)
        self.lines = LineEditor()
        split = QSplitter()
        split.addWidget(self.scroll_area)
        split.addWidget(self.lines)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([640, 360])  # the wall first: the cards are what a creator judges
        self.lines.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(120)
        self._relayout.timeout.connect(self.refresh_pictures)

    # --- view --------------------------------------------------------------------------------------------------

    def set_context(self, doc: ProjectDocument | None, ops: Any, thumbs: Any) -> None:
        if doc is not self.doc:
            self.scores.clear()
            self._scoring.clear()
            self._stamps.clear()
        self.doc, self.ops, self.thumbs = doc, ops, thumbs

    def current_aspect(self) -> str:
        return self.aspect.currentText() or "9:16"

    def refresh(self) -> None:
        """The cards from the project (markets × segments at the chosen aspect): rebuilt when the grid changed, else
        updated in place (badges, ▶, name; the hook line only when it changed)."""
        doc = self.doc
        aspects = list(doc.project.brief.aspect_ratios) if doc is not None else []
        if [self.aspect.itemText(i) for i in range(self.aspect.count())] != aspects:
            current = self.aspect.currentText()
            self.aspect.blockSignals(True)
            self.aspect.clear()
            self.aspect.addItems(aspects)
            if current in aspects:
                self.aspect.setCurrentText(current)
            self.aspect.blockSignals(False)
        if doc is None:
            self.stop_playing()
            self._clear_grid()
            self.summary.setText("")
            self.lines.show_variant(None, None)
            return
        project = doc.project
        brief = project.brief
        markets = brief.market_rows()  # a market planned in two languages has a row per language
        segments = brief.segments
        seg_ids = [s.id for s in segments]
        rows = {v.id: brief.market_row(v.market, v.language) for v in project.variants}
        placed = [v for v in project.variants if rows[v.id] is not None and v.segment in seg_ids]
        aspect = self.current_aspect()
        key = (
            id(doc),
            aspect,
            tuple(markets),
            tuple((s.id, s.name) for s in segments),
            tuple((v.id, v.name, rows[v.id], seg_ids.index(v.segment)) for v in placed),
        )
        if key != self._grid_key or set(self.cards) != {v.id for v in placed}:
            self._build(placed, markets, segments, {v.id: rows[v.id] or 0 for v in placed})
            self._grid_key = key
        elif self.playing is not None and (
            variant_video(project, doc.root, self.playing, aspect) != self._playing_video
        ):
            self.stop_playing()  # a new render of the playing variant: its card shows the new frame
        compliance_of = _compliance_of(project)
        for v in placed:
            card = self.cards[v.id]
            title = f"<b>{escape(v.name)}</b><br>{escape(v.language)} · {len(v.shots)} shots"
            if card.title.text() != title:
                card.title.setText(title)
            items = badges(project, doc.root, v.id, aspect, self.scores.get((v.id, aspect)), compliance_of(v.id))
            if items != card.items:
                card.show_badges(items)
            card.play_button.setEnabled(variant_video(project, doc.root, v.id, aspect) is not None)
            hook = hook_line(project, v.id)
            if self._line_keys.get(v.id) != hook:
                self._line_keys[v.id] = hook
                card.show_line(hook)
            self._maybe_score(v.id, aspect)
        todo = sum(1 for c in self.cards.values() if "untranslated" in c.badge_kinds())
        finals = sum(1 for c in self.cards.values() if "final" in c.badge_kinds())
        self.summary.setText(f"{len(self.cards)} variants · {finals} final · {todo} with untranslated lines")
        if self.selected not in self.cards:
            self.selected = next(iter(self.cards), None)
        self._compare_other()
        self._mark_selected()
        self.refresh_pictures()
        self.lines.show_variant(doc, self.selected)

    def _clear_grid(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # off screen now, not at the next event-loop turn
                widget.deleteLater()
        self.cards.clear()
        self._line_keys.clear()
        self._grid_key = None
        self.compare_with.clear()

    def _build(self, placed: list[Any], markets: list[str], segments: list[Any], rows: dict[str, int]) -> None:
        """New cards on the grid: a head per segment and market, a card per variant in its cell."""
        self.stop_playing()
        self._clear_grid()
        seg_ids = [s.id for s in segments]
        for c, seg in enumerate(segments):
            head = QLabel(f"<b>{escape(seg.name)}</b>")
            head.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.grid.addWidget(head, 0, c + 1)
        for r, market in enumerate(markets):
            self.grid.addWidget(QLabel(f"<b>{escape(market)}</b>"), r + 1, 0)
        self.grid.setColumnStretch(0, 0)
        for c in range(1, len(segments) + 1):
            self.grid.setColumnStretch(c, 1)
        for v in placed:
            card = VariantCard(v.id)
            card.setAccessibleName(f"Variant {v.name}")
            card.clicked.connect(self.select)
            card.play_requested.connect(self.play)
            self.cards[v.id] = card
            self.grid.addWidget(card, rows[v.id] + 1, seg_ids.index(v.segment) + 1)
            card.show()  # now, not at a later turn of the event loop (nor never, when rebuilt while hidden)
            self.compare_with.addItem(v.name, v.id)

    def thumb_height(self) -> int:
        rows = max(1, len(self.doc.project.brief.markets)) if self.doc is not None else 1
        line = self.fontMetrics().lineSpacing() * LINE_ROWS + 2 + 6  # the hook line and its spacing
        room = self.scroll_area.viewport().height() // rows - 110 - line
        return max(120, min(420, room))

    def refresh_pictures(self) -> None:
        """Each card's current frame: what the render cut for the hook shot, else the picked take of the first shot."""
        doc = self.doc
        if doc is None:
            return
        aspect = self.current_aspect()
        size = frame_size(aspect, self.thumb_height())
        dpr = self.devicePixelRatioF()
        for vid, card in self.cards.items():
            cut = doc.project.cut(vid, aspect)
            image = cut.shots[0].image if cut is not None and cut.shots else None
            if image:
                pixmap = take_pixmap(self.thumbs, doc.root / "assets" / image, size, dpr, vid)
            else:
                try:
                    shots = doc.project.variant(vid).shots
                except KeyError:
                    continue
                if not shots:
                    continue
                pixmap = shot_thumbnail(doc.root, doc.project, shots[0].shot_id, vid, size, dpr, self.thumbs)
            card.picture.setPixmap(pixmap)
            card.picture.setMinimumSize(size)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout.start()

    def _mark_selected(self) -> None:
        for vid, card in self.cards.items():
            card.set_selected(vid == self.selected)

    def select(self, variant_id: str, *, announce: bool = True) -> None:
        """Select a variant on the wall (and, when the creator clicked, everywhere)."""
        if variant_id not in self.cards:
            return
        changed = variant_id != self.selected
        self.selected = variant_id
        self._mark_selected()
        if changed or self.lines.variant_id != variant_id:
            self.lines.show_variant(self.doc, variant_id)
        self._compare_other()
        if announce:
            self.variant_selected.emit(variant_id)

    def _compare_other(self) -> None:
        """'Compare with' never offers the selected variant itself."""
        others = [i for i in range(self.compare_with.count()) if self.compare_with.itemData(i) != self.selected]
        if others and self.compare_with.currentData() == self.selected:
            self.compare_with.setCurrentIndex(others[0])

    # --- playing previews on the cards ------------------------------------------------------------------------

    def play(self, variant_id: str) -> bool:
        """Play the variant's video on its card, muted, in a loop (its ▶ again stops it); one card at a time."""
        if self.playing == variant_id:
            self.stop_playing()
            return False
        self.stop_playing()
        card, doc = self.cards.get(variant_id), self.doc
        if card is None or doc is None:
            return False
        video = variant_video(doc.project, doc.root, variant_id, self.current_aspect())
        if video is None:
            self.summary.setText(f"{variant_id} has no video at {self.current_aspect()} yet: render it first.")
            return False
        if self._player is None:
            try:
                media_player, audio_output, _widget = load_media()
            except ImportError as e:
                self.summary.setText(f"{media_unavailable_hint(e)} The file is {video}")
                return False
            self._player = media_player(self)
            self._audio = audio_output(self)
            self._audio.setMuted(True)  # a wall of sound would help nobody; Compare plays one soundtrack
            self._player.setAudioOutput(self._audio)
            loops = getattr(type(self._player), "Loops", None)
            if loops is not None:
                self._player.setLoops(loops.Infinite)
        _player, _audio, video_widget = load_media()
        card.video = video_widget()
        card.video.setMinimumSize(card.picture.size())
        card.video.setAccessibleName(f"Video of {variant_id}")
        layout = card.layout()
        assert layout is not None
        layout.replaceWidget(card.picture, card.video)
        card.picture.hide()
        card.video.show()
        card.play_button.setText("■")
        self._player.setVideoOutput(card.video)
        self._player.setSource(QUrl.fromLocalFile(str(video)))
        self._player.play()
        self.playing, self._playing_video = variant_id, video
        return True

    def stop_playing(self) -> None:
        """The playing card shows its frame again."""
        vid, self.playing, self._playing_video = self.playing, None, None
        if self._player is not None:
            self._player.stop()
        card = self.cards.get(vid) if vid is not None else None
        if card is None or card.video is None:
            return
        layout = card.layout()
        if layout is not None:
            layout.replaceWidget(card.video, card.picture)
        card.video.hide()
        card.video.deleteLater()
        card.video = None
        card.picture.show()
        card.play_button.setText("▶")

    # --- scoring and compare ---------------------------------------------------------------------------------

    def _maybe_score(self, variant_id: str, aspect: str) -> None:
        """Score the variant's video in the background once per rendered file (a new render is scored again)."""
        key = (variant_id, aspect)
        if self.ops is None or self.doc is None or key in self._scoring or not hasattr(self.ops, "wall"):
            return
        video = variant_video(self.doc.project, self.doc.root, variant_id, aspect)
        if video is None:
            self.scores.pop(key, None)
            return
        try:
            stamp = f"{video}:{video.stat().st_mtime_ns}"
        except OSError:
            return
        if key in self.scores and self._stamps.get(key) == stamp:
            return
        self.scores.pop(key, None)
        self._stamps[key] = stamp
        self._scoring.add(key)
        if self.ops.wall.score(variant_id, video, lambda vid, card: self._scored((vid, aspect), card)) is None:
            self._scoring.discard(key)  # no project open any more

    def _scored(self, key: tuple[str, str], card: Any) -> None:
        self._scoring.discard(key)
        if card is None:
            return
        self.scores[key] = card
        if key[0] in self.cards and self.doc is not None and key[1] == self.current_aspect():
            project = self.doc.project
            self.cards[key[0]].show_badges(
                badges(project, self.doc.root, key[0], key[1], card, _compliance_of(project)(key[0]))
            )

    def compare(self) -> CompareView | None:
        doc, left, right = self.doc, self.selected, self.compare_with.currentData()
        if doc is None or left is None or right is None or left == right:
            self.summary.setText("Pick a card, then the variant to compare it with.")
            return None
        aspect = self.current_aspect()
        sources = [(vid, variant_video(doc.project, doc.root, vid, aspect)) for vid in (left, right)]
        self.compare_view = CompareView(sources[0], sources[1], doc.project.settings.fps, self)
        self.compare_view.show()
        self.compare_view.start()
        return self.compare_view


def _compliance_of(project: Project) -> Any:
    from studio.ui.operations.wall import compliance

    return lambda vid: compliance(project, vid)
