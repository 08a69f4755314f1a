"""Shared fixtures. Every test gets its own user-data folder; Qt runs offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
TEST_OUTPUT = ROOT / "test-output"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("qm-home")
    monkeypatch.setenv("QIANMIAN_HOME", str(home))
    return home


@pytest.fixture
def sample_brief_path() -> Path:
    from studio import paths

    return paths.sample_brief()


@pytest.fixture
def test_output() -> Path:
    """A folder kept after the run, for screenshots and files a person may want to look at."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
