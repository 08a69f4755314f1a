"""A brief nobody here wrote, in a category and two markets no brief used: a long-wear foundation (category makeup)
for the United Kingdom (British English, en-GB) and Taiwan (Traditional Chinese, zh-Hant), two segments (office
workers with a long, humid commute; students who want a natural look for class and photos), no copy, no LLM.

The UK ads are in British spelling from the en-GB bank (never marked as borrowed) while US and other English markets
keep the master lines; the Taiwanese ones are in Traditional characters and Taiwan's words; the 24-hour and 40-shade
figures are said; the frames draw a foundation bottle with its shade swatches; `qianmian check` names the ASA rule on
filters in beauty ads and the claim cautions (wear time, non-comedogenic); a Taiwanese quick preview speaks Chinese.
A skincare brief still reads as skincare."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from test_unseen_briefs import _in_language, planned, quick_preview
from test_unseen_briefs import marketer_lines as variant_lines

from pipelines.image.frame_plan import frame_plan
from studio.check.report import build_report
from studio.model import Project, load_brief
from studio.model.brief import MarketTarget
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.takes import image_request_for

NAME = "foundation"
BRIEFS = Path(__file__).parent / "briefs"
LANGUAGES = {"GB": "en-GB", "TW": "zh-Hant"}
#: American spellings and words a British marketer would strike out ('color', 'favorite', 'mom', 'apartment').
AMERICAN = re.compile(
    r"\b(colou?r(?<!colour)|color\w*|favorite\w*|flavor\w*|moms?|mommy|apartments?|vacation|fall season|sneakers|"
    r"pants|line up|cell ?phone|\w+iz(e|es|ed|ing)|makeup)\b",
    re.I,
)
#: Simplified-only characters and mainland words a Taiwanese marketer would strike out.
MAINLAND = re.compile(r"[妆时号长调过贴肤适选购买质视频网络优惠这为们还让会对脱现亮轻]|视频|质量|出行|全价|地铁|在线")


def project() -> Project:
    return planned(NAME)


def test_the_foundation_is_makeup_and_a_skincare_brief_is_still_skincare() -> None:
    knowledge = load_knowledge()
    p = project()
    pack = knowledge.category(p.brief.category)
    assert pack is not None and pack.id == "makeup"
    assert {v.market: v.language for v in p.variants} == LANGUAGES and len(p.variants) == 4
    for written in ("beauty", "make-up", "cosmetics", "foundation", "lipstick", "mascara", "concealer"):
        found = knowledge.category(written)
        assert found is not None and found.id == "makeup", written
    for written in ("skincare", "sunscreen", "beauty/skincare", "skin care"):
        found = knowledge.category(written)
        assert found is not None and found.id == "skincare", written
    sunscreen = plan_project(load_brief(BRIEFS / "sunscreen.toml"), llm=None)
    assert knowledge.category(sunscreen.brief.category).id == "skincare"  # type: ignore[union-attr]
    said = " ".join(s.visual for s in sunscreen.storyboard.shots).lower()  # type: ignore[union-attr]
    assert "foundation" not in said and "swatch" not in said
    assert {b.id for b in pack.benefits} >= {"long-wear", "shade-range", "coverage", "transfer-proof"}
    assert {x.id for x in pack.pains} >= {"makeup-slides", "cakey", "wrong-shade"}


def test_every_line_is_british_english_or_traditional_chinese_or_listed_for_a_translator() -> None:
    """Only the English legal line waits for a translator, and only in Taiwan: the UK keeps it as written."""
    p = project()
    report = build_report(p, scorecards=False)
    listed = {(t.variant_id, t.shot_id, t.kind) for t in report.translator}
    language = {v.id: v.language for v in p.variants}
    for vid, shot_id, kind, line, status in variant_lines(p):
        origin = status.origin if status else ""
        if _in_language(p, language[vid], line, origin):
            continue
        assert (vid, shot_id, kind) in listed, f"{vid} {shot_id} {kind} “{line}” is neither {language[vid]} nor listed"
    assert {(t.variant_id, t.kind) for t in report.translator} == {("tw-commuters", "legal"), ("tw-students", "legal")}


def test_the_checks_can_fail_american_spelling_and_simplified_chinese_are_caught() -> None:
    p = project()
    assert AMERICAN.search("Find your favorite color.") and AMERICAN.search("Makeup that won't budge.")
    assert AMERICAN.search("Your mom's apartment.") and not AMERICAN.search("Your favourite colour, Mum.")
    assert MAINLAND.search("持妆长达24小时。") and MAINLAND.search("每一趟出行，都升級。")
    assert not MAINLAND.search("持妝長達24小時。")
    assert not _in_language(p, "zh-Hant", "持妆长达24小时。", "phrase-bank")
    assert not _in_language(p, "zh-Hant", "Stays put for 24 hours.", "master")


def test_the_uk_hears_british_english_from_its_own_bank_never_marked_as_borrowed() -> None:
    """The planner's own words (hook, pain) come from the en-GB bank; the brief's selling points, claim, CTA and legal
    line stay as the brief writes them; nothing is American; `check` has no [REVIEW] for the UK variants."""
    p = project()
    report = build_report(p, scorecards=False)
    for vid, shot_id, kind, line, status in variant_lines(p):
        if not vid.startswith("gb-"):
            continue
        assert not AMERICAN.search(line), (vid, shot_id, kind, line)
        assert status is not None and status.origin in {"phrase-bank", "master"}, (vid, shot_id, kind, status)
        assert "not written for" not in status.note, (vid, shot_id, status.note)
    for v in (p.variant("gb-commuters"), p.variant("gb-students")):
        assert not report.review.get(v.id), report.review.get(v.id)
        for shot in v.shots[:2]:  # hook and pain
            assert shot.line_status["voice-over"].origin == "phrase-bank", (v.id, shot.shot_id)
            assert "phrase bank, unreviewed" in shot.line_status["voice-over"].note
        assert v.call_to_action == "Shop now" and v.legal == p.brief.legal
        assert any("stays put for 24 hours" in s.voiceover for s in v.shots), "the brief's own words, as written"
    assert "[REVIEW]" not in "\n".join(line for line in report.text().splitlines() if "gb-" in line)
    said = " ".join(s.voiceover + " " + s.caption for v in p.variants if v.market == "GB" for s in v.shots)
    assert "Make-up sliding off by the afternoon?" in said and "Foundation looking cakey by lunchtime?" in said


def test_us_and_other_english_markets_keep_the_master_lines() -> None:
    """The same brief for the US, Nigeria and Singapore: no bank of their own, so every line is the master's."""
    brief = load_brief(BRIEFS / f"{NAME}.toml")
    brief = brief.model_copy(
        update={"markets": [MarketTarget(code="US"), MarketTarget(code="NG"), MarketTarget(code="SG")]}
    )
    p = plan_project(brief, llm=None)
    assert {v.language for v in p.variants} == {"en", "en-NG"}
    for vid, shot_id, kind, _, status in variant_lines(p):
        assert status is None or status.origin == "master", (vid, shot_id, kind, status)
    hooks = {v.shots[0].voiceover for v in p.variants}
    assert "Made for your daily commute." not in hooks and "Eight a.m. The city is already moving." in hooks


