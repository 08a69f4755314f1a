"""A brief nobody here wrote, of a new category and two new markets: a mobile data plan (unlimited 5G, 98% coverage, no
contract) for Ukraine and Czechia, two segments (students who stream and game on the go, parents who video-call family
abroad every evening), no copy, no LLM. What is particular to it (the generic checks are in test_unseen_briefs.py):
Ukrainian lines are told from Russian (Ukrainian's letters ґ є і ї, Russian's ё ъ ы э, then lingua), and a Russian
line in a Ukrainian variant is named by `qianmian check` twice: for a translator and under the state-language rule;
Czech lines keep their háčky and čárky; the 98% coverage figure is said in each language; 'unlimited' is cautioned
and the fair-use proof is said; the frames draw the plan (full signal bars, 5G, a SIM card), not an app; each variant
is voiced in its language, and a quick preview of a Ukrainian variant speaks and captions in Ukrainian."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from test_unseen_briefs import _in_language, marketer_origins, planned, quick_preview

from pipelines.fonts import missing_glyphs
from pipelines.image.frame_plan import frame_plan
from studio.check.report import build_report
from studio.model import Project
from studio.planning.knowledge import load_knowledge
from studio.planning.language_check import UKRAINIAN_LETTERS, brand_names, identify, script_of, strip_names
from studio.takes import image_request_for

BRIEF = "mobile-plan"
LANGUAGES = {"UA": "uk", "CZ": "cs"}
#: The selling point "coverage for 98% of the population", as each language writes the figure (a no-break space
#: before the per cent sign, as Ukrainian and Czech typesetting do).
COVERAGE = {"uk": "98\u00a0% населення", "cs": "98\u00a0% obyvatel"}
#: The mandatory claim "fair use policy applies", as each bank says it on the proof shot's caption.
FAIR_USE = {"uk": "Справедливе використання", "cs": "Férové používání"}
#: Czech letters with a háček or a čárka (and the kroužek of ů).
CZECH_DIACRITICS = frozenset("áčďéěíňóřšťúůýž")


def _lines(project: Project, variant_id: str) -> list[tuple[str, str, str, str]]:
    """(shot, kind, text, origin) of every line of a variant but the voice-over's shorter forms."""
    return [line[1:] for line in marketer_origins(project) if line[0] == variant_id and line[2] != "alternative"]


def _letters(project: Project, text: str) -> set[str]:
    """The scripts of a line's letters, the brand's names and the network name 5G (the same in every language) left
    out."""
    rest = unicodedata.normalize("NFC", strip_names(text, [*brand_names(project), "5G"]))
    return {s for c in rest if c.isalpha() and (s := script_of(c)) is not None}


def test_the_plan_is_read_as_telecom_and_the_new_markets_speak_ukrainian_and_czech() -> None:
    project = planned(BRIEF)
    knowledge = load_knowledge()
    pack = knowledge.category(project.brief.category)
    assert pack is not None and pack.id == "telecom"
    for alias in ("mobile plan", "data plan", "eSIM", "carrier", "5G", "broadband"):
        found = knowledge.category(alias)
        assert found is not None and found.id == "telecom", alias
    assert {v.market: v.language for v in project.variants} == LANGUAGES
    ua, cz = knowledge.markets["UA"], knowledge.markets["CZ"]
    assert [lang.code for lang in ua.languages] == ["uk"] and [lang.code for lang in cz.languages] == ["cs"]
    assert (ua.formats.currency_code, cz.formats.currency_code) == ("UAH", "CZK")
    assert ua.formats.currency == "1\u00a0234,56\u00a0грн" and cz.formats.currency == "1\u00a0234,56\u00a0Kč"
    assert ua.formats.number == cz.formats.number == "1\u00a0234,56"
    assert any("war imagery" in n for n in ua.negative) and any("military uniforms" in n for n in ua.negative)
    for variant in project.variants:  # no war imagery reaches a Ukrainian frame, whatever the shot
        if variant.market == "UA":
            assert all("war imagery" in s.negative_prompt for s in variant.shots), variant.id


