"""A brief nobody here wrote, of a regulated category and a market no brief used: a vitamin D3 + magnesium softgel
(category supplements) for Canada in English AND Canadian French, and for Mexico, two segments (office workers who
barely see daylight in winter, active retirees who walk every morning), no copy, no LLM. Canada is listed twice
(language = "en" and "fr-CA"): two Canadian variants per segment with their own ids; the French ones are said with
the Québec bank (tutoiement, magasiner), never France's, and no [REVIEW] is asked for them; the English ones are the
master lines; the 1000 IU figure is said everywhere; a disease claim typed into a line is flagged by `qianmian check`
in English, French and Spanish; the NPN, Bill 96 and COFEPRIS legend rules are named; the frames draw a supplement
bottle with softgels; a quick preview of a Canadian French variant speaks and captions in French."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from test_unseen_briefs import BRIEFS, _in_language, planned, quick_preview

from pipelines.image.frame_plan import frame_plan
from pipelines.image.products import AMBER, SOFTGEL
from studio.check.report import build_report
from studio.model import Project, load_brief
from studio.model.errors import ValidationFailed
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.preflight.compliance import check_variant, find_terms, load_rules
from studio.takes import image_request_for

BRIEF = "vitamin-d"
#: What a France-French copywriter writes and a Québec one would strike: English loans Québec avoids, France's
#: 'week-end', 'e-mail', 'shopping', 'Shoppez', and the vouvoiement most Québec ads do not use.
FRANCE_ONLY = re.compile(r"\b(shopping|shoppez|e-?mail|week-end|mail|vous|votre|vos|portable|parking)\b", re.I)


def project() -> Project:
    return planned(BRIEF)


def _said(variant: object) -> list[str]:
    """Every line a viewer hears or reads in a variant: voice-overs, their shorter forms, captions, CTA."""
    out: list[str] = []
    for s in variant.shots:  # type: ignore[attr-defined]
        out += [s.voiceover, s.caption, *s.alternatives]
    out.append(variant.call_to_action)  # type: ignore[attr-defined]
    return [t for t in out if t.strip()]


def test_canada_listed_twice_plans_an_english_and_a_french_variant_per_segment_with_their_own_ids() -> None:
    p = project()
    ids = {v.id: (v.market, v.language) for v in p.variants}
    assert ids == {
        "ca-en-office-winter": ("CA", "en"),
        "ca-en-active-retirees": ("CA", "en"),
        "ca-fr-office-winter": ("CA", "fr-CA"),
        "ca-fr-active-retirees": ("CA", "fr-CA"),
        "mx-office-winter": ("MX", "es-MX"),
        "mx-active-retirees": ("MX", "es-MX"),
    }
    assert p.brief.market_rows() == ["CA · en", "CA · fr-CA", "MX"]
    rows = {v.id: p.brief.market_row(v.market, v.language) for v in p.variants}
    assert rows["ca-en-office-winter"] == 0 and rows["ca-fr-office-winter"] == 1 and rows["mx-office-winter"] == 2
    pack = load_knowledge().category(p.brief.category)
    assert pack is not None and pack.id == "supplements"
    assert [lang.code for lang in load_knowledge().markets["CA"].languages] == ["en", "fr-CA"]


def test_a_market_listed_twice_in_one_language_or_without_one_is_refused_naming_the_fix() -> None:
    brief = load_brief(BRIEFS / f"{BRIEF}.toml")
    raw = brief.model_dump(mode="json", exclude_none=True)
    twice = {**raw, "markets": [{"code": "CA", "language": "en"}, {"code": "CA", "language": "en"}]}
    with pytest.raises(ValueError, match="CA with language = 'en' and CA with language = 'fr-CA'"):
        type(brief).model_validate(twice)
    bare = {**raw, "markets": [{"code": "CA"}, {"code": "CA", "language": "fr-CA"}]}
    with pytest.raises(ValueError, match="market CA is listed 2 times"):
        type(brief).model_validate(bare)
    # 'fr' and 'fr-CA' are different tags but the same language of Canada's pack: planned twice, refused
    target = type(brief.markets[0])
    same = brief.model_copy(update={"markets": [target(code="CA", language="fr"), target(code="CA", language="fr-CA")]})
    with pytest.raises(ValidationFailed, match="listed twice in the same language") as e:
        plan_project(same, llm=None)
    assert "en, fr-CA" in e.value.hint


def test_one_market_in_one_language_keeps_its_short_variant_ids() -> None:
    brief = load_brief(BRIEFS / f"{BRIEF}.toml")
    one = brief.model_copy(update={"markets": [m for m in brief.markets if m.language != "en"]})
    ids = sorted(v.id for v in plan_project(one, llm=None).variants)
    assert ids == ["ca-active-retirees", "ca-office-winter", "mx-active-retirees", "mx-office-winter"]


def test_canadian_french_lines_are_quebec_french_from_their_own_bank_not_france_s() -> None:
    p = project()
    report = build_report(p, scorecards=False)
    for v in (v for v in p.variants if v.language == "fr-CA"):
        said = _said(v)
        assert not [t for t in said if FRANCE_ONLY.search(t)], [t for t in said if FRANCE_ONLY.search(t)]
        assert v.call_to_action == "Magasine maintenant", v.call_to_action
        banked = [st.note for s in v.shots for st in s.line_status.values() if st.origin == "phrase-bank"]
        assert len(banked) >= 6 and not [n for n in banked if "not written for" in n], banked
        assert not report.review.get(v.id), report.review.get(v.id)  # no [REVIEW]: the bank was written for fr-CA
        for shot in v.shots:
            for line, origin in ((shot.voiceover, shot.line_status["voice-over"].origin), (shot.caption, "")):
                assert _in_language(p, "fr-CA", line, origin or "phrase-bank"), (v.id, line)
    tu = " ".join(t for v in p.variants if v.language == "fr-CA" for t in _said(v))
    assert re.search(r"\b(t'|te|toi|ta|ton|tes)\b", tu), f"tutoiement, as Québec ads speak: {tu}"
    # France's bank is untouched: vouvoiement and its own words
    france = load_knowledge().root / "phrases" / "fr.toml"
    assert "Ajoutez {brand} à votre matinée." in france.read_text(encoding="utf-8")


def test_english_canadian_variants_say_the_master_lines_in_english() -> None:
    p = project()
    assert p.storyboard is not None
    master = [s.voiceover for s in p.storyboard.shots]
    report = build_report(p, scorecards=False)
    listed = {(t.variant_id, t.kind) for t in report.translator}
    for v in (v for v in p.variants if v.market == "CA" and v.language == "en"):
        assert v.call_to_action == "Find it at your pharmacy"
        assert v.legal == p.brief.legal and (v.id, "legal") not in listed, "the English legal line is written"
        for shot in v.shots:
            assert _in_language(p, "en", shot.voiceover, shot.line_status["voice-over"].origin), shot.voiceover
        assert v.shots[2].voiceover in master, "the selling point is the brief's own English"
        assert not report.review.get(v.id)


def test_the_1000_iu_figure_is_said_in_every_language() -> None:
    p = project()
    want = {"en": "1000 IU of vitamin D3", "fr-CA": "1000 UI de vitamine D3", "es-MX": "1000 UI de vitamina D3"}
    for v in p.variants:
        shot = v.shots[2]
        assert want[v.language] in shot.voiceover, (v.id, shot.voiceover)
        assert "1000" in shot.caption and all("1000" in a for a in shot.alternatives), (v.id, shot)
    # a figure written with a thousands separator reads as a thousand in French, not as one
    from studio.planning.phrases import load_banks

    assert load_banks().bank("fr-CA").local_digits("1,000") == "1\u00a0000"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("variant_id", "line", "rule", "words"),
    [
        ("ca-en-office-winter", "Nordia cures colds and boosts immunity.", "ca-nhp-disease-claims", "cures"),
        ("ca-fr-office-winter", "Nordia guérit le rhume et renforce l'immunité.", "ca-nhp-disease-claims", "guérit"),
        ("mx-office-winter", "Nordia cura la gripa y aumenta las defensas.", "mx-cofepris-supplement-claims", "cura"),
    ],
)
def test_a_disease_claim_typed_into_a_line_is_blocked_by_check_in_every_language(
    variant_id: str, line: str, rule: str, words: str
) -> None:
    p = project().model_copy(deep=True)
    variant = p.variant(variant_id)
    clean = {f.rule_id for f in check_variant(p, variant)}
    assert rule not in clean, clean  # the planned lines say what it helps with, never a cure
    variant.shots[3].voiceover = line
    found = [f for f in check_variant(p, variant) if f.rule_id == rule]
    assert found and found[0].severity == "block" and found[0].where == variant.shots[3].shot_id, found
    assert words in [w.casefold() for w in found[0].words], found[0].words
    assert "common-supplement-disease-claims" not in {f.rule_id for f in check_variant(p, variant)}, "replaced"
    text = build_report(p, scorecards=False).text()
    assert f"[BLOCK] {rule}" in text


def test_the_npn_french_version_and_cofepris_legend_rules_are_named() -> None:
    p = project()
    report = build_report(p, scorecards=False)
    ids = {(f.variant_id, f.rule_id) for f in report.findings}
    # the NPN is shown (the mandatory claim is on a caption) and a French variant runs beside the English one
    assert not [i for i in ids if i[1] in ("ca-nhp-npn-shown", "ca-quebec-french-version")], ids
    for v in (v for v in p.variants if v.market == "CA"):
        assert any("NPN 80012345" in s.caption for s in v.shots), v.id
    for v in (v for v in p.variants if v.market == "MX"):
        assert (v.id, "mx-cofepris-no-medicine-legend") in ids, "the brief's legal line lacks the legend"
    text = report.text()
    assert "Este producto no es un medicamento" in text
    # without the NPN, and with Canada in English only, check names both rules and the fix
    brief = p.brief.model_copy(
        update={"mandatory_claims": [], "markets": [m for m in p.brief.markets if m.language != "fr-CA"]}
    )
    english_only = plan_project(brief, llm=None)
    found = build_report(english_only, scorecards=False)
    named = {f.rule_id: f for f in found.findings if f.variant_id == "ca-office-winter"}
    assert named["ca-nhp-npn-shown"].severity == "block" and "NPN" in named["ca-nhp-npn-shown"].fix
    bill96 = named["ca-quebec-french-version"]
    assert "Bill 96" in bill96.authority and "fr-CA" in bill96.fix
    book = {r.id: r for r in load_rules().for_market("CA", "supplements")}
    for rule in ("ca-nhp-disease-claims", "ca-nhp-npn-shown", "ca-competition-misleading", "ca-quebec-french-version"):
        assert book[rule].source and book[rule].checked.year >= 2026, rule
    assert "Natural Health Products Regulations" in book["ca-nhp-disease-claims"].authority
    assert "ca-nhp-npn-shown" not in {r.id for r in load_rules().for_market("CA", "apparel")}
    mx = {r.id: r for r in load_rules().for_market("MX", "supplements")}
    assert "COFEPRIS" in mx["mx-cofepris-no-medicine-legend"].authority


def test_the_mexican_legend_in_the_legal_line_clears_the_cofepris_rule() -> None:
    from studio.model.brief import SuppliedCopy

    brief = load_brief(BRIEFS / f"{BRIEF}.toml")
    legend = (
        "Este producto no es un medicamento. El consumo de este producto es responsabilidad de quien lo recomienda "
        "y de quien lo usa."
    )
    brief = brief.model_copy(update={"copy_by_language": {"es-MX": SuppliedCopy(legal=legend)}})
    p = plan_project(brief, llm=None)
    for v in (v for v in p.variants if v.market == "MX"):
        assert v.legal == legend
        assert "mx-cofepris-no-medicine-legend" not in {f.rule_id for f in check_variant(p, v)}


def test_the_banks_speak_of_supplements_with_structure_function_wording_in_every_language() -> None:
    """Every bank's supplement lines pass the disease-claim rule they would be checked against."""
    from studio.planning.phrases import load_banks

    terms = {r.id: r for r in load_rules().rules}["common-supplement-disease-claims"]
    tags = {
        "benefits": ("vitamin-d", "sleep-relax", "easy-to-swallow", "one-a-day"),
        "pains": ("winter-dark-days", "low-energy", "forget-pills"),
        "hooks": ("morning-walk",),
        "proofs": ("product-licence",),
    }
    for code, bank in load_banks().banks.items():
        lines = [t for k in ("hook", "problem", "cta") for t in getattr(bank.categories["supplements"], k)]
        lines += [t for section, keys in tags.items() for k in keys for t in getattr(bank, section)[k]]
        bad = [t for t in lines if find_terms(t, terms.all_terms(), terms.exceptions)]
        assert not bad, (code, bad)