def test_taiwan_hears_traditional_chinese_and_taiwan_s_words() -> None:
    p = project()
    for vid, shot_id, kind, line, status in variant_lines(p):
        if not vid.startswith("tw-") or kind == "legal":
            continue
        assert status is not None and status.origin in {"phrase-bank", "market-pack"}, (vid, shot_id, kind)
        assert not MAINLAND.search(line), (vid, shot_id, kind, line)
        assert _in_language(p, "zh-Hant", line, status.origin), (vid, shot_id, kind, line)
    said = " ".join(s.voiceover + s.caption for v in p.variants if v.market == "TW" for s in v.shots)
    for word in ("持妝", "色號", "脫妝", "卡粉", "不致粉刺"):
        assert word in said, word
    assert p.variant("tw-commuters").call_to_action == "立即選購"


def test_the_two_segments_of_each_market_hear_their_own_hook_and_pain() -> None:
    """Commuters hear about the commute and make-up sliding off; students about photos and a cakey base."""
    p = project()
    for market in LANGUAGES:
        commuters, students = p.variant(f"{market.lower()}-commuters"), p.variant(f"{market.lower()}-students")
        assert commuters.shots[0].voiceover != students.shots[0].voiceover
        assert commuters.shots[1].line_source is not None and students.shots[1].line_source is not None
        assert commuters.shots[1].line_source.tags == ["makeup-slides"]
        assert students.shots[1].line_source.tags == ["cakey"]
        assert students.shots[0].line_source is not None
        assert students.shots[0].line_source.tags == ["occasion:photo-day"]
        assert "exam" not in students.shots[0].voiceover.lower() and "考試" not in students.shots[0].voiceover
    assert "commute" in p.variant("gb-commuters").shots[0].voiceover.lower()
    assert "照片" in p.variant("tw-students").shots[0].voiceover
    assert "通勤" in p.variant("tw-commuters").shots[0].voiceover


