"""Shot lists as CSV (UTF-8 with a byte-order mark, so Excel and Numbers read Thai and Chinese) and XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from studio.export.shots import ShotRow, VariantSheet, timecode
from studio.model.store import atomic_write_bytes

COLUMNS = (
    "shot",
    "shot_id",
    "beat",
    "start",
    "end",
    "duration_s",
    "framing",
    "camera",
    "transition",
    "voiceover",
    "back_translation",
    "master_voiceover",
    "on_screen_text",
    "visual",
    "talent",
    "wardrobe",
    "setting",
    "motifs",
    "sound_cue",
    "take",
    "image",
    "voice_file",
    "flags",
)


def row_values(row: ShotRow) -> list[str | int | float]:
    return [
        row.number,
        row.shot_id,
        row.beat,
        timecode(row.start_s),
        timecode(row.end_s),
        round(row.duration_s, 3),
        row.framing,
        row.camera,
        row.transition,
        row.voiceover,
        row.back_translation,
        row.master_voiceover,
        row.on_screen_text,
        row.visual,
        row.talent,
        row.wardrobe,
        row.setting,
        ", ".join(row.motifs),
        row.sound_cue,
        row.take_id or "",
        row.image.name if row.image else "",
        row.voice_file.name if row.voice_file else "",
        " | ".join(row.flags),
    ]


def write_csv(sheet: VariantSheet, path: Path) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in sheet.rows:
        writer.writerow(row_values(row))
    atomic_write_bytes(path, buf.getvalue().encode("utf-8-sig"))
    return path


def write_xlsx(sheet: VariantSheet, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "Shots"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        ws.append(row_values(row))
    rtl = sheet.variant.language.split("-")[0] in ("ar", "he", "fa", "ur")
    widths = {"voiceover": 48, "back_translation": 40, "master_voiceover": 40, "on_screen_text": 30, "visual": 60}
    for i, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)
        if name in widths:
            for cell in ws[get_column_letter(i)][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right" if rtl else "left")
    ws.freeze_panes = "C2"
    v, brief = sheet.variant, sheet.project.brief
    info = wb.create_sheet("Variant")
    for key, value in (
        ("brand", brief.brand),
        ("product", brief.product),
        ("variant", v.id),
        ("name", v.name),
        ("market", v.market),
        ("language", v.language),
        ("segment", v.segment),
        ("aspect", sheet.aspect),
        ("duration_s", round(sheet.duration_s, 3)),
        ("end_card_s", sheet.end_card_s),
        ("call_to_action", v.call_to_action),
        ("legal", v.legal),
    ):
        info.append([key, value])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
    return path
