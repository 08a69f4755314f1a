"""The brand kit's files into the project: checked, copied into content-addressed assets, product photos cut out.

Every file is opened before it is accepted: a missing, unreadable or wrong-kind file is refused with the file and
the field (`brand_kit.product_photos[1].path`) and what to do. A brief's paths are relative to the brief file and
may not leave its folder; files given on the command line are the creator's own choice and are taken as given.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError

from studio.model.brand import BrandColours, BrandFile, BrandFont, BrandKit, ProductPhoto
from studio.model.errors import ValidationFailed
from studio.model.project import Project
from studio.model.safe_paths import confine
from studio.model.stage import CancelToken, ProgressFn, check, report
from studio.model.store import ProjectStore, format_validation_error

#: Characters a font must draw to set a script (a handful of the script's everyday letters).
SCRIPT_SAMPLES: dict[str, str] = {
    "latin": "AaEeMmRrSs",
    "thai": "กขคงจมยรลวสอ",
    "arabic": "ابتثجحدرسعلمنهوي",
    "devanagari": "अआकखगचजतदनपमरलवस",
    "khmer": "កខគងចជញដតនបមយរលស",
    "lao": "ກຂຄງຈສຊຍດຕ",
    "myanmar": "ကခဂငစဆဇညတထ",
    "hebrew": "אבגדהוזחטיכלמנ",
    "bengali": "অআকখগঘচছজঝ",
    "tamil": "அஆஇஈகஙசஞட",
    "cjk": "的一是不了人我在有他",
}
#: Script names a creator reads in an error.
SCRIPT_NAMES = {"cjk": "Chinese/Japanese/Korean", "latin": "Latin"}

IMAGE_TYPES = "PNG, JPEG or WebP"
LOGO_TYPES = "PNG, JPEG, WebP or SVG"


class BrandFileError(ValidationFailed):
    """A brand kit file is missing, unreadable or not what its field needs."""


@dataclass(frozen=True)
class Sources:
    """Where a kit's paths may be read from: a brief's own folder; else the files the creator gave in this edit
    (taken as given); anything else (a path written in a project file someone sent) only inside the project."""

    base: Path | None
    trusted: frozenset[str] = frozenset()
    project: Path | None = None

    def path(self, text: str, field: str, source: str) -> Path:
        if self.base is not None:
            return confine(self.base, text, field=field, source=source)
        if text in self.trusted or self.project is None:
            return Path(text).expanduser()
        return confine(self.project, text, field=field, source=source)


def _read(path: Path, field: str, source: str, kinds: str) -> bytes:
    if not path.is_file():
        raise BrandFileError(
            f"{source}: {field}: the file {path} does not exist.",
            f"Check the path (relative to the brief file) or give the {kinds} file that is meant.",
        )
    try:
        return path.read_bytes()
    except OSError as e:
        raise BrandFileError(
            f"{source}: {field}: the file {path} cannot be read ({e.strerror or e}).", "Check its permissions."
        ) from e


def _image(data: bytes, path: Path, field: str, source: str, kinds: str = IMAGE_TYPES) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise BrandFileError(
            f"{source}: {field}: {path} is not an image this app can read.", f"Give a {kinds} file."
        ) from e
    if image.width < 8 or image.height < 8:
        raise BrandFileError(
            f"{source}: {field}: {path} is only {image.width}×{image.height} pixels.", "Give a larger image."
        )
    return image


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def rasterize_svg(data: bytes, path: Path, field: str, source: str, width: int = 1024) -> Image.Image:
    """An SVG logo as an RGBA picture `width` pixels wide (resvg: no system libraries needed)."""
    import resvg_py

    try:
        png = resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"), width=width)
    except (ValueError, UnicodeDecodeError) as e:
        raise BrandFileError(
            f"{source}: {field}: {path} is not an SVG that can be drawn ({e}).", f"Give a {LOGO_TYPES} file."
        ) from e
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")


def import_logo(ref: BrandFile, store: ProjectStore, sources: Sources, source: str) -> BrandFile:
    if _stored(store, ref.asset, "brand_kit.logo.asset"):
        return ref
    path = sources.path(ref.path, "brand_kit.logo", source)
    data = _read(path, "brand_kit.logo", source, LOGO_TYPES)
    if path.suffix.lower() in (".svg", ".svgz") or data.lstrip()[:5] in (b"<?xml", b"<svg "):
        image = rasterize_svg(data, path, "brand_kit.logo", source)
    else:
        image = _image(data, path, "brand_kit.logo", source, LOGO_TYPES).convert("RGBA")
    return BrandFile(path=ref.path, asset=store.put_asset(_png(image), "png"))


def import_font(ref: BrandFont, index: int, store: ProjectStore, sources: Sources, source: str) -> BrandFont:
    field = f"brand_kit.fonts[{index}]"
    if _stored(store, ref.asset, f"{field}.asset"):
        return ref
    path = sources.path(ref.path, field, source)
    data = _read(path, field, source, "TTF or OTF")
    _font_cmap(io.BytesIO(data), path.name, field, source)
    ext = path.suffix.lower().lstrip(".") if path.suffix.lower() in (".ttf", ".otf") else "ttf"
    return ref.model_copy(update={"asset": store.put_asset(data, ext)})


def _font_cmap(file: io.BytesIO | Path, name: str, field: str, source: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(file, lazy=True)
        cmap = font.getBestCmap()
    except (TTLibError, OSError, AssertionError, KeyError, ValueError, IndexError) as e:
        raise BrandFileError(f"{source}: {field}: {name} is not a font file.", "Give a TTF or OTF font.") from e
    if not cmap:
        raise BrandFileError(f"{source}: {field}: {name} has no character map.", "Give a TTF or OTF text font.")
    return frozenset(cmap)


def _stored(store: ProjectStore, asset: str | None, field: str) -> bool:
    return bool(asset) and store.asset_path(str(asset), field).is_file()


def _edited_in_place(store: ProjectStore, asset: str | None, field: str) -> bool:
    """An asset whose content no longer matches its content-addressed name: the creator painted over the mask
    file itself (assets/<hash>.png) instead of giving a new one."""
    if not _stored(store, asset, field):
        return False
    data = store.asset_path(str(asset), field).read_bytes()
    return Path(str(asset)).stem != hashlib.sha256(data).hexdigest()[:32]


def import_photo(
    ref: ProductPhoto, field: str, store: ProjectStore, sources: Sources, source: str, *, recut: bool = False
) -> ProductPhoto:
    """The photo copied in, and its mask and cutout made: the creator's mask when one is given (or was given
    before), the photo's own transparency, else the automatic cutout. `recut` makes the automatic one again."""
    from pipelines.image.cutout import cut_out

    if _stored(store, ref.asset, f"{field}.asset"):
        assert ref.asset is not None
        asset = ref.asset
        file = store.asset_path(asset, f"{field}.asset")
        photo = _image(_read(file, f"{field}.asset", source, IMAGE_TYPES), file, f"{field}.asset", source)
        name = ref.path or asset
    else:
        path = sources.path(ref.path, f"{field}.path", source)
        data = _read(path, f"{field}.path", source, IMAGE_TYPES)
        photo = _image(data, path, f"{field}.path", source)
        asset = store.put_asset(data, _ext(photo))
        name = str(path)
    mask = None
    if ref.mask_path:
        mpath = sources.path(ref.mask_path, f"{field}.mask_path", source)
        mask = _image(_read(mpath, f"{field}.mask_path", source, "PNG"), mpath, f"{field}.mask_path", source)
    elif (
        (ref.mask_source == "creator" or _edited_in_place(store, ref.mask, f"{field}.mask"))
        and _stored(store, ref.mask, f"{field}.mask")
        and asset == ref.asset
    ):
        mfile = store.asset_path(str(ref.mask), f"{field}.mask")
        mask = _image(_read(mfile, f"{field}.mask", source, "PNG"), mfile, f"{field}.mask", source)
    elif not recut and asset == ref.asset and _stored(store, ref.cutout, f"{field}.cutout"):
        return ref
    try:
        cut = cut_out(photo, mask, name=name)
    except ValidationFailed as e:
        raise BrandFileError(f"{source}: {field}: {e.message}", e.hint) from e
    return ref.model_copy(
        update={
            "asset": asset,
            "mask_path": "",
            "mask": store.put_asset(_png(cut.mask), "png"),
            "mask_source": cut.source,
            "cutout": store.put_asset(_png(cut.image), "png"),
        }
    )