@pytest.mark.parametrize(
    ("figure", "unit"), [("24", {"en-GB": "hours", "zh-Hant": "小時"}), ("40", {"en-GB": "shades", "zh-Hant": "色號"})]
)
def test_the_24_hour_and_40_shade_figures_are_said(figure: str, unit: dict[str, str]) -> None:
    """'Stays put for 24 hours' and '40 shades' keep their numbers in the voice-over, every shorter form and the
    caption, with the language's word for the unit."""
    p = project()
    assert p.storyboard is not None
    figured = [s.id for s in p.storyboard.shots if figure in s.voiceover]
    assert figured, f"the master says {figure}"
    for v in p.variants:
        for shot_id in figured:
            shot = v.shot(shot_id)
            assert figure in shot.voiceover and unit[v.language] in shot.voiceover, (v.id, shot.voiceover)
            assert figure in shot.caption, (v.id, shot.caption)
            assert all(figure in a for a in shot.alternatives), (v.id, shot.alternatives)
    tw = p.variant("tw-commuters").shot(figured[0])
    assert tw.line_status["voice-over"].origin == "phrase-bank"


def test_the_frames_draw_a_foundation_bottle_beside_its_shade_swatches() -> None:
    from pipelines.image.procedural import render_frame

    p = project()
    assert p.storyboard is not None
    for v in p.variants:
        for master in p.storyboard.shots:
            plan = frame_plan(image_request_for(p, v.id, master.id, "9:16"))
            assert plan.product == "foundation", (v.id, master.id, plan.product)
            assert not {"bottle", "tube"} & set(plan.props), plan.props
    cta = p.storyboard.shots[-1]
    hero = image_request_for(p, p.variants[0].id, cta.id, "9:16").model_copy(update={"width": 288, "height": 512})
    assert "foundation" in hero.prompt.lower() and "swatches" in hero.prompt.lower()
    foundation = render_frame(hero)
    serum = render_frame(hero.model_copy(update={"category": "skincare", "prompt": "a serum", "props": []}))
    assert serum.plan.product == "bottle"
    a, b = (np.asarray(f.image, dtype=np.int16) for f in (foundation, serum))
    assert np.abs(a - b).mean() > 2, "the foundation looks like the serum bottle"
    close = frame_plan(image_request_for(p, p.variants[0].id, p.storyboard.shots[2].id, "9:16"))
    assert close.macro == "skin" and not close.product_in_close_up


