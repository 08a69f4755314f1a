"""The timeline under the storyboard board: shot boundaries, the voice-over waveform (read from the rendered voice
files with soundfile) and the caption cues, on the cards' time scale. A rendered variant's timeline comes from its
cut record (voice-fitted lengths, cues as burned in); otherwise from the planned durations and captions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.ui.text_direction import text_option

if TYPE_CHECKING:
    from studio.model import Project

WAVE_POINTS = 400
STRIP_CUE_BACKGROUND = "#3a3f4b"


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
    language: str = ""
    """The cues' language (an Arabic or Urdu cue is drawn right to left, at its segment's right edge)."""

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
    language = project.variant(variant_id).language if variant_id else project.brief.master_language
    return Timeline(segments, cues, waves, language)


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

    def cue_rect(self, cue: Cue) -> QRectF:
        """Where a caption cue is drawn: its time span, in the strip's lower half."""
        cue_top = 18 + (self.height() - 18) // 2 + 4
        return QRectF(
            self.x(cue.start_s) + 1, cue_top, (cue.end_s - cue.start_s) * self.px_per_s - 2, self.height() - cue_top - 2
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1b1c1f"))
        h = self.height()
        wave_top, wave_h = 18, (h - 18) // 2
        p.setPen(QColor("#9aa0a6"))
        for seg in self.timeline.segments:
            left = self.x(seg.start_s)
            p.drawLine(int(left), 0, int(left), h)
            p.drawText(
                QRectF(left + 3, 0, seg.duration_s * self.px_per_s - 6, 16), f"{seg.shot_id} · {seg.duration_s:.1f} s"
            )
        if self.timeline.segments:  # where the cut ends (the strip's background runs on to the board's edge)
            end = int(self.x(self.timeline.duration_s))
            p.drawLine(end, 0, end, h)
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
            rect = self.cue_rect(cue)
            p.fillRect(rect, QColor(STRIP_CUE_BACKGROUND))
            p.setPen(QColor("#f0f0f0"))
            inner = rect.adjusted(3, 0, -3, 0)
            # one line, elided at its end (the left of a right-to-left cue): never over the waveform
            shown = p.fontMetrics().elidedText(cue.text, Qt.TextElideMode.ElideRight, int(inner.width()))
            p.drawText(inner, shown, text_option(cue.text, self.timeline.language or None))
        p.end()
