"""A QMediaPlayer stand-in for tests of the player and the compare view (this machine may lack libpulse, and a test
must not depend on the desktop's audio): the state, position and rate, and the signals the widgets follow."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class FakePlayer(QObject):
    """A QMediaPlayer stand-in (this machine may lack libpulse): state, position, the signals the view follows."""

    durationChanged = Signal(int)
    positionChanged = Signal(int)
    playbackStateChanged = Signal(int)

    class PlaybackState:
        StoppedState, PlayingState, PausedState = 0, 1, 2

    def __init__(self) -> None:
        super().__init__()
        self.state, self.pos, self.rate = 0, 0, 1.0

    def playbackState(self) -> int:
        return self.state

    def play(self) -> None:
        self.state = 1
        self.playbackStateChanged.emit(1)

    def pause(self) -> None:
        self.state = 2
        self.playbackStateChanged.emit(2)

    def stop(self) -> None:
        self.state, self.pos = 0, 0

    def position(self) -> int:
        return self.pos

    def setPosition(self, ms: int) -> None:
        self.pos = ms
        self.positionChanged.emit(ms)

    def duration(self) -> int:
        return 12_000

    def setPlaybackRate(self, rate: float) -> None:
        self.rate = rate

    source = ""

    def setSource(self, url: object) -> None:
        self.source = url.toLocalFile()  # type: ignore[attr-defined]

    def setAudioOutput(self, _output: object) -> None:
        pass

    def setVideoOutput(self, _output: object) -> None:
        pass


class FakeAudioOutput(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.muted = False

    def setMuted(self, muted: bool) -> None:
        self.muted = muted


def fake_media() -> tuple[object, object, object]:
    """What studio.ui.player.load_media returns, with stand-ins: (player class, audio output class, video widget)."""
    from PySide6.QtWidgets import QWidget

    return (lambda parent=None: FakePlayer()), FakeAudioOutput, QWidget
