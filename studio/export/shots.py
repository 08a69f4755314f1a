"""One row per shot of a variant, as every hand-off file shows it: the cut's timing, the camera, the words, the take.

Timing, camera and transitions follow the render: after `qianmian render` the project holds what was cut, per variant
and aspect (`Project.cuts`, studio.model.cut), and the rows read that record. Before a render they show the plan: the
planned lengths, the camera and transition the render would use (a variant shot's override, else the master's), the
voice starting `VOICE_LEAD_S` into its shot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.model import Project, ProjectError, ProjectStore, Variant, VoiceLine
from studio.model.cut import CutRecord
from studio.render.timing import END_CARD_S, VOICE_LEAD_S

__all__ = ["END_CARD_S", "VOICE_LEAD_S", "ShotRow", "VariantSheet", "timecode", "variant_sheet"]


@dataclass(frozen=True)
class ShotRow:
    number: int
    shot_id: str
    beat: str
    start_s: float
    duration_s: float
    framing: str
    camera: str
    transition: str
    visual: str
    voiceover: str
    back_translation: str
    master_voiceover: str
    on_screen_text: str
    talent: str
    wardrobe: str
    setting: str
    motifs: tuple[str, ...]
    sound_cue: str
    flags: tuple[str, ...]
    image: Path | None
    take_id: str | None
    voice: VoiceLine | None
    voice_file: Path | None

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    @property
    def voice_start_s(self) -> float:
        return self.start_s + VOICE_LEAD_S

    @property
    def name(self) -> str:
        """The clip name editors see: number, id and beat."""
        return f"{self.number:02d} {self.shot_id} {self.beat}"


@dataclass(frozen=True)
class VariantSheet:
    """Everything the exporters need of one variant, resolved once."""

    project: Project
    variant: Variant
    rows: list[ShotRow]
    aspect: str
    end_card_s: float
    video: Path | None
    project_root: Path = Path(".")
    """Paths from project.json (the music bed) are confined to this folder."""
    cut: CutRecord | None = None
    """What the render cut at this aspect (None: not rendered yet, the rows show the plan)."""

    @property
    def shots_s(self) -> float:
        return sum(r.duration_s for r in self.rows)

    @property
    def duration_s(self) -> float:
        return self.shots_s + self.end_card_s


def _first(*values: str) -> str:
    return next((v.strip() for v in values if v and v.strip()), "")


def variant_sheet(project: Project, store: ProjectStore, variant_id: str, aspect: str | None = None) -> VariantSheet:
    try:
        variant = project.variant(variant_id)
    except KeyError:
        known = ", ".join(v.id for v in project.variants) or "none"
        raise ProjectError(f"The project has no variant {variant_id!r}.", f"Known variants: {known}.") from None
    if not variant.shots:
        raise ProjectError(f"Variant {variant.id} has no shots.", "Plan the storyboard and variants first.")
    aspect = aspect or (project.brief.aspect_ratios[0] if project.brief.aspect_ratios else "9:16")
    master = {s.id: s for s in project.storyboard.shots} if project.storyboard else {}
    voices = {v.shot_id: v for v in project.voice_lines if v.variant_id == variant.id}
    record = project.cut(variant.id, aspect)
    rows: list[ShotRow] = []
    t = 0.0
    for n, shot in enumerate(variant.shots, start=1):
        ms = master.get(shot.shot_id)
        cut = record.shot(shot.shot_id) if record is not None else None
        duration = cut.duration_s if cut is not None else shot.duration_s
        camera = cut.camera if cut is not None else str(shot.overrides.get("camera") or (ms.camera if ms else ""))
        transition = (
            cut.transition
            if cut is not None
            else str(shot.overrides.get("transition") or (ms.transition if ms else "cut"))
        )
        take = project.selected_take(shot.shot_id, variant.id)
        image = store.asset_path(take.asset, f"takes[{take.id}].asset") if take else None
        voice = voices.get(shot.shot_id)
        voice_file = store.asset_path(voice.asset, f"voice_lines[{voice.shot_id}].asset") if voice else None
        rows.append(
            ShotRow(
                number=n,
                shot_id=shot.shot_id,
                beat=ms.beat if ms else "",
                start_s=round(cut.start_s if cut is not None else t, 3),
                duration_s=duration,
                framing=ms.framing if ms else "",
                camera=camera,
                transition=transition,
                visual=ms.visual if ms else shot.prompt,
                voiceover=shot.voiceover,
                back_translation=shot.back_translation,
                master_voiceover=ms.voiceover if ms else "",
                on_screen_text=_first(shot.caption, ms.on_screen_text if ms else ""),
                talent=shot.talent,
                wardrobe=shot.wardrobe,
                setting=shot.setting,
                motifs=tuple(shot.motifs),
                sound_cue=ms.sound_cue if ms else "",
                flags=tuple(f.message for f in shot.flags),
                image=image if image is not None and image.is_file() else None,
                take_id=take.id if take else None,
                voice=voice,
                voice_file=voice_file if voice_file is not None and voice_file.is_file() else None,
            )
        )
        t = (cut.start_s if cut is not None else t) + duration
    video = next(
        (d for d in project.deliverables if d.variant_id == variant.id and d.kind == "video" and d.aspect == aspect),
        None,
    )
    end_card = END_CARD_S
    if record is not None:  # the last shot's length counts the end card in, as the project's shots do
        end_card = max(0.0, round(record.duration_s - t, 3))
    elif video is not None and video.duration_s:
        end_card = max(0.0, round(video.duration_s - t, 3))
    video_path = None
    if video is not None:
        p = Path(video.path)
        video_path = p if p.is_absolute() else store.root / p
    return VariantSheet(project, variant, rows, aspect, end_card, video_path, store.root, cut=record)


def timecode(seconds: float) -> str:
    """mm:ss.ff (hundredths), short enough for a table column."""
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{rest:05.2f}"
