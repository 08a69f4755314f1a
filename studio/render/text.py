"""Script-aware text blocks: per-script font runs on one baseline, right-to-left ordering, script-aware wrapping.

Pillow's raqm layout shapes one run in one font, so a line is cut into runs by script (a Thai line naming "Lumi"
draws the brand in Noto Sans and the Thai in Noto Sans Thai) and, where right-to-left text is present, by bidi
embedding level (python-bidi's UAX #9 resolution). Runs are then put in visual order (rule L2) and each is shaped
by raqm in its own direction, so Arabic joins and reads right to left while a brand or a number inside it stays
left to right.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bidi import algorithm as _bidi
from PIL import Image, ImageDraw, ImageFont

from pipelines.fonts import covers, font_for_script, script_for_language, script_of_char
from studio.render.linebreak import wrap

RGBA = tuple[int, int, int, int]

#: Scripts whose paragraphs run right to left.
RTL_SCRIPTS = frozenset({"arabic", "hebrew"})


@dataclass(frozen=True)
class Run:
    """A piece of one line drawn with one font in one direction."""

    text: str
    script: str
    rtl: bool
    font: ImageFont.FreeTypeFont
    language: str | None
    width: float


@dataclass(frozen=True)
class LineLayout:
    """A line's runs in visual (left to right) order, its advance width and vertical metrics."""

    text: str
    runs: tuple[Run, ...]
    width: float
    ascent: int
    descent: int


def normalize(text: str) -> str:
    """NFC, so Vietnamese tone marks use the precomposed glyphs every Noto font carries."""
    return unicodedata.normalize("NFC", text)


def is_rtl_paragraph(text: str, language: str) -> bool:
    if script_for_language(language) in RTL_SCRIPTS:
        return True
    return bool(text) and _bidi.get_base_level(text) == 1


def _joins_previous(ch: str) -> bool:
    """Combining marks and joiners (ZWJ, ZWNJ, variation selectors) must be shaped in their base's run."""
    category = unicodedata.category(ch)
    return category.startswith("M") or category == "Cf"


def _scripts(line: str, language: str) -> list[str]:
    """The script whose font draws each character: marks follow their base, neutrals join a covering neighbour."""
    own = [script_of_char(ch) for ch in line]
    for i, ch in enumerate(line):
        if i > 0 and _joins_previous(ch):
            own[i] = own[i - 1] if own[i - 1] is not None else own[i]
    home = script_for_language(language)
    resolved: list[str] = []
    for i, ch in enumerate(line):
        script = own[i]
        if script is None:
            prev = resolved[-1] if resolved else None
            nxt = next((s for s in own[i + 1 :] if s is not None), None)
            candidates = [s for s in (prev, nxt, home) if s is not None]
            script = next((s for s in candidates if ch.isspace() or covers(s, ch)), "latin")
        resolved.append(script)
    return resolved


def _levels(line: str, base_rtl: bool) -> list[int]:
    """Resolved UAX #9 embedding level of each character (no explicit embeddings in captions)."""
    if not base_rtl and not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in line):
        return [0] * len(line)
    storage = _bidi.get_empty_storage()
    storage["base_level"] = 1 if base_rtl else 0
    storage["base_dir"] = "R" if base_rtl else "L"
    _bidi.get_embedding_levels(line, storage)
    _bidi.explicit_embed_and_overrides(storage)
    _bidi.resolve_weak_types(storage)
    _bidi.resolve_neutral_types(storage, False)
    _bidi.resolve_implicit_levels(storage, False)
    return [c["level"] for c in storage["chars"]]


def _visual_order(items: list[tuple[int, Run]]) -> list[Run]:
    """Rule L2: from the highest level down to the lowest odd one, reverse every sequence at that level or above."""
    if not items:
        return []
    levels = [lvl for lvl, _ in items]
    runs = [r for _, r in items]
    lowest_odd = min(lvl for lvl in levels if lvl % 2) if any(lvl % 2 for lvl in levels) else max(levels) + 1
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(runs):
            if levels[i] >= level:
                j = i
                while j < len(runs) and levels[j] >= level:
                    j += 1
                runs[i:j] = runs[i:j][::-1]
                levels[i:j] = levels[i:j][::-1]
                i = j
            else:
                i += 1
    return runs


