"""The cut as it was made, written down once (`studio.model.cut.CutRecord`) for the exports to read."""

from __future__ import annotations

from collections.abc import Iterable

from studio.model.cut import CutCaption, CutRecord, CutShot, CutVoice
from studio.model.project import Project, Variant
from studio.render.timeline import Timeline


def cut_records(
    project: Project,
    variant: Variant,
    timeline: Timeline,
    aspects: Iterable[str],
    *,
    sub_variant: str = "",
    status: str = "final",
) -> list[CutRecord]:
    """One record per aspect (every aspect renders the same timeline at its own size): shot lengths, the camera
    move and transition each shot was cut with (variant overrides included), caption cues and voice files."""
    shots = []
    for n, clip in enumerate(timeline.clips):
        take = project.selected_take(clip.shot_id, variant.id)
        last = n == len(timeline.clips) - 1  # storyboard lengths count the end card in the last shot
        shots.append(
            CutShot(
                shot_id=clip.shot_id,
                start_s=round(clip.start_s, 3),
                duration_s=round(clip.duration_s + (timeline.end_card.duration_s if last else 0.0), 3),
                picture_s=round(clip.duration_s, 3),
                camera=clip.camera,
                transition=clip.transition_out,
                take_id=take.id if take is not None else None,
                image=clip.image.name,
            )
        )
    captions = [
        CutCaption(start_s=round(c.start_s, 3), end_s=round(c.end_s, 3), text=c.text) for c in timeline.captions
    ]
    voice = [
        CutVoice(
            shot_id=v.shot_id,
            start_s=round(v.start_s, 3),
            duration_s=round(v.line.duration_s, 3),
            asset=v.line.voice_line.asset,
        )
        for v in timeline.voice
    ]
    return [
        CutRecord(
            variant_id=variant.id,
            aspect=aspect,
            sub_variant=sub_variant,
            language=variant.language,
            duration_s=round(timeline.duration_s, 3),
            end_card_s=round(timeline.end_card.duration_s, 3),
            shots=shots,
            captions=captions,
            voice=voice,
            status=status,
        )
        for aspect in aspects
    ]
