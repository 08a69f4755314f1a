"""Final or draft: the one place that decides whether a variant may be rendered for publishing.

The CLI (`qianmian render`) and the app both plan a render with studio/stages/render.py, which calls `release_check`:
- a variant whose voice-over no installed voice can speak is refused, draft or not (it would abort mid-render);
- a variant with a line not in its language (studio.planning.language_check) is refused as final; as a draft it is
  rendered with a DRAFT band burned into every frame and `"status": "draft"` with the lines as reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.model import Project, Variant
from studio.planning.language_check import LineProblem, check_variant


@dataclass
class Release:
    """What one variant may become: `refused` (why), else final or draft (`reasons` non-empty)."""

    variant_id: str
    problems: list[LineProblem] = field(default_factory=list)
    voice: str = ""
    """Why no voice can speak this variant (empty when one can)."""
    draft_allowed: bool = False

    @property
    def reasons(self) -> list[str]:
        return [p.describe() for p in self.problems]

    @property
    def refused(self) -> list[str]:
        """Why the variant cannot be rendered at all in this run (empty: it renders, final or draft)."""
        if self.voice:
            return [self.voice]
        return [] if self.draft_allowed else self.reasons

    @property
    def status(self) -> str:
        return "draft" if self.problems else "final"


def voice_problem(project: Project, variant: Variant) -> str:
    """Why the variant's voice-over cannot be spoken on this machine, with which voice to install or choose."""
    from pipelines.voice import is_speakable
    from pipelines.voice.registry import list_voices, voice_info
    from studio.render.timing import voice_for

    if not any(s.voiceover.strip() and is_speakable(s.voiceover) for s in variant.shots):
        return ""
    voice = voice_for(project, variant.language)
    info = voice_info(voice, variant.language)
    if info.ready:
        return ""
    primary = variant.language.split("-")[0].lower()
    aliases = {primary, {"fil": "tl", "tl": "fil"}.get(primary, primary)}
    others = [
        v.id for v in list_voices() if v.ready and any(lang.split("-")[0].lower() in aliases for lang in v.languages)
    ]
    choose = (
        f"choose one of {', '.join(others)} for {variant.language} in the project's voice settings"
        if others
        else f"install a Piper voice for {variant.language} (an .onnx + .onnx.json pair in the voices folder) and "
        f"choose it for {variant.language} in the project's voice settings"
    )
    return (
        f"{variant.id}: no installed voice speaks {variant.language} ({voice!r}: {info.reason}). "
        f"Fix: {choose}; the other variants still render."
    )


def release_check(project: Project, variant: Variant, *, draft: bool = False) -> Release:
    """Check one variant's lines (statuses are updated in place on `variant`) and its voice."""
    return Release(
        variant_id=variant.id,
        problems=check_variant(project, variant),
        voice=voice_problem(project, variant),
        draft_allowed=draft,
    )


def refusal_message(releases: list[Release]) -> str:
    """The refused variants and their lines, one per line, for a terminal or a notification."""
    out: list[str] = []
    for r in releases:
        if not r.refused:
            continue
        if r.voice:
            out.append(f"{r.variant_id}: not rendered. {r.voice}")
            continue
        out.append(f"{r.variant_id}: not rendered as final, {len(r.problems)} lines are not in its language:")
        out += [f"  - {reason}" for reason in r.reasons]
    return "\n".join(out)
