"""The brand kit: the logo, colours, fonts and product photos every variant is made with.

In a brief, files are paths relative to the brief file (`logo = "logo.png"`). Planning or `qianmian brand` copies
each into the project's content-addressed assets/ and records the asset name next to the path, so a project never
reads outside its folder and a moved brief does not break it (`studio.planning.brand.import_brand_kit`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from studio.model.ids import _BAD_TEXT, TEXT_PRECHECKED, AssetName, text_problems

Angle = Literal["front", "back", "side", "three-quarter", "top", "in-use", "packshot"]
#: Order a turntable or a product shot walks the angles in (the packshot first: it is the hero picture).
ANGLES: tuple[str, ...] = ("packshot", "front", "three-quarter", "side", "back", "top", "in-use")
ColourRole = Literal["primary", "secondary", "accent", "text"]
COLOUR_ROLES: tuple[str, ...] = ("primary", "secondary", "accent", "text")

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class _Kit(BaseModel):
    """Unknown keys are errors (a typo must not be silently ignored); text is checked like the brief's."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @model_validator(mode="after")
    def _clean_text(self) -> _Kit:
        if TEXT_PRECHECKED.get():
            return self
        for name in type(self).model_fields:
            value = getattr(self, name, None)
            if isinstance(value, str) and _BAD_TEXT.search(value):
                raise ValueError(f"{name} {text_problems(value)[0][1]}")
        return self


class BrandFile(_Kit):
    """A file of the kit: where it came from (`path`) and its copy in the project (`asset`)."""

    path: str = Field(default="", description="As written in the brief (relative to the brief file) or given.")
    asset: AssetName | None = Field(default=None, description="The copy in the project's assets/ folder.")

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, data: object) -> object:
        """`logo = "logo.png"` is the short way of writing `logo = { path = "logo.png" }`."""
        return {"path": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _something(self) -> BrandFile:
        if not self.path.strip() and self.asset is None:
            raise ValueError("a brand file needs a path (relative to the brief file)")
        return self


class BrandFont(BrandFile):
    """A brand typeface (TTF/OTF) and the languages it sets (empty: every variant's)."""

    languages: list[str] = Field(
        default_factory=list, description="BCP-47 languages this font sets, e.g. ['en', 'id']; empty: all of them."
    )


class ProductPhoto(_Kit):
    """One photo of the product from a named angle, and its cutout (transparent PNG) once made."""

    path: str = Field(default="", description="The photo, relative to the brief file.")
    asset: AssetName | None = None
    angle: Angle = "front"
    mask_path: str = Field(
        default="",
        description="Your own mask (white = product), relative to the brief: used instead of the automatic cutout.",
    )
    mask: AssetName | None = Field(default=None, description="The mask in use (a grey PNG you can edit and give back).")
    mask_source: Literal["", "alpha", "grabcut", "creator"] = Field(
        default="", description="Where the mask came from: the photo's transparency, GrabCut + matting, or you."
    )
    cutout: AssetName | None = Field(default=None, description="The product on transparency (RGBA PNG).")

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, data: object) -> object:
        return {"path": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _something(self) -> ProductPhoto:
        if not self.path.strip() and self.asset is None:
            raise ValueError("a product photo needs a path (relative to the brief file)")
        return self


class BrandColours(_Kit):
    """Brand colours by role, as #RRGGBB: frames, end card and call-to-action button take them."""

    primary: str | None = None
    secondary: str | None = None
    accent: str | None = None
    text: str | None = None

    @field_validator("primary", "secondary", "accent", "text")
    @classmethod
    def _hex(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip()
        if not _HEX.match(v):
            raise ValueError(f"{v!r} is not a hex colour; write it as #RRGGBB, e.g. '#1E6B52'")
        if len(v) == 4:
            v = "#" + "".join(c * 2 for c in v[1:])
        return v.upper()

    def palette(self) -> tuple[str, ...]:
        """The colours set, in role order (primary first)."""
        return tuple(c for c in (self.primary, self.secondary, self.accent, self.text) if c)


class EndCardLayout(_Kit):
    """How the closing card is laid out."""

    logo_position: Literal["top", "center", "bottom"] = "top"
    cta_style: Literal["pill", "outline", "text"] = "pill"


class BrandKit(_Kit):
    """Everything the brand gives the studio to make its ads look like its own."""

    logo: BrandFile | None = Field(default=None, description="PNG (transparency kept) or SVG.")
    colours: BrandColours = Field(default_factory=BrandColours)
    fonts: list[BrandFont] = Field(
        default_factory=list, description="TTF/OTF files; each must draw the scripts of the variants it is used for."
    )
    product_photos: list[ProductPhoto] = Field(default_factory=list)
    packshot: ProductPhoto | None = Field(default=None, description="The hero product picture for the product shot.")
    legal: list[str] = Field(default_factory=list, description="Legal lines for the end card, in the master language.")
    end_card: EndCardLayout = Field(default_factory=EndCardLayout)
    corner_logo: bool = Field(default=False, description="A small logo in a corner of every shot of the deliverables.")

    @field_validator("colours", mode="before")
    @classmethod
    def _colour_roles(cls, v: object) -> object:
        if isinstance(v, dict):
            unknown = [k for k in v if k not in COLOUR_ROLES]
            if unknown:
                raise ValueError(f"unknown colour role {unknown[0]!r}; use {', '.join(COLOUR_ROLES)}")
        return v

    def photos(self) -> list[ProductPhoto]:
        """The packshot, then the photos in turntable order (front, three-quarter, side, back, top, in use)."""
        shots = ([self.packshot] if self.packshot else []) + list(self.product_photos)
        return sorted(shots, key=lambda p: ANGLES.index(p.angle if p is not self.packshot else "packshot"))

    def hero(self) -> ProductPhoto | None:
        """The picture a product shot shows: the packshot, else the front, else the first photo with a cutout."""
        made = [p for p in self.photos() if p.cutout]
        return made[0] if made else None
