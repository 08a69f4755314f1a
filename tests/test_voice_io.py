"""Voice lines on disk: WAV/FLAC round trip, atomic writes, unsupported formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from pipelines.voice import load_speech, save_speech, synthesize
from studio.model.errors import BackendError
from studio.model.requests import VoiceRequest


@pytest.fixture(scope="module")
def speech():
    return synthesize(VoiceRequest(text="Sweat turns to starlight.", language="en"))


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_round_trip(speech, tmp_path: Path, suffix: str) -> None:
    path = save_speech(speech, tmp_path / "lines" / f"s1{suffix}")
    assert path.is_file()
    info = soundfile.info(str(path))
    assert info.samplerate == speech.sample_rate and info.channels == 1
    back = load_speech(path)
    assert back.sample_rate == speech.sample_rate
    assert len(back.samples) == len(speech.samples)
    assert float(np.max(np.abs(back.samples - speech.samples))) < 1e-3
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no temp file left behind"


def test_failed_write_keeps_the_old_file(speech, tmp_path: Path) -> None:
    path = save_speech(speech, tmp_path / "line.wav")
    before = path.read_bytes()
    broken = type(speech)(samples=np.array(["not audio"]), sample_rate=speech.sample_rate)
    with pytest.raises(Exception):  # noqa: B017 - whatever soundfile raises, the old file must survive
        save_speech(broken, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["line.wav"]


def test_unsupported_suffix(speech, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"\.mp3"):
        save_speech(speech, tmp_path / "line.mp3")
