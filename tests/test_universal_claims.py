"""Claims ads make whatever the product is (lasts 12 hours, soft, fragrance-free, a pack of 11, award-winning, tested
by experts) are universal lexicon tags: a `general` product nobody tuned the lexicon for is said in the market's
language from the phrase banks, with the brief's figure and the word after it agreeing; an award or an expert's
endorsement is cautioned by check in every language; a selling point no tag knows stays English for a translator."""

from __future__ import annotations

from functools import cache

import pytest

from studio.model import Brief, Project
from studio.model.brief import MarketTarget
from studio.model.project import LineSource, Shot
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.planning.phrases import load_banks, match, missing_keys
from studio.preflight.compliance import check_project

#: The universal claim tags: no `categories`, so every category tries them after its own.
BENEFITS = [
    "trial", "money-back", "pack-count", "long-hours", "long-days", "all-night", "all-day", "fragrance-free", "soft",
    "simple", "made-locally", "award-winning", "refill", "new-improved", "handmade", "quiet", "compact", "gift",
    "comfort",
]  # fmt: skip
CLAIMS = ["expert-tested", "vet-recommended", "award-winning"]
PAINS = ["bad-sleep", "wears-out"]
#: market → the language its variant speaks
MARKETS = {"DE": "de", "JP": "ja", "SA": "ar"}


def _brief(
    selling_points: list[str],
    claims: list[str] | None = None,
    segment: tuple[str, str] = ("New parents", "parents of a baby who wakes up at night"),
) -> Brief:
    return Brief.model_validate(
        {
            "brand": "Soffi",
            "product": "Soffi Dry overnight diapers",
            "category": "general",
            "selling_points": selling_points,
            "mandatory_claims": claims or [],
            "duration_s": 15,
            "markets": [{"code": c} for c in MARKETS],
            "segments": [{"id": "new-parents", "name": segment[0], "description": segment[1]}],
        }
    )


@cache
def diapers() -> Project:
    return plan_project(
        _brief(["12 hours dry, all night", "soft cotton-feel top layer", "no fragrance, no lotion"]), llm=None
    )


@cache
def figures() -> Project:
    return plan_project(_brief(["lasts up to 3 days", "a pack of 11"]), llm=None)


def _shots(project: Project) -> list[Shot]:
    assert project.storyboard is not None
    return project.storyboard.shots


def _source(shot: Shot) -> LineSource:
    assert shot.line_source is not None, shot.id
    return shot.line_source


def _said(project: Project, index: int) -> dict[str, tuple[str, str, str]]:
    """market → (voice-over, caption, origin) of the shot whose master line says selling point `index`."""
    master = next(s for s in _shots(project) if _source(s).kind == "selling-point" and _source(s).index == index)
    out: dict[str, tuple[str, str, str]] = {}
    for v in project.variants:
        shot = v.shot(master.id)
        out[v.market] = (shot.voiceover, shot.caption, shot.line_status["voice-over"].origin)
    return out


def test_a_general_products_lasting_claim_is_said_in_german_japanese_and_arabic_with_its_figure() -> None:
    said = _said(diapers(), 0)
    assert {v.market: v.language for v in diapers().variants} == MARKETS
    expected = {"DE": "Hält bis zu 12 Stunden.", "JP": "最大12時間長持ち。", "SA": "يدوم حتى 12 ساعة."}
    for market, line in expected.items():
        voiceover, caption, origin = said[market]
        assert line in voiceover and origin == "phrase-bank", (market, voiceover)
        assert "12" in caption and "hours" not in voiceover + caption, (market, caption)


def test_softness_and_no_fragrance_are_said_from_the_banks_not_left_in_english() -> None:
    said = _said(diapers(), 1)
    assert said["DE"][0] == "Spürbar weich." and said["JP"][0] == "ふんわりやわらかな肌ざわり。"
    assert said["SA"][0] == "ناعم الملمس."
    shown = {v.market: " ".join(s.caption for s in v.shots) for v in diapers().variants}
    assert "Ohne Duftstoffe" in shown["DE"] and "無香料" in shown["JP"] and "بدون عطر" in shown["SA"]
    for v in diapers().variants:
        assert not [f for s in v.shots for f in s.flags if f.kind == "untranslated"], v.id


@pytest.mark.parametrize(
    ("market", "days", "pack"),
    [
        ("DE", "Hält bis zu 3 Tage.", "11 Stück in jeder Packung."),
        ("JP", "最大3日間長持ち。", "1パックに11個入り。"),
        ("SA", "يدوم حتى 3 أيام.", "11 قطعة في كل عبوة."),  # 3 takes the plural أيام, 11 the singular قطعة
    ],
)
def test_the_word_after_the_figure_agrees_with_it(market: str, days: str, pack: str) -> None:
    assert days in _said(figures(), 0)[market][0]
    assert pack in _said(figures(), 1)[market][0]


def test_one_and_two_take_their_own_forms_in_arabic_and_german() -> None:
    two = plan_project(_brief(["lasts up to 2 days"]), llm=None)
    one = plan_project(_brief(["lasts up to 1 hour", "lasts up to 1 day"]), llm=None)
    assert "يدوم حتى يومين." in _said(two, 0)["SA"][0] and "Hält bis zu 2 Tage." in _said(two, 0)["DE"][0]
    assert "يدوم حتى ساعة واحدة." in _said(one, 0)["SA"][0] and "Hält bis zu 1 Stunde." in _said(one, 0)["DE"][0]
    assert "يدوم حتى يوم واحد." in _said(one, 1)["SA"][0] and "Hält bis zu 1 Tag." in _said(one, 1)["DE"][0]


