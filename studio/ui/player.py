"""The preview player: fits its panel, timecode at the delivery fps, frame step, J/K/L shuttle, loop the current shot,
jump to a shot; a line is heard through its own audio player, so the video stays on screen.

Qt Multimedia is loaded on first use, not at start-up (it is slow to load and the window must open fast). Where it
cannot load (no libpulse), the player says what to install and hands the file to the system player.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from studio.model import Project

#: Shared libraries Qt Multimedia needs that a desktop may lack, and the Debian/Ubuntu package that brings each.
MEDIA_LIBRARIES = {"libpulse.so.0": "libpulse0"}
SHUTTLE_RATES = (1.0, 2.0, 4.0)
SHUTTLE_TICK_MS = 40
"""J plays backwards by seeking back this often (QMediaPlayer has no reverse playback)."""


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


def timecode(ms: int, fps: int) -> str:
    """HH:MM:SS:FF at `fps` (non-drop), as editors read it."""
    fps = max(1, fps)
    frames = round(max(0, ms) * fps / 1000)
    seconds, ff = divmod(frames, fps)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"


@dataclass(frozen=True)
class ShotMark:
    shot_id: str
    start_s: float
    duration_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


def shot_marks(project: Project, variant_id: str | None, aspect: str = "9:16") -> list[ShotMark]:
    """Where each shot starts: the render's cut record when there is one (voice-fitted lengths), else the variant's
    (or the storyboard's) planned durations."""
    if variant_id is not None:
        cut = project.cut(variant_id, aspect)
        if cut is not None and cut.shots:
            return [ShotMark(s.shot_id, s.start_s, s.duration_s) for s in cut.shots]
    shots: list[Any] = []
    if variant_id is not None:
        try:
            shots = [(s.shot_id, s.duration_s) for s in project.variant(variant_id).shots]
        except KeyError:
            shots = []
    if not shots and project.storyboard is not None:
        shots = [(s.id, s.duration_s) for s in project.storyboard.shots]
    out, t = [], 0.0
    for shot_id, duration in shots:
        out.append(ShotMark(shot_id, t, duration))
        t += duration
    return out


def load_media() -> tuple[Any, Any, Any]:
    """(QMediaPlayer, QAudioOutput, QVideoWidget) classes; raises ImportError where Qt Multimedia cannot load."""
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
    from PySide6.QtMultimediaWidgets import QVideoWidget

    return QMediaPlayer, QAudioOutput, QVideoWidget


def is_playing(player: Any) -> bool:
    return bool(player.playbackState() == player.PlaybackState.PlayingState)


class PreviewPlayer(QWidget):
    """A video player over QMediaPlayer; created lazily so start-up never loads the media stack.

    Keys (with the player focused): Space play/pause, ←/→ one frame, J/K/L shuttle (J back, K stop, L forward;
    pressed again, J and L go faster).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPlayer")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._player: Any = None
        self._audio: Any = None
        self._voice: Any = None
        self._voice_out: Any = None
        self.video: Any = None
        self.unavailable = ""
        self.fps = 30
        self.marks: list[ShotMark] = []
        self.shuttle = 0.0
        """Shuttle speed: 0 stopped, >0 forward (L), <0 backwards (J)."""
        self._loop: ShotMark | None = None
        self._back = QTimer(self)
        self._back.setInterval(SHUTTLE_TICK_MS)
        self._back.timeout.connect(self._step_back)

        self.video_box = QVBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("playButton")
        self.play_button.setAccessibleName("Play or pause the preview")
        self.play_button.clicked.connect(self.toggle)
        self.back_button = QPushButton("◀|")
        self.back_button.setAccessibleName("One frame back (Left)")
        self.back_button.setToolTip("One frame back (←)")
        self.back_button.clicked.connect(lambda: self.step_frames(-1))
        self.forward_button = QPushButton("|▶")
        self.forward_button.setAccessibleName("One frame forward (Right)")
        self.forward_button.setToolTip("One frame forward (→)")
        self.forward_button.clicked.connect(lambda: self.step_frames(1))
        for b in (self.back_button, self.forward_button):
            b.setMaximumWidth(40)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName("Playback position")
        self.position.sliderMoved.connect(self.seek)
        self.time = QLabel(timecode(0, self.fps))
        self.time.setObjectName("timecode")
        self.time.setAccessibleName("Timecode")
        self.time.setToolTip("Hours:minutes:seconds:frames at the delivery frame rate")
        self.shots = QComboBox()
        self.shots.setObjectName("jumpToShot")
        self.shots.setAccessibleName("Jump to shot")
        self.shots.activated.connect(lambda i: self.jump_to(i))
        self.loop = QCheckBox("Loop shot")
        self.loop.setObjectName("loopShot")
        self.loop.setToolTip("Play the current shot again and again")
        self.loop.toggled.connect(self._loop_toggled)
        controls = QHBoxLayout()
        for w in (self.play_button, self.back_button, self.forward_button):
            controls.addWidget(w)
        controls.addWidget(self.position, 1)
        controls.addWidget(self.time)
        shots_bar = QHBoxLayout()
        shots_bar.addWidget(QLabel("Shot:"))
        shots_bar.addWidget(self.shots, 1)
        shots_bar.addWidget(self.loop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.video_box, 1)
        layout.addLayout(controls)
        layout.addLayout(shots_bar)
        self.source: Path | None = None
        self.pending: Path | None = None
        self.heard: Path | None = None
        """The voice line last heard (through its own player, never replacing the video)."""
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.poster = QLabel()
        self.poster.setObjectName("playerPoster")
        self.poster.setAccessibleName("First frame of the video")
        self.poster.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.poster.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.poster.hide()
        self._poster: QPixmap | None = None
        self._poster_shown: tuple[int, int, int, float] | None = None
        """The picture and size last scaled onto the poster: a refresh that changes neither scales nothing (a
        smooth scale of a full frame took ~6 ms on the UI thread at each merge of a render)."""
        self.video_box.addWidget(self.poster, 1)
        self.video_box.addWidget(self.hint)

    # --- what plays ------------------------------------------------------------------------------------------

    def cue(self, path: Path) -> None:
        """Remember a file to play; the media stack loads only when Play is pressed (it is slow to start)."""
        if path == self.source:
            return
        self.pending = path
        self.hint.setText(f"Press Play to watch {path.name}")
        self.hint.show()

    def set_shots(self, marks: list[ShotMark], fps: int) -> None:
        """The shots of the video on screen (for jump-to-shot and loop) and the delivery frame rate."""
        if list(marks) == self.marks and max(1, fps) == self.fps and self.shots.count() == len(self.marks):
            return  # the same shots (a merge refreshed the page): the list and its selection stay as they are
        self.marks, self.fps = list(marks), max(1, fps)
        self.shots.clear()
        for m in self.marks:
            self.shots.addItem(f"{m.shot_id} · {timecode(round(m.start_s * 1000), self.fps)}", m.shot_id)
        self.time.setText(timecode(self.position_ms(), self.fps))

    def player(self) -> Any:
        """The media player, or None where Qt Multimedia cannot load (the hint then says what to install)."""
        if self._player is None:
            try:
                media_player, audio_output, video_widget = load_media()
            except ImportError as e:
                self.unavailable = media_unavailable_hint(e)
                return None
            self._player = media_player(self)
            self._audio = audio_output(self)
            self._player.setAudioOutput(self._audio)
            self.video = video_widget()
            self.video.setAccessibleName("Video preview")
            self.video.setMinimumSize(90, 160)
            self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.video_box.addWidget(self.video, 1)
            self._player.setVideoOutput(self.video)
            self.attach(self._player)
        return self._player

    def attach(self, player: Any) -> None:
        """Follow a media player's duration, position and state (the real one, or a stand-in in a test)."""
        self._player = player
        player.durationChanged.connect(lambda d: self.position.setRange(0, int(d)))
        player.positionChanged.connect(self._moved)
        player.playbackStateChanged.connect(self._state)

    def set_poster(self, pixmap: QPixmap | None) -> None:
        """The video's first frame, shown as large as the panel allows until Play loads the media stack."""
        self._poster = pixmap
        self._show_poster()

    def poster_area(self) -> QSize:
        """The room the poster has (logical pixels): ask the thumbnail cache for a picture this size."""
        return self.poster.size() if not self.poster.isHidden() else self.size() - QSize(0, 80)

    def _show_poster(self) -> None:
        if self._poster is None or self._poster.isNull() or self.source is not None:
            self.poster.hide()
            return
        dpr = self.devicePixelRatioF()
        size = self.poster_area()
        key = (self._poster.cacheKey(), size.width(), size.height(), dpr)
        if key == self._poster_shown and not self.poster.isHidden():
            return
        self._poster_shown = key
        fitted = self._poster.size().scaled(size * dpr, Qt.AspectRatioMode.KeepAspectRatio)
        if abs(fitted.width() - self._poster.width()) <= 2 and abs(fitted.height() - self._poster.height()) <= 2:
            scaled = QPixmap(self._poster)  # already made at this size (by the thumbnail cache, off this thread)
        else:
            scaled = self._poster.scaled(
                size * dpr, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        scaled.setDevicePixelRatio(dpr)
        self.poster.setPixmap(scaled)
        self.poster.show()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if not self.poster.isHidden():  # also while the page is hidden: it shows at its new size
            QTimer.singleShot(0, self, self._show_poster)  # after the layout has sized the poster

    def open(self, path: Path, *, play: bool = False) -> None:
        self.source, self.pending = path, None
        self.hint.hide()
        self.poster.hide()
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

    def hear(self, path: Path) -> None:
        """Play a voice line through its own audio player: the video keeps its frame and position."""
        self.heard = path
        if self._voice is None:
            try:
                media_player, audio_output, _video = load_media()
            except ImportError as e:
                self.unavailable = media_unavailable_hint(e)
                self._play_elsewhere(path)
                return
            self._voice = media_player(self)
            self._voice_out = audio_output(self)
            self._voice.setAudioOutput(self._voice_out)
        self._voice.setSource(QUrl.fromLocalFile(str(path)))
        self._voice.play()

    # --- transport -------------------------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.pending is not None:
            self.open(self.pending, play=True)
            return
        if self.source is None and self._player is None:
            return
        player = self.player()
        if player is None:
            if self.source is not None:
                self._play_elsewhere(self.source)
            return
        self._stop_shuttle()
        if is_playing(player):
            player.pause()
        else:
            player.play()

    def stop(self) -> None:
        self._stop_shuttle()
        if self._player is not None:
            self._player.stop()

    def position_ms(self) -> int:
        return int(self._player.position()) if self._player is not None else 0

    def frame_ms(self) -> float:
        return 1000.0 / self.fps

    def seek(self, ms: int) -> None:
        if self._player is None:
            return
        duration = int(self._player.duration())
        ms = max(0, min(int(ms), duration if duration > 0 else int(ms)))
        self._player.setPosition(ms)
        self._moved(ms)

    def step_frames(self, frames: int) -> None:
        """Pause and move by whole frames (at the delivery fps)."""
        if self._player is None:
            return
        self._stop_shuttle()
        if is_playing(self._player):
            self._player.pause()
        frame = round(self.position_ms() / self.frame_ms()) + frames
        self.seek(round(frame * self.frame_ms()))

    def shuttle_forward(self) -> None:
        """L: play; pressed again, twice then four times as fast."""
        player = self.player() if self._player is None else self._player
        if player is None:
            return
        self._back.stop()
        faster = [r for r in SHUTTLE_RATES if r > self.shuttle]
        self.shuttle = faster[0] if faster else SHUTTLE_RATES[-1]
        player.setPlaybackRate(self.shuttle)
        player.play()

    def shuttle_back(self) -> None:
        """J: play backwards (seeking back each tick); pressed again, faster."""
        if self._player is None:
            return
        if is_playing(self._player):
            self._player.pause()
        faster = [r for r in SHUTTLE_RATES if -r < self.shuttle]
        self.shuttle = -(faster[0] if faster else SHUTTLE_RATES[-1])
        self._player.setPlaybackRate(1.0)
        self._back.start()

    def shuttle_stop(self) -> None:
        """K: stop where it is."""
        self._stop_shuttle()
        if self._player is not None and is_playing(self._player):
            self._player.pause()

    def _stop_shuttle(self) -> None:
        self._back.stop()
        if self.shuttle and self._player is not None:
            self._player.setPlaybackRate(1.0)
        self.shuttle = 0.0

    def _step_back(self) -> None:
        if self._player is None:
            self._back.stop()
            return
        to = self.position_ms() + round(self.shuttle * SHUTTLE_TICK_MS)
        self.seek(max(0, to))
        if to <= 0:
            self._stop_shuttle()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = {
            Qt.Key.Key_Left: lambda: self.step_frames(-1),
            Qt.Key.Key_Right: lambda: self.step_frames(1),
            Qt.Key.Key_J: self.shuttle_back,
            Qt.Key.Key_K: self.shuttle_stop,
            Qt.Key.Key_L: self.shuttle_forward,
            Qt.Key.Key_Space: self.toggle,
        }
        action = keys.get(Qt.Key(event.key()))
        if action is None:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    # --- shots -----------------------------------------------------------------------------------------------

    def current_shot(self) -> ShotMark | None:
        t = self.position_ms() / 1000
        return next((m for m in self.marks if m.start_s <= t < m.end_s), self.marks[-1] if self.marks else None)

    def jump_to(self, index: int) -> None:
        if 0 <= index < len(self.marks):
            if self._loop is not None:
                self._loop = self.marks[index]
            self.seek(round(self.marks[index].start_s * 1000))

    def _loop_toggled(self, on: bool) -> None:
        self._loop = self.current_shot() if on else None

    def _moved(self, ms: int) -> None:
        ms = int(ms)
        loop = self._loop
        if loop is not None and self.shuttle >= 0 and ms >= round(loop.end_s * 1000) - 1:
            ms = round(loop.start_s * 1000)
            if self._player is not None:
                self._player.setPosition(ms)
        if not self.position.isSliderDown():
            self.position.setValue(ms)
        self.time.setText(timecode(ms, self.fps))
        shot = self.current_shot()
        if shot is not None and self.shots.currentData() != shot.shot_id:
            self.shots.setCurrentIndex(self.shots.findData(shot.shot_id))

    def _state(self, _state: Any) -> None:
        playing = self._player is not None and is_playing(self._player)
        self.play_button.setText("Pause" if playing else "Play")


class SyncedPair:
    """Two media players driven as one: play, pause and seek reach both (the compare view of the variant wall)."""

    def __init__(self, left: Any, right: Any) -> None:
        self.players = (left, right)

    def play(self) -> None:
        position = min(int(p.position()) for p in self.players)
        for p in self.players:
            p.setPosition(position)
            p.play()

    def pause(self) -> None:
        for p in self.players:
            p.pause()

    def toggle(self) -> None:
        if any(is_playing(p) for p in self.players):
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        for p in self.players:
            p.setPosition(int(ms))

    def playing(self) -> bool:
        return all(is_playing(p) for p in self.players)
