"""Immutable requests: everything a generation needs. Stored with the result, they explain and reproduce it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from studio.model.ids import stable_hash


class Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def key(self) -> str:
        """Cache key: the same request always yields the same stored result."""
        return stable_hash({"type": type(self).__name__, **self.model_dump(mode="json")})


class LoraRef(Request):
    path: str
    scale: float = 1.0


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
    framing: str = "medium"
    camera: str = "static"
    palette: tuple[str, ...] = ()
    motifs: tuple[str, ...] = ()
    label: str = ""
    headline: str = ""


class VoiceRequest(Request):
    text: str
    language: str
    voice: str = "espeak"
    rate: float = Field(default=1.0, description="Speed multiplier over the voice's natural rate.")
    pitch: float = Field(default=1.0, description="Pitch multiplier.")
