"""A brief nobody here wrote, in two new scripts: an English-learning app for Bangladesh (Bengali) and Pakistan (Urdu,
right to left), two segments, no copy, no LLM. Every line a marketer there would see is Bengali or Urdu (the
identifier and the script agree), or `qianmian check` names it for a translator; the segments hear their own hook
and pain; the minutes figure survives; the frames show the app on a phone; Urdu captions run right to left, shaped
and in an Arabic-script font, Bengali conjuncts are shaped; each language has an offline voice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import ImageFont
from test_text import _column_profile, _match_score, _tofu_chars
from test_unseen_briefs import _in_language, planned, quick_preview

from pipelines.fonts import font_for_script, font_path, missing_glyphs, script_for_language
from pipelines.image.frame_plan import frame_plan
from studio.check.report import build_report
from studio.model.project import LineStatus, Project
from studio.planning.knowledge import load_knowledge
from studio.planning.language_check import brand_names, identify
from studio.planning.phrases import figures
from studio.render.text import is_rtl_paragraph, layout_line, render_text_block
from studio.stages.quality import LINE_KINDS
from studio.takes import image_request_for

BRIEFS = Path(__file__).parent / "briefs"
NAME = "english-app"
LANGUAGES = {"BD": "bn", "PK": "ur"}
FIGURE = "15"


def _lines(variant) -> list[tuple[str, str, str, str]]:  # (shot, kind, text, origin)
    def origin(statuses: dict[str, LineStatus], kind: str) -> str:
        return statuses[kind].origin if kind in statuses else ""

    out = [
        (s.shot_id, k, getattr(s, f), origin(s.line_status, k)) for s in variant.shots for f, k in LINE_KINDS.items()
    ]
    out += [("", "call-to-action", variant.call_to_action, origin(variant.line_status, "call-to-action"))]
    out += [("", "legal", variant.legal, origin(variant.line_status, "legal"))]
    return [line for line in out if line[2].strip()]


def test_bangladesh_speaks_bengali_and_pakistan_urdu_right_to_left() -> None:
    project = planned(NAME)
    knowledge = load_knowledge()
    pack = knowledge.category(project.brief.category)
    assert pack is not None and pack.id == "education"
    assert {v.market: v.language for v in project.variants} == LANGUAGES
    assert len(project.variants) == 4, "both segments in both markets"
    assert knowledge.markets["pk"].languages[0].direction == "rtl"
    assert knowledge.markets["bd"].languages[0].script == "Bengali"
    assert script_for_language("ur") == "arabic" and script_for_language("bn") == "bengali"


def test_every_line_is_bengali_or_urdu_or_listed_for_a_translator() -> None:
    project = planned(NAME)
    report = build_report(project, scorecards=False)
    listed = {(p.variant_id, p.shot_id, p.kind) for p in report.translator}
    text = report.text()
    for variant in project.variants:
        lines = _lines(variant)
        said = 0
        for shot_id, kind, line, came_from in lines:
            if _in_language(project, variant.language, line, came_from):
                said += 1
                continue
            assert (variant.id, shot_id, kind) in listed, f"{variant.id} {shot_id} {kind} “{line}”: neither"
            where = f"{shot_id} {kind}" if shot_id else kind
            assert f"[TRANSLATE] {where} ({variant.language}): \u201c{line}\u201d" in text, (variant.id, where)
        assert said >= len(lines) - 1, (variant.id, said, len(lines))  # only the English legal line is left
        assert (variant.id, "", "legal") in listed
    assert "still need a translator" in text and "Nothing blocks a final render" not in text


def test_urdu_lines_are_told_from_arabic_and_persian() -> None:
    """Every Urdu line of the plan is Urdu to the identifier, and none passes as Arabic; the Arabic bank's line for
    the same benefit, or a Persian sentence, in an Urdu variant is not taken for Urdu."""
    project = planned(NAME)
    names = brand_names(project)
    urdu = [ln[2] for v in project.variants if v.language == "ur" for ln in _lines(v) if ln[1] != "legal"]
    assert len(urdu) >= 16
    for line in urdu:
        assert identify(line, "ur", names=names).ok is True, line
        verdict = identify(line, "ar", names=names)
        assert verdict.ok is False and verdict.detected == "ur", (line, verdict)
    arabic = identify("بضع دقائق فقط يوميًا لتتعلم الإنجليزية.", "ur")
    assert arabic.ok is False and arabic.detected == "ar", arabic
    persian = identify("هر روز فقط پانزده دقیقه انگلیسی تمرین کنید.", "ur")
    assert persian.ok is False and persian.detected == "fa", persian
    bengali = [ln[2] for v in project.variants if v.language == "bn" for ln in _lines(v) if ln[1] != "legal"]
    assert all(identify(t, "bn", names=names).ok is True for t in bengali)
    assert identify(bengali[0], "hi", names=names).ok is False


def test_an_arabic_line_typed_into_an_urdu_variant_is_named_by_check() -> None:
    project = Project.model_validate(planned(NAME).model_dump())
    variant = project.variant("pk-young-professionals")
    shot = variant.shots[1]
    arabic = "هل تشعر بالملل من الدروس الطويلة؟"
    shot.caption, shot.overrides = arabic, {"caption": arabic}
    report = build_report(project, scorecards=False)
    (problem,) = [p for p in report.translator if p.variant_id == variant.id and p.kind == "caption"]
    assert problem.shot_id == shot.shot_id and problem.detected == "ar", problem
    assert arabic in report.text()


def test_the_two_segments_of_a_market_hear_their_own_hook_and_pain() -> None:
    project = planned(NAME)
    for market in LANGUAGES:
        students, professionals = [v for v in project.variants if v.market == market]
        assert students.id.endswith("ielts-students")
        hook_a, hook_b = students.shots[0], professionals.shots[0]
        assert hook_a.line_source is not None and hook_a.line_source.tags == ["occasion:university"]
        assert hook_b.line_source is not None and hook_b.line_source.tags != hook_a.line_source.tags
        assert hook_a.voiceover != hook_b.voiceover
        pain_a, pain_b = students.shots[1], professionals.shots[1]
        assert pain_a.line_source is not None and pain_b.line_source is not None
        assert (pain_a.line_source.tags, pain_b.line_source.tags) == (["costly-classes"], ["no-time"])
        assert pain_a.voiceover != pain_b.voiceover


def test_the_minutes_figure_is_said_in_bengali_and_urdu() -> None:
    """'15-minute lessons' is not 'a few minutes a day': both banks keep the figure, Bengali in its own digits."""
    project = planned(NAME)
    assert project.storyboard is not None
    figured = [s.id for s in project.storyboard.shots if f"{FIGURE}-minute" in s.voiceover]
    assert figured, "the master names the 15-minute lessons"
    for variant in project.variants:
        for shot_id in figured:
            shot = variant.shot(shot_id)
            for line in (shot.voiceover, shot.caption, *shot.alternatives):
                assert FIGURE in figures(line), (variant.id, line)
            assert shot.line_status["voice-over"].origin == "phrase-bank"
            local = {"bn": "১৫ মিনিট", "ur": "15 منٹ"}[variant.language]  # Bangladeshi ads write Bengali digits
            assert local in shot.voiceover and local in shot.caption, (variant.id, shot.voiceover)


def _phone(frame) -> tuple[float, float, tuple[int, int]]:
    """In the product box: the share of dark grey pixels (the phone's body), of near-white pixels (the app's
    screen), and the width and height of the dark body."""
    (box,) = frame.products
    a = np.asarray(frame.image.convert("RGB"), dtype=np.int16)
    x0, y0, x1, y1 = (round(v) for v in box)
    crop = a[max(0, y0) : y1, max(0, x0) : x1]
    dark = (crop.max(axis=2) < 110) & (crop.max(axis=2) - crop.min(axis=2) < 20)
    bright = crop.min(axis=2) > 215
    ys, xs = np.nonzero(dark)
    size = (int(xs.max() - xs.min()), int(ys.max() - ys.min())) if len(xs) else (0, 0)
    return float(dark.mean()), float(bright.mean()), size


def test_the_frames_show_the_app_on_a_phone() -> None:
    from pipelines.image.procedural import render_frame

    project = planned(NAME)
    assert project.storyboard is not None
    cta = project.storyboard.shots[-1]
    for variant in project.variants:
        assert "app" in variant.shot(cta.id).prompt.lower()
        for shot in project.storyboard.shots:
            plan = frame_plan(image_request_for(project, variant.id, shot.id, "9:16"))
            assert plan.product == "app", (variant.id, shot.id, plan.product)  # a student's laptop is scenery
    request = image_request_for(project, "pk-ielts-students", cta.id, "9:16")
    frame = render_frame(request.model_copy(update={"width": 288, "height": 512}))
    body, screen, (w, h) = _phone(frame)
    assert body > 0.05 and screen > 0.15, (body, screen)
    assert h > 1.4 * w, f"a phone stands taller than it is wide ({w}x{h})"


def _captions(language: str) -> list[str]:
    return [s.caption for v in planned(NAME).variants if v.language == language for s in v.shots if s.caption]


@pytest.mark.parametrize(("language", "font"), [("bn", "Noto Sans Bengali"), ("ur", "Noto Sans Arabic")])
def test_captions_draw_in_their_script_s_font_with_no_missing_glyph(language: str, font: str) -> None:
    for caption in _captions(language):
        assert missing_glyphs(caption, language) == [], caption
        assert _tofu_chars(caption, language) == [], caption
        runs = layout_line(caption, language, 40).runs
        own = [r for r in runs if r.script == script_for_language(language)]
        assert own and all(r.font.getname()[0] == font for r in own), [(r.text, r.font.getname()) for r in runs]
        assert sum(len(r.text.strip()) for r in own) >= 0.6 * len(caption.replace(" ", "")), caption
        image = render_text_block(caption, language, size_px=40, max_width=600, stroke_px=2)
        assert (np.asarray(image.getchannel("A")) > 128).sum() > 0.04 * image.width * image.height


@pytest.mark.parametrize(("language", "script", "word"), [("bn", "bengali", "প্রতিদিন"), ("ur", "arabic", "سیکھیں")])
def test_conjuncts_and_joined_letters_are_shaped(language: str, script: str, word: str) -> None:
    """raqm shapes the word: Bengali ra-phala is one glyph cluster and Urdu letters join, so the word is much
    narrower than its letters drawn one by one, and narrower than the unshaped (basic layout) drawing."""
    shaped = font_for_script(script, language, 48)
    basic = ImageFont.truetype(str(font_path(script)), 48, layout_engine=ImageFont.Layout.BASIC)
    width = shaped.getlength(word, language=language, direction="rtl" if script == "arabic" else "ltr")
    assert width < 0.8 * sum(shaped.getlength(c) for c in word), width
    assert width < 0.9 * basic.getlength(word), (width, basic.getlength(word))


def test_an_urdu_caption_reads_right_to_left_with_the_figure_left_to_right() -> None:
    first, second = "روزانہ", "سیکھیں"
    assert is_rtl_paragraph(f"{first} {second}", "ur")
    line = _column_profile(render_text_block(f"{first} {second}", "ur", size_px=64, max_width=4000))
    w1 = _column_profile(render_text_block(first, "ur", size_px=64, max_width=4000))
    w2 = _column_profile(render_text_block(second, "ur", size_px=64, max_width=4000))
    assert _match_score(line, w1, len(line) - len(w1)) < 0.25 * _match_score(line, w1, 0), "first word at the right"
    assert _match_score(line, w2, 0) < 0.25 * _match_score(line, w2, len(line) - len(w2)), "last word at the left"
    figured = next(c for c in _captions("ur") if FIGURE in c)
    runs = layout_line(figured, "ur", 48).runs
    digits = [r for r in runs if FIGURE in r.text]
    assert digits and not digits[0].rtl, "15 stays 15, not 51"
    before = figured.split(FIGURE)[0].strip()
    right = runs[-1].text.strip()
    assert right and before.startswith(right[:4]), (before, [r.text for r in runs])  # the sentence starts rightmost


def test_each_language_has_an_offline_voice_and_readiness_says_so() -> None:
    from pipelines.voice import espeak
    from pipelines.voice.languages import settings_for
    from studio.stages.readiness import check_readiness, readiness_request

    project = planned(NAME)
    for variant in project.variants[:: len(project.variants) // 2]:
        voice = settings_for(variant.language)
        assert voice.voice == variant.language, voice
        spoken = espeak.synthesize(variant.shots[0].voiceover, voice.voice, rate_wpm=voice.rate_wpm)
        assert spoken is not None and len(spoken.samples) > spoken.sample_rate * 0.3
        rms = float(np.sqrt(np.mean(spoken.samples.astype(np.float64) ** 2)))
        assert rms > 300, (variant.id, rms)
    ready = {m.market: m for m in check_readiness(readiness_request(project, {}, "procedural"))}
    assert ready["BD"].voice.ready and "Bengali" in ready["BD"].voice.what
    assert ready["PK"].voice.ready and "Urdu" in ready["PK"].voice.what
    assert ready["PK"].font.ready and "Arabic" in ready["PK"].font.what
    assert ready["BD"].font.ready and "Bengali" in ready["BD"].font.what
    kokoro = {m.market: m for m in check_readiness(readiness_request(project, {"ur": "kokoro"}, "procedural"))}
    assert not kokoro["PK"].voice.ready and "Japanese only" in kokoro["PK"].voice.what


def test_bangladesh_and_pakistan_rule_packs_hold_guaranteed_results() -> None:
    from studio.preflight.compliance import load_rules

    book = load_rules()
    for market in LANGUAGES:
        own = [r for r in book.for_market(market, "education") if market in r.markets]
        assert len(own) >= 2, market
        assert all(r.authority and r.source and r.checked.year >= 2026 for r in own), market
        assert any("to confirm" in r.authority + r.source for r in own), "unsure sections are marked"
    project = Project.model_validate(planned(NAME).model_dump())
    lines = {"pk-ielts-students": "IELTS بینڈ کی گارنٹی۔", "bd-ielts-students": "IELTS ব্যান্ড নিশ্চিত, গ্যারান্টি।"}
    for variant_id, line in lines.items():
        shot = project.variant(variant_id).shots[3]
        shot.caption, shot.overrides = line, {"caption": line}
    findings = build_report(project, scorecards=False).findings
    for variant_id, rule in (("pk-ielts-students", "pk-education-outcome-promises"), ("bd-ielts-students", "bd-")):
        mine = [f for f in findings if f.variant_id == variant_id and f.rule_id.startswith(rule)]
        assert mine and all(f.severity == "warn" for f in mine), (variant_id, [f.rule_id for f in findings])
    untouched = [
        f for f in findings if f.variant_id.endswith("young-professionals") and f.rule_id[:3] in ("bd-", "pk-")
    ]
    assert not untouched, [(f.variant_id, f.rule_id, f.words) for f in untouched]


def test_an_urdu_quick_preview_captions_in_urdu_and_speaks(tmp_path: Path) -> None:
    """About 10 s, so not marked slow."""
    _, cues = quick_preview(tmp_path, NAME, "pk-young-professionals", "ur")
    assert any(set(cue.text) & set("ےںہھٹ") for cue in cues), "Urdu letters reach the captions"


def test_the_ai_label_is_written_in_bengali_and_urdu() -> None:
    from studio.preflight.labels import DEFAULT_LABELS, _in_language

    for language in LANGUAGES.values():
        label = _in_language(DEFAULT_LABELS, language)
        assert label != DEFAULT_LABELS["en"] and identify(label, language, names=["AI"]).ok is True, label
        assert missing_glyphs(label, language) == []
