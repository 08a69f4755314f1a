"""A brief nobody here wrote, in scripts the other briefs do not use: a cordless stick vacuum (category home) for
Israel (Hebrew, right to left) and Greece (Greek), two segments, no copy, no LLM. Every line a marketer there would
see is in Hebrew or Greek letters and identified as that language, or `qianmian check` names it for a translator;
the two segments hear their own hook and pain; the runtime figure is said; the frames draw a stick vacuum; a Hebrew
caption is laid out right to left; Greek captions are drawn with Greek glyphs; the voice says plainly what it is."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from test_unseen_briefs import _in_language, planned, quick_preview
from test_unseen_briefs import marketer_origins as variant_lines

from pipelines.fonts import font_for_script, font_path, missing_glyphs, script_of_char
from pipelines.image.frame_plan import frame_plan
from studio.check.report import build_report
from studio.model import Project
from studio.planning.knowledge import load_knowledge
from studio.planning.language_check import brand_names, script_of, strip_names
from studio.takes import image_request_for

NAME = "cordless-vacuum"
LANGUAGES = {"IL": "he", "GR": "el"}
#: The letters each language is written in (language_check's script names: Greek is not Latin here).
SCRIPT = {"he": "hebrew", "el": "greek"}


def project() -> Project:
    return planned(NAME)


def own_letters(project: Project, text: str) -> set[str | None]:
    """The scripts of a line's letters, brand and product names left out (they are kept verbatim everywhere)."""
    rest = strip_names(unicodedata.normalize("NFC", text), brand_names(project))
    return {script_of(c) for c in rest if c.isalpha()}


def test_israel_and_greece_are_known_markets_and_the_vacuum_is_a_home_product() -> None:
    p = project()
    knowledge = load_knowledge()
    pack = knowledge.category(p.brief.category)
    assert pack is not None and pack.id == "home"
    assert {v.market: v.language for v in p.variants} == LANGUAGES
    assert len(p.variants) == 4, "both segments in both markets"
    assert [lang.script for lang in knowledge.markets["IL"].languages][:1] == ["Hebrew"]
    assert [lang.script for lang in knowledge.markets["GR"].languages] == ["Greek"]
    # real local motifs: the Friday clean before Shabbat and Pesach; Greek balconies and summer dust
    il, gr = " ".join(knowledge.markets["IL"].motifs), " ".join(knowledge.markets["GR"].motifs)
    assert "Shabbat" in il and "Pesach" in il
    assert "balcony" in gr and "dust" in gr


def test_every_line_is_in_hebrew_or_greek_letters_or_listed_for_a_translator() -> None:
    p = project()
    report = build_report(p, scorecards=False)
    listed = {(t.variant_id, t.shot_id, t.kind) for t in report.translator}
    text = report.text()
    language = {v.id: v.language for v in p.variants}
    said: dict[str, int] = dict.fromkeys(language, 0)
    total: dict[str, int] = dict.fromkeys(language, 0)
    for vid, shot_id, kind, line, came_from in variant_lines(p):
        lang = language[vid]
        total[vid] += 1
        if _in_language(p, lang, line, came_from):
            # identified as the language, and every letter outside the names is Hebrew (or Greek), none Latin
            assert own_letters(p, line) <= {SCRIPT[lang]}, (vid, shot_id, kind, line)
            said[vid] += 1
            continue
        assert (vid, shot_id, kind) in listed, f"{vid} {shot_id} {kind} “{line}” is neither {lang} nor listed"
        where = f"{shot_id} {kind}" if shot_id else kind
        assert f"[TRANSLATE] {where} ({lang}): \u201c{line}\u201d" in text, (vid, where)
    for vid in language:  # the banks carry Hebrew and Greek: only the English legal line waits for a translator
        assert said[vid] == total[vid] - 1, (vid, said[vid], total[vid])
    assert {(t.variant_id, t.kind) for t in report.translator} == {(v, "legal") for v in language}
    assert "still need a translator" in text and "Nothing blocks a final render" not in text


