"""The project schema: brief → insights → storyboard → variants → takes → voice → deliverables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from studio.model.brief import Brief, refuse_bad_text
from studio.model.compliance import ComplianceOverride
from studio.model.cut import CutRecord
from studio.model.ids import AssetName, FileName, SafeId
from studio.model.motion import MotionRequest
from studio.model.requests import CastMember, ImageRequest, LoraRef, VoiceRequest

SCHEMA_VERSION = 1

Framing = Literal["wide", "medium", "close-up", "extreme-close-up", "product"]
Camera = Literal["static", "push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down"]
Transition = Literal["cut", "crossfade"]
#: Where a localized line came from, most trusted first. "untranslated" means the variant shows another language.
LineOrigin = Literal[
    "master", "brief-copy", "translator-file", "creator-edit", "market-pack", "phrase-bank", "llm", "untranslated"
]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Doc(BaseModel):
    """Project documents keep unknown keys out but are mutable: the UI edits them in place."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _clean_text(self) -> Doc:
        refuse_bad_text(self)
        return self


class Persona(Doc):
    id: str
    market: str
    segment: str
    name: str
    summary: str
    needs: list[str] = Field(default_factory=list)
    pain_points: list[str] = Field(default_factory=list)
    local_context: list[str] = Field(default_factory=list)
    platform_voice: list[str] = Field(default_factory=list, description="How they talk on short-video apps.")


class Insight(Doc):
    id: str
    kind: Literal["need", "pain-point", "local-context", "motif", "language", "caution"]
    text: str
    market: str | None = None
    segment: str | None = None
    persona_id: str | None = None
    source: str = Field(default="planner", description="Where it came from: a knowledge pack entry or the LLM.")


class LineSource(Doc):
    """What a master line says, as material: each language can then say it in its own words (phrase banks,
    translators) instead of translating the English sentence."""

    kind: Literal[
        "selling-point", "pain", "need", "occasion", "insight", "claim", "tagline", "call-to-action", "copy", "other"
    ] = "other"
    text: str = Field(default="", description="The material as written (a selling point, a pain point, a claim...).")
    index: int | None = Field(default=None, description="Index into the brief's selling_points or mandatory_claims.")
    tags: list[str] = Field(
        default_factory=list, description="Lexicon tags the planner knows (benefit, pain, occasion)."
    )


class LineStatus(Doc):
    """Where one localized line came from and whether it is really in the variant's language."""

    origin: LineOrigin
    language_ok: bool | None = Field(default=None, description="Identified as the variant's language; None: unchecked.")
    detected: str = Field(default="", description="The language identification found, when it was checked.")
    reviewed: bool = Field(default=False, description="A native speaker approved it.")
    note: str = ""


class Shot(Doc):
    """A master shot, in the master language."""

    id: SafeId
    beat: str = Field(description="Story beat: hook, problem, solution, proof, cta...")
    duration_s: float = Field(gt=0)
    visual: str
    framing: Framing = "medium"
    camera: Camera = "static"
    voiceover: str = ""
    on_screen_text: str = ""
    sound_cue: str = ""
    transition: Transition = "crossfade"
    insight_ids: list[str] = Field(default_factory=list)
    line_source: LineSource | None = Field(default=None, description="What the voice-over and caption say.")
    presenter: bool = Field(
        default=False,
        description="Presenter to camera: each variant's presenter says the line (studio/presenter_takes.py).",
    )


class Storyboard(Doc):
    concept: str
    theme: str
    language: str = "en"
    shots: list[Shot] = Field(default_factory=list)

    def total_duration(self) -> float:
        return sum(s.duration_s for s in self.shots)

    def shot(self, shot_id: str) -> Shot:
        for s in self.shots:
            if s.id == shot_id:
                return s
        raise KeyError(shot_id)


class Flag(Doc):
    """Something a reviewer must look at before delivery."""

    kind: Literal["untranslated", "too-long", "claim", "font", "other"]
    message: str


