"""Two variants side by side with playback in step (the variant wall's Compare): Play, Pause and the position move
both videos together; without Qt Multimedia the view says what to install."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QVBoxLayout, QWidget

from studio.ui.page import escape
from studio.ui.player import SyncedPair, is_playing, load_media, media_unavailable_hint, timecode


class CompareView(QDialog):
    """Two variants side by side; Play, Pause and the position move both videos together."""

    def __init__(
        self, left: tuple[str, Path | None], right: tuple[str, Path | None], fps: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compareVariants")
        self.setWindowTitle(f"Compare {left[0]} and {right[0]}")
        self.setModal(False)
        self.resize(900, 760)
        self.fps = fps
        self.pair: SyncedPair | None = None
        self.sources = (left, right)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.play_button = QPushButton("Play both")
        self.play_button.setObjectName("comparePlay")
        self.play_button.clicked.connect(self.toggle)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName("Position of both videos")
        self.position.sliderMoved.connect(self.seek)
        self.time = QLabel(timecode(0, fps))
        self.videos = QHBoxLayout()
        self.captions = [
            QLabel(f"<b>{escape(vid)}</b>" + ("" if path else " — not rendered")) for vid, path in self.sources
        ]
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(self.videos, 1)
        names = QHBoxLayout()
        for c in self.captions:
            c.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            names.addWidget(c, 1)
        layout.addLayout(names)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.position, 1)
        controls.addWidget(self.time)
        layout.addLayout(controls)
        self.hint.hide()

    def start(self) -> bool:
        """Load the media stack and both videos; False (and the hint says why) where that cannot be."""
        try:
            media_player, audio_output, video_widget = load_media()
        except ImportError as e:
            self.hint.setText(f"{media_unavailable_hint(e)} Open the two files in any video player to compare them.")
            self.hint.show()
            self.play_button.setEnabled(False)
            return False
        players = []
        for (_vid, path), muted in zip(self.sources, (False, True), strict=True):
            player = media_player(self)
            out = audio_output(self)
            out.setMuted(muted)  # one soundtrack at a time
            player.setAudioOutput(out)
            video = video_widget()
            video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.videos.addWidget(video, 1)
            player.setVideoOutput(video)
            if path is not None:
                player.setSource(QUrl.fromLocalFile(str(path)))
            players.append(player)
        self.attach(players[0], players[1])
        return True

    def attach(self, left: Any, right: Any) -> None:
        """Drive these two players together (real QMediaPlayers, or stand-ins in a test)."""
        self.pair = SyncedPair(left, right)
        self.play_button.setEnabled(True)
        self.hint.hide()
        left.durationChanged.connect(lambda d: self.position.setRange(0, max(int(d), self.position.maximum())))
        left.positionChanged.connect(self._moved)
        left.playbackStateChanged.connect(
            lambda _s: self.play_button.setText("Pause both" if is_playing(left) else "Play both")
        )

    def toggle(self) -> None:
        if self.pair is not None:
            self.pair.toggle()

    def seek(self, ms: int) -> None:
        if self.pair is not None:
            self.pair.seek(ms)
            self._moved(ms)

    def _moved(self, ms: int) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(int(ms))
        self.time.setText(timecode(int(ms), self.fps))
