"""A small ctypes binding to the libespeak-ng bundled by the pip package `espeakng-loader`.

Why our own binding: the library ships with its data folder inside a wheel, so every platform gets every language
without a system package or an executable; we need only initialize, pick a voice, set rate and pitch, and collect
samples plus word events from the synth callback.

libespeak-ng keeps global state (one voice, one callback, one output buffer), so every call goes through one
process-wide lock and the library is initialized once.
"""

from __future__ import annotations

import ctypes
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from studio.model.errors import BackendError

# espeak_AUDIO_OUTPUT
AUDIO_OUTPUT_SYNCHRONOUS = 2
# espeak_EVENT_TYPE
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_SENTENCE = 2
EVENT_END = 5
EVENT_MSG_TERMINATED = 6
EVENT_SAMPLERATE = 8
# espeak_POSITION_TYPE
POS_CHARACTER = 1
# espeak_Synth flags
CHARS_UTF8 = 1
# espeak_PARAMETER
PARAM_RATE = 1
PARAM_VOLUME = 2
PARAM_PITCH = 3
PARAM_RANGE = 4
# espeak_Initialize options
INITIALIZE_DONT_EXIT = 0x8000
EE_OK = 0

#: Defaults of the library (words per minute; pitch and range 0..100), the "1.0" of VoiceRequest multipliers.
DEFAULT_RATE_WPM = 175
MIN_RATE_WPM = 80
MAX_RATE_WPM = 450
DEFAULT_PITCH = 50
DEFAULT_RANGE = 50

#: Milliseconds of audio per callback; also how often a cancel is noticed during synthesis.
BUFFER_MS = 200


