"""A brief nobody here wrote, of another category and other markets: premium wet cat food for France and Italy, two
segments (young owners of an indoor cat in a small flat, owners of a senior cat), no copy, no LLM. What every new
brief must do (each line in its language or named for a translator, its own voice) is tested for it with the others
in tests/test_unseen_briefs.py; here, what is particular to it: the two segments hear their own hook and pain from
the banks; the claim is said in full; the product shot names the cat food and the frames draw it (a pouch and a can
beside a cat, not a dog or a noodle bowl); and a quick preview speaks and captions in French."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from test_unseen_briefs import planned, quick_preview

from pipelines.image.frame_plan import frame_plan
from studio.check.report import build_report
from studio.takes import image_request_for

#: brief → (category pack, market → language, the product kind the frames draw, words the product shot names).
NEW_PETS = {"cat-food": ("pets", {"FR": "fr", "IT": "it"}, "cat-food", "pet food")}
#: The mandatory claim, said in full (species and life stage kept) in each language.
CLAIM = {"fr": "Aliment complet pour chats adultes", "it": "Alimento completo per gatti adulti"}
#: Letters French lines carry that English lines do not (Italian ad lines often have none).
ACCENTS = {"fr": set("éèêàâçùûôîœ"), "it": set()}


@pytest.mark.parametrize("name", sorted(NEW_PETS))
def test_segments_hear_their_own_hook_and_pain(name: str) -> None:
    """The young owner hears about feeding time and a sensitive stomach, the senior cat's owner about a quiet
    morning and a cat who sniffs the bowl and walks away: different tags, different lines, in both languages."""
    project = planned(name)
    for market in NEW_PETS[name][1]:
        a, b = [v for v in project.variants if v.market == market]
        assert a.shots[0].voiceover != b.shots[0].voiceover, f"{market}: both segments open the same way"
        assert a.shots[0].line_status["voice-over"].origin == "phrase-bank", (a.id, a.shots[0].voiceover)
        assert b.shots[0].line_status["voice-over"].origin == "phrase-bank", (b.id, b.shots[0].voiceover)
        assert a.shots[1].line_source is not None and b.shots[1].line_source is not None
        assert a.shots[1].line_source.tags != b.shots[1].line_source.tags, f"{market}: the same pain for both"
        assert a.shots[1].voiceover != b.shots[1].voiceover


@pytest.mark.parametrize("name", sorted(NEW_PETS))
def test_the_complete_feed_claim_is_said_in_full_and_check_cautions_it(name: str) -> None:
    """'Complete feed for adult cats' is a legal feed category: the caption says it with the species and life stage
    in French and Italian (never 'complete' alone), and check cites the EU pet-food rule for it."""
    project = planned(name)
    report = build_report(project, scorecards=False)
    for variant in project.variants:
        captions = [s.caption for s in variant.shots]
        assert any(CLAIM[variant.language] in c for c in captions), (variant.id, captions)
        mine = [f for f in report.findings if f.variant_id == variant.id and f.rule_id == "eu-pet-food-complete-feed"]
        assert mine and all(f.severity == "warn" for f in mine), variant.id
        assert any(f.where != "legal" for f in mine), f"{variant.id}: the localized claim line is cautioned too"
    assert "Regulation (EC) No 767/2009" in report.text()


def test_a_disease_claim_in_french_or_italian_is_held_against_eu_feed_law() -> None:
    project = planned("cat-food").model_copy(deep=True)
    said = {"fr": "Minette guérit les problèmes de reins.", "it": "Minette previene le malattie dei reni."}
    for variant in project.variants:
        variant.shots[2].voiceover = said[variant.language]
    findings = build_report(project, scorecards=False).findings
    for variant in project.variants:
        mine = [f for f in findings if f.variant_id == variant.id and f.rule_id == "eu-pet-food-medical-claims"]
        assert [f.where for f in mine] == [variant.shots[2].shot_id], (variant.id, mine)
    untouched = build_report(planned("cat-food"), scorecards=False).findings
    assert not [f for f in untouched if f.rule_id == "eu-pet-food-medical-claims"]


@pytest.mark.parametrize("name", sorted(NEW_PETS))
def test_the_product_shot_names_the_cat_food_and_the_frames_draw_it(name: str) -> None:
    _, _, kind, words = NEW_PETS[name]
    project = planned(name)
    assert project.storyboard is not None
    cta = project.storyboard.shots[-1]
    assert cta.beat == "cta"
    for variant in project.variants:
        shot = variant.shot(cta.id)
        assert re.search(rf"\b{words}\b", shot.prompt.lower()), (variant.id, shot.prompt)
        plan = frame_plan(image_request_for(project, variant.id, cta.id, "9:16"))
        assert plan.product == kind, (variant.id, plan.product)
    others = {"bottle", "tube", "drink", "bowl", "pet"}  # no serum, soda can, noodle bowl or dog in a cat-food ad
    for master in project.storyboard.shots:
        plan = frame_plan(image_request_for(project, project.variants[0].id, master.id, "9:16"))
        assert plan.product == kind, (master.id, plan.product)
        assert not set(plan.props) & others, (master.id, plan.props)


def test_the_product_frame_shows_a_can_and_a_cat_where_a_dog_food_frame_shows_a_dog() -> None:
    """Pixels, not only the plan: the cat-food product box holds the can's silver rim and the cat's grey fur; the same
    shot for dog food draws the dog (tan fur) and no can."""
    from pipelines.image.procedural import render_frame

    project = planned("cat-food")
    variant = project.variants[0]
    request = image_request_for(project, variant.id, variant.shots[-1].shot_id, "9:16")
    request = request.model_copy(update={"width": 360, "height": 640})

    def colours(frame: object) -> tuple[int, int, int]:
        left, top, right, bottom = (int(v) for v in frame.products[0])  # type: ignore[attr-defined]
        a = np.asarray(frame.image, dtype=np.int16)[max(0, top) : bottom, max(0, left) : right].reshape(-1, 3)  # type: ignore[attr-defined]

        def near(rgb: tuple[int, int, int]) -> int:
            return int((np.abs(a - np.array(rgb)).max(axis=1) <= 6).sum())

        return near((200, 202, 208)), near((120, 116, 124)), near((196, 140, 80))

    can, cat, dog = colours(cat_frame := render_frame(request))
    assert cat_frame.plan.product == "cat-food"
    assert can > 50 and cat > 200 and dog == 0, (can, cat, dog)
    dog_request = request.model_copy(
        update={"category": "dog food", "props": ["dry dog food"], "prompt": request.prompt.replace("cat", "dog")}
    )
    dog_frame = render_frame(dog_request)
    assert dog_frame.plan.product == "pet"
    can, cat, dog = colours(dog_frame)
    assert dog > 200 and can == 0, (can, cat, dog)


def test_readiness_finds_a_voice_and_a_caption_font_for_french_and_italian() -> None:
    """Offline, the espeak voices speak French and Italian and the caption font has every accented letter and
    no-break space the lines use; a neural voice that is not installed is named plainly, with where to put it."""
    from studio.stages.readiness import check_readiness, readiness_request

    project = planned("cat-food")
    ready = {r.market: r for r in check_readiness(readiness_request(project, {}, "procedural"))}
    assert set(ready) == {"FR", "IT"}
    for market, r in ready.items():
        assert r.voice.ready and r.voice.what.startswith("espeak"), (market, r.voice)
        assert r.font.ready, (market, r.font)
    (fr,) = [
        r
        for r in check_readiness(readiness_request(project, {"fr": "piper:fr_FR-siwis-medium"}, "procedural"))
        if r.market == "FR"
    ]
    assert not fr.voice.ready and "fr_FR-siwis-medium" in fr.voice.what + fr.voice.hint and fr.voice.hint, fr.voice


def test_a_french_quick_preview_captions_in_french_and_speaks(tmp_path: Path) -> None:
    """About 10 s, so not marked slow."""
    _, cues = quick_preview(tmp_path, "cat-food", "fr-city-flats", "fr")
    said = " ".join(cue.text for cue in cues)
    assert set(said) & ACCENTS["fr"], f"French accents reach the captions: {said}"