def test_every_line_is_ukrainian_or_czech_and_only_the_english_legal_line_goes_to_a_translator() -> None:
    project = planned(BRIEF)
    report = build_report(project, scorecards=False)
    listed = {(p.variant_id, p.shot_id, p.kind) for p in report.translator}
    assert listed == {(v.id, "", "legal") for v in project.variants}, listed
    for variant in project.variants:
        lines = _lines(project, variant.id)
        said = [ln for ln in lines if _in_language(project, variant.language, ln[2], ln[3])]
        assert len(said) == len(lines) - 1, (variant.id, [ln for ln in lines if ln not in said])
        spoken = " ".join(ln[2] for ln in said)
        if variant.language == "uk":
            assert all(_letters(project, ln[2]) <= {"cyrillic"} for ln in said), spoken
            assert len(set(spoken) & UKRAINIAN_LETTERS) >= 2, f"{variant.id}: few Ukrainian letters in “{spoken}”"
            assert not set(spoken) & set("ёъыэЁЪЫЭ"), f"{variant.id}: Russian letters in “{spoken}”"
            ukrainian = [ln[2] for ln in said if set(ln[2]) & UKRAINIAN_LETTERS]
            assert len(ukrainian) >= len(said) // 2, (variant.id, ukrainian)
            for line in ukrainian:  # read as Ukrainian, and never as Russian
                assert identify(line, "uk", names=brand_names(project)).ok is True, line
                verdict = identify(line, "ru", names=brand_names(project))
                assert verdict.ok is False and verdict.detected == "uk", (line, verdict)
        else:
            assert all(_letters(project, ln[2]) <= {"latin"} for ln in said), spoken
            marks = set(spoken.lower()) & CZECH_DIACRITICS
            assert len(marks) >= 4, f"{variant.id}: Czech written without its háčky and čárky? {sorted(marks)}"
            assert marks & set("čďěňřšťž") and marks & set("áéíóúý"), f"{variant.id}: háčky and čárky both {marks}"
            assert "Neomezená data" in spoken and "Pokrytí" in spoken, spoken


def test_a_russian_line_in_a_ukrainian_variant_is_named_for_a_translator_and_under_the_state_language_rule() -> None:
    """The Russian bank's own line for the same selling point, pasted into a Ukrainian variant: the language check
    names it as Russian and the UA state-language rule blocks it; the Czech variants have no such rule."""
    from studio.planning.phrases import load_banks

    project = planned(BRIEF).model_copy(deep=True)
    variant = project.variant("ua-students")
    shot = variant.shots[2]
    russian = load_banks().bank("ru").benefits["unlimited-5g"][0]  # type: ignore[union-attr]
    assert shot.line_source is not None and "unlimited-5g" in (shot.line_status["voice-over"].note or "")
    shot.voiceover = russian
    report = build_report(project, scorecards=False)
    named = {(p.variant_id, p.shot_id, p.kind): p for p in report.translator}
    assert (variant.id, shot.shot_id, "voice-over") in named, named
    assert shot.line_status["voice-over"].detected == "ru"
    assert f"[TRANSLATE] {shot.shot_id} voice-over (uk): \u201c{russian}\u201d" in report.text()
    law = [f for f in report.findings if f.rule_id == "ua-state-language" and f.variant_id == variant.id]
    (line,) = [f for f in law if f.where == shot.shot_id]
    assert line.severity == "block" and line.words == ["ru"] and "2704-VIII" in line.authority
    assert "Ukrainian" in line.message
    assert f"[BLOCK] ua-state-language · {shot.shot_id} voiceover: \u201cru\u201d" in report.text()
    # the untouched Ukrainian lines pass: only the swapped line and the English legal line are named
    assert {f.where for f in report.findings if f.rule_id == "ua-state-language"} == {shot.shot_id, "legal"}
    assert not [f for f in report.findings if f.rule_id == "ua-state-language" and f.market == "CZ"]
    # short and long Russian lines with no Russian-only letters are still told from Ukrainian
    assert identify("Переходи на Hvylia сегодня.", "uk", names=["Hvylia"]).detected == "ru"
    assert identify("Видеозвонок опять завис?", "uk").ok is False
    assert identify("Відеодзвінок знову завис?", "uk").ok is True
    assert identify("Безлимитный интернет на весь месяц.", "uk").detected == "ru"


