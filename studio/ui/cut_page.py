"""Voice & cut: each variant's lines (edit, hear one), the voice per language, and the video player
(studio.ui.player: timecode, frame step, J/K/L, loop and jump to shot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QDesktopServices  # noqa: F401  (tests patch cut_page.QDesktopServices)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.stages.edits import set_variant_field
from studio.stages.quality import deliverable_path, line_problems, quality
from studio.ui.page import Page, heading
from studio.ui.player import (  # noqa: F401  (MEDIA_LIBRARIES, media_unavailable_hint: kept importable here)
    MEDIA_LIBRARIES,
    PreviewPlayer,
    media_unavailable_hint,
    shot_marks,
)
from studio.ui.text_direction import BidiDelegate, apply_to_item

LINE_COLUMNS = ("Shot", "Voice-over", "Caption", "Seconds", "Voiced")
VIDEO_OF = Qt.ItemDataRole.UserRole + 1
"""Item role of the videos list: (variant id, aspect) of the file, to find its cut record."""


class CutPage(Page):
    step = "cut"
    parts = frozenset({"variants", "voice_lines", "deliverables", "settings", "storyboard"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self.variant = QComboBox()
        self.variant.setObjectName("cutVariant")
        self.variant.setAccessibleName("Variant")
        self.variant.currentIndexChanged.connect(lambda _i: self._fill_lines())
        self.voice = QLineEdit()
        self.voice.setObjectName("variantVoice")
        self.voice.setAccessibleName("Voice for this variant's language")
        self.voice.setPlaceholderText("espeak (default), espeak:NAME, piper:NAME, kokoro")
        self.voice.editingFinished.connect(self._set_voice)
        self.lines = QTableWidget(0, len(LINE_COLUMNS))
        self.lines.setObjectName("voiceLines")
        self.lines.setAccessibleName("Voice-over lines")
        self.lines.setHorizontalHeaderLabels(LINE_COLUMNS)
        self.lines.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.lines.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.lines.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        # a line is read whole, as an editor reads a script: wrapped at words, each row as tall as its longest line
        # (rows are measured once per fill and when a column's width settles: Qt's ResizeToContents mode measured
        # every row again at each cell set, ~10 ms of the UI thread at each of a render's merges)
        self.lines.setWordWrap(True)
        self._lines_shown: tuple[Any, ...] = ()
        self._rows_measured: tuple[Any, ...] = ()
        """What the table shows (variant, language, each row's cells and marks): a fill that would show the same
        sets nothing."""
        self._fit_rows = QTimer(self)
        """Rows measured again once a column's width settles (Qt does not re-measure them when it changes)."""
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(self.lines.resizeRowsToContents)
        self.lines.horizontalHeader().sectionResized.connect(lambda *_: self._fit_rows.start())
        self.bidi = BidiDelegate(self.lines)
        """The lines laid out, aligned and edited in their own direction (an Urdu line right to left, at the right)."""
        for column in (1, 2):
            self.lines.setItemDelegateForColumn(column, self.bidi)
        self.lines.itemChanged.connect(self._line_edited)
        self.preview_button = QPushButton("&Hear line")
        self.preview_button.setObjectName("previewLine")
        self.preview_button.setToolTip("Speak the selected line with this variant's voice (runs in the background)")
        self.preview_button.clicked.connect(self.preview_line)
        # Preview and final are two actions, never a checkbox that silently decides what Render makes.
        self.render_preview = QPushButton("Render &preview")
        self.render_preview.setObjectName("renderPreview")
        self.render_preview.setToolTip(
            "This variant at a third of the size, to check timing (Ctrl+Shift+R previews every variant). "
            "Listed as 'preview' in Deliver; not a deliverable."
        )
        self.render_preview.clicked.connect(lambda: self.render_variant(final=False))
        self.render_one = QPushButton("Render &final")
        self.render_one.setObjectName("renderVariant")
        self.render_one.setToolTip("This variant at full size: its deliverable videos")
        self.render_one.clicked.connect(lambda: self.render_variant(final=True))
        self.render_all = QPushButton("Render final, &all variants")
        self.render_all.setToolTip("Every variant at full size (Ctrl+R)")
        self.render_all.clicked.connect(lambda: self.ops and self.ops.render.render())
        self.videos = QComboBox()
        self.videos.setAccessibleName("Rendered video")
        self.videos.currentIndexChanged.connect(lambda _i: self._open_video())
        self.player = PreviewPlayer()

        top = QHBoxLayout()
        variant_label = QLabel("&Variant:")
        variant_label.setBuddy(self.variant)
        voice_label = QLabel("V&oice:")
        voice_label.setBuddy(self.voice)
        for w in (variant_label, self.variant, voice_label):
            top.addWidget(w)
        top.addWidget(self.voice, 1)
        top.addWidget(self.preview_button)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(top)
        ll.addWidget(self.lines, 1)
        render_bar = QHBoxLayout()
        render_bar.addStretch(1)
        render_bar.addWidget(self.render_preview)
        render_bar.addWidget(self.render_one)
        render_bar.addWidget(self.render_all)
        ll.addLayout(render_bar)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.videos)
        rl.addWidget(self.player, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)  # the player gets half the page, and fits it
        split.setSizes([1, 1])
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Voice & Cut"))
        layout.addWidget(split, 1)

    def variant_id(self) -> str | None:
        return self.variant.currentData()

    def select_variant(self, variant_id: str) -> None:
        index = self.variant.findData(variant_id)
        if index >= 0:
            self.variant.setCurrentIndex(index)

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        self._filling = True
        try:
            # Each list is rebuilt only when what it lists changed: a render's merges refresh this page while it is
            # on screen, and clearing a combo box re-selects, re-signals and re-lays out for nothing.
            doc = self.doc
            variants = [(v.name, v.id) for v in doc.project.variants] if doc is not None else []
            if variants != [(self.variant.itemText(i), self.variant.itemData(i)) for i in range(self.variant.count())]:
                current = self.variant_id()
                self.variant.clear()
                for name, vid in variants:
                    self.variant.addItem(name, vid)
                self.variant.setCurrentIndex(max(self.variant.findData(current), 0))
            videos = [
                (f"{d.variant_id} {d.aspect} · {quality(d, doc.root)}", str(deliverable_path(d, doc.root)), d)
                for d in (doc.project.deliverables if doc is not None else [])
                if d.kind == "video" and doc is not None
            ]
            shown = [(self.videos.itemText(i), self.videos.itemData(i)) for i in range(self.videos.count())]
            if [(label, path) for label, path, _ in videos] != shown:
                current_video = self.videos.currentData()
                self.videos.clear()
                for label, path, d in videos:
                    self.videos.addItem(label, path)
                    self.videos.setItemData(self.videos.count() - 1, (d.variant_id, d.aspect), VIDEO_OF)
                index = self.videos.findData(current_video)
                self.videos.setCurrentIndex(max(index, 0) if self.videos.count() else -1)
        finally:
            self._filling = False
        self._fill_lines()
        self._open_video()

    def _fill_lines(self) -> None:
        if self._filling:
            return
        self._filling = True
        try:
            vid = self.variant_id()
            if self.doc is None or vid is None:
                self.lines.setRowCount(0)
                return
            project = self.doc.project
            variant = project.variant(vid)
            voiced = {vl.shot_id: vl for vl in project.voice_lines if vl.variant_id == vid}
            rows = []
            for s in variant.shots:
                line = voiced.get(s.shot_id)
                state = "—"
                if line is not None:
                    state = f"{line.duration_s:.1f} s" if line.request.text.strip() == s.voiceover.strip() else "stale"
                values = (s.shot_id, s.voiceover, s.caption, f"{s.duration_s:.1f}", state)
                marks = tuple(line_problems(s, field, variant.language) for field in ("voiceover", "caption"))
                rows.append((values, marks))
            self.voice.setText(project.settings.voices.get(variant.language, ""))
            shown = (vid, variant.language, tuple(rows))
            if shown == self._lines_shown and self.lines.rowCount() == len(rows):
                return
            self._lines_shown = shown
            self.bidi.language = variant.language
            self.lines.setRowCount(len(rows))
            for r, ((values, marks), s) in enumerate(zip(rows, variant.shots, strict=True)):
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    if c not in (1, 2):
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    else:  # an untranslated line is marked where it is (the text itself stays the line, to edit)
                        apply_to_item(item, variant.language)
                        problems = marks[c - 1]
                        if problems:
                            item.setBackground(QColor(201, 138, 0, 70))
                            item.setToolTip("\n".join(problems))
                    item.setData(Qt.ItemDataRole.UserRole, s.shot_id)
                    self.lines.setItem(r, c, item)
            measured = (vid, len(rows), tuple(values[1:3] for values, _ in rows))
            if measured != self._rows_measured:  # a merge changes lengths and voicing, not the lines' height
                self._rows_measured = measured
                self.lines.resizeRowsToContents()
        finally:
            self._filling = False

    def _open_video(self) -> None:
        if self._filling:
            return
        if not self.videos.count():
            if self.doc is not None:  # the planned shots, to jump between once a video is made
                self.player.set_shots(shot_marks(self.doc.project, self.variant_id()), self.doc.project.settings.fps)
                self.player.hint.setText("Nothing rendered yet: Render preview makes a video to watch here.")
                self.player.hint.show()
            return
        path = Path(self.videos.currentData())
        which = self.videos.currentData(VIDEO_OF)
        if self.doc is not None and which is not None:
            self.player.set_shots(shot_marks(self.doc.project, *which), self.doc.project.settings.fps)
        if path.exists():
            self.player.cue(path)
            self._set_poster()

    def _set_poster(self) -> None:
        """The chosen video's first frame (the picture its cut record opens on) on the player until Play."""
        if self.thumbnails is not None and not getattr(self, "_poster_hooked", False):
            self._poster_hooked = True  # a picture the cache finishes loading is shown then
            self.thumbnails.ready.connect(self._set_poster)
        doc, which = self.doc, self.videos.currentData(VIDEO_OF)
        cut = doc.project.cut(*which) if doc is not None and which is not None else None
        image = cut.shots[0].image if cut is not None and cut.shots else None
        if doc is None or which is None or not image:
            self.player.set_poster(None)
            return
        from studio.ui.thumbnails import take_pixmap

        w, _, h = which[1].partition(":")
        size = QSize(round(960 * float(w) / float(h)), 960) if w.isdigit() and h.isdigit() else QSize(540, 960)
        area = self.player.poster_area()
        if area.width() > 16 and area.height() > 16:  # the size it is shown at: the cache scales it off this thread
            size = size.scaled(area, Qt.AspectRatioMode.KeepAspectRatio)
        dpr = self.player.devicePixelRatioF()
        self.player.set_poster(take_pixmap(self.thumbs(), doc.root / "assets" / image, size, dpr, which[0]))

    def _line_edited(self, item: QTableWidgetItem) -> None:
        vid, shot_id = self.variant_id(), item.data(Qt.ItemDataRole.UserRole)
        if self._filling or self.doc is None or vid is None or item.column() not in (1, 2):
            return
        field = "voiceover" if item.column() == 1 else "caption"
        text = item.text().strip()
        self._lines_shown = ()  # the cell shows what was typed: the next fill sets every cell from the project again
        self.doc.edit(
            f"Edit {vid} {field} of {shot_id}", ("variants",), lambda p: set_variant_field(p, vid, shot_id, field, text)
        )

    def _set_voice(self) -> None:
        vid = self.variant_id()
        if self._filling or self.doc is None or vid is None:
            return
        language = self.doc.project.variant(vid).language
        voice = self.voice.text().strip()

        def change(p: Any) -> None:
            voices = dict(p.settings.voices)
            if voice:
                voices[language] = voice
            else:
                voices.pop(language, None)
            p.settings.voices = voices

        self.doc.edit(f"Voice for {language}", ("settings",), change)

    def preview_line(self) -> None:
        vid = self.variant_id()
        row = self.lines.currentRow()
        if self.doc is None or vid is None or row < 0 or self.ops is None:
            return
        # The same reading, voice and speed as the render: one builder makes both requests (studio.stages.voice).
        shot = self.doc.project.variant(vid).shots[row]
        self.ops.render.preview_voice(vid, shot.shot_id, self.player)

    def render_variant(self, *, final: bool) -> None:
        from studio.ui.operations.render import PREVIEW_SCALE

        vid = self.variant_id()
        if vid is not None and self.ops is not None:
            self.ops.render.render(scale=1.0 if final else PREVIEW_SCALE, variant_ids=(vid,))
