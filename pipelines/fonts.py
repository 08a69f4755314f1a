"""Noto fonts for every script the studio writes, from the pip-installed font packages.

Pillow shapes complex scripts (Thai, Arabic, Devanagari) through raqm, so a caption only needs the right file.
"""

from __future__ import annotations

import bisect
import contextlib
import importlib.util
import threading
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
    "ur": "arabic",  # Urdu: Nastaliq is its usual style; Noto Sans Arabic (Naskh) draws it until one ships
    "ta": "tamil",
}

#: Face index inside the CJK collection per language (SC, TC, JP, KR).
_CJK_FACE = {"zh": 2, "cmn": 2, "yue": 3, "ja": 0, "ko": 1}

#: Unicode blocks drawn by a script's font (start, end inclusive). Characters outside every block are
#: Latin when they are letters and neutral (drawn with a neighbour's font) when they are digits, punctuation or spaces.
_SCRIPT_BLOCKS: list[tuple[int, int, str]] = sorted(
    [
        (0x0590, 0x05FF, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"),
        (0x0870, 0x08FF, "arabic"),
        (0x0900, 0x0963, "devanagari"),  # the dandas (U+0964-5) end Bengali and Tamil lines too: neutral
        (0x0966, 0x097F, "devanagari"),
        (0x0980, 0x09FF, "bengali"),
        (0x0B80, 0x0BFF, "tamil"),
        (0x0E00, 0x0E7F, "thai"),
        (0x0E80, 0x0EFF, "lao"),
        (0x1000, 0x109F, "myanmar"),
        (0x1100, 0x11FF, "cjk"),
        (0x1780, 0x17FF, "khmer"),
        (0x19E0, 0x19FF, "khmer"),
        (0x2E80, 0x2FDF, "cjk"),
        (0x3000, 0x303F, "cjk"),
        (0x3040, 0x31FF, "cjk"),
        (0x3200, 0x4DBF, "cjk"),
        (0x4E00, 0x9FFF, "cjk"),
        (0xA8E0, 0xA8FF, "devanagari"),
        (0xA960, 0xA97F, "cjk"),
        (0xAA60, 0xAA7F, "myanmar"),
        (0xAC00, 0xD7FF, "cjk"),
        (0xF900, 0xFAFF, "cjk"),
        (0xFB1D, 0xFB4F, "hebrew"),
        (0xFB50, 0xFDFF, "arabic"),
        (0xFE30, 0xFE4F, "cjk"),
        (0xFE70, 0xFEFF, "arabic"),
        (0xFF00, 0xFFEF, "cjk"),
        (0x20000, 0x3FFFF, "cjk"),
    ]
)
_BLOCK_STARTS = [b[0] for b in _SCRIPT_BLOCKS]

#: A language that selects each script's font (the CJK face follows the caption's own language when it is CJK).
_SCRIPT_LANGUAGE = {script: lang for lang, script in reversed(LANGUAGE_SCRIPTS.items())} | {"latin": "en", "cjk": "zh"}


def script_for_language(language: str) -> str:
    return LANGUAGE_SCRIPTS.get(language.split("-")[0].lower(), "latin")


def script_of_char(ch: str) -> str | None:
    """The script whose font draws `ch`; None for neutrals (spaces, digits, common punctuation, marks)."""
    cp = ord(ch)
    i = bisect.bisect_right(_BLOCK_STARTS, cp) - 1
    if i >= 0 and cp <= _SCRIPT_BLOCKS[i][1]:
        return _SCRIPT_BLOCKS[i][2]
    return "latin" if unicodedata.category(ch).startswith("L") else None


def font_package(script: str) -> str:
    """The pip package that ships the font for `script`."""
    return "manimgx-fonts-cjk" if script == "cjk" else "manimgx-fonts"


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


_local = threading.local()


def font_for_script(script: str, language: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The font drawing `script` inside a caption written in `language`, cached per thread.

    FreeType faces are not safe to share between threads, and variants render in parallel.
    """
    cache_ = _local.__dict__.setdefault("fonts", {})
    lang = language if script == "cjk" and script_for_language(language) == "cjk" else _SCRIPT_LANGUAGE[script]
    key = (script, lang.split("-")[0].lower(), size, bold)
    font = cache_.get(key)
    if font is None:
        font = load_font.__wrapped__(lang, size, bold)
        cache_[key] = font
    return font


def covers(script: str, ch: str) -> bool:
    return ord(ch) in _cmap(script)


@cache
def _cmap(script: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    path = font_path(script)
    font = TTCollection(str(path), lazy=True).fonts[0] if path.suffix == ".ttc" else TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap())


def missing_glyphs(text: str, language: str) -> list[str]:
    """Characters of `text` no font the caption renderer would pick can draw.

    A character is covered by the language's font, by the font of its own script (a Thai line may name a
    Chinese product), or by Noto Sans (Latin fallback). Spaces and control/format characters need no glyph.
    """
    script = script_for_language(language)
    covered = _cmap(script)
    latin = _cmap("latin") if script != "latin" else covered
    out = []
    for ch in dict.fromkeys(unicodedata.normalize("NFC", text)):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if ord(ch) in covered or ord(ch) in latin:
            continue
        own = script_of_char(ch)
        if own is not None and own in SCRIPT_FONTS and ord(ch) in _cmap(own):
            continue
        out.append(ch)
    return out