def test_an_award_and_an_experts_test_are_cautioned_by_check_in_each_language() -> None:
    project = plan_project(_brief(["award-winning design"], ["tested by experts"]), llm=None)
    findings = check_project(project)
    words = {
        "DE": ("Preisgekrönt", "Von Experten getestet"),
        "JP": ("受賞", "専門家によるテスト"),
        "SA": ("حائز على جوائز", "مختبر من قبل خبراء"),
    }
    for market, (award, expert) in words.items():
        mine = [f for f in findings if f.market == market]
        award_found = [f for f in mine if f.rule_id == "common-award-claims"]
        expert_found = [f for f in mine if f.rule_id == "common-expert-endorsement"]
        assert any(award.lower() in w.lower() for f in award_found for w in f.words), (market, award_found)
        assert any(expert in w for f in expert_found for w in f.words), (market, expert_found)
        assert all(f.severity == "warn" and "legal line" in f.fix for f in award_found + expert_found)


def test_the_dermatological_claim_in_german_is_cautioned_as_in_english() -> None:
    project = plan_project(_brief(["soft cotton-feel top layer"], ["dermatologically tested"]), llm=None)
    found = [f for f in check_project(project) if f.rule_id == "common-clinical-proof" and f.market == "DE"]
    assert any("Dermatologisch getestet" in w for f in found for w in f.words), found


def test_a_selling_point_no_tag_knows_stays_english_with_its_translator_flag() -> None:
    point = "wetness indicator line"
    assert match(load_banks().lexicon, "benefits", point, "general") is None
    project = plan_project(_brief(["12 hours dry, all night", point]), llm=None)
    master = next(s for s in _shots(project) if _source(s).index == 1 and _source(s).kind == "selling-point")
    assert point in master.voiceover.lower()
    for v in project.variants:
        shot = v.shot(master.id)
        assert shot.voiceover == master.voiceover and shot.line_status["voice-over"].origin == "untranslated"
        assert any(point in f.message for f in shot.flags if f.kind == "untranslated"), v.id


@pytest.mark.parametrize(
    "text",
    [
        "delivery in 24 hours",
        "software updates every month",
        "gifted kids learn faster",
        "24-hour customer service",
        "yeniden kullanılabilir şişe",  # Turkish 'reusable': yeni (new) starts yeniden (again)
        "kimyasal içermez",  # Turkish 'no chemicals': Swahili kimya (quiet) starts it
        "batteria ricaricabile",  # Italian rechargeable battery, not a refill
        "prezentacja produktu",  # Polish 'presentation' starts with prezent (gift)
    ],
)
def test_words_that_only_look_like_a_claim_are_not_read_as_one(text: str) -> None:
    found = match(load_banks().lexicon, "benefits", text, "general")
    assert found is None or found.tag not in {"long-hours", "soft", "gift", "new-improved", "quiet", "refill"}, (
        text,
        found,
    )


def test_every_bank_says_every_universal_tag_and_the_tags_are_for_every_category() -> None:
    banks = load_banks()
    lexicon = banks.lexicon
    for tag in BENEFITS:
        assert tag in lexicon.benefits and lexicon.benefits[tag].categories == [], tag
    for tag in CLAIMS:
        assert tag in lexicon.claims and lexicon.claims[tag].categories == [], tag
    for tag in PAINS:
        assert tag in lexicon.pains and lexicon.pains[tag].categories == [], tag
    categories = sorted(load_knowledge().categories)
    assert len(banks.banks) >= 29
    for lang, bank in banks.banks.items():
        assert missing_keys(bank, lexicon, categories) == [], lang
        assert all(bank.benefits[t] for t in BENEFITS) and all(bank.proofs[t] for t in CLAIMS), lang
        assert all(bank.pains[t] for t in PAINS), lang


def test_a_general_products_pictures_name_it_and_its_pain_comes_from_the_segment() -> None:
    project = diapers()
    shots = _shots(project)
    named = [s for s in shots if "Soffi Dry overnight diapers" in s.visual]
    assert len(named) >= 3 and not any("the product" in s.visual for s in shots)
    problem = next(s for s in shots if s.beat == "problem")
    assert _source(problem).kind == "pain" and _source(problem).tags == ["bad-sleep"]
    de = project.variant("de-new-parents").shot(problem.id)
    assert de.voiceover == "Unruhige Nächte, müde Morgen?" and "the product" not in " ".join(de.props)
    aunts = plan_project(
        _brief(["12 hours dry, all night"], segment=("Gift buyers", "aunts choosing a present")), llm=None
    )
    first = next(s for s in _shots(aunts) if s.beat == "problem")
    assert _source(first).tags[0].startswith("pain-"), "a segment naming no pain word hears the plain pains"


def test_the_new_markets_claims_are_cautioned_in_their_own_languages() -> None:
    """The award, expert and dermatological proofs the Swedish, Romanian, Ukrainian and Czech banks say are read by
    the common rules in those languages too (a rule without the language's words would let them pass silently)."""
    brief = _brief(["award-winning design"], ["tested by experts", "dermatologically tested"])
    brief = brief.model_copy(update={"markets": [MarketTarget(code=c) for c in ("SE", "RO", "UA", "CZ")]})
    findings = check_project(plan_project(brief, llm=None))
    for market in ("SE", "RO", "UA", "CZ"):
        rules = {f.rule_id for f in findings if f.market == market}
        assert {"common-award-claims", "common-expert-endorsement", "common-clinical-proof"} <= rules, (market, rules)
