"""Settings: persisted per user, the key in the keyring (or a clear note when there is none), and the per-market
check of voice, font and model before anything runs."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt

from studio import paths
from studio.model import ProjectStore, load_brief


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.planning import plan_project
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "demo").create(plan_project(load_brief(paths.sample_brief()), name="demo"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.ops.project.open_project(tmp_path / "demo")
    yield win
    win.jobs.shutdown()


ENV = ("QIANMIAN_LLM_BASE_URL", "QIANMIAN_LLM_MODEL", "QIANMIAN_IMAGE_MODELS", "QIANMIAN_DEVICE")


def test_settings_dialog_saves_and_keeps_the_key_in_the_keyring(window, qtbot, memory_keyring, tmp_path, monkeypatch):
    from studio.ui.settings import KEYRING_SERVICE, load_settings, qsettings

    window.show_settings()
    dialog = window._settings_dialog
    assert not dialog.isModal()
    assert dialog.api_key.isEnabled()
    dialog.endpoint.setText("http://127.0.0.1:11434/v1")
    dialog.llm_model.setText("qwen2.5:7b")
    dialog.api_key.setText("sk-test-123")
    dialog.device.setCurrentText("cpu")
    dialog.model_folders.set_folders([str(tmp_path / "models")])
    dialog._add_voice("th", "espeak:th")
    dialog.output.setText(str(tmp_path / "out"))
    dialog.save()

    s = load_settings()
    assert s.llm_endpoint == "http://127.0.0.1:11434/v1" and s.device == "cpu" and s.voices == {"th": "espeak:th"}
    assert s.model_folders == [str(tmp_path / "models")]
    assert memory_keyring.store[(KEYRING_SERVICE, s.llm_endpoint)] == "sk-test-123"
    settings_file = Path(qsettings().fileName()).read_text()
    assert "sk-test-123" not in settings_file, "the key never lands in the settings file"
    dialog.api_key.clear()
    dialog.load()
    assert dialog.api_key.text() == "sk-test-123"

    # the core gets the settings in each request (a Qt-free Settings), and the LLM key from the keyring by endpoint
    settings = window.ops.settings.current()
    assert settings.llm_endpoint == "http://127.0.0.1:11434/v1" and settings.device == "cpu"
    assert settings.model_folders == (tmp_path / "models",)
    llm = settings.llm_settings()
    assert llm.api_key == "sk-test-123" and llm.model == "qwen2.5:7b"

    # a new project starts with the creator's voices and image model
    window.ops.project.new_project(tmp_path / "fresh")
    assert window.doc.project.settings.voices == {"th": "espeak:th"}


def test_without_a_keyring_the_dialog_says_so(window, monkeypatch):
    from studio.ui import settings

    monkeypatch.setattr(settings, "keyring_problem", lambda: "No OS keyring was found on this system.")
    from studio.ui import settings_dialog

    monkeypatch.setattr(settings_dialog, "keyring_problem", settings.keyring_problem)
    window.show_settings()
    dialog = window._settings_dialog
    assert not dialog.api_key.isEnabled()
    assert "No OS keyring" in dialog.keyring_note.text()


def test_readiness_check_per_market(window, qtbot, test_output):
    window.show_settings()
    dialog = window._settings_dialog
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.readiness.rowCount() == 2 and dialog.check_button.isEnabled(), timeout=30_000)
    rows = dialog.readiness_rows()
    assert [r[0] for r in rows] == ["✓ TH", "✓ ID"]
    assert "Thai" in rows[0][3] or "NotoSansThai" in rows[0][3]
    assert rows[0][2].startswith("✓ espeak") and rows[0][2].endswith("· guide voice")
    assert "record the voice-over" in dialog.readiness.item(0, 2).toolTip()  # what to do before publishing
    (test_output / "ui").mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(test_output / "ui" / "settings-readiness.png"))

    # a voice that is not there, and a model that is not there, are named with what to do
    dialog._add_voice("th", "piper:th_TH-nobody-medium")
    dialog.image_model.setText("no-such-model")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.readiness.rowCount() == 2 and dialog.check_button.isEnabled(), timeout=30_000)
    rows = dialog.readiness_rows()
    assert rows[0][0] == "✗ TH" and rows[0][2].startswith("✗")
    assert rows[0][4].startswith("✗") and rows[1][4].startswith("✗")
    assert dialog.readiness.item(0, 2).toolTip()


def test_voice_readiness_knows_every_sample_language() -> None:
    from studio.stages.readiness import _voice

    for language in ("zh", "th", "id", "ja", "ar", "hi"):
        check = _voice(language, "", ())
        assert check.ready, (language, check)
        assert check.what.endswith("guide voice") and "neural voice" in check.hint  # espeak: drafts only
    missing = _voice("en", "piper:no-such-voice", ())
    assert not missing.ready and missing.hint
