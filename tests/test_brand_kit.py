"""The brand kit: files checked and copied into the project, product photos cut out, the product in the frames.

A Vietnamese drip-coffee brand with a logo badge, brand colours and a coffee bag photographed on linen, all drawn
in code (tests/brand_fixtures.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from brand_fixtures import BAG, LABEL, bag_photo, best_match, interior, logo_badge, write_brief
from PIL import Image

from pipelines.image.cutout import cut_out
from pipelines.image.procedural import render_frame
from studio.model import ImageRequest, ProjectStore, ValidationFailed, load_brief
from studio.model.brand import BrandKit, ProductPhoto
from studio.planning.brand import PRODUCT_BEATS, BrandEdits, edit_brand_kit, import_brand_kit


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


@pytest.mark.parametrize("textured", [False, True])
def test_automatic_cutout_follows_the_drawn_bag(textured: bool) -> None:
    photo, truth = bag_photo(textured)
    cut = cut_out(photo)
    assert cut.source == "grabcut"
    assert iou(np.asarray(cut.mask) > 127, truth) > 0.9
    assert cut.image.mode == "RGBA" and cut.image.size == (cut.box[2] - cut.box[0], cut.box[3] - cut.box[1])
    alpha = np.asarray(cut.image.getchannel("A"))
    assert alpha[alpha.shape[0] // 2, alpha.shape[1] // 2] == 255 and alpha[0, 0] < 30, "bag kept, corner cleared"


def test_a_transparent_png_is_used_as_given() -> None:
    photo, truth = bag_photo()
    rgba = photo.convert("RGBA")
    rgba.putalpha(Image.fromarray(truth.astype(np.uint8) * 255))
    cut = cut_out(rgba)
    assert cut.source == "alpha" and np.array_equal(np.asarray(cut.mask) > 127, truth)


def test_plan_copies_the_kit_into_assets_and_saves_an_editable_mask(tmp_path: Path) -> None:
    from studio.workflow import PlanRequest, plan

    brief = write_brief(tmp_path / "brief")
    store = ProjectStore(plan(PlanRequest(brief, tmp_path / "project")))
    kit = store.load().brief.brand_kit
    assert kit is not None and kit.logo is not None and kit.logo.asset
    assert np.array_equal(
        np.asarray(Image.open(store.asset_path(kit.logo.asset)).convert("RGBA")), np.asarray(logo_badge())
    )
    assert kit.colours.primary == "#1E6B52"
    photo = kit.product_photos[0]
    assert photo.angle == "front" and photo.mask_source == "grabcut" and photo.cutout and photo.mask
    mask = Image.open(store.asset_path(photo.mask))
    assert mask.mode == "L" and mask.size == (480, 640), "the mask is a grey PNG the size of the photo"
    _, truth = bag_photo(True)
    assert iou(np.asarray(mask) > 127, truth) > 0.9

    # The creator paints their own mask (here: only the top half of the bag) and gives it back.
    own = truth.copy()
    own[400:] = False
    mask_file = tmp_path / "my-mask.png"
    Image.fromarray(own.astype(np.uint8) * 255).save(mask_file)
    project = store.load()
    project.brief.brand_kit = edit_brand_kit(project, store, BrandEdits(masks={"front": mask_file}))
    store.save(project)
    again = store.load().brief.brand_kit
    assert again is not None
    mine = again.product_photos[0]
    assert mine.mask_source == "creator"
    assert iou(np.asarray(Image.open(store.asset_path(str(mine.mask)))) > 127, own) > 0.99
    assert abs(Image.open(store.asset_path(str(mine.cutout))).height - (400 - 0.2 * 640)) <= 2, "cut to their mask"
    # Re-running (a recut, a new colour) keeps the creator's mask instead of GrabCut's.
    project = store.load()
    project.brief.brand_kit = edit_brand_kit(project, store, BrandEdits(colours={"accent": "#FFAA00"}, recut=True))
    assert project.brief.brand_kit.product_photos[0].mask == mine.mask


def test_a_mask_painted_over_in_place_is_used_at_the_next_run(tmp_path: Path) -> None:
    from studio.workflow import PlanRequest, plan

    store = ProjectStore(plan(PlanRequest(write_brief(tmp_path / "brief"), tmp_path / "project")))
    photo = store.load().brief.brand_kit.product_photos[0]
    assert photo.mask_source == "grabcut"
    _, truth = bag_photo(True)
    own = truth.copy()
    own[:, 240:] = False  # the creator keeps only the left half of the bag, painting over assets/<mask>.png
    Image.fromarray(own.astype(np.uint8) * 255).save(store.asset_path(str(photo.mask)))
    project = store.load()
    kit = edit_brand_kit(project, store, BrandEdits())
    again = kit.product_photos[0]
    assert again.mask_source == "creator" and again.cutout != photo.cutout
    assert abs(Image.open(store.asset_path(str(again.cutout))).width - (240 - 0.3 * 480)) <= 2


def test_missing_logo_names_the_file_and_the_field(tmp_path: Path) -> None:
    from studio.workflow import PlanRequest, plan

    brief = write_brief(tmp_path / "brief", logo="art/logo-final.png")
    with pytest.raises(ValidationFailed) as e:
        plan(PlanRequest(brief, tmp_path / "project"))
    assert "brand_kit.logo" in e.value.message and "logo-final.png" in e.value.message
    assert not (tmp_path / "project" / "project.json").exists()


def test_a_photo_that_is_not_an_image_names_the_file_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "brief"
    write_brief(folder)
    (folder / "notes.jpg").write_text("not a picture", "utf-8")
    kit = BrandKit(product_photos=[ProductPhoto(path="notes.jpg", angle="side")])
    with pytest.raises(ValidationFailed) as e:
        import_brand_kit(kit, ProjectStore(tmp_path / "p"), base=folder, source="brief.toml")
    assert "brand_kit.product_photos[0].path" in e.value.message and "notes.jpg" in e.value.message


def test_a_path_leaving_the_brief_folder_is_refused(tmp_path: Path) -> None:
    kit = BrandKit.model_validate({"logo": "../secret.png"})
    with pytest.raises(ValidationFailed, match=r"brand_kit.logo"):
        import_brand_kit(kit, ProjectStore(tmp_path / "p"), base=tmp_path / "brief", source="brief.toml")


def test_colours_are_checked_by_role_and_format() -> None:
    assert BrandKit.model_validate({"colours": {"primary": "#1e6"}}).colours.primary == "#11EE66"
    with pytest.raises(ValueError, match="hex colour"):
        BrandKit.model_validate({"colours": {"primary": "green"}})
    with pytest.raises(ValueError, match="unknown colour role"):
        BrandKit.model_validate({"colours": {"background": "#000000"}})


def test_a_brand_font_without_thai_glyphs_is_refused_for_a_thai_variant(tmp_path: Path) -> None:
    from pipelines.fonts import font_path

    latin = font_path("latin")
    kit = BrandKit.model_validate({"fonts": [{"path": str(latin)}]})
    store = ProjectStore(tmp_path / "p")
    with pytest.raises(ValidationFailed) as e:
        import_brand_kit(kit, store, base=None, languages=["en", "th"])
    assert latin.name in e.value.message and "Thai" in e.value.message and "brand_kit.fonts[0]" in e.value.message
    thai = BrandKit.model_validate({"fonts": [{"path": str(font_path("thai"))}]})
    import_brand_kit(thai, store, base=None, languages=["th"])  # the Thai font draws Thai
    scoped = BrandKit.model_validate({"fonts": [{"path": str(latin), "languages": ["en"]}]})
    import_brand_kit(scoped, store, base=None, languages=["en", "th"])  # it only sets English


def test_an_svg_logo_is_rasterized(tmp_path: Path) -> None:
    svg = tmp_path / "logo.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" '
        'fill="#1E6B52"/><circle cx="50" cy="25" r="15" fill="#C8282F"/></svg>',
        "utf-8",
    )
    store = ProjectStore(tmp_path / "p")
    kit = import_brand_kit(BrandKit(logo={"path": str(svg)}), store, base=None)  # type: ignore[arg-type]
    assert kit.logo is not None and kit.logo.asset
    image = np.asarray(Image.open(store.asset_path(kit.logo.asset)).convert("RGB"))
    assert image.shape[1] == 1024 and tuple(image[5, 5]) == (30, 107, 82) and tuple(image[256, 512]) == (200, 40, 47)


def _cutout_asset(tmp_path: Path) -> tuple[Path, str, Image.Image]:
    photo, _ = bag_photo(True)
    cut = cut_out(photo)
    assets = tmp_path / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    cut.image.save(assets / "bag-cutout.png")
    return assets, "bag-cutout.png", cut.image


@pytest.mark.parametrize("size", [(540, 960), (540, 540), (960, 540)])
def test_the_product_shot_shows_the_brands_own_product(tmp_path: Path, size: tuple[int, int]) -> None:
    assets, name, cutout = _cutout_asset(tmp_path)
    request = ImageRequest(
        shot_id="s5",
        prompt="the coffee bag on a cafe counter",
        framing="product",
        category="food-drink",
        width=size[0],
        height=size[1],
        palette=("#1E6B52", "#F6ECD2", "#C8282F"),
        product_cutout=name,
    )
    frame = render_frame(request, assets)
    assert len(frame.products) == 1
    x0, y0, x1, y1 = (round(v) for v in frame.products[0])
    placed = cutout.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
    found = best_match(np.asarray(frame.image), interior(placed), range(interior(placed).height, 0, -1000))
    assert found >= 0.9, "the bag's own label and bean are in the frame at the composited scale"
    pixels = np.asarray(frame.image).reshape(-1, 3).astype(int)
    assert (np.abs(pixels - BAG).sum(-1) < 12).mean() > 0.01 and (np.abs(pixels - LABEL).sum(-1) < 12).any()
    drawn = render_frame(request.model_copy(update={"product_cutout": None}))
    assert (np.abs(np.asarray(drawn.image).reshape(-1, 3).astype(int) - BAG).sum(-1) < 12).mean() < 0.001
    below = np.asarray(frame.image)[y1 + 1 : y1 + 4, x0 + (x1 - x0) // 3 : x1 - (x1 - x0) // 3].astype(int)
    plinth = np.asarray(drawn.image)[y1 + 1 : y1 + 4, x0 + (x1 - x0) // 3 : x1 - (x1 - x0) // 3].astype(int)
    assert below.mean() < plinth.mean() - 8, "a soft shadow under the bag"


def test_every_aspect_is_composed_for_its_own_shape(tmp_path: Path) -> None:
    assets, name, _ = _cutout_asset(tmp_path)
    for w, h in ((540, 960), (960, 540), (540, 540)):
        frame = render_frame(
            ImageRequest(shot_id="s", prompt="bag", framing="product", width=w, height=h, product_cutout=name), assets
        )
        x0, y0, x1, y1 = frame.products[0]
        assert frame.image.size == (w, h)
        assert abs((x0 + x1) / 2 - w / 2) < w * 0.05 and y1 - y0 > h * 0.25, "the product centred and large"


def test_takes_carry_the_brand_palette_and_the_cutout_into_product_shots(tmp_path: Path) -> None:
    from studio.takes import image_request_for
    from studio.workflow import PlanRequest, plan

    store = ProjectStore(plan(PlanRequest(write_brief(tmp_path / "brief"), tmp_path / "project")))
    project = store.load()
    assert project.storyboard is not None
    variant = project.variants[0]
    kit = project.brief.brand_kit
    assert kit is not None
    for shot in project.storyboard.shots:
        req = image_request_for(project, variant.id, shot.id, "9:16")
        assert req.palette[:3] == ("#1E6B52", "#F6ECD2", "#C8282F")
        assert not req.chrome, "takes are drawn without storyboard chrome"
        cutout = kit.product_photos[0].cutout
        if shot.framing == "product" or (shot.framing in ("medium", "wide") and shot.beat in PRODUCT_BEATS):
            assert req.product_cutout == cutout, shot.id
        if shot.framing in ("medium", "wide") and shot.beat in ("hook", "problem"):
            assert req.product_cutout is None, "before the solution the story has not shown the product"
    assert any(s.framing == "product" for s in project.storyboard.shots)


def test_a_scene_shot_shows_the_product_standing_in_the_scene(tmp_path: Path) -> None:
    assets, name, _ = _cutout_asset(tmp_path)
    request = ImageRequest(shot_id="s3", prompt="students at a desk at night", framing="medium", product_cutout=name)
    frame = render_frame(request, assets)
    assert len(frame.products) == 1 and frame.heads, "the people and the bag"
    x1 = frame.products[0][2]
    assert x1 < request.width * 0.45, "in a corner, beside the people"
    pixels = np.asarray(frame.image).reshape(-1, 3).astype(int)
    assert (np.abs(pixels - BAG).sum(-1) < 12).mean() > 0.002


def test_the_brief_field_is_optional_and_loads(tmp_path: Path) -> None:
    path = write_brief(tmp_path)
    brief = load_brief(path)
    assert brief.brand_kit is not None and brief.brand_kit.corner_logo
    assert brief.brand_kit.product_photos[0].path == "bag.jpg"
    assert load_brief(path).model_copy(update={"brand_kit": None}).brand_kit is None


def test_frames_drawn_with_labels_before_are_redrawn_clean_in_place(tmp_path: Path) -> None:
    import io

    from render_project import build_project

    from pipelines.image.procedural import draw_frame
    from studio.aspect_takes import redraw_labelled_frames
    from studio.model import Take

    store = build_project(tmp_path / "p")
    project = store.load()
    request = ImageRequest(shot_id="s1", prompt="a woman at a night market", label="S1 · HOOK", camera="push-in")
    buf = io.BytesIO()
    draw_frame(request.model_copy(update={"chrome": True})).save(buf, format="PNG")
    old = Take(
        id="take-old",
        shot_id="s1",
        request=request,
        asset=store.put_asset(buf.getvalue(), "png"),
        backend="procedural",
        selected=True,
        info={"consistency": "seed-lock"},
    )
    project.takes.append(old)
    assert [t.id for t in redraw_labelled_frames(store, project)] == ["take-old"]
    redrawn = project.takes[-1]
    assert redrawn.id == "take-old" and redrawn.selected and redrawn.info["chrome"] is False
    clean = np.asarray(Image.open(store.asset_path(redrawn.asset)).convert("RGB"))
    assert np.array_equal(clean, np.asarray(draw_frame(request)))
    assert redraw_labelled_frames(store, project) == []


def test_qianmian_brand_sets_the_kit_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from render_project import build_project

    from studio.cli import main

    store = build_project(tmp_path / "p")
    logo_badge().save(tmp_path / "logo.png")
    bag_photo()[0].save(tmp_path / "bag.png")
    args = ["--logo", str(tmp_path / "logo.png"), "--colour", "primary=#1E6B52", "--corner-logo"]
    code = main(["brand", str(store.root), *args, "--product-photo", f"three-quarter={tmp_path / 'bag.png'}"])
    assert code == 0
    kit = store.load().brief.brand_kit
    assert kit is not None and kit.logo and kit.logo.asset and kit.corner_logo and kit.colours.primary
    assert kit.product_photos[0].angle == "three-quarter" and kit.product_photos[0].cutout
    assert "three-quarter: cutout" in capsys.readouterr().out
    assert main(["brand", str(store.root), "--colour", "primary=teal"]) == 2
    assert "hex colour" in capsys.readouterr().err
    assert main(["brand", str(store.root), "--logo", str(tmp_path / "gone.png")]) == 2
    err = capsys.readouterr().err
    assert "gone.png" in err and "brand_kit.logo" in err


def test_a_kit_path_in_a_project_file_cannot_read_outside_the_project(tmp_path: Path) -> None:
    """A project someone sent names a file of yours in its kit: editing the kit never copies it in."""
    from render_project import build_project

    store = build_project(tmp_path / "p")
    secret = tmp_path / "private.png"
    logo_badge().save(secret)
    project = store.load()
    project.brief.brand_kit = BrandKit.model_validate({"logo": str(secret)})
    with pytest.raises(ValidationFailed, match=r"brand_kit\.logo"):
        edit_brand_kit(project, store, BrandEdits(corner_logo=True))
    assert not list(store.assets.glob("*.png")) or all(
        Image.open(f).size != logo_badge().size for f in store.assets.glob("*.png")
    )


def test_the_end_card_takes_the_brand_colours_logo_position_and_button_style(tmp_path: Path) -> None:
    from studio.render.frames import end_card_frame
    from studio.render.timeline import EndCard

    logo = tmp_path / "logo.png"
    logo_badge().save(logo)
    base = EndCard(0.0, 2.0, "Sương Sớm", "Đặt ngay", "", "vi", logo=logo, primary="#1E6B52", accent="#C8282F")
    top = end_card_frame(base, 360, 640).astype(int)
    assert (np.abs(top[5, 5] - (30, 107, 82)) < 3).all(), "the ground is the brand's primary colour"
    red = np.abs(top - (200, 40, 47)).sum(-1) < 30  # the logo's dot, then the button below it
    rows = np.nonzero(red.any(1))[0]
    assert rows.min() < 640 * 0.36 < rows.max(), "logo above, call-to-action button below"
    import cv2

    badge = np.asarray(logo_badge().convert("RGB").resize((128, 128), Image.Resampling.LANCZOS))

    def logo_top(frame: np.ndarray) -> int:
        scores = cv2.matchTemplate(frame, badge, cv2.TM_CCOEFF_NORMED)
        assert scores.max() > 0.9
        return int(np.unravel_index(scores.argmax(), scores.shape)[0])

    bottom = end_card_frame(replace(base, logo_position="bottom"), 360, 640)
    assert logo_top(bottom) > logo_top(top.astype(np.uint8)) + 40, "the logo closes the card, below the button"
    outline = end_card_frame(replace(base, cta_style="outline"), 360, 640).astype(int)
    assert (np.abs(outline - (200, 40, 47)).sum(-1) < 30).sum() < red.sum() * 0.7, "an outlined button, not filled"
    from pipelines.fonts import font_path

    typed = end_card_frame(replace(base, logo=None, brand_font=font_path("latin")), 360, 640)
    plain = end_card_frame(replace(base, logo=None), 360, 640)
    assert not np.array_equal(typed, plain), "the brand name is set in the brand's font"


def test_each_aspect_prefers_a_take_made_for_its_shape(tmp_path: Path) -> None:
    """A take generated at 16:9 is shown in the 16:9 cut; 9:16 keeps the pick; 1:1, with none, reframes the pick."""
    from render_project import build_project

    from studio.model import Take
    from studio.render.reframe import take_for_aspect

    store = build_project(tmp_path / "p")
    project = store.load()
    picked = project.selected_take("s1", "en-night-owls")
    assert picked is not None
    wide = Take(
        id="take-wide",
        shot_id="s1",
        variant_id=picked.variant_id,
        request=picked.request.model_copy(update={"width": 1024, "height": 576, "model": "sdxl-local"}),
        asset=picked.asset,
        backend="diffusers",
    )
    project.takes.append(wide)
    assert project.selected_take("s1", "en-night-owls") is picked, "the creator's pick stays the pick"
    assert take_for_aspect(project, "s1", "en-night-owls", "16:9") is wide
    assert take_for_aspect(project, "s1", "en-night-owls", "9:16") is picked
    assert take_for_aspect(project, "s1", "en-night-owls", "1:1") is picked
