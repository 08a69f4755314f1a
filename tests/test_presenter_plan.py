"""Presenter beats in the storyboard: the brief names the beats a presenter says to camera, the planner marks those
shots and each market casts its own presenter (the brief's talent line, or a photo the creator has consent for)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from studio.model import ValidationFailed, load_brief
from studio.planning import plan_project
from studio.planning.presenter import TO_CAMERA
from studio.stages import plan

BRIEFS = Path(__file__).parent / "briefs"
FINTECH = (BRIEFS / "fintech-app.toml").read_text("utf-8")


def brief_file(tmp_path: Path, presenter: str) -> Path:
    path = tmp_path / "brief.toml"
    path.write_text(FINTECH + "\n[presenter]\n" + presenter, "utf-8")
    return path


def test_old_briefs_stay_valid_and_plan_no_presenter(tmp_path: Path) -> None:
    for path in sorted(BRIEFS.glob("*.toml")):
        brief = load_brief(path)
        assert brief.presenter is None, path.name
    project = plan_project(load_brief(BRIEFS / "fintech-app.toml"), llm=None)
    assert project.storyboard is not None
    assert not any(s.presenter for s in project.storyboard.shots)


def test_presenter_beats_are_told_to_camera_by_each_markets_presenter(tmp_path: Path) -> None:
    path = brief_file(tmp_path, 'beats = ["hook", "cta"]\ntalent = { vn = "Vietnamese pharmacist in her thirties" }\n')
    project = plan_project(load_brief(path), llm=None)
    assert project.storyboard is not None
    marked = [s for s in project.storyboard.shots if s.presenter]
    assert [s.beat for s in marked] == ["hook", "cta"]
    for shot in marked:
        assert shot.visual.startswith(TO_CAMERA) and shot.framing == "close-up" and shot.camera == "static"
    others = [s for s in project.storyboard.shots if not s.presenter]
    assert others and not any(s.visual.startswith(TO_CAMERA) for s in others)

    by_market = {v.market: v for v in project.variants}
    hook = marked[0].id
    vn = by_market["VN"].shot(hook)
    assert vn.talent == "Vietnamese pharmacist in her thirties", "the brief's own words for the VN presenter"
    assert "Vietnamese pharmacist in her thirties, the presenter, facing the camera" in vn.prompt
    assert len(vn.cast) == 1, "one presenter in the shot"
    ph = by_market["PH"].shot(hook)
    assert len(ph.cast) == 1 and "the presenter, facing the camera" in ph.prompt
    assert ph.talent and "pharmacist" not in ph.talent, "PH casts its presenter from its own market casting"


def test_a_beat_the_storyboard_lacks_is_named(tmp_path: Path) -> None:
    path = brief_file(tmp_path, 'beats = ["unboxing"]\n')
    with pytest.raises(ValidationFailed) as e:
        plan.run(plan.PlanRequest(name="p", brief_path=path))
    assert str(path) in e.value.message and "presenter.beats[0]" in e.value.message and "hook" in e.value.message


def test_a_supplied_portrait_needs_consent_and_is_copied_into_the_project(tmp_path: Path) -> None:
    Image.new("RGB", (64, 80), (180, 140, 120)).save(tmp_path / "linh.png")
    path = brief_file(tmp_path, 'beats = ["hook"]\nportraits = { VN = "linh.png" }\n')
    with pytest.raises(ValidationFailed) as e:
        load_brief(path)
    assert str(path) in e.value.message and "consent" in e.value.message and "VN" in e.value.message

    path = brief_file(
        tmp_path,
        'beats = ["hook"]\nportraits = { VN = "linh.png" }\nconsent = "Model release signed by Linh, 2026-11"\n',
    )
    outcome = plan.run(plan.PlanRequest(name="p", brief_path=path, project_dir=tmp_path / "project"))
    presenter = outcome.project.brief.presenter
    assert presenter is not None and presenter.portraits["VN"].asset
    stored = tmp_path / "project" / "assets" / presenter.portraits["VN"].asset
    with Image.open(stored) as im:
        assert im.size == (64, 80)


def test_a_missing_or_unreadable_portrait_names_the_file_and_field(tmp_path: Path) -> None:
    consent = 'consent = "Model release signed by Linh, 2026-11"\n'
    path = brief_file(tmp_path, f'beats = ["hook"]\nportraits = {{ VN = "nobody.png" }}\n{consent}')
    with pytest.raises(ValidationFailed) as e:
        plan.run(plan.PlanRequest(name="p", brief_path=path, project_dir=tmp_path / "project"))
    assert str(path) in e.value.message and "presenter.portraits.VN" in e.value.message
    assert "nobody.png" in e.value.message
    (tmp_path / "notes.png").write_text("not a picture", "utf-8")
    path = brief_file(tmp_path, f'beats = ["hook"]\nportraits = {{ VN = "notes.png" }}\n{consent}')
    with pytest.raises(ValidationFailed) as e:
        plan.run(plan.PlanRequest(name="p", brief_path=path))
    assert "presenter.portraits.VN" in e.value.message and "not an image" in e.value.message
    path = brief_file(tmp_path, f'beats = ["hook"]\nportraits = {{ TH = "notes.png" }}\n{consent}')
    with pytest.raises(ValidationFailed) as e:
        load_brief(path)
    assert "presenter.portraits.TH" in e.value.message and "PH, ID, VN" in e.value.message


def test_a_shot_turned_to_camera_recasts_every_variant_and_back() -> None:
    from studio.stages.edits import set_presenter

    project = plan_project(load_brief(BRIEFS / "fintech-app.toml"), llm=None)
    assert project.storyboard is not None
    shot = project.storyboard.shots[1]
    set_presenter(project, shot.id, True)
    marked = project.storyboard.shot(shot.id)
    assert marked.presenter and marked.visual.startswith(TO_CAMERA) and marked.framing == "close-up"
    for v in project.variants:
        assert "the presenter, facing the camera" in v.shot(shot.id).prompt, v.id
        assert len(v.shot(shot.id).cast) == 1
    set_presenter(project, shot.id, False)
    back = project.storyboard.shot(shot.id)
    assert not back.presenter and not back.visual.startswith(TO_CAMERA)
    for v in project.variants:
        assert "the presenter" not in v.shot(shot.id).prompt
    assert back.visual == shot.visual, "the planned picture words come back"
