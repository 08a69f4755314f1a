"""What a render actually cut, per variant and aspect: the one record every hand-off file reads.

The render decides shot lengths (fitted to the measured voice), the camera move and transition (the master's unless
the variant shot overrides them), the caption cues and the voice files. It writes them here once, and the exports
(shot sheets, PDFs, editor timelines) read this record instead of deriving the same facts again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from studio.model.ids import AssetName, SafeId


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class CutShot(_Record):
    """One shot as it was cut: where it starts, how long it runs, how the camera moves and how it hands over."""

    shot_id: SafeId
    start_s: float = Field(ge=0)
    duration_s: float = Field(
        gt=0, description="Storyboard length, as the project's shots: the last one counts the end card in."
    )
    picture_s: float = Field(default=0.0, ge=0, description="How long the shot's own picture shows.")
    camera: str = "static"
    transition: str = "crossfade"
    take_id: str | None = None
    image: AssetName | None = Field(default=None, description="The asset the cut showed for this shot.")


class CutCaption(_Record):
    """One burned-in caption (the subtitle cue, word for word), in seconds from the start of the video."""

    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)
    text: str


class CutVoice(_Record):
    """One spoken line as placed on the timeline."""

    shot_id: SafeId
    start_s: float = Field(ge=0)
    duration_s: float = Field(ge=0)
    asset: AssetName


class CutRecord(_Record):
    """The cut of one variant (or one A/B cell) at one aspect ratio, as rendered."""

    variant_id: SafeId
    aspect: str
    sub_variant: str = Field(default="", description="A/B cell (H1-C2); empty for the main cut.")
    language: str = ""
    duration_s: float = Field(ge=0, description="The whole video, end card included.")
    end_card_s: float = Field(default=0.0, ge=0)
    shots: list[CutShot] = Field(default_factory=list)
    captions: list[CutCaption] = Field(default_factory=list)
    voice: list[CutVoice] = Field(default_factory=list)
    status: str = Field(default="final", description="final or draft, as the deliverables say.")
    created: str = Field(default_factory=_now)

    def key(self) -> tuple[str, str, str]:
        return (self.variant_id, self.aspect, self.sub_variant)

    def shot(self, shot_id: str) -> CutShot | None:
        return next((s for s in self.shots if s.shot_id == shot_id), None)
