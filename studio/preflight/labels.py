"""The visible AI-content label: a small chip burned into the top-left corner of every frame where a market's rules
ask for one (an "ai-label" rule in assets/knowledge/compliance) and the cut shows generated images or plays a
synthetic voice, or on every variant when the project asks for it (`settings.ai_label = "always"`).

Here: whether a variant needs the label and its text in the variant's language. The chip itself is drawn by
studio/render/ai_label.py.
"""

from __future__ import annotations

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
    "bn": "AI দিয়ে তৈরি",
    "ur": "AI سے تیار کردہ",
    "pt": "Gerado por IA",
    "es": "Generado con IA",
    "fil": "Gawa ng AI",
    "de": "KI-generiert",
    "fr": "Généré par IA",
    "el": "Δημιουργήθηκε με ΤΝ",
    "he": "נוצר באמצעות בינה מלאכותית",
    "sv": "AI-genererat",
}


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
