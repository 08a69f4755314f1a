"""A turntable of the real product from the brand kit's photos: four angles, shot in any order, render in turn order
(front → three-quarter → side → back) in the cut, each angle the product's own pixels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from media import frame_at
from PIL import Image, ImageDraw
from render_project import build_project

from studio.model import ProjectError, ProjectStore
from studio.model.brand import BrandKit, ProductPhoto

#: One colour per side of a (drawn) coffee bag, so a frame says which photo it shows.
SIDES = {"back": (200, 40, 40), "front": (40, 160, 60), "side": (40, 70, 200), "three-quarter": (220, 190, 30)}


def bag(colour: tuple[int, int, int]) -> bytes:
    im = Image.new("RGBA", (200, 300), (0, 0, 0, 0))
    ImageDraw.Draw(im).rounded_rectangle((20, 10, 180, 290), radius=24, fill=(*colour, 255))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def with_photos(store: ProjectStore, angles: list[str]) -> None:
    project = store.load()
    photos = []
    for angle in angles:  # listed out of turn order on purpose
        asset = store.put_asset(bag(SIDES[angle]), "png")
        photos.append(ProductPhoto(angle=angle, asset=asset, cutout=asset, mask_source="alpha"))  # type: ignore[arg-type]
    project.brief.brand_kit = BrandKit(product_photos=photos, colours={"primary": "#202830"})
    store.save(project)


def side_shown(frame: np.ndarray) -> str | None:
    """Which bag colour fills the centre of the frame (None while none does: the turn's in-between)."""
    h, w = frame.shape[:2]
    centre = frame[h * 45 // 100 : h * 55 // 100, w * 45 // 100 : w * 55 // 100].reshape(-1, 3).mean(axis=0)
    best = min(SIDES, key=lambda a: float(np.abs(centre - np.array(SIDES[a])).sum()))
    return best if float(np.abs(centre - np.array(SIDES[best])).sum()) < 60 else None


def test_four_photos_render_as_a_turn_in_angle_order(tmp_path: Path) -> None:
    from studio import workflow
    from studio.motion_takes import merge_motion_takes, photo_turntable

    store = build_project(tmp_path / "p", duration_s=7.0)
    with_photos(store, ["back", "side", "front", "three-quarter"])
    project = store.load()
    variant = project.variants[0]
    take = photo_turntable(project, store, "s2", variant.id, fps=24, seconds=2.0)
    assert take.info["angles"] == "front,three-quarter,side,back" and take.backend == "turntable"
    merge_motion_takes(project, [take])
    store.save(project)

    workflow.render(workflow.RenderRequest(project_dir=store.root, scale=0.5, draft=True))
    project = store.load()
    cut = project.cut(variant.id, "9:16")
    assert cut is not None
    shot = next(s for s in cut.shots if s.shot_id == "s2")
    video = store.root / next(d.path for d in project.deliverables if d.kind == "video")
    seen: list[str] = []
    for k in range(24):
        t = shot.start_s + 0.3 + k * (shot.picture_s - 0.6) / 23
        side = side_shown(frame_at(video, t))
        if side is not None and (not seen or seen[-1] != side):
            seen.append(side)
    assert seen[:4] == ["front", "three-quarter", "side", "back"], seen


def test_one_photo_is_not_a_turntable(tmp_path: Path) -> None:
    from studio.motion_takes import photo_turntable

    store = build_project(tmp_path / "p")
    with_photos(store, ["front"])
    with pytest.raises(ProjectError, match="at least two angles") as e:
        photo_turntable(store.load(), store, "s2")
    assert "--product-photo" in e.value.hint and "--turntable PACKSHOT" in e.value.hint
