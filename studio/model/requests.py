"""Immutable requests: everything a generation needs. Stored with the result, they explain and reproduce it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from studio.model.ids import AssetName, stable_hash


class Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def key(self) -> str:
        """Cache key: the same request always yields the same stored result."""
        return stable_hash({"type": type(self).__name__, **self.model_dump(mode="json")})


class LoraRef(Request):
    path: str
    scale: float = 1.0


class CastMember(Request):
    """One person in a shot, as parameters: prompts name them and the default frames draw them."""

    role: str = Field(default="lead", description="What they are in the scene: lead, grandmother, child, friend...")
    age: Literal["baby", "child", "teen", "young-adult", "adult", "senior"] = "young-adult"
    gender: Literal["woman", "man", "person"] = "person"
    skin_tone: Literal["light", "medium", "olive", "brown", "dark"] = "medium"
    hijab: bool = Field(default=False, description="Head covering (hijab, tudung, headscarf).")
    modest: bool = Field(default=False, description="Covered shoulders, arms and knees.")


class ImageRequest(Request):
    """One image for one shot. Procedural-only hints (framing, palette, motifs, label) are ignored by diffusion."""

    shot_id: str
    variant_id: str | None = None
    prompt: str
    negative_prompt: str = ""
    seed: int = 0
    steps: int = 25
    guidance: float = 6.5
    width: int = 576
    height: int = 1024
    model: str = "procedural"
    scheduler: str | None = None
    loras: tuple[LoraRef, ...] = ()
    init_image: str | None = Field(default=None, description="Asset name of an image to restyle (img2img).")
    strength: float = 0.6
    reference_image: str | None = Field(default=None, description="Asset name for character/product consistency.")
    product_cutout: AssetName | None = Field(
        default=None, description="The product's cutout (RGBA) asset to place in this frame."
    )
    framing: str = "medium"
    camera: str = "static"
    palette: tuple[str, ...] = ()
    motifs: tuple[str, ...] = ()
    label: str = ""
    headline: str = ""
    category: str = Field(default="", description="Product category pack id: which props and scenes to draw.")
    props: tuple[str, ...] = ()
    cast: tuple[CastMember, ...] = ()
    occasion: str = Field(default="", description="The segment's occasion, e.g. 'iftar table', 'race day'.")
    ip_adapter_scale: float = Field(
        default=0.6, ge=0.0, le=2.0, description="How strongly the reference image steers diffusion (IP-Adapter)."
    )
    chrome: bool = Field(default=False, description="Storyboard chrome (shot label, camera arrows): previews only.")
    tryon_mask: AssetName | None = Field(
        default=None, description="Try-on: the region of init_image (white) where the garment is put on the talent."
    )
    garment: AssetName | None = Field(default=None, description="Try-on: the garment's cutout (RGBA) to dress them in.")

    def key(self) -> str:
        """As `Request.key`, leaving out the try-on fields when unset: takes made before they existed keep their key."""
        data = self.model_dump(mode="json")
        for name in UNKEYED_WHEN_UNSET:
            if data.get(name) is None:
                data.pop(name, None)
        return stable_hash({"type": type(self).__name__, **data})


#: ImageRequest fields added after takes were stored: absent from the key while unset (old keys stay valid).
UNKEYED_WHEN_UNSET = ("tryon_mask", "garment")


class VoiceRequest(Request):
    text: str
    language: str
    voice: str = "espeak"
    rate: float = Field(default=1.0, description="Speed multiplier over the voice's natural rate.")
    pitch: float = Field(default=1.0, description="Pitch multiplier.")
