"""From a BCP-47 language tag (what briefs and variants carry) to an espeak-ng voice of the bundled data."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pipelines.voice import espeak
from studio.model.errors import BackendError

#: Tags whose espeak voice is not found by the tag itself (Chinese is "cmn", Latin-American Spanish is "es-419"...).
ALIASES: dict[str, str] = {
    "en": "en-us",
    "en-gb": "en-gb",
    "en-uk": "en-gb",
    "en-au": "en-gb",
    "en-nz": "en-gb",
    "en-ie": "en-gb",
    "en-za": "en-gb",
    "en-in": "en-gb",
    "en-sg": "en-gb",
    "en-my": "en-gb",
    "en-ng": "en-gb",  # Nigerian, Kenyan and Ghanaian English are closer to British than to American speech
    "en-ke": "en-gb",
    "en-gh": "en-gb",
    "fr": "fr-fr",
    "zh": "cmn",
    "zh-cn": "cmn",
    "zh-sg": "cmn",
    "zh-tw": "cmn",
    "zh-hans": "cmn",
    "zh-hant": "cmn",
    "zh-hans-cn": "cmn",
    "zh-hant-tw": "cmn",
    "zh-hk": "yue",
    "zh-mo": "yue",
    "zh-hant-hk": "yue",
    "zh-yue": "yue",
    "pt-pt": "pt",
    "es-es": "es",
    "in": "id",  # the ISO 639 code Java and old Android still send for Indonesian
    "iw": "he",
    "no": "nb",
    "zsm": "ms",
    "fil": "tl",
    "jv": "id",
}

#: Spanish outside Spain is the Latin-American voice.
_LATAM = frozenset(
    {"mx", "ar", "co", "cl", "pe", "ve", "ec", "gt", "cu", "bo", "do", "hn", "py", "sv", "ni", "cr", "pa", "uy", "pr"}
    | {"us", "419"}
)


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """How a language is voiced by default: the espeak voice and the rate (words per minute) and pitch (0..100)."""

    voice: str
    rate_wpm: int = espeak.DEFAULT_RATE_WPM
    pitch: int = espeak.DEFAULT_PITCH


#: Per-language tuning over the library defaults: tonal and syllable-timed languages read better a little slower,
#: which also keeps ad lines inside their shots without sounding rushed.
TUNING: dict[str, LanguageSettings] = {
    "en-us": LanguageSettings("en-us", 165),
    "en-gb": LanguageSettings("en-gb", 165),
    "cmn": LanguageSettings("cmn", 150),
    "yue": LanguageSettings("yue", 150),
    "th": LanguageSettings("th", 150),
    "vi": LanguageSettings("vi", 150),
    "id": LanguageSettings("id", 160),
    "ms": LanguageSettings("ms", 160),
    "ja": LanguageSettings("ja", 150),
    "ko": LanguageSettings("ko", 155),
    "hi": LanguageSettings("hi", 155),
    "ar": LanguageSettings("ar", 150),
    "bn": LanguageSettings("bn", 155),
    "ur": LanguageSettings("ur", 155),
}


#: What a listener will notice about an espeak voice (by espeak voice name), said by readiness and `qianmian check`:
#: it speaks, but not well enough to publish.
ESPEAK_CAVEATS: dict[str, str] = {
    "he": "espeak's Hebrew voice reads Hebrew written without vowel points (as ads are) with most of its vowels "
    "missing, so the voice-over is a guide track, not one to publish",
}


def voice_caveat(voice: str, language: str) -> str:
    """What is wrong with how `voice` (a voice id: 'espeak', 'espeak:he', 'piper:...') speaks `language`; '' when
    nothing is known to be."""
    engine, _, name = voice.partition(":")
    if (engine.strip().lower() or "espeak") != "espeak":
        return ""
    try:
        name = name.strip() or espeak_voice_for(language)
    except BackendError:
        return ""
    return ESPEAK_CAVEATS.get(name.split("+")[0].lower(), "")


#: Voice engines whose reading is a guide track: espeak says every language, but as a formant synthesizer (a robot
#: voice). Fine to check timing and captions; record the voice-over or choose a neural voice before publishing.
GUIDE_ENGINES = frozenset({"espeak"})
GUIDE_VOICE_NOTE = "espeak guide voice (a robot voice): record the voice-over or choose a neural voice to publish"


def is_guide_voice(voice: str) -> bool:
    """Whether `voice` (a voice id or a backend that spoke: 'espeak', 'espeak:th', 'piper:...') is a guide voice."""
    return (voice.partition(":")[0].strip().lower() or "espeak") in GUIDE_ENGINES


def normalize(tag: str) -> str:
    return tag.strip().replace("_", "-").lower()


def espeak_languages() -> dict[str, espeak.EspeakVoice]:
    """Language tag → the voice that speaks it (the first voice listing a tag wins)."""
    out: dict[str, espeak.EspeakVoice] = {}
    for voice in espeak.list_voices():
        for lang in voice.languages:
            out.setdefault(lang, voice)
    return out


def _candidates(tag: str) -> list[str]:
    """Tags to try for `tag`, most specific first."""
    parts = tag.split("-")
    tries = [tag]
    if tag in ALIASES:
        tries.insert(0, ALIASES[tag])
    primary = parts[0]
    if primary == "es" and len(parts) > 1 and parts[-1] in _LATAM:
        tries.append("es-419")
    if primary == "pt" and "br" in parts[1:]:
        tries.append("pt-br")
    if primary == "zh" and any(p in {"hk", "mo"} for p in parts[1:]):
        tries.append("yue")
    for i in range(len(parts) - 1, 0, -1):
        prefix = "-".join(parts[:i])
        tries.append(ALIASES.get(prefix, prefix))
    return tries


def espeak_voice_for(language: str) -> str:
    """The espeak voice name for a BCP-47 tag; BackendError naming close matches and every language espeak has."""
    tag = normalize(language)
    available = espeak_languages()
    for candidate in _candidates(tag):
        if candidate in available:
            return candidate
    primary = tag.split("-")[0]
    for lang in available:
        if lang.split("-")[0] == primary:
            return lang
    raise unknown_language(language, available)


def settings_for(language: str) -> LanguageSettings:
    voice = espeak_voice_for(language)
    return TUNING.get(voice, LanguageSettings(voice))


def unknown_language(language: str, available: dict[str, espeak.EspeakVoice] | None = None) -> BackendError:
    available = available if available is not None else espeak_languages()
    by_name = {v.name.lower().split(" (")[0]: lang for lang, v in reversed(available.items())}
    tag = normalize(language)
    close = [by_name[n] for n in difflib.get_close_matches(tag, list(by_name), n=3, cutoff=0.6)]
    close += difflib.get_close_matches(tag, list(available), n=5, cutoff=0.5)
    close += [lang for lang in available if tag and lang.split("-")[0] == tag.split("-")[0]]
    close = list(dict.fromkeys(close))
    described = ", ".join(f"{lang} ({available[lang].name})" for lang in close)
    message = f"No voice speaks the language {language!r}."
    if described:
        message += f" Close matches: {described}."
    return BackendError(
        message,
        hint="Use a BCP-47 tag espeak-ng knows, one of: " + ", ".join(sorted(available)),
    )
