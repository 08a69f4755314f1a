"""A brief nobody here wrote, in a category and two markets no brief used: overnight nappies (category baby-care) for
Portugal (European Portuguese, pt-PT) and Sweden (Swedish), two segments (first-time parents of a baby under one,
parents of a toddler in daycare), no copy, no LLM. Portugal hears European Portuguese from its own bank (fraldas,
bebé, tu), never Brazilian wording, and a line borrowed from the Brazilian bank is marked [REVIEW]; Sweden hears
Swedish; the two segments hear their own hook (the 3 a.m. feed, the daycare morning) and pain (nappy rash, leaks);
'12 hours dry' keeps its 12; a baby is cast as a baby; the frames draw a pack of nappies; `qianmian check` names the
'dermatologically tested' caution and the local rules; a quick preview of a Swedish variant speaks and captions
Swedish."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from test_unseen_briefs import _in_language, planned, quick_preview
from test_unseen_briefs import marketer_origins as variant_lines

from pipelines.image.frame_plan import frame_plan
from studio.check.report import build_report
from studio.model import Project, load_brief
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.takes import image_request_for

NAME = "diapers"
LANGUAGES = {"PT": "pt-PT", "SE": "sv"}
#: Brazilian wording a Portuguese marketer would strike out of an ad for Portugal: Brazil's spellings (bebê, econômico),
#: words (celular, tela, ônibus, trem, banheiro, geladeira...), você and a gente (vocês, plural, is Portugal's too), and
#: the gerund after estar ('está dormindo') where Portugal says 'está a dormir'.
BRAZILIAN = re.compile(
    r"\b(bebês?|celular\w*|tela|telas|ônibus|trem|banheiro|geladeira|você|a gente|pra|time|econômic\w*|"
    r"vazamento|vazou|bora|legal demais)\b|\best(?:ou|á|amos|ão|ava)\s+\w+ndo\b",
    re.IGNORECASE,
)


def project() -> Project:
    return planned(NAME)


def test_portugal_and_sweden_are_known_markets_and_nappies_are_baby_care() -> None:
    p = project()
    knowledge = load_knowledge()
    pack = knowledge.category(p.brief.category)
    assert pack is not None and pack.id == "baby-care"
    for alias in ("nappies", "diapers", "baby care", "wipes", "infant care"):
        found = knowledge.category(alias)
        assert found is not None and found.id == "baby-care", alias
    assert {v.market: v.language for v in p.variants} == LANGUAGES
    assert len(p.variants) == 4, "both segments in both markets"
    assert [lang.code for lang in knowledge.markets["PT"].languages] == ["pt-PT"]
    assert [lang.code for lang in knowledge.markets["SE"].languages] == ["sv"]
    assert any("baby alone on a changing table" in n for n in pack.negative), "the baby is never shown unsafely"
    assert {p.id for p in pack.pains} >= {"leaks", "broken-sleep", "nappy-rash"}


def test_every_line_is_european_portuguese_or_swedish_or_listed_for_a_translator() -> None:
    """The banks carry both languages: only the English legal line waits for a translator, named by check."""
    p = project()
    report = build_report(p, scorecards=False)
    listed = {(t.variant_id, t.shot_id, t.kind) for t in report.translator}
    text = report.text()
    language = {v.id: v.language for v in p.variants}
    said = dict.fromkeys(language, 0)
    total = dict.fromkeys(language, 0)
    for vid, shot_id, kind, line, came_from in variant_lines(p):
        total[vid] += 1
        if _in_language(p, language[vid], line, came_from):
            said[vid] += 1
            continue
        assert (vid, shot_id, kind) in listed, f"{vid} {shot_id} {kind} “{line}” is neither {language[vid]} nor listed"
        where = f"{shot_id} {kind}" if shot_id else kind
        assert f"[TRANSLATE] {where} ({language[vid]}): \u201cFree sample while stocks last.\u201d" in text, (
            vid,
            where,
        )
    for vid in language:
        assert said[vid] == total[vid] - 1, (vid, said[vid], total[vid])
    assert {(t.variant_id, t.kind) for t in report.translator} == {(v, "legal") for v in language}


def test_an_english_or_a_brazilian_line_is_not_taken_for_portugal_s_portuguese() -> None:
    """The checks can fail: English is neither language, and Brazilian wording is caught."""
    p = project()
    assert not _in_language(p, "pt-PT", "12 hours dry, all night.", "master")
    assert not _in_language(p, "sv", "12 hours dry, all night.", "master")
    assert _in_language(p, "sv", "Läckte det igen mitt i natten?", "phrase-bank")
    assert BRAZILIAN.search("Vazou de novo? Seu bebê está dormindo?")
    assert BRAZILIAN.search("Bebê sequinho a noite toda.") and BRAZILIAN.search("O celular de você")
    assert not BRAZILIAN.search("Um bebé sequinho e feliz a noite toda. O teu telemóvel está a tocar.")


def test_portugal_hears_european_portuguese_from_its_own_bank() -> None:
    """Every Portuguese line comes from the pt-PT bank or Portugal's market pack, never the Brazilian one: 'bebé',
    'fralda', 'creche', the 'tu' forms; no 'bebê', 'você', 'vazou'; no line is marked as borrowed, so no [REVIEW]."""
    from studio.planning.phrases import load_banks

    bank = load_banks().bank("pt-PT")
    assert bank is not None and bank.language == "pt-PT", "pt-PT must not fall back to the Brazilian bank"
    assert load_banks().bank("pt-BR").language == "pt-BR"  # type: ignore[union-attr]
    p = project()
    report = build_report(p, scorecards=False)
    said = []
    for vid, shot_id, kind, line, came_from in variant_lines(p):
        if not vid.startswith("pt-") or kind == "legal":
            continue
        assert not BRAZILIAN.search(line), (vid, shot_id, kind, line)
        assert came_from in {"phrase-bank", "market-pack"}, (vid, shot_id, kind, came_from)
        said.append(line.lower())
    for v in p.variants:
        for s in v.shots:
            for status in s.line_status.values():
                assert "not written for" not in status.note, (v.id, s.shot_id, status.note)
        # the only note: no Portuguese or Swedish phrase offers the brief's free sample (tests/test_call_to_action.py)
        notes = report.review.get(v.id, [])
        assert len(notes) == 1 and "Get your free sample" in notes[0], (v.id, notes)
    text = " ".join(said)
    assert "bebé" in text and "fralda" in text and "creche" in text
    assert "experimenta" in text or "descobre" in text, "the 'tu' imperative Portuguese ads use"


def test_without_the_european_bank_portugal_s_lines_are_brazilian_and_marked_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Take pt-PT.toml away: Portugal falls back to the Brazilian bank (alias 'pt'), and check says [REVIEW] for
    those lines, naming pt-BR and pt-PT; the Swedish variants have no such note. This is why pt-PT has its own bank."""
    from studio.planning import localize
    from studio.planning.phrases import load_banks

    phrases = tmp_path / "knowledge" / "phrases"
    shutil.copytree(load_banks().root, phrases)
    (phrases / "pt-PT.toml").unlink()
    banks = load_banks(tmp_path / "knowledge")
    assert banks.bank("pt-PT").language == "pt-BR"  # type: ignore[union-attr]
    monkeypatch.setattr(localize, "load_banks", lambda: banks)
    p = plan_project(load_brief(Path(__file__).parent / "briefs" / f"{NAME}.toml"), llm=None)
    report = build_report(p, scorecards=False)
    for v in p.variants:
        notes = [n for n in report.review.get(v.id, []) if "free sample" not in n]  # the CTA's offer: see above
        if v.market == "PT":
            assert notes and "pt-BR phrase bank" in notes[0] and "not written for pt-PT" in notes[0], (v.id, notes)
            assert f"[REVIEW] {notes[0]}" in report.text()
            assert any(BRAZILIAN.search(s.voiceover) for s in v.shots), "the borrowed lines are Brazilian"
        else:
            assert not notes, (v.id, notes)