def test_the_frames_draw_a_supplement_bottle_with_softgels() -> None:
    from pipelines.image.procedural import render_frame

    p = project()
    assert p.storyboard is not None
    cta = p.storyboard.shots[-1]
    for v in p.variants:
        assert frame_plan(image_request_for(p, v.id, cta.id, "9:16")).product == "supplement", v.id
    hero = image_request_for(p, p.variants[0].id, cta.id, "9:16").model_copy(update={"width": 288, "height": 512})
    assert "supplement bottle" in hero.prompt.lower()
    frame = np.asarray(render_frame(hero).image, dtype=np.int16)

    def share(colour: tuple[int, int, int]) -> float:
        return float((np.abs(frame - np.array(colour)).sum(axis=2) < 30).mean())

    assert share(AMBER) > 0.002, "the amber bottle is drawn"
    assert share(SOFTGEL) > 0.0003, "golden softgels are drawn"
    boxed = np.asarray(render_frame(hero.model_copy(update={"category": "general"})).image, dtype=np.int16)
    assert float((np.abs(boxed - np.array(SOFTGEL)).sum(axis=2) < 30).mean()) < share(SOFTGEL) / 3
    props = frame_plan(hero.model_copy(update={"props": ["weekly pill organiser"]})).props
    assert "supplement" in props, props