def test_check_names_the_asa_filter_rule_and_the_claim_cautions() -> None:
    """The UK variants are told about the ASA's rule on filters in beauty ads, and both markets about the wear-time
    figure and 'non-comedogenic'; Taiwan's pack names its own law."""
    p = project()
    report = build_report(p, scorecards=False)
    text = report.text()
    for v in p.variants:
        mine = {f.rule_id for f in report.findings if f.variant_id == v.id}
        assert "claim-caution" in mine, v.id
        cautions = " ".join(f.message for f in report.findings if f.variant_id == v.id and f.rule_id == "claim-caution")
        assert "wear-time claim" in cautions and "comedogenicity test" in cautions, (v.id, cautions)
        if v.market == "GB":
            assert {"gb-asa-beauty-filters", "gb-non-comedogenic-evidence"} <= mine, mine
            # the filter rule is about the pictures: said once for the video, with every line's words
            (filters,) = [f for f in report.findings if f.variant_id == v.id and f.rule_id == "gb-asa-beauty-filters"]
            assert filters.where == "whole video" and "foundation" in [w.lower() for w in filters.words], filters
        else:
            assert "tw-non-comedogenic-evidence" in mine, mine
    assert "[WARN] gb-asa-beauty-filters" in text and "ASA rulings, February 2021" in text
    assert "化粧品衛生安全管理法" in text
    legal = [f for f in report.findings if f.rule_id == "claim-caution" and f.where == "legal"]
    assert not legal, "the legal line that names the test is the proof, not a claim"


def test_the_uk_and_taiwan_packs_hold_the_rules_a_marketer_there_expects() -> None:
    from studio.preflight.compliance import find_terms, load_rules

    gb = {r.id: r for r in load_rules().for_market("GB", "makeup")}
    tw = {r.id: r for r in load_rules().for_market("TW", "makeup")}
    assert {
        "gb-asa-beauty-filters",
        "gb-wear-time-evidence",
        "gb-every-skin-tone",
        "gb-cosmetic-medical-claims",
    } <= set(gb)
    assert "common-medical-claims" not in gb and gb["gb-cosmetic-medical-claims"].severity == "block"
    assert {"tw-cosmetics-medical-efficacy", "tw-cosmetics-exaggeration", "tw-fair-trade-superlatives"} <= set(tw)
    assert find_terms("Our foundation treats acne.", gb["gb-cosmetic-medical-claims"].all_terms())
    assert find_terms("抗痘又持妝", tw["tw-cosmetics-medical-efficacy"].terms["zh"])
    assert find_terms("適合所有膚色", tw["tw-cosmetics-exaggeration"].terms["zh"])
    superlatives = tw["tw-fair-trade-superlatives"]
    assert find_terms("全台第一的粉底", superlatives.terms["zh"], superlatives.exceptions)
    assert not find_terms("第一次用就愛上", superlatives.terms["zh"], superlatives.exceptions)
    assert find_terms("Suits every skin tone.", gb["gb-every-skin-tone"].terms["en"])
    for rule in [*gb.values(), *tw.values()]:
        if rule.id.startswith(("gb-", "tw-")):
            assert rule.authority and rule.source and rule.checked.year >= 2026, rule.id
    assert "to confirm" in tw["tw-cosmetics-medical-efficacy"].authority
    assert "gb-asa-beauty-filters" not in {r.id for r in load_rules().for_market("GB", "automotive")}


