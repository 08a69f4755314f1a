"""Rendered captions read back by OCR (tesseract), where it and the language packs are installed."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from studio.model.brief import ASPECT_SIZES
from studio.render.captions import caption_overlay

CASES = [
    ("th", "tha", "เหงื่อกลายเป็นแสงดาว ผิวสวยตลอดคืน"),
    ("zh", "chi_sim", "汗水化作星光，整夜派对妆容不掉"),
    ("ar", "ara", "مرحبا بالعالم بشرة مشرقة طوال الليل"),
]


def _languages() -> set[str]:
    exe = shutil.which("tesseract")
    if exe is None:
        return set()
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
    return {line.strip() for line in (out.stdout + out.stderr).splitlines()[1:]}


def _squash(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", text) if ch.isalnum())


@pytest.mark.parametrize(("language", "pack", "text"), CASES, ids=[c[0] for c in CASES])
def test_ocr_reads_the_caption_back(language: str, pack: str, text: str, tmp_path: Path) -> None:
    if pack not in _languages():
        pytest.skip(f"tesseract with the {pack} language pack is not installed")
    w, h = ASPECT_SIZES["9:16"]
    frame = Image.new("RGB", (w, h), (90, 140, 190))
    overlay = caption_overlay(text, language, w, h, aspect="9:16")
    crop = overlay.composite_onto(frame).crop(
        (overlay.x, overlay.y, overlay.x + overlay.image.width, overlay.y + overlay.image.height)
    )
    # Keep only the white fill (black on white), as OCR engines expect; the outline and box are styling.
    binary = ImageOps.expand(crop.convert("L").point(lambda v: 0 if v > 200 else 255), 30, 255)
    path = tmp_path / f"{language}.png"
    binary.save(path)
    result = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", pack, "--psm", "6"], capture_output=True, text=True, check=True
    )
    read = _squash(result.stdout)
    similarity = difflib.SequenceMatcher(None, read, _squash(text)).ratio()
    assert similarity > 0.8, f"OCR read {result.stdout!r}"