def test_an_english_line_is_not_taken_for_greek_or_hebrew() -> None:
    """The check above can fail: Latin letters in a Greek line are caught even though Greek is drawn with the Latin
    font, and the identifier says an English line is not Hebrew."""
    p = project()
    assert own_letters(p, "Εύκολο από το πρώτο άγγιγμα.") == {"greek"}
    assert own_letters(p, "Easy from the first tap.") == {"latin"}
    assert own_letters(p, "Nimbo. עד 60 דקות עבודה בטעינה אחת.") == {"hebrew"}, "the brand is left out"
    assert not _in_language(p, "he", "Easy to empty: one click, no bags.", "master")
    assert not _in_language(p, "el", "Easy to empty: one click, no bags.", "master")


def test_the_two_segments_of_each_market_hear_their_own_hook_and_pain() -> None:
    """The dog family hears the weekly big clean (Friday before Shabbat in Hebrew) and dog hair on the sofa; the
    renters hear about a small, cluttered flat."""
    p = project()
    for market in LANGUAGES:
        family = p.variant(f"{market.lower()}-dog-families")
        renters = p.variant(f"{market.lower()}-flat-renters")
        assert family.shots[0].line_source is not None and renters.shots[0].line_source is not None
        assert family.shots[0].line_source.tags == ["occasion:cleaning-day"]
        assert family.shots[0].voiceover != renters.shots[0].voiceover, f"{market}: both segments open the same way"
        assert family.shots[1].line_source is not None and renters.shots[1].line_source is not None
        assert family.shots[1].line_source.tags == ["pet-hair"]
        assert renters.shots[1].line_source.tags != family.shots[1].line_source.tags
        assert family.shots[1].voiceover != renters.shots[1].voiceover
    assert "שישי" in p.variant("il-dog-families").shots[0].voiceover, "Friday cleaning, said the Israeli way"
    assert "σκύλου" in p.variant("gr-dog-families").shots[1].voiceover.lower()


def test_the_runtime_figure_is_said_in_hebrew_and_greek() -> None:
    """'Up to 60 minutes of runtime' is not 'long battery life': the voice-over, its shorter forms and the caption
    keep 60, with the language's own word for minutes."""
    p = project()
    assert p.storyboard is not None
    figured = [s.id for s in p.storyboard.shots if "60" in s.voiceover]
    assert figured, "the master says 60"
    minutes = {"he": "דקות", "el": "λεπτά"}
    for v in p.variants:
        for shot_id in figured:
            shot = v.shot(shot_id)
            assert shot.line_status["voice-over"].origin == "phrase-bank", (v.id, shot_id)
            assert "60" in shot.voiceover and minutes[v.language] in shot.voiceover, (v.id, shot.voiceover)
            assert "60" in shot.caption, (v.id, shot.caption)
            assert all("60" in alt for alt in shot.alternatives), (v.id, shot.alternatives)


def test_the_frames_draw_a_stick_vacuum_not_a_washing_machine() -> None:
    from pipelines.image.procedural import render_frame

    p = project()
    assert p.storyboard is not None
    cta = p.storyboard.shots[-1]
    assert cta.beat == "cta"
    for v in p.variants:
        request = image_request_for(p, v.id, cta.id, "9:16")
        assert "vacuum" in request.prompt.lower(), (v.id, request.prompt)
        assert frame_plan(request).product == "vacuum", v.id
    for master in p.storyboard.shots:
        plan = frame_plan(image_request_for(p, p.variants[0].id, master.id, "9:16"))
        assert plan.product == "vacuum", (master.id, plan.product)
        assert not set(plan.props) & {"appliance", "bottle", "tube", "drink", "bowl"}, (master.id, plan.props)
    request = image_request_for(p, p.variants[0].id, cta.id, "9:16").model_copy(update={"width": 288, "height": 512})
    vacuum = np.asarray(render_frame(request).image, dtype=np.int16)
    washer = render_frame(request.model_copy(update={"prompt": "a washing machine", "props": ["washing machine"]}))
    assert washer.plan.product == "appliance"
    assert np.abs(vacuum - np.asarray(washer.image, dtype=np.int16)).mean() > 3, "the vacuum looks like the washer"