def test_a_ukrainian_market_given_a_russian_variant_is_refused_whole() -> None:
    project = planned(BRIEF).model_copy(deep=True)
    variant = project.variant("ua-parents")
    variant.language = "ru"
    findings = build_report(project, scorecards=False).findings
    (whole,) = [f for f in findings if f.rule_id == "ua-state-language" and f.variant_id == variant.id]
    assert whole.where == "whole video" and whole.words == ["ru"] and whole.severity == "block"


def test_the_98_percent_coverage_is_said_in_each_language_with_its_source_asked_for() -> None:
    project = planned(BRIEF)
    report = build_report(project, scorecards=False)
    for variant in project.variants:
        proof = variant.shots[3]
        assert proof.line_source is not None and proof.line_source.tags[0] == "network-coverage"
        assert COVERAGE[variant.language] in proof.voiceover and COVERAGE[variant.language] in proof.caption
        assert all("98" in alt for alt in proof.alternatives), proof.alternatives
        assert "98%" not in proof.caption, "written as the language writes it, with a space before %"
        cautions = [f for f in report.findings if f.variant_id == variant.id and f.rule_id == "claim-caution"]
        assert any(f.where == proof.shot_id and "source" in f.message for f in cautions), variant.id
    # the brief's legal line dates the coverage; without it each market's rule asks for the source and date
    bare = planned(BRIEF).model_copy(deep=True)
    bare.brief.legal = "Unlimited data subject to the fair use policy."
    for variant in bare.variants:
        variant.legal = ""
    findings = build_report(bare, scorecards=False).findings
    for variant in bare.variants:
        rule = {"UA": "ua-coverage-source", "CZ": "cz-coverage-source"}[variant.market]
        assert any(f.rule_id == rule and f.where == variant.shots[3].shot_id for f in findings), variant.id


def test_a_decimal_coverage_figure_is_written_with_a_decimal_comma_and_still_counts_as_the_figure() -> None:
    """'99.5%' is '99,5 %' in Ukrainian and Czech (a dot would read as a thousands mark), and the line keeps it."""
    from studio.model import load_brief
    from studio.planning import plan_project

    brief = load_brief(Path(__file__).parent / "briefs" / f"{BRIEF}.toml")
    points = [brief.selling_points[0], "coverage for 99.5% of the population", brief.selling_points[2]]
    project = plan_project(brief.model_copy(update={"selling_points": points}), llm=None)
    for variant in project.variants:
        proof = variant.shots[3]
        assert proof.line_status["voice-over"].origin == "phrase-bank", (variant.id, proof.voiceover)
        assert "99,5\u00a0%" in proof.voiceover and "99,5\u00a0%" in proof.caption, (variant.id, proof.caption)
        assert "99.5" not in proof.voiceover + proof.caption


def test_unlimited_is_cautioned_and_the_fair_use_proof_is_said_and_asked_for_where_it_is_missing() -> None:
    project = planned(BRIEF)
    report = build_report(project, scorecards=False)
    text = report.text()
    for variant in project.variants:
        solution = variant.shots[2]
        said = solution.voiceover.lower()
        assert ("безлімітний" if variant.language == "uk" else "neomezená") in said, said
        assert "5G" in solution.voiceover and "5G" in solution.caption, "unlimited 5G keeps its 5G"
        assert FAIR_USE[variant.language] in variant.shots[3].caption, variant.shots[3].caption
        mine = [f for f in report.findings if f.variant_id == variant.id]
        assert any(
            f.rule_id == "claim-caution" and f.where == solution.shot_id and "fair-use" in f.message for f in mine
        )
        # the brief's claim and legal line say the fair use policy: the market's own rule is satisfied
        assert not [f for f in mine if f.rule_id.endswith("unlimited-fair-use")], variant.id
    assert "[WARN] claim-caution · s3 voiceover: \u201cБезлімітний\u201d" in text
    assert "[WARN] claim-caution · s3 voiceover: \u201cNeomezená\u201d" in text
    bare = planned(BRIEF).model_copy(deep=True)
    bare.brief.mandatory_claims = []
    bare.brief.legal = "Coverage as of 2026."
    for variant in bare.variants:
        variant.legal = ""
        variant.shots[3].caption = variant.shots[3].caption.split(" · ")[0]
    findings = build_report(bare, scorecards=False).findings
    for variant in bare.variants:
        rule = {"UA": "ua-unlimited-fair-use", "CZ": "cz-unlimited-fair-use"}[variant.market]
        (found,) = [f for f in findings if f.rule_id == rule and f.variant_id == variant.id and f.where == "s3"][:1]
        assert found.severity == "warn" and ("ČTÚ" in found.authority or "НКЕК" in found.authority)


