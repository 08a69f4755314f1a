"""A call to action says what the brief's asks, in the variant's language: the market pack's phrase that asks the
same thing (order, buy, book, download...), else the category's own call to action from the phrase bank; when
neither asks what the brief does (a free sample), `qianmian check` says so for review. A pack's first phrase was
written for the brief that introduced the market (a puzzle game for Russia): a face cream must not say 'download'."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.check.report import build_report
from studio.model import Brief, load_brief
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.planning.localize import pack_call_to_action
from studio.planning.phrases import load_banks, match

BRIEFS = Path(__file__).parent / "briefs"


def _brief(cta: str, markets: list[str], category: str = "skincare", product: str = "Aura night cream") -> Brief:
    return Brief.model_validate(
        {
            "brand": "Aura",
            "product": product,
            "category": category,
            "selling_points": ["deep hydration overnight"],
            "duration_s": 15,
            "call_to_action": cta,
            "markets": [{"code": c} for c in markets],
            "segments": [{"id": "office", "name": "Office workers", "description": "28-40, long days at a desk"}],
        }
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Shop now", "buy"),
        ("Order now", "order"),
        ("Get your free sample", "sample"),
        ("Try it free", "try"),
        ("Book a test drive", "book"),
        ("Download the app", "download"),
        ("Switch today", "switch"),
        ("Sign up today", "sign-up"),
        ("Скачай бесплатно", "download"),
        ("Reservá ahora", "book"),
        ("Jetzt bestellen", "order"),
        ("立即購買", "buy"),
    ],
)
def test_the_lexicon_reads_what_a_call_to_action_asks(text: str, intent: str) -> None:
    found = match(load_banks().lexicon, "ctas", text, "general")
    assert found is not None and found.tag == intent, (text, found)


def test_every_market_pack_can_sell_and_every_phrase_is_read() -> None:
    """Each market language has a phrase that asks to buy or order, and the lexicon reads nearly every pack phrase
    (one it cannot read is only ever a pack's fallback)."""
    lexicon, unread, total = load_banks().lexicon, [], 0
    for market in load_knowledge().markets.values():
        for language, phrases in market.call_to_action.items():
            asked = [match(lexicon, "ctas", p, "general") for p in phrases]
            assert {a.tag for a in asked if a} & {"buy", "order"}, f"{market.code} {language}: {phrases}"
            unread += [p for p, a in zip(phrases, asked, strict=True) if a is None]
            total += len(phrases)
    assert len(unread) <= total // 20, unread


def test_a_face_cream_in_russia_or_kenya_is_not_told_to_download_or_play() -> None:
    project = plan_project(_brief("Shop now", ["RU", "KZ", "KE", "AR", "RO"]), llm=None)
    said = {v.language: v.call_to_action for v in project.variants}
    assert said == {"ru": "Купи сейчас", "kk": "Қазір сатып ал", "sw": "Nunua sasa", "es-AR": "Comprá ahora",
                    "ro": "Cumpără acum"}  # fmt: skip
    for v in project.variants:
        assert v.shots[-1].voiceover == v.call_to_action, "the end shot says the same call to action"


def test_a_test_drive_is_said_by_the_category_not_as_discover_it_now() -> None:
    project = plan_project(load_brief(BRIEFS / "electric-car.toml"), llm=None)
    for v in project.variants:
        end = v.shots[-1]
        assert v.call_to_action not in load_knowledge().markets[v.market.lower()].call_to_action[v.language]
        assert v.line_status["call-to-action"].origin == "phrase-bank"
        asked = match(load_banks().lexicon, "ctas", end.voiceover, "automotive")
        assert asked is not None and asked.tag == "book", end.voiceover


def test_a_free_sample_no_phrase_offers_is_named_for_review_and_a_kept_offer_is_not() -> None:
    diapers = plan_project(load_brief(BRIEFS / "diapers.toml"), llm=None)
    review = build_report(diapers, scorecards=False).review
    for v in diapers.variants:
        notes = [n for n in review.get(v.id, []) if "call to action" in n]
        assert len(notes) == 1 and "Get your free sample" in notes[0] and "free sample" in notes[0], (v.id, notes)
        assert f"[copy.{v.language}] call_to_action" in notes[0]
    switch = plan_project(load_brief(BRIEFS / "mobile-plan.toml"), llm=None)  # 'Switch today': the bank says it
    review = build_report(switch, scorecards=False).review
    assert not any("call to action" in n for notes in review.values() for n in notes)


def test_a_call_to_action_with_no_known_intent_keeps_the_packs_first_phrase() -> None:
    phrases = load_knowledge().markets["de"].call_to_action["de"]
    assert pack_call_to_action("Be there", phrases, "skincare") == ("", phrases[0])
    project = plan_project(_brief("Be there", ["DE"]), llm=None)
    assert project.variants[0].call_to_action == phrases[0]
