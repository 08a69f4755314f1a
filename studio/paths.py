"""The one place that knows where assets, user data, caches and models live (source tree, bundle, tests)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs("QianmianStudio", "Qianmian", ensure_exists=False)
#: Resolved once: knowledge lookups run per shot, and a realpath each time showed up as GIL stalls in the window.
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def _bundle_root() -> Path | None:
    """Inside a PyInstaller bundle, data files live under sys._MEIPASS."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if base else None


def assets_dir() -> Path:
    override = os.environ.get("QIANMIAN_ASSETS")
    if override:
        return Path(override)
    bundle = _bundle_root()
    if bundle is not None:
        return bundle / "assets"
    return _SOURCE_ROOT / "assets"


def knowledge_dir() -> Path:
    return assets_dir() / "knowledge"


def prompts_dir() -> Path:
    return assets_dir() / "prompts"


def sample_brief() -> Path:
    return assets_dir() / "briefs" / "night-repair-serum-sea.toml"


def _user_dir(env: str, default: str) -> Path:
    override = os.environ.get(env)
    path = Path(override) if override else Path(default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir() -> Path:
    """Settings, recent projects. QIANMIAN_HOME redirects everything user-side (tests use a temp dir)."""
    home = os.environ.get("QIANMIAN_HOME")
    return _user_dir("QIANMIAN_DATA", str(Path(home) / "data") if home else _DIRS.user_data_dir)


def cache_dir() -> Path:
    home = os.environ.get("QIANMIAN_HOME")
    return _user_dir("QIANMIAN_CACHE", str(Path(home) / "cache") if home else _DIRS.user_cache_dir)


def models_dir() -> Path:
    """Default folder scanned for image models and voices (settings may add more)."""
    return _user_dir("QIANMIAN_MODELS", str(user_data_dir() / "models"))


def default_output_dir() -> Path:
    return Path.cwd() / "out"