def test_canadian_french_is_voiced_in_french_and_readiness_has_a_row_per_canadian_language() -> None:
    from pipelines.voice import espeak
    from pipelines.voice.languages import settings_for
    from studio.stages.readiness import check_readiness, readiness_request

    p = project()
    voice = settings_for("fr-CA")
    assert voice.voice == "fr-fr", voice  # espeak has no Canadian French voice: its French one reads it
    fr = p.variant("ca-fr-office-winter")
    spoken = espeak.synthesize(fr.shots[1].voiceover, voice.voice, rate_wpm=voice.rate_wpm)
    assert spoken is not None and len(spoken.samples) > spoken.sample_rate * 0.5
    ready = [(r.market, r.language) for r in check_readiness(readiness_request(p, {}, "procedural"))]
    assert ready == [("CA", "en"), ("CA", "fr-CA"), ("MX", "es-MX")]


@pytest.mark.parametrize(
    ("section", "text", "tag", "slot"),
    [
        ("benefits", "1000 IU of vitamin D3 in one small softgel a day", "vitamin-d", "1000"),
        ("benefits", "1 000 UI de vitamine D3 par jour", "vitamin-d", "1 000"),
        ("benefits", "vitamina D3 de 1000 UI", "vitamin-d", "1000"),
        ("benefits", "magnesium to help you relax in the evening", "sleep-relax", ""),
        ("benefits", "du magnésium pour t'aider à te détendre le soir", "sleep-relax", ""),
        ("benefits", "easy to swallow, no aftertaste", "easy-to-swallow", ""),
        ("benefits", "fácil de tragar, sin regusto", "easy-to-swallow", ""),
        ("benefits", "just 2 capsules a day", "one-a-day", "2"),
        ("benefits", "une par jour", "one-a-day", ""),
        ("pains", "office workers who barely see daylight in winter", "winter-dark-days", ""),
        ("pains", "la noirceur de l'hiver", "winter-dark-days", ""),
        ("pains", "cansado a media tarde", "low-energy", ""),
        ("pains", "always forgetting the pills", "forget-pills", ""),
        ("needs", "retirees who walk every morning", "morning-walk", ""),
        ("needs", "la caminata matutina", "morning-walk", ""),
        ("claims", "NPN 80012345", "product-licence", "NPN 80012345"),
    ],
)
def test_supplement_material_in_english_french_or_spanish_finds_its_tag(
    section: str, text: str, tag: str, slot: str
) -> None:
    from studio.planning.phrases import load_banks, match

    found = match(load_banks().lexicon, section, text, "supplements")
    assert found is not None and (found.tag, found.slot) == (tag, slot), (text, found)


