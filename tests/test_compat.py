"""Native extensions the studio loads into one process must coexist (the app plans, images and exports at once)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import xllamacpp                      # in-process GGUF planning
import fontTools.varLib.instancer     # PDF export: static font instances
import uharfbuzz                      # PDF export: text shaping
import cv2, torch, PySide6.QtCore     # the cut, the image backend, the app
print("ok")
"""


def test_llm_runtime_and_pdf_shaping_load_in_one_process() -> None:
    pytest.importorskip("xllamacpp")
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
