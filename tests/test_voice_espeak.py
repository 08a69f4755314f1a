"""espeak-ng through the bundled library: real audio in every seed language, timings, rate, cancel, threads."""

from __future__ import annotations

import itertools
import threading
import unicodedata

import numpy as np
import pytest

from pipelines.voice import NothingToSay, Speech, is_speakable, synthesize
from pipelines.voice.languages import espeak_voice_for
from studio.model.errors import BackendError, Cancelled
from studio.model.requests import VoiceRequest
from studio.model.stage import CancelToken, Progress

LINES = {
    "en": "Sweat turns to starlight. Party all night, glow all day.",
    "th": "เหงื่อกลายเป็นแสงดาว ปาร์ตี้ทั้งคืน",
    "id": "Keringat jadi cahaya bintang. Pesta semalaman, tetap bersinar.",
    "zh": "汗水变成星光。整夜狂欢，容光焕发。",
    "ar": "مرحبا بكم في عالم الجمال",
}


def rms(speech: Speech) -> float:
    return float(np.sqrt(np.mean(np.square(speech.samples, dtype=np.float64))))


@pytest.mark.parametrize("language", sorted(LINES))
def test_speaks_every_seed_language(language: str) -> None:
    text = LINES[language]
    speech = synthesize(VoiceRequest(text=text, language=language))
    assert speech.samples.dtype == np.float32
    assert speech.samples.ndim == 1
    assert speech.sample_rate == 22050
    assert float(np.abs(speech.samples).max()) <= 1.0
    assert rms(speech) > 0.02, "the line is (nearly) silent"
    # A plausible length for a short ad line: not a click, not a minute.
    assert 0.8 < speech.duration_s < 8.0
    assert speech.backend.startswith("espeak:")
    assert speech.words, "espeak reports word events in every language"


def test_duration_grows_with_text() -> None:
    short = synthesize(VoiceRequest(text="Glow.", language="en"))
    long = synthesize(VoiceRequest(text=LINES["en"] + " " + LINES["en"], language="en"))
    assert short.duration_s < 1.0
    assert long.duration_s > 4 * short.duration_s


@pytest.mark.parametrize("language", ["en", "id"])
def test_word_timings_follow_the_text(language: str) -> None:
    text = LINES[language]
    speech = synthesize(VoiceRequest(text=text, language=language))
    words = speech.words
    assert [w.text for w in words] == text.split()
    starts = [w.start_s for w in words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for word, following in itertools.pairwise(words):
        assert word.start_s < word.end_s <= following.start_s
    assert words[0].start_s < 0.1
    assert words[-1].end_s <= speech.duration_s + 1e-6
    assert words[-1].end_s > 0.8 * speech.duration_s
    # Each word is sound, not the pause after a sentence: its span is louder than the gap before "Party".
    sr = speech.sample_rate
    first = speech.samples[int(words[0].start_s * sr) : int(words[0].end_s * sr)]
    assert float(np.sqrt(np.mean(first**2))) > 0.03


def test_thai_words_are_dictionary_words_in_order() -> None:
    text = LINES["th"]
    speech = synthesize(VoiceRequest(text=text, language="th"))
    words = speech.words
    assert "".join(w.text for w in words) == text.replace(" ", "")
    assert {"เหงื่อ", "แสง", "ปาร์ตี้", "คืน"} <= {w.text for w in words}
    assert all(unicodedata.category(w.text[0])[0] != "M" for w in words), "no word starts on a combining mark"
    for word, following in itertools.pairwise(words):
        assert word.start_s < word.end_s <= following.start_s
    assert words[-1].end_s <= speech.duration_s + 1e-6


def test_rate_speeds_up_and_pitch_changes_the_voice() -> None:
    normal = synthesize(VoiceRequest(text=LINES["en"], language="en"))
    fast = synthesize(VoiceRequest(text=LINES["en"], language="en", rate=1.5))
    assert fast.duration_s < 0.8 * normal.duration_s
    high = synthesize(VoiceRequest(text=LINES["en"], language="en", pitch=1.6))
    assert not np.array_equal(high.samples[:2000], normal.samples[:2000])


def test_language_tags_map_to_espeak_voices() -> None:
    expected = {
        "th": "th",
        "id": "id",
        "vi": "vi",
        "ms": "ms",
        "zh": "cmn",
        "zh-Hans-CN": "cmn",
        "zh-HK": "yue",
        "ja": "ja",
        "ko": "ko",
        "hi": "hi",
        "ar": "ar",
        "pt-BR": "pt-br",
        "es-MX": "es-419",
        "es": "es",
        "en": "en-us",
        "en_GB": "en-gb",
        "fr": "fr-fr",
    }
    assert {tag: espeak_voice_for(tag) for tag in expected} == expected


def test_unknown_language_lists_alternatives() -> None:
    with pytest.raises(BackendError) as info:
        synthesize(VoiceRequest(text="Hello", language="thai"))
    error = info.value
    assert "th (Thai)" in error.message
    assert "cmn" in error.hint and "id" in error.hint


def test_explicit_voice_and_unknown_voice() -> None:
    speech = synthesize(VoiceRequest(text="Hello there", language="en", voice="espeak:en-gb+f3"))
    assert speech.backend == "espeak:en-gb+f3" and rms(speech) > 0.02
    with pytest.raises(BackendError, match="no voice named"):
        synthesize(VoiceRequest(text="Hello", language="en", voice="espeak:no-such-voice"))


def test_empty_text_is_refused_clearly() -> None:
    assert not is_speakable("  … — !")
    assert is_speakable("ดี") and is_speakable("2026")
    with pytest.raises(NothingToSay) as info:
        synthesize(VoiceRequest(text=" … ", language="en"))
    assert info.value.hint


def test_cancelled_before_start() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        synthesize(VoiceRequest(text=LINES["en"], language="en"), cancel=token)


def test_cancel_during_a_long_text_stops_early() -> None:
    token = CancelToken()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.fraction > 0.2:
            token.cancel()

    text = " ".join(f"Sentence number {i} is about the serum that glows all night." for i in range(40))
    with pytest.raises(Cancelled):
        synthesize(VoiceRequest(text=text, language="en"), on_progress=on_progress, cancel=token)
    assert seen and max(p.fraction for p in seen) < 0.6
    # The library is usable again right after a cancel.
    assert rms(synthesize(VoiceRequest(text="Still here.", language="en"))) > 0.02


def test_progress_reports_start_and_end() -> None:
    seen: list[Progress] = []
    synthesize(VoiceRequest(text=LINES["id"], language="id"), on_progress=seen.append)
    assert seen[0].fraction == 0.0 and seen[-1].fraction == 1.0
    assert all(a.fraction <= b.fraction for a, b in itertools.pairwise(seen))


def test_two_threads_at_once() -> None:
    requests = [VoiceRequest(text=LINES["en"], language="en"), VoiceRequest(text=LINES["zh"], language="zh")]
    alone = [synthesize(r) for r in requests]
    results: dict[int, Speech] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                results[i] = synthesize(requests[i % 2])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    for i, speech in results.items():
        reference = alone[i % 2]
        assert speech.backend == reference.backend
        assert abs(speech.duration_s - reference.duration_s) < 0.05
        assert [w.text for w in speech.words] == [w.text for w in reference.words]