def test_british_english_and_taiwanese_chinese_are_voiced_by_their_own_voices() -> None:
    from pipelines.voice import espeak
    from pipelines.voice.languages import settings_for
    from pipelines.voice.registry import VoiceInfo, pick_voice
    from studio.stages.readiness import check_readiness, readiness_request

    p = project()
    for v in p.variants[:: len(p.variants) // 2]:
        voice = settings_for(v.language)
        assert voice.voice == {"en-GB": "en-gb", "zh-Hant": "cmn"}[v.language], (v.language, voice.voice)
        spoken = espeak.synthesize(v.shots[1].voiceover, voice.voice, rate_wpm=voice.rate_wpm)
        assert spoken is not None and len(spoken.samples) > spoken.sample_rate * 0.5
        assert float(np.sqrt(np.mean(spoken.samples.astype(np.float64) ** 2))) > 300, v.id
    ready = {m.market: m for m in check_readiness(readiness_request(p, {}, "procedural"))}
    assert ready["GB"].ready and ready["TW"].ready
    us = VoiceInfo(id="piper:en_US-amy", engine="piper", languages=("en-us", "en"))
    uk = VoiceInfo(id="piper:en_GB-alba", engine="piper", languages=("en-gb", "en"))
    assert pick_voice([us, uk], "en-GB") is uk and pick_voice([us, uk], "en-US") is us
    assert pick_voice([us], "en-GB") is us and pick_voice([us, uk], "en-NG") is us
    assert pick_voice([VoiceInfo(id="x", engine="piper", languages=("en-gb",), ready=False)], "en-GB") is None


def test_a_taiwanese_quick_preview_speaks_and_captions_in_chinese(tmp_path: Path) -> None:
    """About 6 s: the Taiwanese students' draft is heard with the Mandarin espeak voice and captioned in Traditional
    Chinese."""
    from studio.model import ProjectStore

    project_dir, cues = quick_preview(tmp_path, NAME, "tw-students", "zh-Hant")
    assert any("色號" in cue.text or "持妝" in cue.text for cue in cues), [c.text for c in cues]
    assert not any(MAINLAND.search(cue.text) for cue in cues), [c.text for c in cues]
    saved = ProjectStore(project_dir).load()
    backends = {line.backend for line in saved.voice_lines if line.variant_id == "tw-students"}
    assert backends and all("espeak" in b and "cmn" in b for b in backends), backends


@pytest.mark.parametrize(
    ("section", "text", "category", "tag", "slot"),
    [
        ("benefits", "stays put for 24 hours", "makeup", "long-wear", "24"),
        ("benefits", "24-hour long-wear formula", "makeup", "long-wear", "24"),
        ("benefits", "持妝長達24小時", "makeup", "long-wear", "24"),
        ("benefits", "tenue 24 h", "makeup", "long-wear", "24"),
        ("benefits", "40 shades, matched to undertones", "makeup", "shade-range", "40"),
        ("benefits", "40個色號", "makeup", "shade-range", "40"),
        ("benefits", "40 teintes", "makeup", "shade-range", "40"),
        ("benefits", "light, breathable coverage", "makeup", "coverage", ""),
        ("benefits", "transfer-proof under a mask", "makeup", "transfer-proof", ""),
        ("benefits", "不沾口罩", "makeup", "transfer-proof", ""),
        ("pains", "make-up that slides off halfway through the day", "makeup", "makeup-slides", ""),
        ("pains", "粉底厚重又卡粉", "makeup", "cakey", ""),
        ("pains", "a shade that never quite matches", "makeup", "wrong-shade", ""),
        ("claims", "non-comedogenic", "makeup", "non-comedogenic", ""),
        ("claims", "不致粉刺", "skincare", "non-comedogenic", ""),
        ("needs", "photos with friends", "makeup", "photo-ready", ""),
        ("benefits", "24-hour hydration", "skincare", "hydration", ""),
        ("benefits", "long-lasting battery, 12 hours", "electronics", "battery", "12"),
    ],
)
def test_makeup_material_in_any_language_finds_its_tag(
    section: str, text: str, category: str, tag: str, slot: str
) -> None:
    """Selling points, pains and claims of other makeup briefs (and in Chinese or French) find the same tags with
    their figures; skincare's '24-hour hydration' and a phone's battery hours keep their own tags."""
    from studio.planning.phrases import load_banks, match

    found = match(load_banks().lexicon, section, text, category)
    assert found is not None and (found.tag, found.slot) == (tag, slot), (text, found)
