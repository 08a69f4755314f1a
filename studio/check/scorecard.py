"""The creative scorecard of a rendered variant: ABCD-style (Attention, Branding, Connection, Direction), explainable.

Every item is measured on the DECODED file (what a viewer sees and hears) and read against the plan (which shot is
the product, what the call to action says, which lines are captions): each says pass / warn / fail, why in plain
words, and when (seconds and frame). Thresholds are data (assets/knowledge/scorecard.toml; caption reading speeds
per script in speech.toml [reading]); platform limits come from platforms.toml.

Public functions:
- `score_variant(project, variant_id, video_path, *, platform=None, references=None, root=None) -> Scorecard`
  `references`: image files to look for (a brand kit's logo and product pictures); without them the take of the
  shot the plan says shows the product is looked for (needs `root`, the project folder, to find it).
- `score_take(project, take_id, *, root, references=None) -> TakeNotes`: product visibility, text density and
  composition notes for one picture ("why this take works").
- `Scorecard.rows()` (for the app), `.to_dict()` / `.to_json()` (for `qianmian check --json`), `.text()`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from studio import paths
from studio.check import vision
from studio.model.errors import ValidationFailed
from studio.model.stage import CancelToken, ProgressFn, check, report
from studio.planning.platform_specs import PlatformSpec, VideoProbe, duration_findings, platform_spec, probe_video

if TYPE_CHECKING:
    from studio.model.project import LocalizedShot, Project, Take, Variant
    from studio.render.subtitles import Cue

Status = Literal["pass", "warn", "fail", "n/a"]
Group = Literal["Attention", "Branding", "Connection", "Direction"]
STATUS_VALUE: dict[str, float] = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
#: Beats whose picture is the product itself, when no shot is framed "product".
PRODUCT_BEATS = ("product", "packshot", "reveal", "solution", "demo", "proof")


# --- Thresholds ---------------------------------------------------------------------------------------------------


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MotionSettings(_Section):
    cut_step: float = Field(gt=0)
    motion_step: float = Field(gt=0)
    sample_fps: float = Field(gt=0, le=30)


class BrandSettings(_Section):
    match: float = Field(gt=0, le=1)
    colour_tolerance: float = Field(gt=0)
    sample_fps: float = Field(gt=0, le=30)
    logo_min_frac: float = Field(gt=0, le=1)
    logo_max_frac: float = Field(gt=0, le=1)
    product_min_frac: float = Field(gt=0, le=1)
    product_max_frac: float = Field(gt=0, le=1)


class VoiceSettings(_Section):
    band_hz: tuple[float, float]
    below_peak_db: float = Field(gt=0)
    floor_dbfs: float = Field(lt=0)


class SupersSettings(_Section):
    contrast_pass: float = Field(ge=1)
    contrast_fail: float = Field(ge=1)
    min_height: float = Field(gt=0, lt=1)
    max_samples: int = Field(ge=1)


class PacingSettings(_Section):
    min_shots_per_5s: float = Field(ge=0)
    max_shots_per_5s: float = Field(gt=0)


class ReadingSettings(_Section):
    warn_over: float = Field(gt=0)
    fail_over: float = Field(gt=0)


class ScoreSettings(_Section):
    """assets/knowledge/scorecard.toml."""

    hook_window_s: float = Field(gt=0)
    brand_window_s: float = Field(gt=0)
    voice_window_s: float = Field(gt=0)
    cta_min_s: float = Field(gt=0)
    motion: MotionSettings
    brand: BrandSettings
    voice: VoiceSettings
    supers: SupersSettings
    pacing: PacingSettings
    reading: ReadingSettings
    weights: dict[str, float]


@cache
def _settings(path: Path) -> ScoreSettings:
    from studio.planning.knowledge import read_pack

    return read_pack(path, ScoreSettings, "Scorecard thresholds", "(Scorecard)")


def load_settings() -> ScoreSettings:
    path = paths.knowledge_dir() / "scorecard.toml"
    if not path.is_file():
        raise ValidationFailed(f"Scorecard thresholds {path} are missing.", "Reinstall the studio's assets folder.")
    return _settings(path.resolve())


# --- Results ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreItem:
    """One judged property: its verdict, why in plain words, and when (seconds into the video and frame)."""

    id: str
    group: Group
    label: str
    status: Status
    reason: str
    time_s: float | None = None
    frame: int | None = None
    weight: float = 1.0
    evidence: dict[str, float | str | None] = field(default_factory=dict)

    def line(self) -> str:
        when = f" @ {self.time_s:.1f} s (frame {self.frame})" if self.time_s is not None else ""
        return f"[{self.status}] {self.group} · {self.label}{when}: {self.reason}"


@dataclass(frozen=True)
class Scorecard:
    """The scorecard of one variant's video; `total` is 0-100 over the items that could be judged."""

    variant_id: str
    video: str
    platform: str
    duration_s: float
    fps: float
    items: list[ScoreItem]

    @property
    def total(self) -> int:
        judged = [i for i in self.items if i.status in STATUS_VALUE]
        weight = sum(i.weight for i in judged)
        if not weight:
            return 0
        return round(100 * sum(i.weight * STATUS_VALUE[i.status] for i in judged) / weight)

    def item(self, item_id: str) -> ScoreItem:
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)

    def group_scores(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for group in ("Attention", "Branding", "Connection", "Direction"):
            judged = [i for i in self.items if i.group == group and i.status in STATUS_VALUE]
            weight = sum(i.weight for i in judged)
            if weight:
                out[group] = round(100 * sum(i.weight * STATUS_VALUE[i.status] for i in judged) / weight)
        return out

    def rows(self) -> list[dict[str, str]]:
        """One row per item for a table: group, item, verdict, when, why."""
        return [
            {
                "group": i.group,
                "item": i.label,
                "status": i.status,
                "when": f"{i.time_s:.1f} s" if i.time_s is not None else "",
                "frame": "" if i.frame is None else str(i.frame),
                "reason": i.reason,
            }
            for i in self.items
        ]

    def to_dict(self) -> dict[str, object]:
        return {
            "variant_id": self.variant_id,
            "video": self.video,
            "platform": self.platform,
            "duration_s": self.duration_s,
            "total": self.total,
            "groups": self.group_scores(),
            "items": [asdict(i) for i in self.items],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def text(self) -> str:
        head = f"Scorecard {self.variant_id}: {self.total}/100"
        head += f" for {self.platform}" if self.platform else ""
        groups = " · ".join(f"{g} {s}" for g, s in self.group_scores().items())
        return "\n".join([head, f"  {groups}", *(f"  {i.line()}" for i in self.items)])


# --- Reading the plan ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedShot:
    shot_id: str
    beat: str
    framing: str
    start_s: float
    duration_s: float
    voiceover: str
    caption: str


def planned_shots(project: Project, variant: Variant) -> list[PlannedShot]:
    master = {s.id: s for s in project.storyboard.shots} if project.storyboard else {}
    out, t = [], 0.0
    for s in variant.shots:
        ms = master.get(s.shot_id)
        out.append(
            PlannedShot(
                s.shot_id,
                ms.beat if ms else "",
                ms.framing if ms else "",
                round(t, 3),
                s.duration_s,
                s.voiceover,
                s.caption or (ms.on_screen_text if ms else ""),
            )
        )
        t += s.duration_s
    return out


def product_shot(shots: list[PlannedShot]) -> PlannedShot | None:
    """The shot the plan says shows the product: framed 'product', else the first product-like beat."""
    for s in shots:
        if s.framing == "product":
            return s
    for beat in PRODUCT_BEATS:
        for s in shots:
            if s.beat == beat:
                return s
    return None


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def says(line: str, cta: str) -> bool:
    """The line says the call to action (or the CTA is the line), ignoring case and punctuation."""
    a, b = _words(line), _words(cta)
    if not a or not b:
        return False
    return b in a or (len(a) >= 4 and a in b)


def caption_cues(project: Project, variant: Variant, video: Path) -> list[Cue]:
    """The burned-in captions: the SRT written beside the video (the render's cues, cue for cue), else the plan's
    lines at their shots' times."""
    from studio.render.subtitles import Cue, read_srt
    from studio.render.timing import VOICE_LEAD_S

    srt = video.with_suffix(".srt")
    if srt.is_file():
        try:
            return read_srt(srt)
        except ValidationFailed:
            pass
    cues = []
    for s in planned_shots(project, variant):
        text = (s.voiceover or s.caption).strip()
        if text:
            cues.append(Cue(s.start_s + VOICE_LEAD_S, s.start_s + s.duration_s - VOICE_LEAD_S, text))
    return cues


# --- Measuring the file -------------------------------------------------------------------------------------------


@dataclass
class Watched:
    """What the stream pass saw: the first cut and move, every cut, the first brand match."""

    first_cut_s: float | None = None
    first_motion_s: float | None = None
    cuts: list[float] = field(default_factory=list)
    brand: vision.Match | None = None
    brand_s: float | None = None
    frames: int = 0


def watch(
    video: Path,
    matcher: vision.TemplateMatcher | None,
    settings: ScoreSettings,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    duration_s: float = 0.0,
) -> Watched:
    """One decoding pass: frame differences at the motion rate; template matching at the (lower) brand rate until a
    match, then back over the frames since the previous sample, so the first appearance is timed to the motion rate."""
    fps = settings.motion.sample_fps
    brand_every = max(1, round(fps / settings.brand.sample_fps))
    seen = Watched()
    previous: np.ndarray | None = None
    moving = 0
    in_cut = False
    since: list[tuple[float, np.ndarray]] = []
    for i, (t, frame) in enumerate(vision.stream_frames(video, fps=fps)):
        if i % 10 == 0:
            check(cancel)
            if duration_s:
                report(on_progress, min(0.95, t / duration_s), f"Watching the video: {t:.1f} s")
        small = vision.small_copy(frame)
        if previous is not None:
            step = vision.change(previous, small)
            if step >= settings.motion.cut_step:
                if not in_cut:
                    seen.cuts.append(round(t, 2))
                    if seen.first_cut_s is None:
                        seen.first_cut_s = round(t, 2)
                in_cut = True
            else:
                in_cut = False
            moving = moving + 1 if step >= settings.motion.motion_step else 0
            if moving >= 3 and seen.first_motion_s is None:
                seen.first_motion_s = round(max(0.0, t - 3 / fps), 2)
        previous = small
        if matcher is not None and seen.brand is None:
            since.append((t, frame))
            if i % brand_every == 0:
                found = matcher.best(frame)
                if found is not None:  # look back over the frames since the last sample for the first one
                    for bt, bf in since[:-1]:
                        earlier = matcher.best(bf)
                        if earlier is not None:
                            found, t = earlier, bt
                            break
                    seen.brand, seen.brand_s = found, round(t, 2)
                since = [(t, frame)]
        seen.frames = i + 1
    return seen


# --- Scoring ------------------------------------------------------------------------------------------------------


def _frame(t: float | None, fps: float) -> int | None:
    return None if t is None else round(t * fps)


def score_variant(
    project: Project,
    variant_id: str,
    video_path: Path,
    *,
    platform: str | PlatformSpec | None = None,
    references: list[Path] | None = None,
    root: Path | None = None,
    settings: ScoreSettings | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Scorecard:
    """Score one variant's rendered video (see the module docstring). `platform` defaults to the brief's first
    target platform; the duration item then checks every one the brief names."""
    from studio.render.timeline import end_card_copy

    s = settings or load_settings()
    variant = project.variant(variant_id)
    video = Path(video_path)
    probe = probe_video(video)
    specs = [platform_spec(platform)] if platform is not None else [platform_spec(p) for p in project.brief.platforms]
    spec = specs[0] if specs else None
    shots = planned_shots(project, variant)
    brand, cta, _legal = end_card_copy(project, variant)
    weights = s.weights

    refs, looked_for = _references(project, variant, shots, references, root, s)
    matcher = (
        vision.TemplateMatcher(refs, threshold=s.brand.match, colour_tolerance=s.brand.colour_tolerance)
        if refs
        else None
    )
    report(on_progress, 0.0, f"{variant_id}: watching the video")
    seen = watch(video, matcher, s, on_progress=on_progress, cancel=cancel, duration_s=probe.duration_s)
    check(cancel)
    report(on_progress, 0.96, f"{variant_id}: listening")
    fps = probe.fps
    items = [
        _hook_item(seen, s, fps),
        _voice_item(video, s, fps, project, variant, shots),
        _pacing_item(shots, seen, probe, s),
        _duration_item(specs, probe),
        _brand_item(seen, looked_for, brand, s, fps),
    ]
    check(cancel)
    report(on_progress, 0.98, f"{variant_id}: reading the captions")
    cues = caption_cues(project, variant, video)
    items += _supers_items(video, cues, variant.language, probe, spec, s)
    items.append(_reading_item(cues, variant.language, s, fps))
    items += _cta_items(cta, shots, cues, seen, probe, s)
    items = [
        replace(i, weight=weights.get(i.id, 1.0), frame=_frame(i.time_s, fps) if i.frame is None else i.frame)
        for i in items
    ]
    report(on_progress, 1.0, f"{variant_id}: scored")
    return Scorecard(variant.id, str(video), spec.id if spec else "", round(probe.duration_s, 3), probe.fps, items)


def _references(
    project: Project,
    variant: Variant,
    shots: list[PlannedShot],
    references: list[Path] | None,
    root: Path | None,
    s: ScoreSettings,
) -> tuple[list[vision.Reference], str]:
    """The pictures to look for and how to name them: the given files (logo, product), else the plan's product
    shot's take (its centre), else nothing."""
    if references:
        refs = [
            vision.load_reference(
                Path(p), f"“{Path(p).stem}”", min_frac=s.brand.logo_min_frac, max_frac=s.brand.logo_max_frac
            )
            for p in references
        ]
        return refs, " / ".join(r.label for r in refs)
    shot = product_shot(shots)
    if shot is None or root is None:
        return [], ""
    take = project.selected_take(shot.shot_id, variant.id)
    image = _take_image(take, root)
    if image is None:
        return [], ""
    ref = vision.Reference(
        f"the product (shot {shot.shot_id}'s take)",
        vision.centre_crop(image, 0.5),
        None,
        s.brand.product_min_frac,
        s.brand.product_max_frac,
    )
    return [ref], ref.label


def _take_image(take: Take | None, root: Path) -> np.ndarray | None:
    from PIL import Image

    from studio.model.store import ProjectStore

    if take is None:
        return None
    path = ProjectStore(root).asset_path(take.asset, f"takes[{take.id}].asset")
    if not path.is_file():
        return None
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def _hook_item(seen: Watched, s: ScoreSettings, fps: float) -> ScoreItem:
    window = s.hook_window_s
    events = [(t, what) for t, what in ((seen.first_cut_s, "cut"), (seen.first_motion_s, "move")) if t is not None]
    first = min(events, default=None)
    cut = seen.first_cut_s
    if first is not None and first[1] == "move" and cut is not None and cut - first[0] <= 0.5:
        first = (cut, "cut")  # the "move" was the start of a crossfade: call it the cut it is
    label = f"Cut or motion in the first {window:g} s"
    if first is not None and first[0] <= window:
        t, what = first
        reason = f"A cut at {t:.1f} s." if what == "cut" else f"The picture moves from {t:.1f} s (camera or subject)."
        return ScoreItem("hook", "Attention", label, "pass", reason, t, _frame(t, fps))
    if first is not None:
        t, what = first
        reason = (
            f"Nothing cuts or moves in the first {window:g} s: the first {'cut' if what == 'cut' else 'move'} is "
            f"at {t:.1f} s. Open on a move or cut sooner; viewers scroll past a still opening."
        )
        return ScoreItem("hook", "Attention", label, "fail", reason, t, _frame(t, fps))
    return ScoreItem(
        "hook", "Attention", label, "fail", "The picture never cuts or moves. Add a camera move or a cut early."
    )


def _voice_item(
    video: Path, s: ScoreSettings, fps: float, project: Project, variant: Variant, shots: list[PlannedShot]
) -> ScoreItem:
    from studio.render.timing import VOICE_LEAD_S

    label = f"Voice in the first {s.voice_window_s:g} s"
    rate = 16_000
    samples = vision.decode_audio(video, rate)
    planned = next((sh.start_s + VOICE_LEAD_S for sh in shots if sh.voiceover.strip()), None)
    plan_note = f" (the plan places the first line at {planned:.1f} s)" if planned is not None else ""
    if samples.size == 0:
        return ScoreItem("voice_early", "Attention", label, "fail", "The file has no sound." + plan_note)
    onset = vision.voice_onset(
        samples,
        rate,
        band_hz=s.voice.band_hz,
        below_peak_db=s.voice.below_peak_db,
        floor_dbfs=s.voice.floor_dbfs,
    )
    evidence: dict[str, float | str | None] = {"speech_level_dbfs": onset.level_dbfs, "planned_s": planned}
    if onset.time_s is None:
        return ScoreItem(
            "voice_early", "Attention", label, "fail", "No voice is heard in the sound." + plan_note, evidence=evidence
        )
    t = onset.time_s
    if t <= s.voice_window_s:
        reason = f"The voice starts at {t:.1f} s{plan_note}."
        return ScoreItem("voice_early", "Attention", label, "pass", reason, t, _frame(t, fps), evidence=evidence)
    reason = (
        f"The voice starts at {t:.1f} s, after the first {s.voice_window_s:g} s{plan_note}. "
        "Start the first line on the opening shot."
    )
    return ScoreItem("voice_early", "Attention", label, "fail", reason, t, _frame(t, fps), evidence=evidence)


def _pacing_item(shots: list[PlannedShot], seen: Watched, probe: VideoProbe, s: ScoreSettings) -> ScoreItem:
    duration = max(0.1, probe.duration_s)
    count = len(shots) + 1  # the end card is a shot too
    per5 = count / duration * 5
    lo, hi = s.pacing.min_shots_per_5s, s.pacing.max_shots_per_5s
    seen_note = f"; {len(seen.cuts)} cuts seen in the video"
    label = "Pacing (shots per 5 s)"
    evidence: dict[str, float | str | None] = {"shots_per_5s": round(per5, 2), "cuts_seen": len(seen.cuts)}
    if per5 < lo:
        reason = (
            f"{count} shots in {duration:.1f} s = {per5:.1f} per 5 s{seen_note}: slower than {lo:g}; split long shots."
        )
        return ScoreItem("pacing", "Attention", label, "warn", reason, evidence=evidence)
    if per5 > hi:
        reason = (
            f"{count} shots in {duration:.1f} s = {per5:.1f} per 5 s{seen_note}: faster than {hi:g}; "
            "merge or drop shots so each one lands."
        )
        return ScoreItem("pacing", "Attention", label, "warn", reason, evidence=evidence)
    reason = f"{count} shots in {duration:.1f} s = {per5:.1f} per 5 s{seen_note}."
    return ScoreItem("pacing", "Attention", label, "pass", reason, evidence=evidence)


def _duration_item(specs: list[PlatformSpec], probe: VideoProbe) -> ScoreItem:
    if not specs:
        return ScoreItem(
            "duration",
            "Attention",
            "Length for the platform",
            "n/a",
            "No target platform: name one in the brief's platforms (e.g. tiktok, youtube-shorts).",
        )
    label = f"Length for {', '.join(sp.name for sp in specs)}"
    findings = [f for sp in specs for f in duration_findings(sp, probe.duration_s)]
    block = [f for f in findings if f.severity == "block"]
    warn = [f for f in findings if f.severity == "warn"]
    evidence: dict[str, float | str | None] = {"duration_s": round(probe.duration_s, 2)}
    if block:
        return ScoreItem("duration", "Attention", label, "fail", " ".join(f.message for f in block), evidence=evidence)
    if warn:
        return ScoreItem("duration", "Attention", label, "warn", " ".join(f.message for f in warn), evidence=evidence)
    limits = "; ".join(f"{sp.name} {sp.min_s:g}-{sp.max_s:g} s" for sp in specs)
    reason = f"{probe.duration_s:.1f} s is within {limits}."
    return ScoreItem("duration", "Attention", label, "pass", reason, evidence=evidence)


def _brand_item(seen: Watched, looked_for: str, brand: str, s: ScoreSettings, fps: float) -> ScoreItem:
    window = s.brand_window_s
    label = f"Brand or product in the first {window:g} s"
    if not looked_for:
        return ScoreItem(
            "brand_early",
            "Branding",
            label,
            "n/a",
            "Nothing to look for: add the brand kit's logo or product picture, or frame a shot as the product.",
        )
    if seen.brand is None or seen.brand_s is None:
        reason = f"{_cap(looked_for)} is never seen in the video. Show {brand} early."
        return ScoreItem("brand_early", "Branding", label, "fail", reason)
    t, m = seen.brand_s, seen.brand
    evidence: dict[str, float | str | None] = {"match": m.score, "colour_diff": m.colour_diff, "reference": m.label}
    what = _cap(m.label)
    if t <= window:
        reason = f"{what} is on screen at {t:.1f} s (match {m.score:.2f})."
        return ScoreItem("brand_early", "Branding", label, "pass", reason, t, _frame(t, fps), evidence=evidence)
    reason = (
        f"{what} first appears at {t:.1f} s, after the first {window:g} s "
        f"(match {m.score:.2f}). Show the brand or product in the opening shots."
    )
    return ScoreItem("brand_early", "Branding", label, "fail", reason, t, _frame(t, fps), evidence=evidence)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _caption_rect(text: str, language: str, probe: VideoProbe) -> tuple[int, int, int, int, int]:
    """(x, y, w, h, font px) where the renderer draws a caption in a frame of the probed size."""
    from studio.render.captions import caption_layout, caption_overlay

    aspect = probe.aspect if probe.aspect in ("9:16", "1:1", "16:9") else "16:9"
    ov = caption_overlay(text, language, probe.width, probe.height, aspect=aspect)
    size, _ = caption_layout(text, language, probe.width, probe.height, aspect=aspect)
    return ov.x, ov.y, ov.image.width, ov.image.height, size


def _short(text: str, limit: int = 32) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _supers_items(
    video: Path, cues: list[Cue], language: str, probe: VideoProbe, spec: PlatformSpec | None, s: ScoreSettings
) -> list[ScoreItem]:
    fps = probe.fps
    if not any(c.start_s < probe.duration_s - 0.05 for c in cues):
        none = "No captions or supers in this cut."
        return [
            ScoreItem("supers_size", "Connection", "Supers large enough", "n/a", none),
            ScoreItem("supers_contrast", "Connection", "Supers contrast", "n/a", none),
            ScoreItem("supers_safe_zone", "Connection", "Supers inside the safe zone", "n/a", none),
        ]
    cues = [c for c in cues if c.start_s < probe.duration_s - 0.05]
    step = max(1, -(-len(cues) // s.supers.max_samples))
    sampled = cues[::step]
    worst: tuple[float, Cue, vision.TextContrast] | None = None
    smallest: tuple[float, Cue] | None = None
    outside: list[tuple[Cue, str]] = []
    from studio.render.captions import safe_area

    margins = spec.safe_zone(probe.aspect) if spec is not None else None
    zone_name = f"the safe zone of {spec.name}{spec.approx('safe_zones')}" if margins is not None and spec else ""
    if margins is None:
        sa = safe_area(probe.aspect)
        left, top, right, bottom = sa.rect(probe.width, probe.height)
        zone_name = f"the studio's {probe.aspect} safe area"
    else:
        left, top, right, bottom = margins.rect(probe.width, probe.height)
    for cue in sampled:
        x, y, w, h, size = _caption_rect(cue.text, language, probe)
        height_frac = size / probe.height
        if smallest is None or height_frac < smallest[0]:
            smallest = (height_frac, cue)
        edges = [
            name
            for name, bad in (
                ("bottom", y + h > bottom + 1),
                ("top", y < top - 1),
                ("left", x < left - 1),
                ("right", x + w > right + 1),
            )
            if bad
        ]
        if edges:
            outside.append((cue, " and ".join(edges)))
        frame = vision.frame_at(video, (cue.start_s + cue.end_s) / 2)
        if frame is None:
            continue
        measured = vision.text_contrast(frame[y : y + h, x : x + w])
        if measured is not None and (worst is None or measured.ratio < worst[0]):
            worst = (measured.ratio, cue, measured)
    items: list[ScoreItem] = []
    assert smallest is not None
    frac, cue = smallest
    px = round(frac * probe.height)
    size_reason = f"Captions are set {px} px high in a {probe.height} px frame ({frac:.1%})"
    if frac >= s.supers.min_height:
        items.append(
            ScoreItem("supers_size", "Connection", "Supers large enough", "pass", size_reason + ".", cue.start_s)
        )
    else:
        items.append(
            ScoreItem(
                "supers_size",
                "Connection",
                "Supers large enough",
                "warn",
                f"{size_reason}, under {s.supers.min_height:.1%}: “{_short(cue.text)}” at {cue.start_s:.1f} s is "
                "hard to read on a phone. Shorten it so it sets larger.",
                cue.start_s,
                _frame(cue.start_s, fps),
            )
        )
    if worst is None:
        items.append(
            ScoreItem(
                "supers_contrast",
                "Connection",
                "Supers contrast",
                "warn",
                "No caption text could be seen where captions are drawn.",
            )
        )
    else:
        ratio, cue, m = worst
        mid = (cue.start_s + cue.end_s) / 2
        evidence: dict[str, float | str | None] = {
            "ratio": ratio,
            "text_rgb": "#{:02x}{:02x}{:02x}".format(*m.text_rgb),
            "background_rgb": "#{:02x}{:02x}{:02x}".format(*m.background_rgb),
        }
        what = (
            f"“{_short(cue.text)}” at {mid:.1f} s: text {evidence['text_rgb']} on {evidence['background_rgb']}, "
            f"contrast {ratio:.1f}:1"
        )
        if ratio >= s.supers.contrast_pass:
            status: Status = "pass"
            reason = f"Lowest caption contrast {ratio:.1f}:1 ({what}), at least {s.supers.contrast_pass:g}:1."
        else:
            status = "warn" if ratio >= s.supers.contrast_fail else "fail"
            reason = (
                f"Caption below the contrast threshold: {what}, under {s.supers.contrast_pass:g}:1 (WCAG AA). "
                "Give the caption a darker box or an outline, or move it off the bright area."
            )
        items.append(
            ScoreItem(
                "supers_contrast", "Connection", "Supers contrast", status, reason, mid, _frame(mid, fps), 1.0, evidence
            )
        )
    if outside:
        cue, crossed = outside[0]
        items.append(
            ScoreItem(
                "supers_safe_zone",
                "Connection",
                "Supers inside the safe zone",
                "warn",
                f"{len(outside)} of {len(sampled)} captions sampled cross the {crossed} edge of {zone_name}, under "
                f"the app's buttons and text: first “{_short(cue.text)}” at {cue.start_s:.1f} s.",
                cue.start_s,
                _frame(cue.start_s, fps),
            )
        )
    else:
        items.append(
            ScoreItem(
                "supers_safe_zone",
                "Connection",
                "Supers inside the safe zone",
                "pass",
                f"All {len(sampled)} captions sampled sit inside {zone_name}.",
            )
        )
    return items


def _reading_item(cues: list[Cue], language: str, s: ScoreSettings, fps: float) -> ScoreItem:
    from pipelines.fonts import script_for_language
    from studio.planning.speech import speech_limits, speech_units

    label = "Caption reading speed"
    if not cues:
        return ScoreItem("reading_speed", "Connection", label, "n/a", "No captions in this cut.")
    script = script_for_language(language)
    rate = speech_limits().reading_speed(script)
    unit = "characters" if rate.unit == "characters" else "words"
    worst: tuple[float, Cue, int, float] | None = None
    for cue in cues:
        shown = max(0.05, cue.end_s - cue.start_s)
        n = speech_units(cue.text, rate)
        speed = n / shown
        if worst is None or speed > worst[0]:
            worst = (speed, cue, n, shown)
    assert worst is not None
    speed, cue, n, shown = worst
    ratio = speed / rate.per_second
    what = (
        f"“{_short(cue.text)}” at {cue.start_s:.1f} s: {n} {unit} in {shown:.1f} s = {speed:.1f} {unit}/s; "
        f"{script} script reads about {rate.per_second:g} {unit}/s"
    )
    evidence: dict[str, float | str | None] = {"per_second": round(speed, 2), "limit": rate.per_second}
    if ratio <= s.reading.warn_over:
        return ScoreItem(
            "reading_speed", "Connection", label, "pass", f"Fastest caption {what}.", cue.start_s, evidence=evidence
        )
    status: Status = "warn" if ratio <= s.reading.fail_over else "fail"
    return ScoreItem(
        "reading_speed",
        "Connection",
        label,
        status,
        f"Caption too fast to read: {what}. Shorten the line or give it more time.",
        cue.start_s,
        _frame(cue.start_s, fps),
        evidence=evidence,
    )


def _cta_items(
    cta: str, shots: list[PlannedShot], cues: list[Cue], seen: Watched, probe: VideoProbe, s: ScoreSettings
) -> list[ScoreItem]:
    from studio.render.timing import VOICE_LEAD_S

    fps = probe.fps
    if not cta:
        return [
            ScoreItem("cta_said", "Direction", "Call to action said", "fail", "The variant has no call to action."),
            ScoreItem("cta_shown", "Direction", "Call to action shown", "fail", "The variant has no call to action."),
        ]
    said = next((sh for sh in shots if sh.voiceover.strip() and says(sh.voiceover, cta)), None)
    if said is None:
        said = next((sh for sh in shots if sh.beat == "cta" and sh.voiceover.strip()), None)
    items: list[ScoreItem] = []
    if said is not None:
        t = said.start_s + VOICE_LEAD_S
        items.append(
            ScoreItem(
                "cta_said",
                "Direction",
                "Call to action said",
                "pass",
                f"Said in shot {said.shot_id}: “{_short(said.voiceover, 48)}” (from the plan).",
                t,
                _frame(t, fps),
            )
        )
    else:
        items.append(
            ScoreItem(
                "cta_said",
                "Direction",
                "Call to action said",
                "warn",
                f"“{_short(cta, 48)}” is shown but never said. Let the voice say it on the last shot.",
            )
        )
    # The end card (the CTA in type) is the stretch after the last cut; captions saying the CTA count too.
    end = probe.duration_s
    card_start = seen.cuts[-1] if seen.cuts and seen.cuts[-1] >= end * 0.5 else None
    shown = max(0.0, end - card_start) if card_start is not None else 0.0
    in_captions = sum(max(0.0, c.end_s - c.start_s) for c in cues if says(c.text, cta))
    total = shown + in_captions
    label = f"Call to action shown ≥ {s.cta_min_s:g} s"
    evidence: dict[str, float | str | None] = {"end_card_s": round(shown, 2), "in_captions_s": round(in_captions, 2)}
    parts = []
    if card_start is not None:
        parts.append(f"the end card from {card_start:.1f} s for {shown:.1f} s")
    if in_captions:
        parts.append(f"captions for {in_captions:.1f} s")
    where = " and ".join(parts) or "nowhere the scorecard could find (no end card after the last cut)"
    at: float | None = card_start
    if total >= s.cta_min_s:
        reason = f"“{_short(cta, 48)}” is shown {total:.1f} s: {where}."
        items.append(ScoreItem("cta_shown", "Direction", label, "pass", reason, at, _frame(at, fps), evidence=evidence))
    else:
        status: Status = "warn" if total >= s.cta_min_s / 2 else "fail"
        reason = (
            f"“{_short(cta, 48)}” is shown only {total:.1f} s: {where}. Hold the end card at least {s.cta_min_s:g} s."
        )
        items.append(ScoreItem("cta_shown", "Direction", label, status, reason, at, _frame(at, fps), evidence=evidence))
    return items


# --- Per take -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TakeNotes:
    """Why a picture works (or not): product visibility, text density, composition, in plain sentences."""

    take_id: str
    shot_id: str
    variant_id: str | None
    product_visible: bool | None
    """True/False from template matching against the given references; None when there was nothing to match."""
    product_area: float | None
    """Share of the picture the product covers, when found."""
    text_per_second: float
    """Caption units (words, or characters for CJK/Thai) per second of the shot."""
    caption_cover: float
    """Share of the frame the caption's box covers."""
    composition: vision.Composition
    notes: list[str]

    @property
    def summary(self) -> str:
        return " ".join(self.notes)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def score_take(
    project: Project,
    take_id: str,
    *,
    root: Path,
    references: list[Path] | None = None,
    aspect: str | None = None,
    settings: ScoreSettings | None = None,
) -> TakeNotes:
    """Notes on one take as it will sit in its shot: is the product there, how much text the shot carries, and
    where the picture's detail and light are (`aspect` defaults to the brief's first)."""
    from pipelines.fonts import script_for_language
    from studio.planning.speech import speech_limits, speech_units
    from studio.render.captions import caption_overlay

    s = settings or load_settings()
    take = next((t for t in project.takes if t.id == take_id), None)
    if take is None:
        raise ValidationFailed(f"The project has no take {take_id!r}.", "Pick a take from the shot's takes.")
    image = _take_image(take, root)
    if image is None:
        raise ValidationFailed(f"Take {take_id}'s picture is missing.", "Generate the take again.")
    variant = next((v for v in project.variants if v.id == take.variant_id), None)  # None: a master take
    shot: LocalizedShot | None = None
    if variant is not None:
        shot = next((sh for sh in variant.shots if sh.shot_id == take.shot_id), None)
    master = (
        next((sh for sh in project.storyboard.shots if sh.id == take.shot_id), None) if project.storyboard else None
    )
    notes: list[str] = []

    visible: bool | None = None
    area: float | None = None
    if references:
        refs = [vision.load_reference(Path(p), min_frac=s.brand.logo_min_frac, max_frac=0.95) for p in references]
        _h, w = image.shape[:2]
        scale = min(1.0, 360 / w)
        small = image if scale == 1.0 else _resize(image, scale)
        found = vision.TemplateMatcher(refs, threshold=s.brand.match, colour_tolerance=s.brand.colour_tolerance).best(
            small
        )
        visible = found is not None
        if found is not None:
            x, y, bw, bh = found.box
            area = round(bw * bh / (small.shape[0] * small.shape[1]), 3)
            cx, cy = (x + bw / 2) / small.shape[1], (y + bh / 2) / small.shape[0]
            notes.append(
                f"The {found.label} is clearly in the picture ({area:.0%} of the frame, {_place(cx, cy)}; "
                f"match {found.score:.2f})."
            )
        else:
            notes.append("Neither the logo nor the product picture can be found in this take.")
    elif master is not None and (master.framing == "product" or master.beat in PRODUCT_BEATS):
        notes.append(f"The plan makes this the product shot ({master.beat}, {master.framing}); check it shows it.")

    language = variant.language if variant else (project.storyboard.language if project.storyboard else "en")
    text = (shot.voiceover or shot.caption) if shot else (master.voiceover if master else "")
    seconds = shot.duration_s if shot else (master.duration_s if master else 1.0)
    rate = speech_limits().reading_speed(script_for_language(language))
    units = speech_units(text, rate) if text.strip() else 0
    per_second = round(units / max(0.1, seconds), 2)
    aspect = aspect or (project.brief.aspect_ratios[0] if project.brief.aspect_ratios else "9:16")
    from studio.model.brief import ASPECT_SIZES

    fw, fh = ASPECT_SIZES.get(aspect, (1080, 1920))
    cover = 0.0
    if text.strip():
        ov = caption_overlay(text, language, fw, fh, aspect=aspect)
        cover = round(ov.image.width * ov.image.height / (fw * fh), 3)
        unit = "characters" if rate.unit == "characters" else "words"
        pace = "an easy read" if per_second <= rate.per_second else "more than a viewer can read"
        notes.append(
            f"Text: {units} {unit} over {seconds:.1f} s ({per_second:.1f}/s, {pace}); the caption covers "
            f"{cover:.0%} of the frame."
        )
    else:
        notes.append("No text on this shot: the picture carries it alone.")

    comp = vision.composition(image)
    cx, cy = comp.centre
    notes.append(f"The detail sits {_place(cx, cy)}{_thirds(cx, cy)}.")
    if comp.detail > 0.18:
        notes.append(f"Busy picture ({comp.detail:.0%} edges): supers need their box, and the product must stand out.")
    elif comp.detail < 0.02:
        notes.append("Very plain picture: clean room for supers, but little to look at for long.")
    if comp.brightness < 50:
        notes.append(f"Dark (mean luma {comp.brightness:.0f}): white captions read well; the product may get lost.")
    elif comp.brightness > 200:
        notes.append(f"Very bright (mean luma {comp.brightness:.0f}): white captions need their dark box.")
    if comp.colourfulness > 60:
        notes.append(f"Vivid colour ({comp.colourfulness:.0f}): stops the scroll.")
    elif comp.colourfulness < 15:
        notes.append(f"Muted colour ({comp.colourfulness:.0f}): calm, may not stop the scroll.")
    return TakeNotes(take.id, take.shot_id, take.variant_id, visible, area, per_second, cover, comp, notes)


def _resize(image: np.ndarray, scale: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    return np.asarray(
        cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    )


def _place(x: float, y: float) -> str:
    col = "left" if x < 0.4 else "right" if x > 0.6 else "centre"
    row = "top" if y < 0.4 else "bottom" if y > 0.6 else "middle"
    return "in the centre" if (col, row) == ("centre", "middle") else f"at the {row} {col}"


def _thirds(x: float, y: float) -> str:
    """' on a rule-of-thirds line' when the detail's centre is near one."""
    near = [abs(x - 1 / 3), abs(x - 2 / 3), abs(y - 1 / 3), abs(y - 2 / 3)]
    return ", on a rule-of-thirds line" if min(near) < 0.06 else ""


def score_project(
    project: Project,
    root: Path,
    *,
    platform: str | PlatformSpec | None = None,
    references: list[Path] | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> list[Scorecard]:
    """A scorecard per rendered main cut (one per variant: its first-listed aspect's video; A/B cells and missing
    files are skipped), for `qianmian check` and the variant wall. Not rendered yet: not in the list."""
    from studio.model.stage import sub_progress

    videos: dict[str, Path] = {}
    for d in project.deliverables:
        if d.kind != "video" or d.sub_variant or d.variant_id in videos:
            continue
        path = Path(d.path) if Path(d.path).is_absolute() else Path(root) / d.path
        if path.is_file():
            videos[d.variant_id] = path
    cards = []
    for n, (variant_id, video) in enumerate(videos.items()):
        if variant_id not in {v.id for v in project.variants}:
            continue
        part = sub_progress(on_progress, n / len(videos), (n + 1) / len(videos))
        cards.append(
            score_variant(
                project,
                variant_id,
                video,
                platform=platform,
                references=references,
                root=root,
                on_progress=part,
                cancel=cancel,
            )
        )
    return cards
