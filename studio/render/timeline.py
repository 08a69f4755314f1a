"""The cut of one variant as plain data: clips with camera moves and transitions, captions, the end card.

Built once per variant from the fitted timing; every aspect ratio renders the same timeline at its own size.
A shot's `transition` says how it hands over to what follows (the next shot, or the end card after the last).
Camera move and transition come from the master shot unless the variant shot overrides them ("camera",
"transition" in `LocalizedShot.overrides`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.model import ASPECT_SIZES, BackendError, Project, ProjectStore, Variant
from studio.render.subtitles import Cue, reading_seconds, split_cue
from studio.render.timing import VOICE_LEAD_S, SpokenLine, TimingFit

#: Crossfade length, centred on the cut; shortened for very short shots.
CROSSFADE_S = 0.4


@dataclass(frozen=True)
class MotionSource:
    """A shot's motion take as the cut plays it: the clip file, the aspect it was made at, its frames and rate."""

    aspect: str
    path: Path
    frames: int
    fps: float
    lead_s: float | None = None
    """A lip-synced clip: played at its own speed from this far into the shot (with the voice), first and last
    frames held; None: fitted to the shot (trimmed, or slowed evenly)."""
    voice: str = ""
    """A lip-synced clip: the voice recording (asset) its lips say; played only while the cut speaks that one."""


@dataclass(frozen=True)
class Clip:
    shot_id: str
    image: Path
    start_s: float
    duration_s: float
    camera: str = "static"
    transition_out: str = "crossfade"
    label: str = ""
    """The storyboard label ("S3 · SOLUTION"), shown only in an animatic preview."""
    pictures: tuple[tuple[str, Path, tuple[float, float, float, float] | None], ...] = ()
    """Per aspect ratio: the take made for that shape (else the picked one) and its subject box, if known."""
    motion: tuple[MotionSource, ...] = ()
    """Motion takes (one per aspect made): played instead of the still and its camera move (render/motion.py)."""

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    def picture(self, aspect: str) -> tuple[Path, tuple[float, float, float, float] | None]:
        """The image to show at `aspect` and the box its subject is in (fractions), for the reframe."""
        for a, path, focus in self.pictures:
            if a == aspect:
                return path, focus
        return self.image, None


@dataclass(frozen=True)
class EndCard:
    start_s: float
    duration_s: float
    brand: str
    call_to_action: str
    legal: str
    language: str
    palette: tuple[str, ...] = ()
    background: Path | None = None
    logo: Path | None = None
    primary: str | None = None
    """Brand colours: the card's ground (primary), the call-to-action button (accent) and the type (text)."""
    accent: str | None = None
    text_colour: str | None = None
    logo_position: str = "top"
    cta_style: str = "pill"
    brand_font: Path | None = None
    """The brand's font for the brand name set in type (no logo), when it draws the variant's script."""


@dataclass(frozen=True)
class VoiceCue:
    """Where a spoken line sits on the timeline."""

    shot_id: str
    start_s: float
    line: SpokenLine

    @property
    def end_s(self) -> float:
        return self.start_s + self.line.duration_s


@dataclass(frozen=True)
class Timeline:
    variant_id: str
    language: str
    clips: list[Clip]
    end_card: EndCard
    voice: list[VoiceCue]
    captions: list[Cue] = field(default_factory=list)
    """Burned-in text: the same cues as `subtitles` (the spoken line, or a silent shot's caption)."""
    subtitles: list[Cue] = field(default_factory=list)
    """SRT/VTT sidecars: the spoken words, timed to the voice."""
    corner_logo: Path | None = None
    """The brand's logo, small in a corner of every shot (the brand kit's `corner_logo`)."""

    @property
    def duration_s(self) -> float:
        return self.end_card.start_s + self.end_card.duration_s


def _first(*values: str | None) -> str:
    return next((v.strip() for v in values if v and v.strip()), "")