class LocalizedShot(Doc):
    shot_id: SafeId
    duration_s: float = Field(gt=0)
    prompt: str
    negative_prompt: str = ""
    talent: str = ""
    wardrobe: str = ""
    setting: str = ""
    motifs: list[str] = Field(default_factory=list)
    cast: list[CastMember] = Field(default_factory=list, description="Who is in the shot (age, gender, skin, dress).")
    props: list[str] = Field(default_factory=list, description="The product category's props and scene objects.")
    occasion: str = Field(default="", description="The segment's occasion this shot is set in.")
    line_source: LineSource | None = Field(
        default=None, description="What this variant's line says: the master's, or its segment's own hook and pain."
    )
    voiceover: str = ""
    caption: str = ""
    back_translation: str = ""
    line_status: dict[str, LineStatus] = Field(
        default_factory=dict, description="Per line kind ('voice-over', 'caption'): origin and language check."
    )
    alternatives: list[str] = Field(
        default_factory=list, description="Shorter voice-overs in the variant's language, best first (speech fit)."
    )
    speech_rate: float = Field(
        default=1.0, gt=0, description="Voice speed (× the language's natural rate) the speech fit chose for the line."
    )
    flags: list[Flag] = Field(default_factory=list)
    overrides: dict[str, str | list[str] | float] = Field(
        default_factory=dict, description="Fields a creator set by hand; kept when the master changes."
    )
    source_hash: str = Field(default="", description="Hash of the master shot it was derived from.")
    stale: bool = False


class Variant(Doc):
    """One market × segment: the unit that becomes a video."""

    id: SafeId
    market: str
    language: str
    segment: str
    name: str
    palette: list[str] = Field(default_factory=list)
    call_to_action: str = ""
    legal: str = ""
    line_status: dict[str, LineStatus] = Field(
        default_factory=dict, description="Per variant-level line ('call-to-action', 'legal'): origin and check."
    )
    shots: list[LocalizedShot] = Field(default_factory=list)
    ab_hooks: list[str] = Field(
        default_factory=list, description="A/B test: other hook lines in the variant's language (cells H2, H3...)."
    )
    ab_ctas: list[str] = Field(
        default_factory=list, description="A/B test: other calls to action in the variant's language (C2, C3...)."
    )

    def shot(self, shot_id: str) -> LocalizedShot:
        for s in self.shots:
            if s.shot_id == shot_id:
                return s
        raise KeyError(shot_id)


class Take(Doc):
    """One generated image for a shot, with the request that made it."""

    id: SafeId
    shot_id: SafeId
    variant_id: SafeId | None = None
    request: ImageRequest
    asset: AssetName
    backend: str
    selected: bool = False
    created: str = Field(default_factory=_now)
    info: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="How it was made beyond the request: consistency method, device, timing."
    )
    kind: Literal["image", "video"] = "image"
    motion: MotionRequest | None = Field(
        default=None, description="Video takes: the clip's request (frames, fps, prompt); `request` is its picture's."
    )


class WordTiming(Doc):
    text: str
    start_s: float
    end_s: float


class VoiceLine(Doc):
    shot_id: SafeId
    variant_id: SafeId
    request: VoiceRequest
    asset: AssetName
    duration_s: float
    backend: str
    words: list[WordTiming] = Field(default_factory=list)


class Deliverable(Doc):
    variant_id: SafeId
    market: str
    language: str
    segment: str
    aspect: str
    kind: Literal["video", "srt", "vtt", "pdf", "csv", "xlsx", "otio", "xml", "png", "zip"]
    path: str = Field(description="Relative to the project folder.")
    duration_s: float | None = None
    status: Literal["final", "draft"] = "final"
    reasons: list[str] = Field(default_factory=list, description="Why a draft is not final (untranslated lines...).")
    sub_variant: str = Field(default="", description="A/B test cell (hook × call to action), empty for the main cut.")
    created: str = Field(default_factory=_now)

    @model_validator(mode="after")
    def _no_climbing(self) -> Deliverable:
        parts = self.path.replace("\\", "/").split("/")
        if not self.path or ".." in parts:
            raise ValueError(f"path {self.path!r} climbs out of its folder with '..'; give it relative to the project")
        return self