def _ink(image: Image.Image) -> np.ndarray:
    a = np.asarray(image.getchannel("A"), dtype=np.int16)
    ys, xs = np.nonzero(a > 40)
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def test_a_hebrew_caption_is_shaped_and_laid_out_right_to_left() -> None:
    """The caption renderer's Hebrew equals the same words drawn by raqm with an explicit right-to-left direction,
    and not the letters in typing order; in a line that starts with the Latin brand, the brand stands at the right
    end and the full stop at the left, as a Hebrew reader expects."""
    from studio.render.text import layout_line, render_text_block

    p = project()
    caption = p.variant("il-dog-families").shots[1].voiceover.rstrip("?")  # the Hebrew font has no '?'
    assert caption and own_letters(p, caption) == {"hebrew"}
    ours = _ink(render_text_block(caption, "he", size_px=40, max_width=4000))
    font = font_for_script("hebrew", "he", 40)

    image = Image.new("RGBA", (1200, 90), (0, 0, 0, 0))
    ImageDraw.Draw(image).text(
        (20, 64), caption, font=font, fill=(255, 255, 255, 255), anchor="ls", direction="rtl", language="he"
    )
    rtl = _ink(image)
    assert ours.shape == rtl.shape and np.abs(ours - rtl).mean() < 3, "not the raqm right-to-left shaping"
    typed = ImageFont.truetype(str(font_path("hebrew")), 40, layout_engine=ImageFont.Layout.BASIC)
    image = Image.new("RGBA", (1200, 90), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((20, 64), caption, font=typed, fill=(255, 255, 255, 255), anchor="ls")
    ltr = _ink(image)
    h, w = min(ours.shape[0], ltr.shape[0]), min(ours.shape[1], ltr.shape[1])
    assert np.abs(ours[:h, :w] - ltr[:h, :w]).mean() > 20, "the letters in typing order look the same: test is blind"
    # glyph order: the first word's ink (column by column) is found at the right end of the line
    first = _ink(render_text_block(caption.split()[0], "he", size_px=40, max_width=4000)).sum(axis=0)
    columns = ours.sum(axis=0)
    misfit = [np.abs(columns[x : x + len(first)] - first).mean() for x in range(len(columns) - len(first) + 1)]
    assert int(np.argmin(misfit)) >= len(columns) - len(first) - 3, "the first word is not at the right end"
    mixed = layout_line(p.variant("il-dog-families").shots[2].voiceover, "he", 40)
    assert mixed.runs[-1].text == "Nimbo" and not mixed.runs[-1].rtl, [r.text for r in mixed.runs]
    assert mixed.runs[0].text == "." and any(r.rtl and "דקות" in r.text for r in mixed.runs)
    assert any(r.text == "60" and not r.rtl for r in mixed.runs), "the figure reads left to right inside Hebrew"


def test_greek_captions_are_drawn_with_greek_glyphs_not_boxes() -> None:
    """Greek is drawn by Noto Sans (the font the studio calls 'latin'): every Greek letter of every Greek caption is
    in its character map and draws its own glyph, not the missing-glyph box."""
    p = project()
    captions = [s.caption for v in p.variants if v.language == "el" for s in v.shots if s.caption]
    captions += [v.call_to_action for v in p.variants if v.language == "el"]
    letters = sorted({c for t in captions for c in unicodedata.normalize("NFC", t) if script_of(c) == "greek"})
    assert len(letters) >= 15, letters
    assert not missing_glyphs(" ".join(captions), "el")
    box = np.asarray(font_for_script("latin", "el", 40).getmask("ש"), dtype=np.int16)  # no Hebrew in Noto Sans
    for ch in letters:
        font = font_for_script(script_of_char(ch) or "latin", "el", 40)
        glyph = np.asarray(font.getmask(ch), dtype=np.int16)
        assert glyph.size and glyph.max() > 0, ch
        assert glyph.shape != box.shape or np.abs(glyph - box).mean() > 5, f"{ch} is drawn as a box"


def test_hebrew_and_greek_are_voiced_offline_and_check_says_the_hebrew_voice_is_a_guide() -> None:
    """espeak speaks both languages with their own voices; its Hebrew reads unpointed text without the vowels, so
    readiness notes it and `qianmian check` says it for the Israeli variants only, with the fix."""
    from pipelines.voice import espeak
    from pipelines.voice.languages import settings_for
    from studio.stages.readiness import check_readiness, readiness_request

    p = project()
    for v in p.variants[:: len(p.variants) // 2]:
        voice = settings_for(v.language)
        assert voice.voice == v.language, (v.language, voice.voice)
        spoken = espeak.synthesize(v.shots[1].voiceover, voice.voice, rate_wpm=voice.rate_wpm)
        assert spoken is not None and len(spoken.samples) > spoken.sample_rate * 0.5
        assert float(np.sqrt(np.mean(spoken.samples.astype(np.float64) ** 2))) > 300, v.id
    report = build_report(p, scorecards=False)
    for v in p.variants:
        notes = [n for n in report.review.get(v.id, []) if n.startswith("voice-over")]
        if v.language == "he":
            assert notes and "espeak for he" in notes[0] and "vowel" in notes[0] and "Fix:" in notes[0], v.id
            assert f"[REVIEW] {notes[0]}" in report.text()
        else:
            assert not notes, (v.id, notes)
    ready = {m.market: m for m in check_readiness(readiness_request(p, {}, "procedural"))}
    assert ready["IL"].ready and ready["IL"].voice.what == "espeak (Hebrew) · guide voice"
    assert any("vowel" in n for n in ready["IL"].notes)
    assert ready["GR"].ready and ready["GR"].voice.what == "espeak (Greek) · guide voice" and not ready["GR"].notes


def test_israeli_rules_and_the_eu_rules_in_greek_name_authority_source_and_date() -> None:
    from studio.preflight.compliance import find_terms, load_rules

    book = load_rules()
    own = [r for r in book.for_market("IL", "home") if "IL" in r.markets]
    assert len(own) >= 2 and all(r.authority and r.source and r.checked.year >= 2026 for r in own)
    assert all("he" in r.terms for r in own)
    p = project()
    findings = build_report(p, scorecards=False).findings
    for v in p.variants:
        warranty = [f for f in findings if f.variant_id == v.id and f.rule_id == "il-warranty-terms"]
        if v.market == "IL":  # the 2-year warranty, said in Hebrew on the proof shot
            assert warranty and all(f.severity == "warn" for f in warranty), v.id
            assert any("אחריות" in w for f in warranty for w in f.words)
        else:
            assert not warranty, v.id
    assert find_terms("והאחריות לשנתיים", ["אחריות"]), "a Hebrew term is found with its prefixes"
    eu = {r.id: r for r in book.for_market("GR", "home")}
    assert eu["eu-ai-label"].labels.get("el", "").startswith("Δημιουργήθηκε")
    assert find_terms("Ανακυκλώσιμο.", eu["eu-environmental-claims"].terms["el"])


def test_a_hebrew_quick_preview_captions_in_hebrew_and_says_its_voice(tmp_path: Path) -> None:
    """About 6 s: the draft captions in Hebrew letters only, and the project records espeak's Hebrew voice."""
    from studio.model import ProjectStore

    project_dir, cues = quick_preview(tmp_path, NAME, "il-flat-renters", "he")
    p = project()
    for cue in cues:
        assert own_letters(p, cue.text) == {"hebrew"}, cue.text
    saved = ProjectStore(project_dir).load()
    backends = {line.backend for line in saved.voice_lines if line.variant_id == "il-flat-renters"}
    assert backends and all("espeak" in b and "he" in b for b in backends), backends
