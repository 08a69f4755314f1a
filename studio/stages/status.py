"""The creator's path through a project, and what is missing or stale at each step (Qt-free, pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from studio.stages.quality import final_videos, untranslated

if TYPE_CHECKING:
    from studio.model import Project


class StepState(StrEnum):
    DONE = "done"
    MISSING = "missing"
    STALE = "stale"


@dataclass(frozen=True)
class StepStatus:
    state: StepState
    note: str = ""


STEPS: tuple[tuple[str, str], ...] = (
    ("brief", "Brief"),
    ("audience", "Audience"),
    ("storyboard", "Storyboard"),
    ("variants", "Variants"),
    ("images", "Images"),
    ("cut", "Voice && Cut"),
    ("deliver", "Deliver"),
)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 market', '2 markets', '1 video'…: the count and the word in the form English wants."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _variant_shot_pairs(project: Project) -> list[tuple[str, str]]:
    return [(v.id, s.shot_id) for v in project.variants for s in v.shots]


def step_status(project: Project, step: str, root: Path | None = None) -> StepStatus:
    """What a creator sees beside each step of the flow."""
    if step == "brief":
        return StepStatus(
            StepState.DONE,
            # a market planned in two languages (Canada in English and French) is one market
            f"{plural(len({m.code for m in project.brief.markets}), 'market')}, "
            f"{plural(len(project.brief.segments), 'segment')}",
        )
    if step == "audience":
        if not project.personas and not project.insights:
            return StepStatus(StepState.MISSING, "no insights yet: plan the brief")
        return StepStatus(
            StepState.DONE, f"{plural(len(project.personas), 'persona')}, {plural(len(project.insights), 'insight')}"
        )
    if step == "storyboard":
        if project.storyboard is None or not project.storyboard.shots:
            return StepStatus(StepState.MISSING, "no storyboard yet: plan the brief")
        sb = project.storyboard
        return StepStatus(StepState.DONE, f"{plural(len(sb.shots), 'shot')}, {sb.total_duration():.0f} s")
    if step == "variants":
        if not project.variants:
            return StepStatus(StepState.MISSING, "no variants yet")
        stale = sum(1 for v in project.variants for s in v.shots if s.stale)
        if stale:
            return StepStatus(StepState.STALE, f"{plural(stale, 'shot')} changed in the master")
        master = {s.id for s in project.storyboard.shots} if project.storyboard else set()
        for v in project.variants:
            if {s.shot_id for s in v.shots} != master:
                return StepStatus(StepState.STALE, f"{v.id} does not match the storyboard")
        todo = [v for v in project.variants if untranslated(v)]
        if todo:
            return StepStatus(StepState.MISSING, f"{plural(len(todo), 'variant')} with untranslated lines")
        return StepStatus(StepState.DONE, plural(len(project.variants), "variant"))
    if step == "images":
        pairs = _variant_shot_pairs(project)
        if not pairs:
            return StepStatus(StepState.MISSING, "no shots to draw")
        missing = [p for p in pairs if project.own_take(p[1], p[0]) is None]  # a master image is not theirs
        if missing:
            return StepStatus(StepState.MISSING, f"{len(missing)} of {plural(len(pairs), 'shot')} have no image")
        return StepStatus(StepState.DONE, f"{plural(len(pairs), 'shot')} drawn")
    if step == "cut":
        pairs = _variant_shot_pairs(project)
        voiced = {(vl.variant_id, vl.shot_id): vl for vl in project.voice_lines}
        if not pairs:
            return StepStatus(StepState.MISSING, "no shots to voice")
        stale = 0
        for v in project.variants:
            for s in v.shots:
                line = voiced.get((v.id, s.shot_id))
                if line is not None and line.request.text.strip() != s.voiceover.strip():
                    stale += 1
        if stale:
            return StepStatus(StepState.STALE, f"{plural(stale, 'line')} changed since they were voiced")
        if not voiced:
            return StepStatus(StepState.MISSING, "not voiced yet (rendering voices them)")
        unvoiced = [p for p in pairs if p not in voiced]
        if unvoiced:
            variants = len({v for v, _s in unvoiced})
            return StepStatus(
                StepState.MISSING,
                f"{len(pairs) - len(unvoiced)} of {plural(len(pairs), 'line')} voiced; "
                f"{plural(variants, 'variant')} to render",
            )
        return StepStatus(StepState.DONE, f"{plural(len(voiced), 'line')} voiced")
    if step == "deliver":
        videos = [d for d in project.deliverables if d.kind == "video"]
        if not videos:
            return StepStatus(StepState.MISSING, "nothing rendered yet")
        if root is not None:
            gone = [d for d in videos if not (root / d.path).exists() and not Path(d.path).exists()]
            if gone:
                return StepStatus(StepState.STALE, f"{len(gone)} video files are missing on disk")
        aspects = set(project.brief.aspect_ratios)
        unfinished = [
            v.id for v in project.variants if not aspects <= {d.aspect for d in final_videos(project, root, v.id)}
        ]
        if unfinished:
            return StepStatus(
                StepState.MISSING,
                f"{len(unfinished)} of {plural(len(project.variants), 'variant')} without a final video",
            )
        drafts = [v.id for v in project.variants if untranslated(v)]
        if drafts:
            return StepStatus(StepState.MISSING, f"{plural(len(drafts), 'variant')} with untranslated lines")
        newest_render = {v.id: min(d.created for d in final_videos(project, root, v.id)) for v in project.variants}
        newer = [t for t in project.takes if t.variant_id in newest_render and t.created > newest_render[t.variant_id]]
        if newer or step_status(project, "cut").state is StepState.STALE:
            return StepStatus(StepState.STALE, "images or lines changed since the last render")
        finals = sum(len(final_videos(project, root, v.id)) for v in project.variants)
        return StepStatus(StepState.DONE, f"{plural(finals, 'final video')}")
    raise KeyError(step)
