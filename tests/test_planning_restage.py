"""Master edits: only the variant shots they affect go stale, and hand overrides survive."""

from __future__ import annotations

import pytest

from studio import paths
from studio.model import Project, ProjectError, load_brief
from studio.planning import apply_master_edit, plan_project


@pytest.fixture
def project() -> Project:
    return plan_project(load_brief(paths.sample_brief()))


def test_visual_edit_marks_that_shot_stale_in_every_variant_only(project: Project) -> None:
    s3 = project.storyboard.shot("s3").model_copy(update={"visual": "serve poured on a wrist under moonlight"})
    stale = apply_master_edit(project, s3)
    assert sorted(stale) == sorted((v.id, "s3") for v in project.variants)
    for v in project.variants:
        for shot in v.shots:
            assert shot.stale == (shot.shot_id == "s3")
        assert "moonlight" in v.shot("s3").prompt
    assert project.storyboard.shot("s3").visual.endswith("moonlight")


def test_voiceover_edit_spares_variants_with_supplied_copy(project: Project) -> None:
    before = {v.id: v.shot("s2").model_dump() for v in project.variants}
    s2 = project.storyboard.shot("s2").model_copy(update={"voiceover": "Sticky nights, tired mornings."})
    assert apply_master_edit(project, s2) == []
    for v in project.variants:
        after = v.shot("s2")
        assert not after.stale
        assert after.voiceover == before[v.id]["voiceover"]


def test_voiceover_edit_reaches_untranslated_variants(project: Project) -> None:
    data = project.brief.model_dump(by_alias=True)
    del data["copy"]["id"]["lines"]["problem"]
    p = plan_project(type(project.brief).model_validate(data))
    s2 = p.storyboard.shot("s2").model_copy(update={"voiceover": "Sticky nights, tired mornings."})
    stale = apply_master_edit(p, s2)
    assert sorted(stale) == [("id-late-shift", "s2"), ("id-night-owls", "s2")]
    shot = p.variant("id-night-owls").shot("s2")
    assert shot.voiceover == "Sticky nights, tired mornings."
    assert any(f.kind == "untranslated" for f in shot.flags)


def test_overrides_survive_a_master_edit(project: Project) -> None:
    th = project.variant("th-night-owls").shot("s3")
    th.overrides = {"setting": "Chao Phraya riverside at night", "motifs": ["longtail boats"]}
    th.setting = "Chao Phraya riverside at night"
    s3 = project.storyboard.shot("s3").model_copy(update={"visual": "a new visual", "framing": "close-up"})
    apply_master_edit(project, s3)
    after = project.variant("th-night-owls").shot("s3")
    assert after.stale
    assert after.setting == "Chao Phraya riverside at night" and after.motifs == ["longtail boats"]
    assert after.overrides["setting"] == "Chao Phraya riverside at night"
    assert "a new visual" in after.prompt


def test_sound_cue_edit_touches_no_variant(project: Project) -> None:
    s1 = project.storyboard.shot("s1").model_copy(update={"sound_cue": "vinyl scratch"})
    assert apply_master_edit(project, s1) == []
    assert not any(s.stale for v in project.variants for s in v.shots)


def test_duration_edit_refits_and_keeps_total(project: Project) -> None:
    board = project.storyboard
    s3 = board.shot("s3").model_copy(update={"duration_s": 5.0})
    s4 = board.shot("s4").model_copy(update={"duration_s": 2.0})
    apply_master_edit(project, s3)
    apply_master_edit(project, s4)
    assert board.total_duration() == pytest.approx(15.0)
    for v in project.variants:
        assert sum(s.duration_s for s in v.shots) == pytest.approx(15.0, abs=0.011)


def test_unknown_shot_is_a_clear_error(project: Project) -> None:
    with pytest.raises(ProjectError, match="s1, s2"):
        apply_master_edit(project, project.storyboard.shot("s1").model_copy(update={"id": "s99"}))


def test_relocalize_after_a_hand_edit_recomposes_the_prompt(project: Project) -> None:
    from studio.planning import relocalize_shot

    shot = project.variant("th-night-owls").shot("s4")
    shot.overrides["setting"] = "Chao Phraya riverside at night"
    shot.overrides["voiceover"] = "เหงื่อกลายเป็นแสงดาว ทั้งคืน"
    fresh = relocalize_shot(project, "th-night-owls", "s4")
    assert fresh is project.variant("th-night-owls").shot("s4")
    assert fresh.setting == "Chao Phraya riverside at night" and "Chao Phraya riverside" in fresh.prompt
    assert fresh.voiceover == "เหงื่อกลายเป็นแสงดาว ทั้งคืน" and fresh.stale
    assert not project.variant("th-late-shift").shot("s4").stale
    s4 = project.storyboard.shot("s4").model_copy(update={"visual": "stars on skin"})
    apply_master_edit(project, s4)
    again = project.variant("th-night-owls").shot("s4")
    assert "Chao Phraya riverside" in again.prompt and "stars on skin" in again.prompt
    with pytest.raises(ProjectError):
        relocalize_shot(project, "th-night-owls", "s42")