def test_swedish_variants_speak_swedish() -> None:
    p = project()
    for v in p.variants:
        if v.market != "SE":
            continue
        spoken = " ".join(s.voiceover for s in v.shots[:-1])
        assert set(spoken.lower()) & set("åäö"), (v.id, spoken)
        assert "blöj" in spoken.lower() or "torr" in spoken.lower(), (v.id, spoken)
    said = " ".join(s.voiceover for v in p.variants if v.market == "SE" for s in v.shots).lower()
    assert "förskolan" in said and "blöjan" in said


def test_the_two_segments_of_each_market_hear_their_own_hook_and_pain() -> None:
    """First-time parents hear the 3 a.m. feed and nappy rash; daycare parents hear the daycare morning and leaks."""
    p = project()
    hooks = {"pt": "três da manhã", "se": "klockan tre"}
    daycare = {"pt": "creche", "se": "förskolan"}
    for market in LANGUAGES:
        m = market.lower()
        first = p.variant(f"{m}-first-time-parents")
        toddler = p.variant(f"{m}-daycare-parents")
        assert first.shots[0].line_source is not None and toddler.shots[0].line_source is not None
        assert first.shots[0].line_source.tags == ["occasion:night-feeds"]
        assert toddler.shots[0].line_source.tags == ["occasion:daycare"]
        assert hooks[m] in first.shots[0].voiceover.lower(), first.shots[0].voiceover
        assert daycare[m] in toddler.shots[0].voiceover.lower(), toddler.shots[0].voiceover
        assert first.shots[1].line_source is not None and toddler.shots[1].line_source is not None
        assert first.shots[1].line_source.tags == ["nappy-rash"]
        assert toddler.shots[1].line_source.tags == ["leaks"]
        assert first.shots[1].voiceover != toddler.shots[1].voiceover


