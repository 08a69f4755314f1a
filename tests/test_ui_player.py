"""The preview player on a desktop without Qt Multimedia's libraries: it says what to install and hands the file on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.ui import cut_page
from studio.ui.cut_page import PreviewPlayer


def test_player_without_media_stack_says_what_to_install(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    opened: list[str] = []
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import fails as where libpulse0 is missing
    monkeypatch.setattr(cut_page.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    video = tmp_path / "th-night-owls_9x16.mp4"
    video.write_bytes(b"\0" * 16)
    player = PreviewPlayer()
    qtbot.addWidget(player)
    player.cue(video)
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert opened == [str(video)]
    assert "Playback in the studio" in player.hint.text() and "system player" in player.hint.text()
    assert player.hint.isVisibleTo(player)


def test_missing_pulse_library_names_the_package():
    hint = cut_page.media_unavailable_hint(ImportError("libpulse.so.0: cannot open shared object file"))
    assert "libpulse0" in hint and "apt install" in hint
