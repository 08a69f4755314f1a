"""`qianmian brand PROJECT ...`: the brand kit edited from the command line (load → import files → save)."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.model.brand import ANGLES, COLOUR_ROLES
from studio.model.errors import ValidationFailed


def _pair(value: str, what: str, known: tuple[str, ...]) -> tuple[str, str]:
    key, sep, rest = value.partition("=")
    if not sep or not rest or key not in known:
        raise ValidationFailed(
            f"{what} {value!r} is not NAME=VALUE with NAME one of {', '.join(known)}.",
            f"Write it like {known[0]}={'#1E6B52' if what == '--colour' else 'photo.jpg'}.",
        )
    return key, rest


def add_brand_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("brand", help="set the brand kit: logo, colours, fonts, product photos (cut out), end card")
    p.add_argument("project")
    p.add_argument("--logo", help="logo file (PNG with transparency, JPEG, WebP or SVG)")
    p.add_argument("--colour", "--color", action="append", default=[], metavar="ROLE=#RRGGBB", help="repeatable")
    p.add_argument("--font", action="append", default=[], metavar="FILE", help="a TTF/OTF brand font (repeatable)")
    p.add_argument("--font-languages", help="languages the --font files set, e.g. en,vi (default: all variants')")
    p.add_argument("--product-photo", action="append", default=[], metavar="ANGLE=FILE", help="repeatable")
    p.add_argument("--packshot", help="the hero product picture for the product shot")
    p.add_argument("--mask", action="append", default=[], metavar="ANGLE=FILE", help="your own mask for a photo")
    p.add_argument("--remove-photo", action="append", default=[], metavar="ANGLE")
    p.add_argument("--legal", action="append", help="a legal line for the end card (repeatable; replaces)")
    p.add_argument("--corner-logo", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--logo-position", choices=["top", "center", "bottom"])
    p.add_argument("--cta-style", choices=["pill", "outline", "text"])
    p.add_argument("--recut", action="store_true", help="cut the product photos out again (your masks are kept)")
    p.set_defaults(func=cmd_brand)


def cmd_brand(args: argparse.Namespace) -> int:
    from studio.model import ProjectStore
    from studio.planning.brand import BrandEdits, edit_brand_kit

    angles = tuple(a for a in ANGLES if a != "packshot")
    edits = BrandEdits(
        logo=Path(args.logo) if args.logo else None,
        colours=dict(_pair(c, "--colour", COLOUR_ROLES) for c in args.colour),
        fonts=[Path(f) for f in args.font],
        font_languages=[x.strip() for x in (args.font_languages or "").split(",") if x.strip()],
        photos=[(a, Path(f)) for a, f in (_pair(v, "--product-photo", angles) for v in args.product_photo)],
        masks={a: Path(f) for a, f in (_pair(v, "--mask", ANGLES) for v in args.mask)},
        packshot=Path(args.packshot) if args.packshot else None,
        remove_angles=list(args.remove_photo),
        legal=args.legal,
        corner_logo=args.corner_logo,
        logo_position=args.logo_position,
        cta_style=args.cta_style,
        recut=args.recut,
    )
    store = ProjectStore(Path(args.project))
    project = store.load()
    kit = edit_brand_kit(project, store, edits)
    project = store.load()  # merged onto the latest save
    project.brief.brand_kit = kit
    store.save(project)
    print(f"Brand kit of {store.root}:")
    print(f"  logo: {kit.logo.asset if kit.logo else 'none'}; colours: {', '.join(kit.colours.palette()) or 'none'}")
    for photo in kit.photos():
        mask = store.asset_path(photo.mask) if photo.mask else None
        print(f"  {photo.angle}: cutout {photo.cutout} ({photo.mask_source} mask: {mask})")
    print(
        "  To correct a cutout, paint over its mask file (white = product) and run `qianmian brand PROJECT` again,"
        " or give another mask with --mask ANGLE=FILE."
    )
    return 0