def test_twelve_hours_dry_is_said_with_its_figure_and_the_local_word_for_hours() -> None:
    p = project()
    assert p.storyboard is not None
    figured = [s.id for s in p.storyboard.shots if "12 hours" in s.voiceover]
    assert figured, "the master says 12 hours"
    hours = {"pt-PT": "horas", "sv": "timmar"}
    for v in p.variants:
        for shot_id in figured:
            shot = v.shot(shot_id)
            assert shot.line_status["voice-over"].origin == "phrase-bank", (v.id, shot_id)
            assert f"12 {hours[v.language]}" in shot.voiceover, (v.id, shot.voiceover)
            assert "12" in shot.caption and all("12" in a for a in shot.alternatives), (v.id, shot.caption)


def test_the_other_selling_points_find_their_tags_in_other_languages_too() -> None:
    """The tags are written broadly: another baby brief, in English, Portuguese or Swedish, finds them."""
    from studio.planning.phrases import load_banks, match

    lexicon = load_banks().lexicon
    cases = {
        ("benefits", "soft cotton-feel top layer"): "soft-touch",
        ("benefits", "no fragrance, no lotion"): "fragrance-free",
        ("benefits", "sem perfume e sem loção"): "fragrance-free",
        ("benefits", "oparfymerade våtservetter"): "fragrance-free",
        ("benefits", "até 12 horas sequinho"): "overnight-dry",
        ("benefits", "torr i upp till 12 timmar"): "overnight-dry",
        ("benefits", "leak-proof pull-ups for night time"): "overnight-dry",
        ("pains", "assaduras na pele do bebé"): "nappy-rash",
        ("pains", "blöjutslag"): "nappy-rash",
        ("pains", "nappy rash"): "nappy-rash",
        ("pains", "fugas durante a noite"): "leaks",
        ("needs", "förskolan"): "daycare",
    }
    for (section, text), tag in cases.items():
        found = match(lexicon, section, text, "baby-care")
        assert found is not None and found.tag == tag, (text, found)
    assert match(lexicon, "benefits", "torr i upp till 12 timmar", "baby-care").slot == "12"  # type: ignore[union-attr]


def test_a_baby_is_cast_as_a_baby_not_a_child_of_eight() -> None:
    p = project()
    for v in p.variants:
        shot = v.shots[1]
        assert any(c.age == "baby" for c in shot.cast), (v.id, shot.cast)
        assert "baby" in shot.talent and "of about eight" not in shot.talent, (v.id, shot.talent)
        plan = frame_plan(image_request_for(p, v.id, shot.shot_id, "9:16"))
        baby = next(f for f in plan.figures if f.age == "baby")
        assert baby.height < min(f.height for f in plan.figures if f.age == "adult") * 0.5


def test_the_frames_draw_a_pack_of_nappies_not_a_gift_box() -> None:
    from pipelines.image.procedural import render_frame

    p = project()
    assert p.storyboard is not None
    cta = p.storyboard.shots[-1]
    assert cta.beat == "cta"
    for v in p.variants:
        request = image_request_for(p, v.id, cta.id, "9:16")
        assert "pack of nappies" in request.prompt.lower(), (v.id, request.prompt)
        assert frame_plan(request).product == "nappies", v.id
    for master in p.storyboard.shots:
        plan = frame_plan(image_request_for(p, p.variants[0].id, master.id, "9:16"))
        assert plan.product == "nappies" and plan.category == "baby-care", (master.id, plan.product)
    request = image_request_for(p, p.variants[0].id, cta.id, "9:16").model_copy(update={"width": 288, "height": 512})
    nappies = np.asarray(render_frame(request).image, dtype=np.int16)
    boxed = render_frame(request.model_copy(update={"category": "general", "props": ["gift box"]}))
    assert boxed.plan.product == "box"
    assert np.abs(nappies - np.asarray(boxed.image, dtype=np.int16)).mean() > 3, "the nappies look like the box"


