"""Noto fonts for every script the studio writes, from the pip-installed font packages.

Pillow shapes complex scripts (Thai, Arabic, Devanagari) through raqm, so a caption only needs the right file.
"""

from __future__ import annotations

import contextlib
import importlib.util
import unicodedata
from functools import cache
from pathlib import Path

from PIL import ImageFont

from studio.model.errors import BackendError

#: Font file per script (file names inside the manimgx-fonts packages).
SCRIPT_FONTS: dict[str, str] = {
    "latin": "NotoSans[wght].ttf",
    "thai": "NotoSansThai[wght].ttf",
    "arabic": "NotoSansArabic[wght].ttf",
    "devanagari": "NotoSansDevanagari[wght].ttf",
    "khmer": "NotoSansKhmer[wght].ttf",
    "lao": "NotoSansLao[wght].ttf",
    "myanmar": "NotoSansMyanmar[wght].ttf",
    "hebrew": "NotoSansHebrew[wght].ttf",
    "bengali": "NotoSansBengali[wght].ttf",
    "tamil": "NotoSansTamil[wght].ttf",
    "cjk": "NotoSansCJK-VF.otf.ttc",
}

#: Script of each language the knowledge packs name (BCP-47 primary subtag).
LANGUAGE_SCRIPTS: dict[str, str] = {
    "th": "thai",
    "ar": "arabic",
    "hi": "devanagari",
    "mr": "devanagari",
    "zh": "cjk",
    "cmn": "cjk",
    "yue": "cjk",
    "ja": "cjk",
    "ko": "cjk",
    "km": "khmer",
    "lo": "lao",
    "my": "myanmar",
    "he": "hebrew",
    "bn": "bengali",
    "ta": "tamil",
}

#: Face index inside the CJK collection per language (SC, TC, JP, KR).
_CJK_FACE = {"zh": 2, "cmn": 2, "yue": 3, "ja": 0, "ko": 1}


def script_for_language(language: str) -> str:
    return LANGUAGE_SCRIPTS.get(language.split("-")[0].lower(), "latin")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def font_path(script: str) -> Path:
    filename = SCRIPT_FONTS.get(script, SCRIPT_FONTS["latin"])
    package = "manimgx_fonts_cjk" if script == "cjk" else "manimgx_fonts"
    folder = _package_dir(package)
    if folder is None or not (folder / filename).is_file():
        raise BackendError(
            f"The font for {script} text ({filename}) is not installed.",
            f"Install it with `pip install {package.replace('_', '-')}` (make demo does this).",
        )
    return folder / filename


@cache
def load_font(language: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A Regular (or Bold) face for the language's script; variable fonts are set to a real weight."""
    script = script_for_language(language)
    path = font_path(script)
    index = _CJK_FACE.get(language.split("-")[0].lower(), 2) if script == "cjk" else 0
    font = ImageFont.truetype(str(path), size=size, index=index, layout_engine=ImageFont.Layout.RAQM)
    with contextlib.suppress(OSError, ValueError):
        font.set_variation_by_axes([700 if bold else 400])
    return font


@cache
def _cmap(script: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    path = font_path(script)
    font = TTCollection(str(path)).fonts[0] if path.suffix == ".ttc" else TTFont(str(path))
    return frozenset(font.getBestCmap())


def missing_glyphs(text: str, language: str) -> list[str]:
    """Characters of `text` the language's font cannot draw (spaces and marks of Latin fallback excluded)."""
    script = script_for_language(language)
    covered = _cmap(script)
    latin = _cmap("latin") if script != "latin" else covered
    out = []
    for ch in dict.fromkeys(text):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if ord(ch) not in covered and ord(ch) not in latin:
            out.append(ch)
    return out