def test_ua_and_cz_rule_packs_name_authority_source_and_date() -> None:
    from studio.preflight.compliance import load_rules

    book = load_rules()
    for market, ids in {
        "UA": {"ua-state-language", "ua-superlative-unproven", "ua-unlimited-fair-use", "ua-coverage-source"},
        "CZ": {"cz-unlimited-fair-use", "cz-superlative-unproven", "cz-coverage-source", "eu-ai-label"},
    }.items():
        rules = {r.id: r for r in book.for_market(market, "telecom")}
        assert ids <= set(rules), (market, sorted(rules))
        assert all(rules[i].authority and rules[i].source and rules[i].checked.year >= 2026 for i in ids)
    assert "40/1995" in book.rule("cz-superlative-unproven").authority  # type: ignore[union-attr]
    assert "2005/29/EC" in Path(book.files["cz-unlimited-fair-use"]).read_text(encoding="utf-8")
    assert book.rule("eu-ai-label").labels["cs"] == "Vytvořeno pomocí AI"  # type: ignore[union-attr]


def test_segments_hear_their_own_hook_and_pain() -> None:
    """Students hear about their ride and data that runs out; parents about family and a call that freezes."""
    project = planned(BRIEF)
    for variant in project.variants:
        hook, pain = variant.shots[0], variant.shots[1]
        assert hook.line_status["voice-over"].origin == "phrase-bank", (variant.id, hook.voiceover)
        assert pain.line_source is not None
        if variant.segment == "students":
            assert pain.line_source.tags == ["data-runs-out"], pain.line_source
        else:
            assert pain.line_source.tags == ["no-signal"], pain.line_source
            family = {"uk": "рідними", "cs": "Rodina"}[variant.language]
            assert family in hook.voiceover, (variant.id, hook.voiceover)
            assert "child of about" not in hook.talent and "girl of about" not in hook.talent, hook.talent
            assert "an Ukrainian" not in hook.prompt and "an European" not in hook.prompt, hook.prompt


def test_the_frames_draw_the_plan_on_a_phone_with_signal_bars_and_a_sim_card_not_an_app() -> None:
    from pipelines.image.procedural import render_frame
    from pipelines.image.products import SIGNAL_GREEN, SIM_GOLD

    project = planned(BRIEF)
    assert project.storyboard is not None
    for master in project.storyboard.shots:
        plan = frame_plan(image_request_for(project, project.variants[0].id, master.id, "9:16"))
        assert plan.product == "mobile-plan", (master.id, plan.product)
        assert not set(plan.props) & {"bowl", "drink", "bottle"}, (master.id, plan.props)
    variant = project.variant("ua-parents")
    cta = variant.shots[-1]
    assert "signal bars" in cta.prompt and "SIM card" in cta.prompt, cta.prompt
    request = image_request_for(project, variant.id, cta.shot_id, "9:16").model_copy(
        update={"width": 360, "height": 640}
    )

    def colours(frame: object) -> tuple[int, int]:
        left, top, right, bottom = (int(v) for v in frame.products[0])  # type: ignore[attr-defined]
        a = np.asarray(frame.image, dtype=np.int16)[max(0, top) : bottom, max(0, left) : right].reshape(-1, 3)  # type: ignore[attr-defined]

        def near(rgb: tuple[int, int, int]) -> int:
            return int((np.abs(a - np.array(rgb)).max(axis=1) <= 4).sum())

        return near(SIGNAL_GREEN), near(SIM_GOLD)

    plan_frame = render_frame(request)
    assert plan_frame.plan.product == "mobile-plan"
    green, gold = colours(plan_frame)
    assert green > 300 and gold > 30, (green, gold)
    app = render_frame(request.model_copy(update={"category": "finance-apps", "prompt": "the app on a phone"}))
    assert app.plan.product == "app"
    assert colours(app)[0] < 20, "no signal bars on a finance app's screen"