def layout_line(
    line: str, language: str, size_px: int, *, bold: bool = False, base_rtl: bool | None = None
) -> LineLayout:
    line = normalize(line)
    if base_rtl is None:
        base_rtl = is_rtl_paragraph(line, language)
    scripts = _scripts(line, language)
    levels = _levels(line, base_rtl)
    home = script_for_language(language)
    items: list[tuple[int, Run]] = []
    start = 0
    for i in range(1, len(line) + 1):
        if i < len(line) and scripts[i] == scripts[start] and levels[i] == levels[start]:
            continue
        script, level, chunk = scripts[start], levels[start], line[start:i]
        font = font_for_script(script, language, size_px, bold)
        run_lang = language if script == home else None
        direction = "rtl" if level % 2 else "ltr"
        width = font.getlength(chunk, direction=direction, language=run_lang)
        items.append((level, Run(chunk, script, level % 2 == 1, font, run_lang, width)))
        start = i
    runs = _visual_order(items)
    metrics = [r.font.getmetrics() for r in runs] or [font_for_script(home, language, size_px, bold).getmetrics()]
    return LineLayout(
        text=line,
        runs=tuple(runs),
        width=sum(r.width for r in runs),
        ascent=max(m[0] for m in metrics),
        descent=max(m[1] for m in metrics),
    )


def wrap_text(text: str, language: str, *, size_px: int, max_width: float, bold: bool = False) -> list[str]:
    """The lines `render_text_block` would draw: explicit newlines kept, the rest wrapped script-aware and balanced."""
    text = normalize(text)
    base_rtl = is_rtl_paragraph(text, language)
    cache: dict[str, float] = {}

    def measure(s: str) -> float:
        if s not in cache:
            cache[s] = layout_line(s, language, size_px, bold=bold, base_rtl=base_rtl).width
        return cache[s]

    lines: list[str] = []
    for paragraph in text.splitlines():
        lines.extend(wrap(paragraph, language, max_width, measure))
    return lines


def render_text_block(
    text: str,
    language: str,
    *,
    size_px: int,
    max_width: float,
    color: RGBA = (255, 255, 255, 255),
    stroke_px: int = 0,
    stroke_color: RGBA = (0, 0, 0, 255),
    align: str = "center",
    bold: bool = False,
    line_spacing: float = 1.2,
) -> Image.Image:
    """An RGBA image holding `text` wrapped to `max_width`, cropped to the lines' metrics and any ink beyond them.

    `align` is "center", "left", "right" or "start" (left for left-to-right paragraphs, right for right-to-left).
    """
    text = normalize(text)
    base_rtl = is_rtl_paragraph(text, language)
    lines = wrap_text(text, language, size_px=size_px, max_width=max_width, bold=bold)
    if not lines:
        return Image.new("RGBA", (1, 1), (0, 0, 0, 0))
    layouts = [layout_line(line, language, size_px, bold=bold, base_rtl=base_rtl) for line in lines]
    if align == "start":
        align = "right" if base_rtl else "left"
    step = round(size_px * line_spacing)
    block_w = max(1, round(max(lay.width for lay in layouts)))
    pad = stroke_px + size_px // 2
    top_ascent = layouts[0].ascent
    block_h = top_ascent + step * (len(layouts) - 1) + layouts[-1].descent
    canvas = Image.new("RGBA", (block_w + 2 * pad, block_h + 2 * pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    placed: list[tuple[float, int, Run]] = []
    for n, lay in enumerate(layouts):
        baseline = pad + top_ascent + n * step
        x = pad + {"left": 0.0, "right": block_w - lay.width}.get(align, (block_w - lay.width) / 2)
        for run in lay.runs:
            placed.append((x, baseline, run))
            x += run.width
    passes = [(stroke_color, stroke_px)] if stroke_px > 0 else []
    passes.append((color, 0))
    for fill, stroke in passes:
        for x, baseline, run in placed:
            draw.text(
                (x, baseline),
                run.text,
                font=run.font,
                fill=fill,
                anchor="ls",
                direction="rtl" if run.rtl else "ltr",
                language=run.language,
                stroke_width=stroke,
                stroke_fill=fill,
            )
    box = (pad - stroke_px, pad - stroke_px, pad + block_w + stroke_px, pad + block_h + stroke_px)
    ink = canvas.getchannel("A").getbbox()
    if ink:
        box = (min(box[0], ink[0]), min(box[1], ink[1]), max(box[2], ink[2]), max(box[3], ink[3]))
    return canvas.crop(box)
