"""Per-user settings of the studio, persisted with QSettings ("Qianmian", "Studio"); the API key in the OS keyring.

`UserSettings` is what the dialog edits (lists and a dict, as QSettings stores them); `to_settings` turns it into the
Qt-free `studio.stages.settings.Settings` that every stage request carries. Nothing here writes os.environ.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

from studio import paths

if TYPE_CHECKING:
    from studio.stages.settings import Settings

#: The same service name the LLM client reads the key from (pipelines/text/client.py), user name = endpoint URL.
KEYRING_SERVICE = "qianmian-studio"
DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass
class UserSettings:
    model_folders: list[str] = field(default_factory=list)
    voice_folders: list[str] = field(default_factory=list)
    llm_endpoint: str = ""
    llm_model: str = ""
    device: str = "auto"
    image_model: str = "procedural"
    voices: dict[str, str] = field(default_factory=dict)
    output_folder: str = ""
    compute: str = ""
    """Where jobs run: "" this machine, or a Ray cluster address (Settings → Compute)."""

    def output_dir(self, project_root: Path) -> Path:
        return Path(self.output_folder).expanduser() if self.output_folder else project_root / "renders"

    def all_model_folders(self) -> list[Path]:
        return list(dict.fromkeys([paths.models_dir(), *(Path(f).expanduser() for f in self.model_folders)]))


def qsettings() -> QSettings:
    """The app's settings store; under QIANMIAN_HOME (tests, portable installs) an INI file there instead."""
    home = os.environ.get("QIANMIAN_HOME")
    if home:
        return QSettings(str(Path(home) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings("Qianmian", "Studio")


def load_settings(store: QSettings | None = None) -> UserSettings:
    s = store or qsettings()
    values: dict[str, Any] = {}
    for f in fields(UserSettings):
        raw = s.value(f"settings/{f.name}")
        if raw is None:
            continue
        if f.name in ("model_folders", "voice_folders"):
            values[f.name] = [raw] if isinstance(raw, str) else [str(x) for x in raw]
        elif f.name == "voices":
            values[f.name] = {str(k): str(v) for k, v in dict(raw).items()} if raw else {}
        else:
            values[f.name] = str(raw)
    return UserSettings(**values)


_saves = 0
"""How many times settings were saved in this process: a reader that remembers what it loaded reloads after one."""


def saves() -> int:
    return _saves


def save_settings(settings: UserSettings, store: QSettings | None = None) -> None:
    global _saves
    s = store or qsettings()
    for name, value in asdict(settings).items():
        s.setValue(f"settings/{name}", value)
    s.sync()
    _saves += 1


def to_settings(user: UserSettings) -> Settings:
    """The Qt-free `Settings` the stages read from their requests (the app puts it in every request it submits).

    The API key is not copied: the settings say "keyring", and the key is looked up by endpoint when it is used."""
    from studio.stages.settings import KEYRING, Settings

    return Settings.from_mapping(
        {
            "model_folders": user.model_folders,
            "image_model": user.image_model,
            "device": user.device or "auto",
            "llm_endpoint": user.llm_endpoint,
            "llm_model": user.llm_model,
            "llm_key": KEYRING,
            "voices": user.voices,
            "voice_folders": user.voice_folders,
            "output_folder": user.output_folder,
            "compute": user.compute,
        }
    )


# --- the API key ------------------------------------------------------------------------------------------------


def keyring_problem() -> str:
    """Why the key cannot be kept in the OS keyring, or "" when it can."""
    try:
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring
    except ImportError:
        return "The keyring package is not installed (pip install keyring); the key cannot be stored."
    backend = keyring.get_keyring()
    if isinstance(backend, FailKeyring):
        return "No OS keyring was found on this system; the key cannot be stored (set it in the endpoint's env)."
    return ""


def get_api_key(endpoint: str) -> str:
    if not endpoint or keyring_problem():
        return ""
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, endpoint) or ""
    except Exception:  # a locked or broken keyring must not stop the app
        return ""


def set_api_key(endpoint: str, key: str) -> str:
    """Store (or, with an empty key, forget) the key for an endpoint; returns a problem message or ""."""
    problem = keyring_problem()
    if problem:
        return problem
    import keyring

    try:
        if key:
            keyring.set_password(KEYRING_SERVICE, endpoint, key)
        else:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, endpoint)
    except Exception as e:
        return f"The keyring refused the key: {e}"
    return ""
