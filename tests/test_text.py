"""Script-aware text: every script drawn with real glyphs, right-to-left order, line breaks each script allows."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from pipelines.fonts import font_for_script, missing_glyphs
from studio.render.text import layout_line, render_text_block, wrap_text

SAMPLES = {
    "th": "เหงื่อกลายเป็นแสงดาว ผิวสวยตลอดคืนกับ Lumi",
    "zh": "汗水化作星光。整夜派对，妆容不掉！",
    "ja": "汗も星の光に。一晩中パーティーしても、肌はくずれない！",
    "ko": "땀이 별빛으로 바뀌어요. 밤새 파티해도 무너지지 않는 피부.",
    "ar": "مرحبا بالعالم، بشرة مشرقة طوال الليل",
    "hi": "पसीना बने तारों की चमक। पूरी रात पार्टी।",
    "vi": "Mồ hôi hóa ánh sao. Tiệc thâu đêm, làn da vẫn rạng rỡ.",
    "id": "Keringat jadi cahaya bintang. Pesta semalaman, wajah tetap segar.",
}

#: A code point in a private-use plane: no Noto font maps it, so it draws the font's .notdef box.
MISSING = "\U000f0001"


def _ink(image: Image.Image) -> int:
    return int((np.asarray(image.getchannel("A")) > 128).sum())


def _mask(font, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def _tofu_chars(text: str, language: str, size: int = 40) -> list[str]:
    """Characters whose glyph, in the font each run is drawn with, is the font's .notdef box."""
    tofu = []
    for run in layout_line(text, language, size).runs:
        notdef = _mask(run.font, MISSING)
        for ch in run.text:
            if ch.isspace() or ch in "\u200b\u200c\u200d":
                continue
            if _mask(run.font, ch) == notdef:
                tofu.append(ch)
    return tofu


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_every_script_renders_real_glyphs(language: str) -> None:
    text = SAMPLES[language]
    assert missing_glyphs(text, language) == []
    assert _tofu_chars(text, language) == []
    image = render_text_block(text, language, size_px=48, max_width=700, stroke_px=2)
    assert image.mode == "RGBA"
    assert image.width <= 700 + 2 * 2 + 48
    assert _ink(image) > 0.05 * image.width * image.height


def test_tofu_detector_sees_a_missing_glyph() -> None:
    font = font_for_script("thai", "th", 40)
    assert _mask(font, "😀") == _mask(font, MISSING)
    assert _mask(font, "ก") != _mask(font, MISSING)


def test_mixed_script_line_uses_a_font_per_script_on_one_baseline() -> None:
    layout = layout_line("ผิวสวยกับ Lumi ทุกคืน", "th", 48)
    scripts = [run.script for run in layout.runs]
    assert scripts == ["thai", "latin", "thai"]
    assert "Lumi" in layout.runs[1].text
    assert layout.runs[1].font.getname()[0] == "Noto Sans"
    assert layout.runs[0].font.getname()[0] == "Noto Sans Thai"
    assert _tofu_chars("ผิวสวยกับ Lumi ทุกคืน 中文", "th") == []


def _column_profile(image: Image.Image) -> np.ndarray:
    return (np.asarray(image.getchannel("A"), dtype=np.float32) / 255).sum(axis=0)


def _match_score(profile: np.ndarray, word: np.ndarray, at: int) -> float:
    window = profile[at : at + len(word)]
    return float(np.abs(window - word).mean())


def test_arabic_is_drawn_right_to_left() -> None:
    first, second = "مرحبا", "بالعالم"
    kwargs = {"size_px": 64, "max_width": 4000}
    line = _column_profile(render_text_block(f"{first} {second}", "ar", **kwargs))
    w1 = _column_profile(render_text_block(first, "ar", **kwargs))
    w2 = _column_profile(render_text_block(second, "ar", **kwargs))
    right = len(line) - len(w1)
    assert _match_score(line, w1, right) < 0.25 * _match_score(line, w1, 0)
    assert _match_score(line, w2, 0) < 0.25 * _match_score(line, w2, len(line) - len(w2))


def test_latin_brand_inside_arabic_keeps_its_own_direction_at_the_left_end() -> None:
    layout = layout_line("مرحبا بالعالم Lumi", "ar", 48)
    assert layout.runs[0].text.strip() == "Lumi" and not layout.runs[0].rtl
    assert all(run.rtl for run in layout.runs[1:])


# A Thai sentence written as its dictionary words; every allowed break must fall between two of them.
THAI_WORDS = [
    "ผิว", "สวย", "ตลอด", "คืน", "แม้", "เหงื่อ", "ออก", "ก็", "ยัง", "เปล่ง", "ประกาย", "เหมือน", "แสง",
    "ดาว", "บน", "ท้องฟ้า", "ริม", "ทะเล", "ทุก", "ค่ำ", "คืน",
]  # fmt: skip