class _EventId(ctypes.Union):
    _fields_ = (("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8))


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


class _Voice(ctypes.Structure):
    _fields_ = (
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True, slots=True)
class EspeakVoice:
    """One voice file of the bundled data: `identifier` (e.g. "sit/cmn") and the languages it speaks, best first."""

    name: str
    identifier: str
    languages: tuple[str, ...]
    gender: int


@dataclass(frozen=True, slots=True)
class WordEvent:
    """Where a word starts: in the audio (ms from the start of the call) and in the text (character offset)."""

    audio_ms: int
    text_offset: int
    length: int


@dataclass(slots=True)
class _Collector:
    chunks: list[np.ndarray] = field(default_factory=list)
    words: list[WordEvent] = field(default_factory=list)
    should_stop: Callable[[], bool] | None = None
    on_chunk: Callable[[int], None] | None = None
    stopped: bool = False
    error: BaseException | None = None


_lock = threading.RLock()
_current: _Collector | None = None


def _synth_callback(wav: ctypes._Pointer[ctypes.c_short], numsamples: int, events: ctypes._Pointer[_Event]) -> int:
    """Called by the library with each buffer; returns 1 to abort synthesis (cancel)."""
    collector = _current
    if collector is None:
        return 1
    try:
        if numsamples > 0 and wav:
            collector.chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == EVENT_WORD:
                collector.words.append(WordEvent(event.audio_position, event.text_position - 1, event.length))
            elif event.type == EVENT_SENTENCE and collector.on_chunk is not None:
                collector.on_chunk(event.text_position - 1)
            i += 1
        if collector.should_stop is not None and collector.should_stop():
            collector.stopped = True
            return 1
    except BaseException as exc:  # an exception must not cross into C
        collector.error = exc
        return 1
    return 0


_callback_ref = _SYNTH_CALLBACK(_synth_callback)


@dataclass(frozen=True, slots=True)
class _Library:
    lib: ctypes.CDLL
    sample_rate: int
    data_path: str


@cache
def _library() -> _Library:
    try:
        import espeakng_loader
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise BackendError("The espeak-ng voice library is not installed.", hint="pip install espeakng-loader") from exc
    lib_path = espeakng_loader.get_library_path()
    data_path = espeakng_loader.get_data_path()
    try:
        lib = ctypes.CDLL(lib_path)
    except OSError as exc:
        raise BackendError(
            f"Could not load libespeak-ng from {lib_path}: {exc}", hint="Reinstall it: pip install -U espeakng-loader"
        ) from exc
    lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = (_SYNTH_CALLBACK,)
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetVoiceByProperties.argtypes = (ctypes.POINTER(_Voice),)
    lib.espeak_SetVoiceByProperties.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = (
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.POINTER(ctypes.c_uint),
        ctypes.c_void_p,
    )
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.argtypes = ()
    lib.espeak_Synchronize.restype = ctypes.c_int
    lib.espeak_ListVoices.argtypes = (ctypes.POINTER(_Voice),)
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
    lib.espeak_TextToPhonemes.argtypes = (ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int)
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = (ctypes.POINTER(ctypes.c_char_p),)
    lib.espeak_Info.restype = ctypes.c_char_p

    sample_rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, data_path.encode(), INITIALIZE_DONT_EXIT)
    if sample_rate <= 0:
        raise BackendError(
            f"libespeak-ng could not start with its data folder {data_path}.",
            hint="Reinstall it: pip install --force-reinstall espeakng-loader",
        )
    lib.espeak_SetSynthCallback(_callback_ref)
    return _Library(lib, sample_rate, data_path)


def sample_rate() -> int:
    with _lock:
        return _library().sample_rate


def version() -> str:
    with _lock:
        info = _library().lib.espeak_Info(None)
    return info.decode() if info else ""


_LANGUAGE_NAME = re.compile(rb"[a-z0-9][a-z0-9-]+")


def _languages(raw: bytes) -> tuple[str, ...]:
    """Decode a voice's language list: pairs of a priority byte and a NUL-terminated name.

    The bundled build does not always write the closing 0 byte, so parsing stops at the first entry that is not a
    plausible language tag.
    """
    out: list[str] = []
    i = 0
    while i < len(raw) and 0 < raw[i] < 32:
        end = raw.find(b"\0", i + 1)
        name = raw[i + 1 : end] if end > 0 else b""
        if not _LANGUAGE_NAME.fullmatch(name):
            break
        out.append(name.decode())
        i = end + 1
    return tuple(out)


@cache
def list_voices() -> tuple[EspeakVoice, ...]:
    """Every voice in the bundled data folder (variants like "+f3" are not listed)."""
    with _lock:
        lib = _library().lib
        array = lib.espeak_ListVoices(None)
        voices: list[EspeakVoice] = []
        i = 0
        while array[i]:
            v = array[i].contents
            raw = ctypes.string_at(ctypes.cast(v.languages, ctypes.c_void_p), 256)
            voices.append(
                EspeakVoice(
                    name=(v.name or b"").decode(),
                    identifier=(v.identifier or b"").decode(),
                    languages=_languages(raw),
                    gender=v.gender,
                )
            )
            i += 1
    return tuple(voices)


def find_voice(name: str) -> EspeakVoice | None:
    """The voice a name means: a voice file ("gmw/en-US", "en-US") or a language tag ("en-us"); "+f3" variants ok."""
    key = name.partition("+")[0].strip().lower()
    voices = list_voices()
    for voice in voices:
        ident = voice.identifier.lower()
        if key in (ident, ident.rsplit("/", 1)[-1]):
            return voice
    return next((voice for voice in voices if key in voice.languages), None)


def voice_file(name: str) -> str:
    """The voice file for a voice name or language tag ("en-gb+f3" → "gmw/en+f3"): the library loads files only."""
    voice = find_voice(name)
    _, plus, variant = name.partition("+")
    return voice.identifier + plus + variant if voice is not None else name


@dataclass(frozen=True, slots=True)
class Synthesis:
    samples: np.ndarray  # int16
    sample_rate: int
    words: list[WordEvent]


def synthesize(
    text: str,
    voice: str,
    *,
    rate_wpm: float = DEFAULT_RATE_WPM,
    pitch: float = DEFAULT_PITCH,
    should_stop: Callable[[], bool] | None = None,
    on_sentence: Callable[[int], None] | None = None,
) -> Synthesis | None:
    """Speak `text` with espeak voice `voice` (a name such as "en-us" or "cmn"); None when `should_stop` said stop.

    `on_sentence` gets the character offset of each sentence as the library reaches it.
    """
    global _current
    encoded = text.encode("utf-8") + b"\0"
    with _lock:
        library = _library()
        lib = library.lib
        if lib.espeak_SetVoiceByName(voice_file(voice).encode()) != EE_OK:
            raise BackendError(
                f"espeak-ng has no voice named {voice!r}.",
                hint="Pick one from the voice list (Settings → Voices) or use plain 'espeak'.",
            )
        lib.espeak_SetParameter(PARAM_RATE, max(MIN_RATE_WPM, min(MAX_RATE_WPM, round(rate_wpm))), 0)
        lib.espeak_SetParameter(PARAM_PITCH, max(0, min(100, round(pitch))), 0)
        collector = _Collector(should_stop=should_stop, on_chunk=on_sentence)
        _current = collector
        try:
            status = lib.espeak_Synth(encoded, len(encoded), 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
        finally:
            _current = None
    if collector.error is not None:
        raise collector.error
    if collector.stopped:
        return None
    if status != EE_OK:
        raise BackendError(f"espeak-ng failed to speak (error {status}).", hint="Try shorter text or another voice.")
    samples = np.concatenate(collector.chunks) if collector.chunks else np.zeros(0, dtype=np.int16)
    return Synthesis(samples=samples, sample_rate=library.sample_rate, words=collector.words)


#: espeak_TextToPhonemes phoneme mode: IPA characters (bit 1).
PHONEMES_IPA = 0x02


def text_to_phonemes(text: str, voice: str) -> str:
    """The phonemes (IPA) the voice would say for `text`, clause by clause, joined by spaces.

    A switch to another language's voice shows as "(en)" ... "(ja)": how to tell a name read in the line's own
    language from one the voice spelt in English letters.
    """
    encoded = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
    pointer = ctypes.c_void_p(ctypes.addressof(encoded))
    out: list[str] = []
    with _lock:
        lib = _library().lib
        if lib.espeak_SetVoiceByName(voice_file(voice).encode()) != EE_OK:
            raise BackendError(f"espeak-ng has no voice named {voice!r}.", hint="Pick a voice from the voice list.")
        while pointer.value:
            clause = lib.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, PHONEMES_IPA)
            if clause:
                out.append(clause.decode("utf-8", "replace"))
    return " ".join(out)