def test_a_canadian_french_quick_preview_speaks_and_captions_in_french(tmp_path: Path) -> None:
    """About 8 s: the draft of a Canadian French variant is heard and captioned in Québec French."""
    from studio.model import ProjectStore

    project_dir, cues = quick_preview(tmp_path, BRIEF, "ca-fr-office-winter", "fr-CA")
    said = " ".join(cue.text for cue in cues)
    assert "1000 UI" in said and not FRANCE_ONLY.search(said), said
    saved = ProjectStore(project_dir).load()
    backends = {line.backend for line in saved.voice_lines if line.variant_id == "ca-fr-office-winter"}
    assert backends and all("espeak" in b and "fr" in b for b in backends), backends


def test_a_french_piper_voice_speaks_canadian_french(tmp_path: Path) -> None:
    """No Piper voice is Canadian French: a creator's French one (fr_FR, from its .onnx.json) is offered for fr-CA;
    an English one is not, and the speech rate and the caption reading speed are French's."""
    import json

    from pipelines.voice.registry import VoiceInfo, _speaks, piper_language
    from studio.planning.speech import speech_limits

    config = tmp_path / "fr_FR-siwis-medium.onnx.json"
    config.write_text(json.dumps({"language": {"code": "fr_FR"}}), encoding="utf-8")
    french = VoiceInfo(id="piper:fr_FR-siwis-medium", engine="piper", languages=piper_language(config))
    english = VoiceInfo(id="piper:en_US-lessac", engine="piper", languages=("en-us", "en"))
    assert _speaks(french, "fr-CA") and not _speaks(english, "fr-CA")
    limits = speech_limits()
    assert limits.rate_bounds("fr-CA") == limits.rate_bounds("fr")
    canada = {lang.code: lang.speech_rate for lang in load_knowledge().markets["CA"].languages}
    france = load_knowledge().markets["FR"].languages[0].speech_rate
    assert canada["fr-CA"] == france and canada["en"].unit == "words"


def test_the_brief_step_counts_canada_once() -> None:
    from studio.stages.status import step_status

    assert step_status(project(), "brief").note == "2 markets, 2 segments"