def test_ukrainian_and_czech_letters_are_drawn_and_each_variant_is_voiced_in_its_language() -> None:
    from pipelines.voice import espeak
    from pipelines.voice.languages import settings_for
    from studio.stages.readiness import check_readiness, readiness_request

    project = planned(BRIEF)
    assert not missing_glyphs("ґєіїҐЄІЇ", "uk") and not missing_glyphs("áčďéěíňóřšťúůýžŘŮ", "cs")
    for variant in project.variants[:: len(project.variants) // 2]:
        captions = " ".join(s.caption for s in variant.shots)
        assert not missing_glyphs(captions, variant.language), captions
        voice = settings_for(variant.language)
        assert voice.voice == variant.language, (variant.language, voice.voice)
        spoken = espeak.synthesize(variant.shots[1].voiceover, voice.voice, rate_wpm=voice.rate_wpm)
        assert spoken is not None and len(spoken.samples) > spoken.sample_rate * 0.5
        assert float(np.sqrt(np.mean(spoken.samples.astype(np.float64) ** 2))) > 300
    ready = {r.market: r for r in check_readiness(readiness_request(project, {}, "procedural"))}
    assert (ready["UA"].voice.what, ready["CZ"].voice.what) == (
        "espeak (Ukrainian) · guide voice",
        "espeak (Czech) · guide voice",
    )
    assert all(r.voice.ready and r.font.ready for r in ready.values())
    (ua,) = [
        r
        for r in check_readiness(readiness_request(project, {"uk": "piper:uk_UA-ukrainian_tts-medium"}, "procedural"))
        if r.market == "UA"
    ]
    assert not ua.voice.ready and "uk_UA-ukrainian_tts-medium" in ua.voice.what + ua.voice.hint, ua.voice


def test_a_ukrainian_quick_preview_captions_in_ukrainian_and_speaks(tmp_path: Path) -> None:
    """About 10 s, so not marked slow."""
    _, cues = quick_preview(tmp_path, BRIEF, "ua-students", "uk")
    said = " ".join(cue.text for cue in cues)
    assert set(said) & UKRAINIAN_LETTERS, f"Ukrainian letters reach the captions: {said}"
    project = planned(BRIEF)
    assert all(_letters(project, cue.text) <= {"cyrillic"} for cue in cues), said
    assert all(identify(cue.text, "uk", names=brand_names(project)).ok is not False for cue in cues), said
    assert any(COVERAGE["uk"] in cue.text.replace(" %", "\u00a0%") for cue in cues), said


@pytest.mark.parametrize("language", ["uk", "cs"])
def test_the_banks_say_the_telecom_lines_in_their_own_language(language: str) -> None:
    from studio.planning.phrases import load_banks

    bank = load_banks().bank(language)
    assert bank is not None and bank.reviewed is False
    tags = ("unlimited-5g", "unlimited-data", "5g-speed", "no-contract", "roaming")
    lines = [line for t in tags for line in bank.benefits[t]] + bank.pains["no-signal"] + bank.pains["bill-shock"]
    lines += bank.hooks["stay-in-touch"] + bank.proofs["fair-use"] + bank.categories["telecom"].cta
    for line in lines:
        verdict = identify(line.replace("{brand}", "Hvylia"), language, names=["Hvylia"])
        assert verdict.ok is not False, (line, verdict)
        if language == "uk":
            assert not set(line) & set("ёъыэ"), line
        else:
            assert identify(line, "pl").ok is not True or set(line.lower()) & CZECH_DIACRITICS, line
