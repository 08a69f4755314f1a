"""Static, subset copies of the Noto variable fonts for PDF embedding.

fpdf2 can instance a variable font itself, but on the 32 MB CJK collection that takes minutes. Cutting the font down
to the characters the document uses first (keeping the layout features HarfBuzz needs to shape Thai, Arabic and
Devanagari) and then fixing the weight takes about a second. CFF2 outlines become CFF, which PDF readers understand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.fonts import font_path, script_for_language, script_of_char

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

#: Face index inside the Noto CJK collection for each CJK language (JP, KR, SC, TC).
CJK_FACE = {"ja": 0, "ko": 1, "zh": 2, "cmn": 2, "yue": 3}


@dataclass(frozen=True)
class PdfFont:
    family: str
    script: str
    path: Path
    bold_path: Path | None = None


def scripts_in(text: str) -> set[str]:
    return {s for ch in text if (s := script_of_char(ch)) is not None}


def static_subset(script: str, text: str, weight: int, out_dir: Path, *, face: int = 0) -> Path:
    """A static instance of the script's font holding only the glyphs `text` needs (plus their shaping closure)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    source = font_path(script)
    chars = "".join(sorted(set(text) | set(" 0123456789")))
    digest = hashlib.sha256(f"{source.name}|{face}|{weight}|{chars}".encode()).hexdigest()[:16]
    font = TTFont(str(source), fontNumber=face, lazy=True) if source.suffix == ".ttc" else TTFont(str(source))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    if "fvar" in font:
        limits = {a.axisTag: a.defaultValue for a in font["fvar"].axes}
        for a in font["fvar"].axes:
            if a.axisTag == "wght":
                limits["wght"] = min(max(weight, a.minValue), a.maxValue)
        font = instancer.instantiateVariableFont(font, limits, inplace=False)
    if "CFF2" in font or "CFF " in font:
        _to_truetype(font)
    out = out_dir / f"{script}-{weight}-{digest}.ttf"
    out_dir.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return out


def _to_truetype(font: TTFont) -> None:
    """Replace cubic CFF/CFF2 outlines by quadratic TrueType ones (what every PDF reader and fpdf2 embed alike)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = glyphs
    font["head"].glyphDataFormat = 0
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(glyphs)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = font.getGlyphOrder()
    font.sfntVersion = "\x00\x01\x00\x00"


def document_fonts(text: str, language: str, out_dir: Path) -> list[PdfFont]:
    """The fonts a PDF needs: the language's script first, Latin (regular + bold), then any other script in `text`."""
    main = script_for_language(language)
    wanted = [main, "latin", *sorted(scripts_in(text) - {main, "latin"})]
    fonts: list[PdfFont] = []
    for script in dict.fromkeys(wanted):
        face = CJK_FACE.get(language.split("-")[0].lower(), 2) if script == "cjk" else 0
        regular = static_subset(script, text, 400, out_dir, face=face)
        bold = static_subset(script, text, 700, out_dir, face=face) if script in ("latin", main) else None
        fonts.append(PdfFont(family=f"qm-{script}", script=script, path=regular, bold_path=bold))
    return fonts
