"""Voice & cut: each variant's lines (edit, hear one), the voice per language, and the video player.

Qt Multimedia is loaded on first use, not at start-up (it is slow to load and the window must open fast).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.stages.edits import set_variant_field
from studio.ui.page import Page, heading
from studio.ui.variants_page import line_problems

LINE_COLUMNS = ("Shot", "Voice-over", "Caption", "Seconds", "Voiced")
#: Shared libraries Qt Multimedia needs that a desktop may lack, and the Debian/Ubuntu package that brings each.
MEDIA_LIBRARIES = {"libpulse.so.0": "libpulse0"}


def media_unavailable_hint(error: ImportError) -> str:
    """What the creator reads when playback can't start: the missing library and the package to install."""
    text = str(error)
    for lib, package in MEDIA_LIBRARIES.items():
        if lib in text:
            return (
                f"Playback in the studio needs {lib} (Debian/Ubuntu: sudo apt install {package}; "
                "see README, 'A fresh desktop')."
            )
    return f"Playback in the studio is unavailable here ({text}); see README, 'A fresh desktop'."


class PreviewPlayer(QWidget):
    """A video (or audio) player over QMediaPlayer; created lazily so start-up never loads the media stack."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPlayer")
        self._player: Any = None
        self._audio: Any = None
        self.unavailable = ""
        self.video_box = QVBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("playButton")
        self.play_button.setAccessibleName("Play or pause the preview")
        self.play_button.clicked.connect(self.toggle)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName("Playback position")
        self.position.sliderMoved.connect(lambda ms: self._player and self._player.setPosition(ms))
        self.time = QLabel("0.0 s")
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.position, 1)
        controls.addWidget(self.time)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.video_box, 1)
        layout.addLayout(controls)
        self.source: Path | None = None
        self.pending: Path | None = None
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.video_box.addWidget(self.hint)

    def cue(self, path: Path) -> None:
        """Remember a file to play; the media stack loads only when Play is pressed (it is slow to start)."""
        if path == self.source:
            return
        self.pending = path
        self.hint.setText(f"Press Play to watch {path.name}")
        self.hint.show()

    def player(self) -> Any:
        """The media player, or None where Qt Multimedia cannot load (the hint then says what to install)."""
        if self._player is None:
            try:
                from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
                from PySide6.QtMultimediaWidgets import QVideoWidget
            except ImportError as e:
                self.unavailable = media_unavailable_hint(e)
                return None

            self._player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
            self.video = QVideoWidget()
            self.video.setAccessibleName("Video preview")
            self.video.setMinimumSize(180, 320)
            self.video_box.addWidget(self.video)
            self._player.setVideoOutput(self.video)
            self._player.durationChanged.connect(lambda d: self.position.setRange(0, int(d)))
            self._player.positionChanged.connect(self._moved)
            self._player.playbackStateChanged.connect(self._state)
        return self._player

    def open(self, path: Path, *, play: bool = False) -> None:
        self.source, self.pending = path, None
        self.hint.hide()
        player = self.player()
        if player is None:
            self._play_elsewhere(path)
            return
        player.setSource(QUrl.fromLocalFile(str(path)))
        if play:
            player.play()

    def _play_elsewhere(self, path: Path) -> None:
        """No media stack here: say why, and hand the file to the system player."""
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        where = "Opened it in the system player." if opened else f"Open {path} in any video player."
        self.hint.setText(f"{self.unavailable} {where}")
        self.hint.show()

    def toggle(self) -> None:
        if self.pending is not None:
            self.open(self.pending, play=True)
            return
        if self.source is None:
            return
        player = self.player()
        if player is None:
            self._play_elsewhere(self.source)
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            player.pause()
        else:
            player.play()

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()

    def _moved(self, ms: int) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(int(ms))
        self.time.setText(f"{ms / 1000:.1f} s")

    def _state(self, state: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        self.play_button.setText("Pause" if state == QMediaPlayer.PlaybackState.PlayingState else "Play")


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
        split.setStretchFactor(0, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Voice & Cut"))
        layout.addWidget(split, 1)

    def variant_id(self) -> str | None:
        return self.variant.currentData()

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        self._filling = True
        try:
            current = self.variant_id()
            self.variant.clear()
            for v in self.doc.project.variants if self.doc else []:
                self.variant.addItem(v.name, v.id)
            index = self.variant.findData(current)
            self.variant.setCurrentIndex(max(index, 0))
            current_video = self.videos.currentData()
            self.videos.clear()
            doc = self.doc
            for d in doc.project.deliverables if doc is not None else []:
                if d.kind == "video" and doc is not None:
                    path = Path(d.path) if Path(d.path).is_absolute() else doc.root / d.path
                    from studio.stages.quality import quality

                    self.videos.addItem(f"{d.variant_id} {d.aspect} · {quality(d, doc.root)}", str(path))
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
            self.lines.setRowCount(len(variant.shots))
            for r, s in enumerate(variant.shots):
                line = voiced.get(s.shot_id)
                state = "—"
                if line is not None:
                    state = f"{line.duration_s:.1f} s" if line.request.text.strip() == s.voiceover.strip() else "stale"
                values = (s.shot_id, s.voiceover, s.caption, f"{s.duration_s:.1f}", state)
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    if c not in (1, 2):
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    else:  # an untranslated line is marked where it is (the text itself stays the line, to edit)
                        problems = line_problems(s, "voiceover" if c == 1 else "caption", variant.language)
                        if problems:
                            item.setBackground(QColor(201, 138, 0, 70))
                            item.setToolTip("\n".join(problems))
                    item.setData(Qt.ItemDataRole.UserRole, s.shot_id)
                    self.lines.setItem(r, c, item)
            self.voice.setText(project.settings.voices.get(variant.language, ""))
        finally:
            self._filling = False

    def _open_video(self) -> None:
        if self._filling or not self.videos.count():
            return
        path = Path(self.videos.currentData())
        if path.exists():
            self.player.cue(path)

    def _line_edited(self, item: QTableWidgetItem) -> None:
        vid, shot_id = self.variant_id(), item.data(Qt.ItemDataRole.UserRole)
        if self._filling or self.doc is None or vid is None or item.column() not in (1, 2):
            return
        field = "voiceover" if item.column() == 1 else "caption"
        text = item.text().strip()
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
