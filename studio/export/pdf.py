"""The storyboard PDF of one variant: frames, timing, camera, the spoken line and its back-translation, on-screen text.

Text stays real text (searchable, copyable): fpdf2 shapes it with HarfBuzz, so Thai marks stack, Arabic joins and
runs right to left, Devanagari forms its conjuncts. The fonts are the studio's Noto fonts, cut to the characters used.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from studio.export.pdf_fonts import document_fonts
from studio.export.shots import ShotRow, VariantSheet, timecode
from studio.model.store import atomic_write_bytes

if TYPE_CHECKING:
    from studio.check.scorecard import Scorecard

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 10.0
HEADER_H = 24.0
COLUMNS, ROWS = 2, 2
FRAME_BOX = (52.0, 78.0)
THUMB_MAX_PX = 720
INK = (20, 20, 24)
MUTED = (110, 110, 120)
RULE = (200, 200, 206)


def _document_text(sheet: VariantSheet, extra: str = "") -> str:
    v, brief = sheet.variant, sheet.project.brief
    parts = [v.name, v.id, v.market, v.language, v.segment, v.call_to_action, v.legal, brief.brand, brief.product]
    if sheet.project.storyboard is not None:
        parts += [sheet.project.storyboard.concept, sheet.project.storyboard.theme]
    for r in sheet.rows:
        parts += [r.voiceover, r.back_translation, r.master_voiceover, r.on_screen_text, r.visual, r.beat, *r.flags]
    parts += [_LABELS, extra]
    text = "\n".join(p for p in parts if p)
    return text + text.upper()


_LABELS = (
    "Shot VO Back-translation Master On screen Framing Camera Transition Visual Flags End card Page of no take yet "
    "Storyboard Concept Call to action Legal Duration Market Language Segment Aspect · – — () : / s"
)


def _thumbnail(path: Path | None) -> Image.Image | None:
    if path is None:
        return None
    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((THUMB_MAX_PX, THUMB_MAX_PX))
        return im.copy()


class _Storyboard:
    def __init__(self, sheet: VariantSheet, font_dir: Path, scorecard: Scorecard | None = None) -> None:
        from fpdf import FPDF

        self.sheet = sheet
        self.scorecard = scorecard
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_image_filter("DCTDecode")
        card_text = (scorecard.text() + _SCORE_LABELS) if scorecard is not None else ""
        fonts = document_fonts(_document_text(sheet, card_text), sheet.variant.language, font_dir)
        for f in fonts:
            pdf.add_font(f.family, "", str(f.path))
            if f.bold_path is not None:
                pdf.add_font(f.family, "B", str(f.bold_path))
        self.main = fonts[0].family
        self.rtl = fonts[0].script in ("arabic", "hebrew")
        pdf.set_fallback_fonts([f.family for f in fonts[1:]], exact_match=False)
        pdf.set_text_shaping(True)
        pdf.set_lang(sheet.variant.language)
        brief = sheet.project.brief
        pdf.set_title(f"{brief.brand} · {sheet.variant.name} · storyboard")
        pdf.set_creator("Qianmian Studio")
        self.pdf = pdf

    def text(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(self.main, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def header(self, page: int, pages: int) -> None:
        pdf, sheet = self.pdf, self.sheet
        brief, v = sheet.project.brief, sheet.variant
        pdf.set_xy(MARGIN, MARGIN)
        self.text(14, bold=True)
        pdf.cell(0, 7, f"{brief.brand} · {brief.product}", new_x="LMARGIN", new_y="NEXT")
        self.text(10)
        pdf.cell(
            0,
            5,
            f"{v.name} · {v.id} · {v.market} / {v.language} / {v.segment} · {sheet.aspect} · "
            f"{sheet.duration_s:.1f} s · {len(sheet.rows)} shots",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.text(8, color=MUTED)
        concept = sheet.project.storyboard.concept if sheet.project.storyboard else ""
        line = " · ".join(x for x in (concept, v.call_to_action, v.legal) if x)
        pdf.cell(PAGE_W - 2 * MARGIN - 25, 4, line[:180])
        if pages:
            pdf.set_xy(PAGE_W - MARGIN - 25, MARGIN + 12)
            pdf.cell(25, 4, f"Page {page} / {pages}", align="R")
        pdf.set_draw_color(*RULE)
        pdf.line(MARGIN, MARGIN + HEADER_H - 4, PAGE_W - MARGIN, MARGIN + HEADER_H - 4)

    def frame(self, row: ShotRow, x: float, y: float) -> float:
        """Draws the take fitted into the frame box; returns the width used."""
        pdf = self.pdf
        box_w, box_h = FRAME_BOX
        thumb = _thumbnail(row.image)
        if thumb is None:
            pdf.set_fill_color(235, 235, 238)
            pdf.rect(x, y, box_w * 0.6, box_h, style="F")
            self.text(8, color=MUTED)
            pdf.set_xy(x, y + box_h / 2 - 2)
            pdf.cell(box_w * 0.6, 4, "no take yet", align="C")
            return box_w * 0.6
        scale = min(box_w / thumb.width, box_h / thumb.height)
        w, h = thumb.width * scale, thumb.height * scale
        pdf.image(thumb, x, y, w, h)
        pdf.set_draw_color(*RULE)
        pdf.rect(x, y, w, h)
        return w

    def field(
        self, x: float, width: float, label: str, value: str, size: float = 9, color: tuple[int, int, int] = INK
    ) -> None:
        if not value:
            return
        pdf = self.pdf
        pdf.set_x(x)
        self.text(6.5, bold=True, color=MUTED)
        pdf.cell(width, 3.2, label.upper(), new_x="LEFT", new_y="NEXT")
        pdf.set_x(x)
        self.text(size, color=color)
        align = "R" if self.rtl and value is not None and label.startswith(("VO", "On screen")) else "L"
        pdf.multi_cell(width, size * 0.5, value, align=align, new_x="LEFT", new_y="NEXT")
        pdf.set_y(pdf.get_y() + 1.2)

    def cell(self, row: ShotRow, x: float, y: float, w: float) -> None:
        pdf, sheet = self.pdf, self.sheet
        used = self.frame(row, x, y)
        tx, tw = x + used + 4, w - used - 6
        pdf.set_xy(tx, y)
        self.text(11, bold=True)
        pdf.cell(tw, 5.5, f"Shot {row.number} · {row.shot_id} · {row.beat.upper()}", new_x="LEFT", new_y="NEXT")
        self.text(8, color=MUTED)
        pdf.set_x(tx)
        pdf.cell(
            tw,
            4,
            f"{timecode(row.start_s)} – {timecode(row.end_s)} ({row.duration_s:.2f} s)",
            new_x="LEFT",
            new_y="NEXT",
        )
        pdf.set_x(tx)
        pdf.cell(tw, 4, f"{row.framing} · {row.camera} · {row.transition}", new_x="LEFT", new_y="NEXT")
        pdf.set_y(pdf.get_y() + 1.5)
        language = sheet.variant.language
        self.field(tx, tw, f"VO ({language})", row.voiceover, 10)
        self.field(tx, tw, "Back-translation", row.back_translation, 8, MUTED)
        if row.master_voiceover and row.master_voiceover != row.voiceover and not row.back_translation:
            self.field(tx, tw, f"Master ({sheet.project.brief.master_language})", row.master_voiceover, 8, MUTED)
        self.field(tx, tw, "On screen", row.on_screen_text, 9)
        if pdf.get_y() < y + FRAME_BOX[1] - 12:
            self.field(tx, tw, "Visual", row.visual[:160], 7, MUTED)
        if row.flags and pdf.get_y() < y + FRAME_BOX[1] - 6:
            self.field(tx, tw, "Flags", " / ".join(row.flags)[:160], 7, (180, 60, 40))

    def build(self) -> bytes:
        per_page = COLUMNS * ROWS
        rows = self.sheet.rows
        pages = max(1, -(-len(rows) // per_page))
        cell_w = (PAGE_W - 2 * MARGIN) / COLUMNS
        cell_h = (PAGE_H - 2 * MARGIN - HEADER_H) / ROWS
        for page in range(pages):
            self.pdf.add_page()
            self.header(page + 1, pages)
            for i, row in enumerate(rows[page * per_page : (page + 1) * per_page]):
                col, line = i % COLUMNS, i // COLUMNS
                self.cell(row, MARGIN + col * cell_w, MARGIN + HEADER_H + line * cell_h, cell_w)
        if self.scorecard is not None:
            self.scorecard_page(self.scorecard)
        return bytes(self.pdf.output())

    def scorecard_page(self, card: Scorecard) -> None:
        """One page: the total, the ABCD group scores, then each item with its verdict, time and reason."""
        pdf = self.pdf
        pdf.add_page()
        self.header(0, 0)
        pdf.set_xy(MARGIN, MARGIN + HEADER_H)
        self.text(13, bold=True)
        platform = f" · {card.platform}" if card.platform else ""
        pdf.cell(0, 7, f"Creative scorecard: {card.total}/100{platform}", new_x="LMARGIN", new_y="NEXT")
        self.text(9, color=MUTED)
        groups = "   ".join(f"{g} {v}" for g, v in card.group_scores().items())
        pdf.cell(0, 5, f"{groups}   ·   measured on {Path(card.video).name}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(pdf.get_y() + 2)
        widths = (24.0, 52.0, 14.0, 18.0, PAGE_W - 2 * MARGIN - 108.0)
        self.text(7, bold=True, color=MUTED)
        for w, title in zip(widths, ("GROUP", "ITEM", "VERDICT", "WHEN", "WHY"), strict=True):
            pdf.cell(w, 5, title)
        pdf.ln(5)
        for row in card.rows():
            if pdf.get_y() > PAGE_H - MARGIN - 14:
                break
            y = pdf.get_y()
            pdf.set_draw_color(*RULE)
            pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
            values = (row["group"], row["item"], row["status"].upper(), row["when"])
            for n, (w, value) in enumerate(zip(widths[:4], values, strict=True)):
                self.text(8, bold=n == 2, color=_STATUS_INK.get(row["status"], INK) if n == 2 else INK)
                pdf.set_xy(MARGIN + sum(widths[:n]), y + 1)
                pdf.multi_cell(w - 2, 3.8, value)
            self.text(8)
            pdf.set_xy(MARGIN + sum(widths[:4]), y + 1)
            pdf.multi_cell(widths[4], 3.8, row["reason"], new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(max(pdf.get_y(), y + 9) + 1)


_SCORE_LABELS = " Creative scorecard GROUP ITEM VERDICT WHEN WHY PASS WARN FAIL N/A measured on 0123456789/%"
_STATUS_INK = {"pass": (30, 130, 70), "warn": (190, 120, 20), "fail": (190, 40, 40), "n/a": MUTED}


def write_storyboard_pdf(sheet: VariantSheet, path: Path, scorecard: Scorecard | None = None) -> Path:
    """The storyboard pages; with a `scorecard` (studio.check.scorecard), a last page that explains it."""
    with tempfile.TemporaryDirectory(prefix="qm-pdf-fonts-") as tmp:
        data = _Storyboard(sheet, Path(tmp), scorecard).build()
    atomic_write_bytes(path, data)
    return path
