"""What every voice backend returns, and how it is written to disk."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.model.errors import BackendError
from studio.model.project import WordTiming

#: File formats save_speech writes, by suffix.
FORMATS = {".wav": ("WAV", "PCM_16"), ".flac": ("FLAC", "PCM_16")}


@dataclass(frozen=True, eq=False)
class Speech:
    """One spoken line: float32 mono samples in -1..1, word timings in seconds from the line's start."""

    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming] = field(default_factory=list)
    backend: str = ""

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0


def is_speakable(text: str) -> bool:
    """True when the text has anything a voice can say (a letter or a digit in any script)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def as_float32(samples: np.ndarray) -> np.ndarray:
    """int16 or float audio → float32 mono in -1..1."""
    audio = np.asarray(samples)
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    if np.issubdtype(audio.dtype, np.integer):
        audio = audio.astype(np.float32) / float(np.iinfo(audio.dtype).max + 1)
    return np.clip(audio.astype(np.float32, copy=False), -1.0, 1.0)


def save_speech(speech: Speech, path: str | Path) -> Path:
    """Write the speech as WAV or FLAC (by suffix), atomically: a temp file in the same folder, then os.replace."""
    import soundfile

    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise BackendError(
            f"Cannot write speech as {target.suffix or 'a file without suffix'}: {target.name}",
            hint="Save voice lines as .wav or .flac.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    from studio.model.safe_paths import writing

    with writing(target, needed_bytes=int(np.asarray(speech.samples).size) * 4 + 1024) as tmp:
        soundfile.write(tmp, speech.samples, speech.sample_rate, format=fmt[0], subtype=fmt[1])
    return target


def load_speech(path: str | Path, *, backend: str = "file") -> Speech:
    """Read a WAV/FLAC voice line back (no word timings: those live in the project's VoiceLine)."""
    import soundfile

    samples, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    return Speech(samples=as_float32(samples), sample_rate=int(rate), words=[], backend=backend)
