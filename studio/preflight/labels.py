"""The visible AI-content label: a small chip burned into the top-left corner of every frame where a market's rules
ask for one (an "ai-label" rule in assets/knowledge/compliance) and the cut shows generated images or plays a
synthetic voice, or on every variant when the project asks for it (`settings.ai_label = "always"`).

The chip sits inside the platform's safe area, below the DRAFT band's place and far above the captions (which keep
to the bottom of the safe area), and is set with the project's text renderer, so every script shapes.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from studio.model import Project, Variant

#: The label in languages whose market rules do not give one (used with settings.ai_label = "always").
DEFAULT_LABELS: dict[str, str] = {
    "en": "AI-generated",
    "zh": "AI生成",
    "ja": "AI生成",
    "ko": "AI 생성 콘텐츠",
    "th": "สร้างด้วย AI",
    "vi": "Nội dung tạo bằng AI",
    "id": "Dibuat dengan AI",
    "ms": "Dijana oleh AI",
    "ar": "مُنشأ بالذكاء الاصطناعي",
    "hi": "AI द्वारा निर्मित",
    "pt": "Gerado por IA",
    "es": "Generado con IA",
    "fil": "Gawa ng AI",
    "de": "KI-generiert",
    "fr": "Généré par IA",
}
#: Chip text height as a fraction of the frame's short side; the chip's top edge as a fraction of the height.
LABEL_SIZE = 0.026
LABEL_TOP = 0.125
LABEL_BG = (20, 20, 20, 190)


def _in_language(labels: dict[str, str], language: str) -> str:
    primary = language.split("-")[0].lower()
    for key in (language, language.lower(), primary):
        if key in labels:
            return labels[key]
    return labels.get("en") or DEFAULT_LABELS["en"]


def label_text(project: Project, variant: Variant) -> str:
    """The label to burn into this variant's frames, in its language; "" when none is needed or it is turned off."""
    from studio.preflight.compliance import generated_media, load_rules

    mode = project.settings.ai_label
    if mode == "off":
        return ""
    if mode == "always":
        return _in_language(DEFAULT_LABELS, variant.language)
    rules = [r for r in load_rules().for_market(variant.market, project.brief.category) if r.kind == "ai-label"]
    if not rules or not generated_media(project, variant):
        return ""
    return _in_language({**DEFAULT_LABELS, **rules[0].labels}, variant.language)


def label_chip(text: str, language: str, width: int, height: int, aspect: str) -> tuple[Image.Image, int, int]:
    """The chip (RGBA) and where its top-left corner goes: inside the safe area's left edge, LABEL_TOP down."""
    from studio.render.captions import safe_area
    from studio.render.text import render_text_block

    size = max(8, round(min(width, height) * LABEL_SIZE))
    ink = render_text_block(text, language, size_px=size, max_width=width * 0.45, bold=True)
    pad_x, pad_y = round(size * 0.6), round(size * 0.35)
    chip = Image.new("RGBA", (ink.width + 2 * pad_x, ink.height + 2 * pad_y), (0, 0, 0, 0))
    ImageDraw.Draw(chip).rounded_rectangle(
        (0, 0, chip.width - 1, chip.height - 1), radius=max(2, chip.height // 4), fill=LABEL_BG
    )
    chip.alpha_composite(ink, (pad_x, pad_y))
    left, top, _, _ = safe_area(aspect).rect(width, height)
    return chip, left, max(top, round(height * LABEL_TOP))
