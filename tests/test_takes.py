"""Takes orchestration on the procedural backend: candidates, reuse by request key, seeds, cancel, variants."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.model import (
    Cancelled,
    CancelToken,
    LocalizedShot,
    Project,
    ProjectStore,
    Shot,
    Storyboard,
    Variant,
    load_brief,
)
from studio.takes import TakesRequest, diffusion_size, generate_takes, image_request_for


def make_project(root: Path, sample_brief_path: Path) -> ProjectStore:
    brief = load_brief(sample_brief_path)
    shots = [
        Shot(id="s1", beat="hook", duration_s=3, visual="friends dancing on a rooftop", framing="wide"),
        Shot(id="s2", beat="problem", duration_s=3, visual="tired face at dawn", framing="close-up", camera="push-in"),
        Shot(id="s3", beat="cta", duration_s=3, visual="the serum bottle", framing="product"),
    ]

    def localized(wardrobe: str, motifs: list[str]) -> list[LocalizedShot]:
        return [
            LocalizedShot(shot_id=s.id, duration_s=3, prompt=s.visual, wardrobe=wardrobe, motifs=motifs) for s in shots
        ]

    project = Project(
        name="takes-test",
        brief=brief,
        storyboard=Storyboard(concept="c", theme="t", shots=shots),
        variants=[
            Variant(
                id="th-night-owls",
                market="TH",
                language="th",
                segment="night-owls",
                name="TH night owls",
                palette=["#0b1d3a", "#1e6fb8", "#ff5d8f"],
                shots=localized("streetwear", ["palm trees", "surf"]),
            ),
            Variant(
                id="th-guochao",
                market="TH",
                language="th",
                segment="guochao",
                name="TH guochao",
                palette=["#8b0000", "#f5deb3"],
                shots=localized("hanfu", ["lanterns", "plum blossom"]),
            ),
        ],
    )
    store = ProjectStore(root)
    store.create(project)
    return store


@pytest.fixture
def store(tmp_path: Path, sample_brief_path: Path) -> ProjectStore:
    return make_project(tmp_path / "proj", sample_brief_path)


def test_request_for_a_variant_shot(store: ProjectStore) -> None:
    project = store.load()
    r = image_request_for(project, "th-night-owls", "s2", "9:16")
    assert (r.width, r.height) == (1080, 1920) and r.model == "procedural"
    assert r.framing == "close-up" and r.camera == "push-in" and r.label == "S2 · PROBLEM"
    assert r.palette == ("#0b1d3a", "#1e6fb8", "#ff5d8f") and "streetwear" in r.prompt
    assert image_request_for(project, "th-night-owls", "s2", "9:16", candidate=1).seed == r.seed + 1
    assert image_request_for(project, "th-guochao", "s2", "9:16").seed == r.seed, "variants keep the composition"
    assert image_request_for(project, None, "s2", "16:9").width == 1920


def test_diffusion_sizes_follow_the_family() -> None:
    assert diffusion_size("1:1", 512) == (512, 512)
    assert diffusion_size("9:16", 1024) == (768, 1344)
    assert diffusion_size("16:9", 1024) == (1344, 768)
    w, h = diffusion_size("9:16", 64)
    assert w % 16 == 0 and h % 16 == 0 and h > w


def test_generate_candidates_store_assets_and_reuse(store: ProjectStore) -> None:
    req = TakesRequest(
        project_dir=store.root,
        variant_ids=("th-night-owls", "th-guochao"),
        shot_ids=("s1", "s2"),
        aspect="1:1",
        candidates=2,
    )
    takes = generate_takes(req)
    assert len(takes) == 8
    assert {t.request.seed for t in takes if t.shot_id == "s1"} == {takes[0].request.seed, takes[0].request.seed + 1}
    for t in takes:
        img = Image.open(store.asset_path(t.asset))
        assert img.size == (1080, 1080) and t.backend == "procedural"
    owls = np.asarray(Image.open(store.asset_path(takes[0].asset)), dtype=np.int16)
    guochao = next(t for t in takes if t.variant_id == "th-guochao" and t.request.seed == takes[0].request.seed)
    assert np.abs(owls - np.asarray(Image.open(store.asset_path(guochao.asset)), dtype=np.int16)).mean() > 10

    project = store.load()
    project.takes.extend(takes)
    store.save(project)
    before = {p.name: p.stat().st_mtime_ns for p in store.assets.iterdir()}
    again = generate_takes(req)
    assert [t.id for t in again] == [t.id for t in takes], "same request → the stored take is reused"
    assert {p.name: p.stat().st_mtime_ns for p in store.assets.iterdir()} == before


def test_regenerate_gives_new_seeds_lock_keeps_the_picked_one(store: ProjectStore) -> None:
    first = generate_takes(TakesRequest(project_dir=store.root, variant_ids=(None,), shot_ids=("s3",), aspect="1:1"))
    project = store.load()
    first[0].selected = True
    project.takes.extend(first)
    store.save(project)
    fresh = generate_takes(TakesRequest(project_dir=store.root, shot_ids=("s3",), aspect="1:1", regenerate=True))
    assert fresh[0].request.seed != first[0].request.seed and fresh[0].asset != first[0].asset
    locked = generate_takes(
        TakesRequest(project_dir=store.root, shot_ids=("s3",), aspect="1:1", regenerate=True, lock_seed=True)
    )
    assert locked[0].id == first[0].id


def test_cancel_leaves_no_take_and_no_new_asset(store: ProjectStore) -> None:
    token = CancelToken()
    seen = 0

    def on_progress(p: object) -> None:
        nonlocal seen
        seen += 1
        if seen > 3:
            token.cancel()

    with pytest.raises(Cancelled):
        generate_takes(
            TakesRequest(project_dir=store.root, variant_ids=("th-night-owls",), aspect="1:1"),
            on_progress=on_progress,
            cancel=token,
        )
    assert not store.assets.exists() or not any(store.assets.iterdir())


def two_segments_one_market(root: Path, sample_brief_path: Path, category: str = "food-drink") -> ProjectStore:
    """One market (MY), two segments with the same palette and motifs: only who is in the shot and when differ."""
    from studio.model.requests import CastMember

    brief = load_brief(sample_brief_path).model_copy(update={"category": category})
    shots = [
        Shot(id="s1", beat="hook", duration_s=2, visual="people at the table", framing="medium"),
        Shot(id="s2", beat="solution", duration_s=2, visual="the product in use", framing="extreme-close-up"),
        Shot(id="s3", beat="cta", duration_s=2, visual="the pack shot", framing="product"),
    ]
    family = [
        CastMember(role="grandmother", age="senior", gender="woman", skin_tone="brown", hijab=True, modest=True),
        CastMember(role="grandchild", age="child", gender="woman", skin_tone="brown", hijab=True, modest=True),
    ]
    student = [CastMember(role="student", age="young-adult", gender="man", skin_tone="medium")]

    def localized(cast: list[CastMember], occasion: str) -> list[LocalizedShot]:
        return [
            LocalizedShot(
                shot_id=s.id,
                duration_s=2,
                prompt=s.visual,
                motifs=["lanterns"],
                cast=cast,
                occasion=occasion,
                props=["instant noodles"],
                voiceover="Sedap.",
            )
            for s in shots
        ]

    palette = ["#0b1d3a", "#1e6fb8", "#f7b267"]
    project = Project(
        name="segments-test",
        brief=brief,
        storyboard=Storyboard(concept="c", theme="t", shots=shots),
        variants=[
            Variant(
                id="my-families",
                market="MY",
                language="ms",
                segment="families",
                name="MY families",
                palette=palette,
                shots=localized(family, "iftar table"),
            ),
            Variant(
                id="my-students",
                market="MY",
                language="ms",
                segment="students",
                name="MY students",
                palette=palette,
                shots=localized(student, "late-night study"),
            ),
        ],
    )
    store = ProjectStore(root)
    store.create(project)
    return store


def test_request_carries_category_cast_props_and_occasion(tmp_path: Path, sample_brief_path: Path) -> None:
    store = two_segments_one_market(tmp_path / "p", sample_brief_path, category="F&B")
    project = store.load()
    r = image_request_for(project, "my-families", "s1", "9:16")
    assert r.category == "food-drink", "the brief's alias resolves to the category pack id"
    assert [c.role for c in r.cast] == ["grandmother", "grandchild"] and r.cast[0].hijab
    assert r.occasion == "iftar table" and r.props == (project.brief.product, "instant noodles")
    other = image_request_for(project, "my-students", "s1", "9:16")
    assert other.key() != r.key()
    assert image_request_for(project, None, "s1", "9:16").cast == ()
    from pipelines.image.frame_plan import frame_plan

    brief = project.brief.model_copy(update={"product": "SunGuard SPF50 sunscreen", "category": "skincare"})
    product_shot = image_request_for(project.model_copy(update={"brief": brief}), None, "s3", "9:16")
    assert frame_plan(product_shot).product == "tube", "the brief's product name picks the sunscreen tube"


def test_two_segments_of_one_market_get_their_own_pictures(tmp_path: Path, sample_brief_path: Path) -> None:
    store = two_segments_one_market(tmp_path / "p", sample_brief_path)
    takes = generate_takes(
        TakesRequest(
            project_dir=store.root, variant_ids=("my-families", "my-students"), shot_ids=("s1", "s2"), aspect="1:1"
        )
    )
    by = {(t.variant_id, t.shot_id): t for t in takes}
    assert len(by) == 4
    for shot_id in ("s1", "s2"):
        fam, stu = by[("my-families", shot_id)], by[("my-students", shot_id)]
        assert fam.asset != stu.asset, f"{shot_id}: both segments got the same image file"
        a = np.asarray(Image.open(store.asset_path(fam.asset)), dtype=np.int16)
        b = np.asarray(Image.open(store.asset_path(stu.asset)), dtype=np.int16)
        assert np.abs(a - b).mean() > 5, f"{shot_id}: the segments' pictures look alike"


@pytest.mark.slow
def test_two_segments_render_to_videos_whose_frames_differ(tmp_path: Path, sample_brief_path: Path) -> None:
    """Through the whole render (images, voice, cut): the families' and the students' MP4s show different pictures."""
    from media import frame_at

    from studio.workflow import RenderRequest, render

    store = two_segments_one_market(tmp_path / "p", sample_brief_path)
    # The hand-written one-word lines are too short to identify: a marked draft is enough to compare pictures.
    request = RenderRequest(store.root, variant_ids=("my-families", "my-students"), aspects=("9:16",), scale=0.2)
    result = render(dataclasses.replace(request, draft=True))
    videos = {d.variant_id: store.root / d.path for d in result.deliverables if d.kind == "video"}
    assert set(videos) == {"my-families", "my-students"}
    assert videos["my-families"].read_bytes() != videos["my-students"].read_bytes()
    project = store.load()
    for t in (0.5, 4.0):  # inside the hook (people, occasion) and the pack shot (the iftar one hangs lanterns)
        a = frame_at(videos["my-families"], t).astype(np.int16)
        b = frame_at(videos["my-students"], t).astype(np.int16)
        assert np.abs(a - b).mean() > 4, f"at {t} s both segments show the same picture"
    fam = {t.asset for t in project.takes if t.variant_id == "my-families"}
    stu = {t.asset for t in project.takes if t.variant_id == "my-students"}
    assert len(fam) == len(stu) == 3 and not fam & stu


def test_own_take_never_falls_back_to_the_master(store: ProjectStore) -> None:
    from studio.takes import own_take

    master = generate_takes(TakesRequest(project_dir=store.root, variant_ids=(None,), shot_ids=("s1",), aspect="1:1"))
    project = store.load()
    project.takes.extend(master)
    assert project.selected_take("s1", "th-guochao") is master[0], "the model's fallback, kept for old projects"
    assert own_take(project, "s1", "th-guochao") is None, "the variant still needs its own picture"
    mine = generate_takes(
        TakesRequest(project_dir=store.root, variant_ids=("th-guochao",), shot_ids=("s1",), aspect="1:1")
    )
    project.takes.extend(mine)
    assert own_take(project, "s1", "th-guochao") is mine[0] and mine[0].asset != master[0].asset
