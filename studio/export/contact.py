"""A contact sheet PNG: the selected take of every shot in a grid, labelled with shot, beat, length and caption."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from studio.export.shots import VariantSheet
from studio.model.store import atomic_write_bytes

THUMB_H = 480
GAP = 24
LABEL_H = 120
COLUMNS = 5
BACKGROUND = (24, 24, 28)
EMPTY = (60, 60, 66)


def contact_sheet(sheet: VariantSheet, *, thumb_h: int = THUMB_H, columns: int = COLUMNS) -> Image.Image:
    from studio.render.text import render_text_block

    rows = sheet.rows
    thumbs: list[Image.Image | None] = []
    widths = []
    for r in rows:
        if r.image is None:
            thumbs.append(None)
            widths.append(round(thumb_h * 9 / 16))
            continue
        with Image.open(r.image) as im:  # every take at the sheet's height, small previews scaled up too
            width = max(1, min(thumb_h * 4, round(im.width * thumb_h / max(1, im.height))))
            thumbs.append(im.convert("RGB").resize((width, thumb_h), Image.Resampling.LANCZOS))
            widths.append(width)
    cell_w = max([round(thumb_h * 9 / 16), *widths])  # room for the label under the narrowest picture
    cols = max(1, min(columns, len(rows)))
    lines = max(1, -(-len(rows) // cols))
    title_h = 90
    canvas = Image.new("RGB", (GAP + cols * (cell_w + GAP), title_h + lines * (thumb_h + LABEL_H + GAP)), BACKGROUND)
    v = sheet.variant
    title = render_text_block(
        f"{sheet.project.brief.brand} · {v.name} · {v.id} · {sheet.duration_s:.1f} s",
        "en",
        size_px=34,
        max_width=canvas.width - 2 * GAP,
        align="left",
        bold=True,
    )
    canvas.paste(title, (GAP, (title_h - title.height) // 2), title)
    draw = ImageDraw.Draw(canvas)
    for i, (r, thumb) in enumerate(zip(rows, thumbs, strict=True)):
        x = GAP + (i % cols) * (cell_w + GAP)
        y = title_h + (i // cols) * (thumb_h + LABEL_H + GAP)
        if thumb is None:
            draw.rectangle((x, y, x + cell_w - 1, y + thumb_h - 1), fill=EMPTY)
        else:
            canvas.paste(thumb, (x + (cell_w - thumb.width) // 2, y))
        label = render_text_block(
            f"{r.number}. {r.shot_id} · {r.beat.upper()} · {r.duration_s:.2f} s",
            "en",
            size_px=24,
            max_width=cell_w,
            align="left",
            bold=True,
        )
        canvas.paste(label, (x, y + thumb_h + 8), label)
        text = r.on_screen_text or r.voiceover
        room = LABEL_H - label.height - 16
        if text and room > 0:
            caption = render_text_block(text, v.language, size_px=24, max_width=cell_w, align="left")
            caption = caption.crop((0, 0, min(caption.width, cell_w), min(caption.height, room)))
            canvas.paste(caption, (x, y + thumb_h + 16 + label.height), caption)
    return canvas


def write_contact_sheet(sheet: VariantSheet, path: Path) -> Path:
    buf = io.BytesIO()
    contact_sheet(sheet).save(buf, format="PNG", optimize=True)
    atomic_write_bytes(path, buf.getvalue())
    return path