def test_check_names_the_dermatological_claim_and_the_local_rules() -> None:
    """'Dermatologically tested', said in Portuguese and Swedish on the proof shot, is named by check with the
    category's caution and each market's rule; a 'prevents nappy rash' line would be caught too."""
    from studio.preflight.compliance import find_terms, load_rules

    p = project()
    report = build_report(p, scorecards=False)
    rule = {"PT": "pt-skin-health-claims", "SE": "se-skin-health-claims"}
    for v in p.variants:
        mine = [f for f in report.findings if f.variant_id == v.id]
        cautions = [f for f in mine if f.rule_id == "claim-caution"]
        assert cautions and all(f.severity == "warn" for f in cautions), v.id
        assert any(w.lower().startswith("dermatolog") for f in cautions for w in f.words), cautions
        assert any(f.rule_id == rule[v.market] for f in mine), (v.id, [f.rule_id for f in mine])
        free = {"PT": "pt-free-offer-conditions", "SE": "se-free-offer-conditions"}[v.market]
        assert any(f.rule_id == free and f.where == "legal" for f in mine), v.id
    text = report.text()
    assert "[WARN] claim-caution · s4 caption" in text
    assert "Direção-Geral do Consumidor" in text and "Konsumentombudsmannen" in text
    book = load_rules()
    for market in LANGUAGES:
        own = [r for r in book.for_market(market, "baby-care") if market in r.markets and r.markets != ["*"]]
        rules = [r for r in own if r.id.startswith(market.lower() + "-")]
        assert len(rules) >= 3 and all(r.authority and r.source and r.checked.year >= 2026 for r in rules), market
    skin = {r.id: r for r in book.rules}
    assert find_terms("Förebygger blöjutslag.", skin["se-skin-health-claims"].all_terms())
    assert find_terms("Previne assaduras.", skin["pt-skin-health-claims"].all_terms())
    assert skin["se-tv-ads-children"].authority.startswith("Myndigheten för press, radio och tv")
    eu = {r.id: r for r in book.for_market("SE", "baby-care")}
    assert eu["eu-ai-label"].labels.get("sv") == "AI-genererat"
    assert find_terms("Miljövänlig blöja.", eu["eu-environmental-claims"].all_terms())


def test_each_market_is_voiced_in_its_own_language_and_readiness_says_so() -> None:
    """Portugal's voice is espeak's European Portuguese (not the Brazilian pt-br), Sweden's its Swedish; a Swedish
    neural voice that is not installed is named plainly, with where to put it."""
    from pipelines.voice import espeak
    from pipelines.voice.languages import settings_for
    from studio.stages.readiness import check_readiness, readiness_request

    p = project()
    assert settings_for("pt-PT").voice == "pt" and settings_for("pt-BR").voice == "pt-br"
    for v in p.variants[:: len(p.variants) // 2]:
        voice = settings_for(v.language)
        assert voice.voice == {"pt-PT": "pt", "sv": "sv"}[v.language]
        spoken = espeak.synthesize(v.shots[1].voiceover, voice.voice, rate_wpm=voice.rate_wpm)
        assert spoken is not None and len(spoken.samples) > spoken.sample_rate * 0.5
        assert float(np.sqrt(np.mean(spoken.samples.astype(np.float64) ** 2))) > 300, v.id
    ready = {r.market: r for r in check_readiness(readiness_request(p, {}, "procedural"))}
    assert ready["PT"].voice.what == "espeak (Portuguese (Portugal)) · guide voice"
    assert ready["SE"].voice.what == "espeak (Swedish) · guide voice"
    assert all(r.voice.ready and r.font.ready for r in ready.values())
    (se,) = [
        r
        for r in check_readiness(readiness_request(p, {"sv": "piper:sv_SE-nst-medium"}, "procedural"))
        if r.market == "SE"
    ]
    assert not se.voice.ready and "sv_SE-nst-medium" in se.voice.what + se.voice.hint and se.voice.hint


def test_a_swedish_quick_preview_captions_in_swedish_and_speaks(tmp_path: Path) -> None:
    from studio.model import ProjectStore

    project_dir, cues = quick_preview(tmp_path, NAME, "se-daycare-parents", "sv")
    said = " ".join(cue.text for cue in cues)
    assert set(said.lower()) & set("åäö"), said
    assert "12" in said, "the figure reaches the captions"
    saved = ProjectStore(project_dir).load()
    backends = {line.backend for line in saved.voice_lines if line.variant_id == "se-daycare-parents"}
    assert backends and all("espeak" in b and "sv" in b for b in backends), backends


def test_portuguese_and_swedish_letters_are_drawn_by_the_caption_font() -> None:
    """ã, é, ç, ó (Portuguese) and å, ä, ö (Swedish) reach the captions and the caption font has a glyph for each."""
    from pipelines.fonts import missing_glyphs

    p = project()
    for language, letters in (("pt-PT", set("ãéçóâ")), ("sv", set("åäö"))):
        captions = [s.caption for v in p.variants if v.language == language for s in v.shots if s.caption]
        captions += [s.voiceover for v in p.variants if v.language == language for s in v.shots]
        said = " ".join(captions)
        assert set(said.lower()) & letters, (language, said)
        assert not missing_glyphs(said, language), (language, missing_glyphs(said, language))