def _letters(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def _time_curve(line: SpokenLine) -> tuple[list[float], list[float]] | None:
    """(fraction of the spoken text's letters, seconds) at each word's start and end, from the voice's timings."""
    spoken = line.voice_line.request.text
    total = _letters(spoken)
    if not line.words or not total:
        return None
    xs, ts, pos = [0.0], [0.0], 0
    for w in line.words:
        at = spoken.find(w.text.strip(), pos)
        if at < 0:
            continue
        before = _letters(spoken[:at]) / total
        after = _letters(spoken[: at + len(w.text.strip())]) / total
        if before >= xs[-1] and w.start_s >= ts[-1]:
            xs.append(before)
            ts.append(w.start_s)
        if after > xs[-1] and w.end_s >= ts[-1]:
            xs.append(after)
            ts.append(w.end_s)
        pos = at + len(w.text.strip())
    xs.append(1.0)
    ts.append(max(ts[-1], line.duration_s))
    return xs, ts


def _timed_cues(text: str, language: str, start: float, end: float, line: SpokenLine, until: float) -> list[Cue]:
    """The spoken line as consecutive cues split at phrase boundaries, each shown while its words are said.

    Split points are timed from the voice's word timings (by the share of the line's letters said so far, which
    also holds when the voice says a reading of the written line, e.g. a brand in katakana); each cue then stays
    up at least as long as its script's reading speed asks (speech.toml [reading]), up to the next cue or `until`.
    """
    parts = split_cue(Cue(round(start, 3), round(end, 3), text), language)
    if not parts:
        return []
    curve = _time_curve(line)
    total = max(1, _letters(text))
    out: list[Cue] = []
    said = 0
    for n, part in enumerate(parts):
        seg_start = part.start_s
        seg_end = part.end_s
        if curve is not None:
            xs, ts = curve
            seg_start = start + (float(np.interp(said / total, xs, ts)) if n else 0.0)
            said += _letters(part.text)
            seg_end = end if n == len(parts) - 1 else start + float(np.interp(said / total, xs, ts))
        out.append(Cue(round(seg_start, 3), round(max(seg_end, seg_start + 0.3), 3), part.text))
    shown: list[Cue] = []
    for n, cue in enumerate(out):
        limit = out[n + 1].start_s if n + 1 < len(out) else until
        wanted = cue.start_s + reading_seconds(cue.text, language)
        shown.append(Cue(cue.start_s, round(max(cue.end_s, min(wanted, limit)), 3), cue.text))
    return shown


def build_timeline(
    project: Project,
    store: ProjectStore,
    variant: Variant,
    fit: TimingFit,
    lines: dict[str, SpokenLine],
    *,
    logo: Path | None = None,
) -> Timeline:
    """Clips in storyboard order with their fitted lengths; voice placed `VOICE_LEAD_S` into each shot."""
    from studio.render.reframe import parse_focus, take_for_aspect

    master = {s.id: s for s in project.storyboard.shots} if project.storyboard else {}
    order = {s.id: i for i, s in enumerate(project.storyboard.shots)} if project.storyboard else {}
    clips: list[Clip] = []
    voice: list[VoiceCue] = []
    subtitles: list[Cue] = []
    t = 0.0
    for shot, duration in zip(variant.shots, fit.durations, strict=True):
        take = project.selected_take(shot.shot_id, variant.id)
        image = store.asset_path(take.asset) if take else None
        if image is None or not image.is_file():
            raise BackendError(
                f"No image for shot {shot.shot_id} of {variant.id}.",
                "Generate images first (Takes → Generate, or `qianmian render` makes the missing ones).",
            )
        ms = master.get(shot.shot_id)
        pictures = []
        for aspect in ASPECT_SIZES:
            own = take_for_aspect(project, shot.shot_id, variant.id, aspect)
            if own is not None and store.asset_path(own.asset).is_file():
                pictures.append((aspect, store.asset_path(own.asset), parse_focus(own.info.get("focus"))))
        line = lines.get(shot.shot_id)
        spoken = line.voice_line.asset if line is not None else None
        # A presenter lip-synced to another recording (the line was edited since) would mouth the wrong words.
        motion = tuple(
            m for m in motion_sources(project, store, shot.shot_id, variant.id) if not m.voice or m.voice == spoken
        )
        clips.append(
            Clip(
                shot_id=shot.shot_id,
                image=image,
                start_s=t,
                duration_s=duration,
                camera=str(shot.overrides.get("camera") or (ms.camera if ms else "static")),
                transition_out=str(shot.overrides.get("transition") or (ms.transition if ms else "crossfade")),
                label=f"S{order.get(shot.shot_id, 0) + 1} · {ms.beat.upper()}" if ms else shot.shot_id,
                pictures=tuple(pictures),
                motion=motion,
            )
        )
        if line is not None:
            start = t + VOICE_LEAD_S
            voice.append(VoiceCue(shot.shot_id, start, line))
            end = start + line.duration_s
            subtitles.extend(_timed_cues(line.text, variant.language, start, end, line, max(end, t + duration)))
        elif shot.caption.strip():
            # A silent shot's super: the whole caption, burned in and in the sidecar alike.
            cue = Cue(round(t + VOICE_LEAD_S, 3), round(t + duration - VOICE_LEAD_S, 3), shot.caption.strip())
            subtitles.extend(split_cue(cue, variant.language))
        t += duration
    # Captions follow the voice: the burned-in text is the subtitle track, cue for cue (never a shortened super).
    captions = list(subtitles)
    brand, cta, legal = end_card_copy(project, variant)
    kit = project.brief.brand_kit
    if logo is None and kit is not None and kit.logo is not None and kit.logo.asset:
        logo = store.asset_path(kit.logo.asset, "brief.brand_kit.logo.asset")
    from studio.planning.brand import brand_font_for

    end_card = EndCard(
        start_s=t,
        duration_s=fit.end_card_s,
        brand=brand,
        call_to_action=cta,
        legal=legal,
        language=variant.language,
        palette=tuple(variant.palette),
        background=clips[-1].image if clips else None,
        logo=logo,
        primary=kit.colours.primary if kit else None,
        accent=kit.colours.accent if kit else None,
        text_colour=kit.colours.text if kit else None,
        logo_position=kit.end_card.logo_position if kit else "top",
        cta_style=kit.end_card.cta_style if kit else "pill",
        brand_font=brand_font_for(kit, store, variant.language),
    )
    corner = logo if kit is not None and kit.corner_logo and kit.logo is not None else None
    return Timeline(variant.id, variant.language, clips, end_card, voice, captions, subtitles, corner_logo=corner)


def motion_sources(project: Project, store: ProjectStore, shot_id: str, variant_id: str) -> tuple[MotionSource, ...]:
    """The shot's picked motion takes whose clip files exist (studio/model/motion.py decides which)."""
    from studio.model.motion import picked_motion

    out = []
    for take in picked_motion(project, shot_id, variant_id):
        path = store.asset_path(take.asset)
        if take.motion is not None and path.is_file():
            frames = int(take.info.get("frames", take.motion.num_frames))
            lead = VOICE_LEAD_S if take.info.get("lipsync") else None
            voice = str(take.info.get("voice_asset", "")) if lead is not None else ""
            out.append(MotionSource(take.motion.aspect, path, frames, float(take.motion.fps), lead, voice))
    return tuple(out)


def end_card_copy(project: Project, variant: Variant) -> tuple[str, str, str]:
    """Brand, call to action and legal line in the variant's language (variant, then brief copy, then brief)."""
    brief = project.brief
    copy = brief.copy_by_language.get(variant.language)
    cta = _first(variant.call_to_action, copy.call_to_action if copy else None, brief.call_to_action)
    legal = _first(variant.legal, copy.legal if copy else None, brief.legal)
    kit = brief.brand_kit
    if not legal and kit is not None and kit.legal and variant.language == brief.master_language:
        legal = " ".join(line.strip() for line in kit.legal if line.strip())
    return brief.brand, cta, legal


def texts_on_screen(project: Project, variant: Variant) -> list[tuple[str, str]]:
    """Every (text, language) the cut will draw or write: captions, spoken lines, end card. For the font check."""
    items = [(t, variant.language) for s in variant.shots for t in (s.caption, s.voiceover) if t.strip()]
    return items + [(t, variant.language) for t in end_card_copy(project, variant) if t]