class ProjectSettings(Doc):
    image_model: str = "procedural"
    image_steps: int = Field(default=25, ge=1, le=500)
    image_loras: list[LoraRef] = Field(default_factory=list, description="LoRA files applied to every image.")
    voices: dict[str, str] = Field(default_factory=dict, description="Voice id per language; default espeak.")
    music: str | None = Field(default=None, description="Path to a music bed; None = generated bed.")
    loudness_lufs: float = Field(default=-14.0, ge=-70.0, le=0.0)
    fps: int = Field(default=30, ge=1, le=120)
    ai_label: Literal["auto", "always", "off"] = Field(
        default="auto", description="Burn an AI-content label: where a market requires it (auto), always, or never."
    )


class Project(Doc):
    schema_version: int = SCHEMA_VERSION
    name: FileName
    created: str = Field(default_factory=_now)
    brief: Brief
    personas: list[Persona] = Field(default_factory=list)
    insights: list[Insight] = Field(default_factory=list)
    storyboard: Storyboard | None = None
    variants: list[Variant] = Field(default_factory=list)
    takes: list[Take] = Field(default_factory=list)
    motion_takes: list[Take] = Field(default_factory=list, description="Video takes (studio/model/motion.py).")
    voice_lines: list[VoiceLine] = Field(default_factory=list)
    deliverables: list[Deliverable] = Field(default_factory=list)
    cuts: list[CutRecord] = Field(
        default_factory=list, description="What each render cut, per variant, aspect and A/B cell (studio.model.cut)."
    )
    settings: ProjectSettings = Field(default_factory=ProjectSettings)
    compliance_overrides: list[ComplianceOverride] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Project:
        """Ids name files (`<variant>_9x16.mp4`, `<shot>.png`): two that differ only in case would overwrite."""
        _refuse_repeats("variants", [v.id for v in self.variants])
        if self.storyboard is not None:
            _refuse_repeats("storyboard.shots", [s.id for s in self.storyboard.shots])
        for i, v in enumerate(self.variants):
            _refuse_repeats(f"variants[{i}].shots", [s.shot_id for s in v.shots])
        return self

    def variant(self, variant_id: str) -> Variant:
        for v in self.variants:
            if v.id == variant_id:
                return v
        raise KeyError(variant_id)

    def own_take(self, shot_id: str, variant_id: str | None) -> Take | None:
        """The variant's own picked (else newest) take, never the master's: a segment whose shot differs needs its
        own picture, so this decides which variant shots still need images."""
        takes = [t for t in self.takes if t.shot_id == shot_id and t.variant_id == variant_id and _picked_kind(t)]
        chosen = [t for t in takes if t.selected]
        return (chosen or takes)[-1] if takes else None

    def cut(self, variant_id: str, aspect: str, sub_variant: str = "") -> CutRecord | None:
        """The record of the last render of this variant at this aspect (None until it is rendered)."""
        return next((c for c in self.cuts if c.key() == (variant_id, aspect, sub_variant)), None)

    def selected_take(self, shot_id: str, variant_id: str | None) -> Take | None:
        """The picked take for a variant shot; falls back to the master take, then to the newest."""
        for vid in (variant_id, None) if variant_id else (None,):
            takes = [t for t in self.takes if t.shot_id == shot_id and t.variant_id == vid and _picked_kind(t)]
            chosen = [t for t in takes if t.selected]
            if chosen:
                return chosen[-1]
            if takes:
                return takes[-1]
        return None


def _picked_kind(take: Take) -> bool:
    """A take a creator picks from; not a picked take redrawn for another aspect ratio (`info.aspect_of`)."""
    return "aspect_of" not in take.info


def _refuse_repeats(where: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i.casefold() in seen:
            raise ValueError(f"{where}: the id {i!r} is used twice (ids are compared ignoring case); rename one")
        seen.add(i.casefold())