@pytest.mark.parametrize("width", [160, 240, 330])
def test_thai_wraps_only_between_words(width: int) -> None:
    text = "".join(THAI_WORDS)
    lines = wrap_text(text, "th", size_px=32, max_width=width)
    assert len(lines) > 1
    assert "".join(lines) == text
    boundaries = {sum(len(w) for w in THAI_WORDS[:i]) for i in range(len(THAI_WORDS) + 1)}
    offset = 0
    for line in lines[:-1]:
        offset += len(line)
        assert offset in boundaries, f"break inside a word after {line!r}"


CLOSING = set("。，、．！？：；」』）》〉】〕…ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
OPENING = set("「『（《〈【〔")


def _naive_wrap(text: str, font, width: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if current and font.getlength(current + ch) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current]


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_cjk_line_start_rules(language: str) -> None:
    text = (
        "汗水化作星光。整夜派对，妆容不掉！「夜间修护」，让肌肤焕亮；海边、椰林、蓝天。"
        if language == "zh"
        else "汗も星の光に。一晩中パーティーしても、肌はくずれない！「ちょっと」した魔法、ルミ。"
    )
    font = font_for_script("cjk", language, 32)
    naive_violations = 0
    for width in range(160, 400, 16):
        lines = wrap_text(text, language, size_px=32, max_width=width)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in CLOSING, f"{line!r} starts with a closing mark at width {width}"
        for line in lines[:-1]:
            assert line[-1] not in OPENING, f"{line!r} ends with an opening bracket at width {width}"
        naive = _naive_wrap(text, font, width)
        naive_violations += sum(line[0] in CLOSING for line in naive[1:])
    assert naive_violations > 0, "the sample text must be able to catch a character-by-character wrapper"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("id", "Keringat jadi cahaya bintang, pesta semalaman dengan wajah well-known tetap segar bersama Lumi."),
        ("vi", "Mồ hôi hóa ánh sao, tiệc thâu đêm mà làn da vẫn rạng rỡ cùng tinh chất phục hồi ban đêm."),
        ("ko", "땀이 별빛으로 바뀌어요. 밤새 파티해도 무너지지 않는 피부, 루미 나이트 세럼과 함께."),
        ("hi", "पसीना बने तारों की चमक। पूरी रात पार्टी, चेहरा बिल्कुल ताज़ा।"),
        ("ar", "بشرة مشرقة طوال الليل مع سيروم الإصلاح الليلي من لومي"),
    ],
)
def test_space_separated_scripts_never_split_a_word(language: str, text: str) -> None:
    words = text.split()
    for width in range(160, 600, 40):
        lines = wrap_text(text, language, size_px=28, max_width=width)
        assert " ".join(lines) == text
        assert all(set(line.split()) <= set(words) for line in lines)


def test_lines_are_balanced_without_an_orphan() -> None:
    text = "Keringat jadi cahaya bintang sepanjang malam bersama Lumi"
    lines = wrap_text(text, "id", size_px=40, max_width=900)
    assert len(lines) == 2
    assert len(lines[-1].split()) > 1
    widths = [layout_line(line, "id", 40).width for line in lines]
    assert max(widths) / min(widths) < 1.5


def test_a_word_wider_than_the_line_is_cut_rather_than_overflowing() -> None:
    lines = wrap_text("Supercalifragilisticexpialidocious", "en", size_px=40, max_width=200)
    assert len(lines) > 1
    assert "".join(lines) == "Supercalifragilisticexpialidocious"
    assert all(layout_line(line, "en", 40).width <= 200 for line in lines)


def test_decomposed_vietnamese_draws_like_precomposed() -> None:
    import unicodedata

    text = "Tiệc thâu đêm, làn da vẫn rạng rỡ"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    a = render_text_block(text, "vi", size_px=40, max_width=2000)
    b = render_text_block(decomposed, "vi", size_px=40, max_width=2000)
    assert a.size == b.size
    assert np.array_equal(np.asarray(a), np.asarray(b))


def test_joiners_stay_in_their_base_run() -> None:
    runs = layout_line("क्\u200dष नमस्ते", "hi", 40).runs
    assert len(runs) == 1 and runs[0].script == "devanagari"


def test_japanese_captions_break_between_phrases() -> None:
    text = "一晩中パーティーしても、肌はくずれない！"
    assert wrap_text(text, "ja", size_px=52, max_width=946) == ["一晩中パーティーしても、", "肌はくずれない！"]


@pytest.mark.parametrize("width", range(200, 700, 50))
def test_thai_loanword_missing_from_icu_dictionary_stays_whole(width: int) -> None:
    lines = wrap_text("ผิวสวยตลอดคืนกับเซรั่มบำรุงผิวกลางคืน", "th", size_px=32, max_width=width)
    assert any("เซรั่ม" in line for line in lines)