def _ext(image: Image.Image) -> str:
    return {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}.get(image.format or "", "png")


def import_brand_kit(
    kit: BrandKit,
    store: ProjectStore,
    *,
    base: Path | None,
    trusted: frozenset[str] | None = None,
    source: str = "the brief",
    languages: Iterable[str] = (),
    recut: bool = False,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> BrandKit:
    """The kit with every file copied into `store`'s assets and every product photo cut out.

    `base` is the folder a brief's relative paths start from. Without one, `trusted` lists the files the creator
    gave (taken as given) and any other path must lie inside the project; None: every path is taken as given.
    """
    store.assets.mkdir(parents=True, exist_ok=True)
    sources = Sources(base, trusted or frozenset(), store.root if trusted is not None else None)
    photos = kit.product_photos
    total = 2 + len(photos) + (1 if kit.packshot else 0)
    report(on_progress, 0.0, "Brand kit: logo and fonts")
    logo = import_logo(kit.logo, store, sources, source) if kit.logo else None
    fonts = [import_font(f, i, store, sources, source) for i, f in enumerate(kit.fonts)]
    out: list[ProductPhoto] = []
    for i, photo in enumerate(photos):
        check(cancel)
        report(on_progress, (2 + i) / total, f"Cutting out product photo {i + 1} of {len(photos)} ({photo.angle})")
        out.append(import_photo(photo, f"brand_kit.product_photos[{i}]", store, sources, source, recut=recut))
    packshot = kit.packshot
    if packshot is not None:
        check(cancel)
        report(on_progress, (total - 1) / total, "Cutting out the packshot")
        packshot = import_photo(packshot, "brand_kit.packshot", store, sources, source, recut=recut)
    result = kit.model_copy(update={"logo": logo, "fonts": fonts, "product_photos": out, "packshot": packshot})
    check_brand_fonts(result, store, languages, source=source)
    report(on_progress, 1.0, "Brand kit ready")
    return result


def check_brand_fonts(
    kit: BrandKit, store: ProjectStore, languages: Iterable[str], *, source: str = "the brief"
) -> None:
    """Each brand font draws the scripts of the languages it sets, or a clear error names the font and script."""
    from pipelines.fonts import script_for_language

    wanted = list(dict.fromkeys(lang for lang in languages if lang))
    for i, font in enumerate(kit.fonts):
        if font.asset is None:
            continue
        field = f"brand_kit.fonts[{i}]"
        name = Path(font.path).name or font.asset
        cmap = _font_cmap(store.asset_path(font.asset, f"{field}.asset"), name, field, source)
        for lang in font.languages or wanted:
            script = script_for_language(lang)
            sample = SCRIPT_SAMPLES.get(script, "")
            missing = [ch for ch in sample if ord(ch) not in cmap]
            if missing:
                label = SCRIPT_NAMES.get(script, script.capitalize())
                raise BrandFileError(
                    f"{source}: {field}: the font {name} has no {label} glyphs (missing {''.join(missing[:6])}), "
                    f"which the {lang} variants need.",
                    f"Add the brand's {label} font, or list the languages {name} sets in "
                    f'{field}.languages (e.g. languages = ["en"]) so {lang} uses a font that draws {label}.',
                )


def brand_font_for(kit: BrandKit | None, store: ProjectStore, language: str) -> Path | None:
    """The brand font that sets `language` (its own listed languages first, then one for every language)."""
    if kit is None:
        return None
    primary = language.split("-")[0].lower()
    listed = [f for f in kit.fonts if f.asset and any(x.split("-")[0].lower() == primary for x in f.languages)]
    general = [f for f in kit.fonts if f.asset and not f.languages]
    for font in listed + general:
        assert font.asset is not None
        path = store.asset_path(font.asset, "brand_kit.fonts.asset")
        if path.is_file():
            return path
    return None


def brand_palette(kit: BrandKit | None, market: Iterable[str] = ()) -> tuple[str, ...]:
    """Frames' palette: the brand's colours (not its text colour) first, then the market's to fill up to four."""
    own = [c for c in (kit.colours.primary, kit.colours.secondary, kit.colours.accent) if c] if kit else []
    rest = [c for c in market if c.upper() not in own]
    return tuple(own + rest[: max(0, 4 - len(own))]) if own else tuple(market)


def attach_brand_kit(
    project: Project,
    store: ProjectStore,
    brief_path: Path | None,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> None:
    """Planning's last step: the brief's kit imported (paths relative to `brief_path`) into the project."""
    kit = project.brief.brand_kit
    if kit is None:
        return
    languages = [project.brief.master_language, *(v.language for v in project.variants)]
    project.brief.brand_kit = import_brand_kit(
        kit,
        store,
        base=brief_path.resolve().parent if brief_path is not None else None,
        source=str(brief_path) if brief_path is not None else "the brief",
        languages=languages,
        on_progress=on_progress,
        cancel=cancel,
    )


#: Framings whose default frame shows the product (close-ups only outside beauty, where they show skin).
PRODUCT_FRAMINGS = frozenset({"product"})
HELD_FRAMINGS = frozenset({"close-up", "extreme-close-up"})
SCENE_FRAMINGS = frozenset({"wide", "medium"})
BEAUTY_CATEGORIES = frozenset({"skincare", "haircare", "makeup"})
#: Beats from which the story has introduced the product: a scene shot then shows it standing in the scene.
PRODUCT_BEATS = frozenset({"solution", "demo", "proof", "testimonial", "benefit", "cta", "offer", "tagline"})


def product_cutout_for(kit: BrandKit | None, framing: str, category: str, beat: str = "") -> str | None:
    """The cutout a shot places: the hero picture's in product shots, in close-ups outside beauty (held), and in
    scene shots once the story has introduced the product (from the solution beat on)."""
    hero = kit.hero() if kit is not None else None
    if hero is None:
        return None
    if framing in PRODUCT_FRAMINGS or (framing in HELD_FRAMINGS and category not in BEAUTY_CATEGORIES):
        return hero.cutout
    if framing in SCENE_FRAMINGS and beat.strip().lower() in PRODUCT_BEATS:
        return hero.cutout
    return None


@dataclass
class BrandEdits:
    """Changes to a project's brand kit, as given on the command line or in the app (files as the creator's paths)."""

    logo: Path | None = None
    colours: dict[str, str] = field(default_factory=dict)
    fonts: list[Path] = field(default_factory=list)
    font_languages: list[str] = field(default_factory=list)
    photos: list[tuple[str, Path]] = field(default_factory=list)
    """(angle, file): a photo of that angle replaces the one the kit had."""
    masks: dict[str, Path] = field(default_factory=dict)
    """angle → the creator's mask for that photo (white = product)."""
    packshot: Path | None = None
    remove_angles: list[str] = field(default_factory=list)
    legal: list[str] | None = None
    corner_logo: bool | None = None
    logo_position: str | None = None
    cta_style: str | None = None
    recut: bool = False


def edit_brand_kit(
    project: Project,
    store: ProjectStore,
    edits: BrandEdits,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> BrandKit:
    """The project's kit with `edits` applied and its new files imported (the caller assigns it and saves)."""
    kit = project.brief.brand_kit or BrandKit()
    source = "the command"
    try:
        update: dict[str, object] = {}
        if edits.logo is not None:
            update["logo"] = BrandFile(path=str(edits.logo.resolve()))
        if edits.colours:
            unknown = [r for r in edits.colours if r not in ("primary", "secondary", "accent", "text")]
            if unknown:
                raise ValueError(f"unknown colour role {unknown[0]!r}; use primary, secondary, accent or text")
            update["colours"] = BrandColours.model_validate({**kit.colours.model_dump(), **edits.colours})
        if edits.fonts:
            new = [BrandFont(path=str(f.resolve()), languages=list(edits.font_languages)) for f in edits.fonts]
            update["fonts"] = [*kit.fonts, *new]
        photos = [p for p in kit.product_photos if p.angle not in edits.remove_angles]
        for angle, file in edits.photos:
            photos = [p for p in photos if p.angle != angle]
            photos.append(ProductPhoto(path=str(file.resolve()), angle=angle))
        for angle, mask in edits.masks.items():
            hits = [i for i, p in enumerate(photos) if p.angle == angle]
            if not hits and not (angle == "packshot" and (kit.packshot or edits.packshot)):
                have = ", ".join(p.angle for p in photos) or "none"
                raise BrandFileError(
                    f"There is no {angle} product photo to give a mask to (photos: {have}).",
                    f"Add it with --product-photo {angle}=FILE, or name one of the angles listed.",
                )
            for i in hits:
                photos[i] = photos[i].model_copy(update={"mask_path": str(mask.resolve())})
        update["product_photos"] = photos
        packshot = (
            ProductPhoto(path=str(edits.packshot.resolve()), angle="packshot") if edits.packshot else kit.packshot
        )
        if packshot is not None and "packshot" in edits.masks:
            packshot = packshot.model_copy(update={"mask_path": str(edits.masks["packshot"].resolve())})
        update["packshot"] = packshot
        if edits.legal is not None:
            update["legal"] = edits.legal
        if edits.corner_logo is not None:
            update["corner_logo"] = edits.corner_logo
        layout = {k: v for k, v in (("logo_position", edits.logo_position), ("cta_style", edits.cta_style)) if v}
        if layout:
            update["end_card"] = kit.end_card.model_validate({**kit.end_card.model_dump(), **layout})
        edited = BrandKit.model_validate({**kit.model_dump(), **{k: _dumped(v) for k, v in update.items()}})
    except ValidationError as e:
        raise ValidationFailed(format_validation_error("brand kit", e, BrandKit), "Fix the values listed.") from e
    except ValueError as e:
        raise ValidationFailed(f"brand kit: {e}", "Fix the value and run the command again.") from e
    languages = [project.brief.master_language, *(v.language for v in project.variants)]
    given = [edits.logo, edits.packshot, *edits.fonts, *(f for _, f in edits.photos), *edits.masks.values()]
    return import_brand_kit(
        edited,
        store,
        base=None,
        trusted=frozenset(str(f.resolve()) for f in given if f is not None),
        source=source,
        languages=languages,
        recut=edits.recut,
        on_progress=on_progress,
        cancel=cancel,
    )


def _dumped(value: object) -> object:
    if isinstance(value, list):
        return [_dumped(v) for v in value]
    return value.model_dump() if hasattr(value, "model_dump") else value


@dataclass(frozen=True)
class BrandEditRequest:
    """The app's edit of the open project's brand kit: its files are imported into `project_dir`'s assets."""

    project: Project
    project_dir: Path
    edits: BrandEdits


def edit_brand_stage(
    request: BrandEditRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> BrandKit:
    """Stage form of `edit_brand_kit` (a background job in the app): returns the kit, never saves the project."""
    store = ProjectStore(request.project_dir)
    return edit_brand_kit(request.project, store, request.edits, on_progress=on_progress, cancel=cancel)
