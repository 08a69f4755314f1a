"""Burned-in captions: placed inside each platform's safe area, at most two balanced lines, fonts checked first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from pipelines.fonts import SCRIPT_FONTS, missing_glyphs
from studio.model.errors import BackendError
from studio.render.text import normalize, render_text_block, wrap_text


@dataclass(frozen=True)
class SafeArea:
    """Margins, as fractions of the frame, that captions stay inside."""

    top: float
    bottom: float
    left: float
    right: float

    def rect(self, frame_w: int, frame_h: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in pixels."""
        return (
            round(frame_w * self.left),
            round(frame_h * self.top),
            round(frame_w * (1 - self.right)),
            round(frame_h * (1 - self.bottom)),
        )


#: Where platform UI covers the picture. Vertical feeds (TikTok, Reels, Shorts) lay the account name, caption and
#: music ticker over the bottom ~20 %, the like/comment/share column over the right ~12 % and the tabs/search bar
#: over the top ~10 %. Square feed posts only get a thin bottom bar; 16:9 uses broadcast title-safe margins (5 %)
#: with a little more at the bottom for player controls.
SAFE_AREAS: dict[str, SafeArea] = {
    "9:16": SafeArea(top=0.10, bottom=0.20, left=0.06, right=0.12),
    "1:1": SafeArea(top=0.06, bottom=0.08, left=0.06, right=0.06),
    "16:9": SafeArea(top=0.05, bottom=0.08, left=0.05, right=0.05),
}

#: Caption size as a fraction of the frame's short side: large enough to read on a phone held at arm's length.
CAPTION_SIZE: dict[str, float] = {"9:16": 0.048, "1:1": 0.045, "16:9": 0.05}
#: Longest caption line as a fraction of the frame width: wide frames keep lines short enough to read at a glance.
MAX_LINE_WIDTH: dict[str, float] = {"9:16": 1.0, "1:1": 0.9, "16:9": 0.7}
#: Font size steps tried when two lines do not hold the caption (each a fraction of the base size).
SHRINK_STEPS = (1.0, 0.9, 0.8, 0.7)
MAX_LINES = 2
#: Outline and backing box, relative to the font size: legible over any picture without hiding it.
STROKE_FRACTION = 0.07
BOX_PAD_FRACTION = 0.35
BOX_COLOR = (0, 0, 0, 110)


@dataclass(frozen=True)
class Overlay:
    """A tight RGBA image to alpha-composite onto every frame of a cue, at (x, y)."""

    image: Image.Image
    x: int
    y: int

    def composite_onto(self, frame: Image.Image) -> Image.Image:
        """`frame` (RGB or RGBA) with the overlay drawn on it; the input is not changed."""
        out = frame.convert("RGBA")
        out.alpha_composite(self.image, (self.x, self.y))
        return out.convert(frame.mode)


def _aspect(aspect: str) -> str:
    """'9:16' from '9:16' or '9x16' (the form used in file names)."""
    return aspect.replace("x", ":")


def safe_area(aspect: str) -> SafeArea:
    return SAFE_AREAS.get(_aspect(aspect), SAFE_AREAS["16:9"])


def _text_width(aspect: str, frame_w: int, frame_h: int, size: int) -> int:
    left, _, right, _ = safe_area(aspect).rect(frame_w, frame_h)
    usable = min(right - left, round(frame_w * MAX_LINE_WIDTH.get(_aspect(aspect), 1.0)))
    return usable - 2 * round(size * BOX_PAD_FRACTION)


def caption_layout(text: str, language: str, frame_w: int, frame_h: int, *, aspect: str) -> tuple[int, list[str]]:
    """The font size and lines a caption is drawn with: the largest step whose lines fit in two."""
    base = CAPTION_SIZE.get(_aspect(aspect), CAPTION_SIZE["16:9"]) * min(frame_w, frame_h)
    lines: list[str] = []
    size = round(base)
    for step in SHRINK_STEPS:
        size = max(8, round(base * step))
        lines = wrap_text(
            text, language, size_px=size, max_width=_text_width(aspect, frame_w, frame_h, size), bold=True
        )
        if len(lines) <= MAX_LINES:
            break
    return size, lines


def caption_overlay(text: str, language: str, frame_w: int, frame_h: int, *, aspect: str) -> Overlay:
    """The caption as white bold text with a dark outline on a soft translucent box, bottom of the safe area.

    Text that needs more than two lines even at the smallest size is drawn on more lines, growing upward (beyond
    the safe area's top only if it must); split long cues with `studio.render.subtitles.split_cue` to avoid that.
    Empty text gives an empty (fully transparent, 1×1) overlay.
    """
    left, _, right, bottom = safe_area(aspect).rect(frame_w, frame_h)
    if not text.strip():
        return Overlay(Image.new("RGBA", (1, 1), (0, 0, 0, 0)), left, bottom - 1)
    size, lines = caption_layout(text, language, frame_w, frame_h, aspect=aspect)
    pad = round(size * BOX_PAD_FRACTION)
    block = render_text_block(
        "\n".join(lines),
        language,
        size_px=size,
        max_width=_text_width(aspect, frame_w, frame_h, size),
        stroke_px=max(1, round(size * STROKE_FRACTION)),
        bold=True,
    )
    w, h = block.width + 2 * pad, block.height + 2 * pad
    box = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(box).rounded_rectangle((0, 0, w - 1, h - 1), radius=pad, fill=BOX_COLOR)
    box = box.filter(ImageFilter.GaussianBlur(max(1, pad // 4)))
    box.alpha_composite(block, (pad, pad))
    if w > frame_w or h > frame_h:
        box = box.crop((0, 0, min(w, frame_w), min(h, frame_h)))
    x = min(max(0, left + (right - left - box.width) // 2), frame_w - box.width)
    y = max(0, bottom - box.height)
    return Overlay(box, x, y)


def check_caption_fonts(items: Iterable[tuple[str, str]]) -> None:
    """Stop before rendering when a caption has a character no installed font can draw.

    `items` are (text, language) pairs. The error lists each language with its offending characters (and
    their code points) and which scripts the fonts cover; a script whose font package is not installed stops
    earlier, naming the package to install.
    """
    problems: dict[str, dict[str, list[str]]] = {}
    for text, language in items:
        for ch in missing_glyphs(text, language):
            problems.setdefault(language, {}).setdefault(ch, []).append(normalize(text))
    if not problems:
        return
    lines = ["Some captions have characters no installed font can draw; they would render as empty boxes:"]
    for language, chars in problems.items():
        shown = ", ".join(f"“{ch}” U+{ord(ch):04X}" for ch in chars)
        example = next(iter(chars.values()))[0]
        lines.append(f"  • {language}: {shown} (in “{_shorten(example)}”)")
    hint = (
        "Edit those captions: emoji and pictographs cannot be burned in, write the words instead. "
        f"Caption fonts cover these scripts: {', '.join(sorted(SCRIPT_FONTS))}"
    )
    raise BackendError("\n".join(lines), hint + ".")


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
