"""The presenter stage: request → outcome on the GPU lane, never saves; `apply` merges into the project as it is now.
The market's presenter photo comes from the brief (with its consent note); the model folder from the settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from render_project import build_project
from tiny_presenter_models import add_presenter_take, build_tiny_lipsync

from studio.model import ProjectError, ProjectStore
from studio.model.brand import BrandFile
from studio.model.brief import MarketTarget, PresenterPlan
from studio.model.motion import picked_motion
from studio.stages import presenter, stage
from studio.stages.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning", "ignore::DeprecationWarning")

VARIANT = "vi-snack-fans"
SHOTS = [
    ("s1", "hook", 2.0, "push-in", "Giòn tan mỗi ngày.", "Giòn tan", (200, 120, 40)),
    ("s2", "proof", 2.5, "static", "Bánh tráng Cô Ba, ngon thật!", "", (60, 120, 90)),
    ("s3", "cta", 2.0, "static", "Mua ngay hôm nay.", "Mua ngay", (150, 40, 60)),
]
CONSENT = "Model release signed by Linh Tran, 2026-11-30, ads in VN"


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_lipsync(tmp_path_factory.mktemp("presenter-models") / "musetalk-tiny")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectStore:
    monkeypatch.delenv("QIANMIAN_PRESENTER_MODELS", raising=False)
    store = build_project(tmp_path / "p", duration_s=8.0, shots=SHOTS, language="vi", variant_id=VARIANT)
    project = store.load()
    project.settings.fps = 12
    assert project.storyboard is not None
    project.storyboard.shots[1].presenter = True
    project.variant(VARIANT).market = "VN"
    store.save(project)
    return store


def with_brief_portrait(store: ProjectStore) -> str:
    """The brief's VN presenter photo, as planning leaves it: copied into the project's assets with the consent."""
    import io

    from pipelines.presenter.portrait import draw_portrait
    from studio.model.requests import CastMember

    buf = io.BytesIO()
    member = CastMember(role="presenter", gender="woman", skin_tone="olive", age="adult")
    draw_portrait(member, 256, 448, seed=3).image.save(buf, "PNG")
    asset = store.put_asset(buf.getvalue(), "png")
    project = store.load()
    project.brief.markets = [*project.brief.markets, MarketTarget(code="VN", language="vi")]
    portraits = {"VN": BrandFile(path="linh.png", asset=asset)}
    project.brief.presenter = PresenterPlan(beats=["proof"], portraits=portraits, consent=CONSENT)
    store.save(project)
    return asset


def test_the_stage_lip_syncs_the_presenter_shots_with_the_markets_photo(store: ProjectStore, models: Path) -> None:
    asset = with_brief_portrait(store)
    before = store.project_file.read_bytes()
    request = presenter.PresenterTakesRequest(
        project_dir=store.root, variant_id=VARIANT, settings=Settings(model_folders=(models.parent,), device="cpu")
    )
    outcome = presenter.run(request)
    assert store.project_file.read_bytes() == before, "a stage never saves project.json"
    assert [t.shot_id for t in outcome.takes] == ["s2"], "the storyboard's presenter shot"
    take = outcome.takes[0]
    assert take.info["portrait_source"] == "supplied" and take.info["portrait"] == asset
    assert take.info["consent"] == CONSENT, "the brief's consent note travels with the take"
    assert take.backend == f"lipsync:{models.name}", "the model folder found through the settings"

    from studio.stages.readiness import presenter_notes

    assert presenter_notes(store.load()) == {"VN": (f"{VARIANT} s2: presenter line not lip-synced yet",)}
    project = store.load()  # the creator edits while the model runs: the edit stays
    project.variant(VARIANT).shot("s1").caption = "Giòn tan!"
    merged = stage("presenter").apply(project, outcome)
    assert merged.variant(VARIANT).shot("s1").caption == "Giòn tan!"
    assert [t.id for t in picked_motion(merged, "s2", VARIANT)] == [take.id]
    assert any(v.request.key() == take.info["voice_key"] for v in merged.voice_lines), "the voice the lips follow"
    assert presenter.apply(merged, outcome).motion_takes == merged.motion_takes, "applying twice adds nothing"
    assert presenter_notes(merged) == {}, "lip-synced: readiness says nothing more"


def test_no_presenter_shot_and_no_model_say_what_to_do(store: ProjectStore, tmp_path: Path) -> None:
    project = store.load()
    assert project.storyboard is not None
    project.storyboard.shots[1].presenter = False
    store.save(project)
    with pytest.raises(ProjectError) as e:
        presenter.run(presenter.PresenterTakesRequest(project_dir=store.root, variant_id=VARIANT))
    assert "no presenter shots" in e.value.message and "[presenter]" in e.value.hint
    settings = Settings(model_folders=(tmp_path / "empty",), device="cpu")
    with pytest.raises(Exception) as err:
        presenter.run(
            presenter.PresenterTakesRequest(
                project_dir=store.root, variant_id=VARIANT, shot_ids=("s2",), settings=settings
            )
        )
    assert "No presenter (lip-sync) model is installed" in str(err.value)


def test_a_brief_photo_not_in_the_project_says_how_to_bring_it_in(store: ProjectStore, models: Path) -> None:
    from studio.model import ValidationFailed

    with_brief_portrait(store)
    project = store.load()
    assert project.brief.presenter is not None
    project.brief.presenter.portraits["VN"] = BrandFile(path="linh.png")  # as the app's brief editor leaves it
    store.save(project)
    settings = Settings(model_folders=(models.parent,), device="cpu")
    with pytest.raises(ValidationFailed) as e:
        presenter.run(presenter.PresenterTakesRequest(project_dir=store.root, variant_id=VARIANT, settings=settings))
    assert "presenter.portraits.VN" in e.value.message and "linh.png" in e.value.message
    assert "qianmian plan" in e.value.hint and "consent" in e.value.hint


def test_readiness_names_the_presenter_line_without_blocking(store: ProjectStore) -> None:
    """A presenter shot with no presenter take is named per market; the market's readiness is what it was."""
    from studio.stages.readiness import check_readiness, readiness_request

    project = store.load()
    request = readiness_request(project, {}, "procedural")
    assert request.notes == {"VN": (f"{VARIANT} s2: presenter line not lip-synced yet",)}
    vn = [m.code for m in project.brief.markets if m.code == "VN"]
    brief = project.brief.model_copy(update={"markets": [*project.brief.markets, *([] if vn else [vn_market()])]})
    result = {m.market: m for m in check_readiness(replace(request, brief=brief))}
    assert result["VN"].notes == request.notes["VN"]
    assert result["VN"].ready == (result["VN"].voice.ready and result["VN"].font.ready and result["VN"].model.ready)
    assert result["TH"].notes == ()


def vn_market() -> MarketTarget:
    return MarketTarget(code="VN", language="vi")


def test_a_synthetic_presenter_carries_the_ai_label_where_the_market_asks(tmp_path: Path) -> None:
    """KR's rules ask for the AI label on generated media: a variant of drawn frames and no voice needs none until a
    lip-synced presenter plays in it; TH has no such rule, so its variant stays unlabelled."""
    from pipelines.image import PROCEDURAL
    from studio.preflight.labels import label_text

    project = build_project(tmp_path / "p").load()
    for t in project.takes:
        t.backend = PROCEDURAL
    variant = project.variants[0]
    for s in variant.shots:
        s.voiceover = ""
    variant.market, variant.language = "KR", "ko"
    assert label_text(project, variant) == ""
    add_presenter_take(project, variant, variant.shots[1].shot_id, "lipsync:musetalk")
    assert label_text(project, variant) == "AI 생성 콘텐츠"
    variant.market, variant.language = "TH", "th"
    assert label_text(project, variant) == ""
