"""The cut of one variant: voice → timing → timeline → soundtrack → one MP4 + SRT + VTT per aspect ratio.

`render_variant` reads the project and never writes project.json: variants render in parallel (threads or
processes), and the caller merges the returned voice lines, shot lengths and deliverables into the project.
Deliverable paths are relative to the project folder when `out_dir` lies inside it, else absolute.
"""

from __future__ import annotations

import dataclasses
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from studio.model import (
    ASPECT_SIZES,
    BackendError,
    Deliverable,
    Flag,
    Project,
    ProjectStore,
    ValidationFailed,
    Variant,
    VoiceLine,
)
from studio.model.cut import CutRecord
from studio.model.safe_paths import confine, cut_dir_prefix, sweep_cut_dirs, sweep_leftovers
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress
from studio.render import audio as sound
from studio.render.captions import check_caption_fonts
from studio.render.encode import DEFAULT_CRF, DEFAULT_PRESET, EncodeSettings, encode, mux
from studio.render.frames import FrameSource
from studio.render.subtitles import write_srt, write_vtt
from studio.render.timeline import Timeline, build_timeline, texts_on_screen
from studio.render.timing import (
    CutVerdict,
    SpokenLine,
    TimingFit,
    cut_verdict,
    fit_timing,
    rate_bounds,
    speed_up,
    synthesize_lines,
    too_long_flags,
)


@dataclass(frozen=True)
class RenderVariantRequest:
    project_dir: Path
    variant_id: str
    aspects: tuple[str, ...]
    out_dir: Path
    music: Path | None = None
    loudness_lufs: float = -14.0
    fps: int = 30
    scale: float = 1.0
    """Below 1 renders a smaller preview (quick looks, tests); deliverable sizes are fixed by the aspect at 1."""
    preset: str = DEFAULT_PRESET
    crf: int = DEFAULT_CRF
    threads: int = 0
    """x264 threads per encode (0 = x264's choice, all cores)."""
    logo: Path | None = None
    """A logo image for the end card; without one the brand name is set in type."""
    variant: Variant | None = None
    """A derived copy to cut instead of the project's variant of that id (an A/B cell: other hook, other CTA)."""
    sub_variant: str = ""
    """The A/B cell, e.g. 'H1-C2': added to the file names (`<variant>_<9x16>_H1-C2.mp4`) and the deliverables."""
    draft_reasons: tuple[str, ...] = ()
    """Lines not in the variant's language (studio.render.release): non-empty renders a draft with a DRAFT band."""
    project: Project | None = None
    """The project as the caller has it (a render chain's snapshot, with the takes just made); None reads
    project.json."""
    allow_draft: bool = False
    """A cut whose measured length misses the brief (±0.5 s) or the platform maximum renders as a marked draft;
    False: it is refused, nothing encoded (final is never longer than promised)."""


@dataclass
class VariantRender:
    deliverables: list[Deliverable]
    voice_lines: list[VoiceLine]
    shot_durations: dict[str, float]
    flags: list[Flag] = field(default_factory=list)
    verdict: CutVerdict | None = None
    """The cut's measured length against the brief (±0.5 s and the platform maximum)."""
    refused: list[str] = field(default_factory=list)
    """Why this cut was not made as final (its length): nothing was encoded."""
    records: list[CutRecord] = field(default_factory=list)
    """What was cut, per aspect (studio.model.cut): the exports read it instead of deriving it again."""


def aspect_tag(aspect: str) -> str:
    return aspect.replace(":", "x")


def frame_size(aspect: str, scale: float = 1.0) -> tuple[int, int]:
    if aspect not in ASPECT_SIZES:
        raise ValidationFailed(
            f"Unknown aspect ratio {aspect!r}.", f"Use one of {', '.join(ASPECT_SIZES)} in the brief's aspect_ratios."
        )
    w, h = ASPECT_SIZES[aspect]
    if scale == 1.0:
        return w, h
    return max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)


def deliverable_path(store: ProjectStore, path: Path) -> str:
    """Relative to the project folder when inside it (the project can move), else absolute."""
    path = path.resolve()
    try:
        return path.relative_to(store.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def soundtrack(timeline: Timeline, wav: Path, *, music: Path | None, loudness_lufs: float) -> None:
    placements = [sound.Placement(v.start_s, v.line.samples, v.line.sample_rate) for v in timeline.voice]
    mixed = sound.mix(placements, timeline.duration_s, music=music, target_lufs=loudness_lufs)
    sound.write_wav(wav, mixed)


@dataclass
class Cut:
    """Everything decided before the first frame: the project, the fitted timing, the timeline, the flags."""

    store: ProjectStore
    project: Project
    variant: Variant
    fit: TimingFit
    lines: dict[str, SpokenLine]
    timeline: Timeline
    flags: list[Flag]
    verdict: CutVerdict


def prepare_cut(
    request: RenderVariantRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Cut:
    """Load, speak (speeding the voice up if the lines overrun), fit, lay out the timeline, check caption fonts."""
    store = ProjectStore(request.project_dir)
    project = request.project if request.project is not None else store.load()
    try:
        variant = request.variant or project.variant(request.variant_id)
    except KeyError:
        known = ", ".join(v.id for v in project.variants) or "none"
        raise ValidationFailed(
            f"The project has no variant {request.variant_id!r}.", f"Known variants: {known}."
        ) from None
    if not variant.shots:
        raise ValidationFailed(f"Variant {variant.id} has no shots.", "Plan the storyboard and variants first.")
    for aspect in request.aspects:
        frame_size(aspect, request.scale)
    check_caption_fonts(texts_on_screen(project, variant))  # before any voice is made or frame encoded

    report(on_progress, 0.0, "Voice-over")
    target = project.brief.duration_s
    planned = [s.duration_s for s in variant.shots]
    # Each line is spoken at the speed the speech fit chose for it; when the measured voice still overruns the
    # brief, the whole variant is pushed faster, never past the language's bound (assets/knowledge/speech.toml);
    # if the measured cut still runs over, a line with a shorter alternative says that instead, and all is refit.
    _, fastest = rate_bounds(variant.language)
    swaps: list[Flag] = []
    for attempt in range(2):
        slowest_line = min((s.speech_rate for s in variant.shots if s.voiceover.strip()), default=1.0)
        push_limit = max(1.0, fastest / max(slowest_line, 1e-6))
        rate = 1.0
        for _ in range(4):
            lines = synthesize_lines(project, store, variant, rate=rate, on_progress=on_progress, cancel=cancel)
            speech = [lines[s.shot_id].duration_s if s.shot_id in lines else None for s in variant.shots]
            fit = fit_timing(planned, speech, target)
            faster = speed_up(speech, fit, rate, fastest=push_limit)
            if faster <= rate:
                break
            rate = faster
        if attempt or fit.total_s <= target + speech_tolerance():
            break
        variant = variant.model_copy(deep=True)
        swaps = use_shorter_alternatives(variant, lines, fit)
        if not swaps:
            break
    flags = swaps + too_long_flags(variant, lines, fit, target) + reading_flags(project, variant)
    timeline = build_timeline(project, store, variant, fit, lines, logo=request.logo)
    verdict = cut_verdict(timeline.duration_s, target, market_platforms(variant.market))
    if not verdict.ok:
        flags.append(Flag(kind="too-long", message=f"{variant.id}: {verdict.message}"))
    check(cancel)
    return Cut(store, project, variant, fit, lines, timeline, flags, verdict)


def speech_tolerance() -> float:
    from studio.planning.speech import speech_limits

    return speech_limits().tolerance_s


def use_shorter_alternatives(variant: Variant, lines: dict[str, SpokenLine], fit: TimingFit) -> list[Flag]:
    """Swap each overrunning line for its best shorter alternative that the measured voice suggests will fit
    (else its shortest one), in `variant` (a copy); one flag per swap so the creator sees what was said."""
    flags = []
    for shot, over in zip(variant.shots, fit.overflow, strict=True):
        line = lines.get(shot.shot_id)
        if over <= 0.05 or line is None or "voiceover" in shot.overrides or not shot.alternatives:
            continue
        size = max(1, _letters(line.text))
        per_letter = line.duration_s / size
        options = [a for a in shot.alternatives if a.strip() and _letters(a) < size]
        if not options:
            continue
        fits = [a for a in options if per_letter * _letters(a) <= line.duration_s - over]
        chosen = fits[0] if fits else min(options, key=_letters)
        flags.append(
            Flag(
                kind="other",
                message=(
                    f"{variant.id} shot {shot.shot_id}: Shorter line used to fit the shot: \u201c{chosen}\u201d "
                    f"instead of \u201c{shot.voiceover}\u201d (the voice took {line.duration_s:.1f} s)."
                ),
            )
        )
        shot.voiceover = chosen
    return flags


def _letters(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def reading_flags(project: Project, variant: Variant) -> list[Flag]:
    """Lines whose voice reads a name by rule or letter names, or cannot read part of the text: hear them first."""
    from studio.render.pronounce import reading, reading_notes
    from studio.render.timing import voice_for

    voice = voice_for(project, variant.language)
    flags = []
    for shot in variant.shots:
        if not shot.voiceover.strip():
            continue
        said = reading(
            shot.voiceover,
            variant.language,
            names=project.brief.names,
            pronunciations=project.brief.pronunciations,
            voice=voice,
        )
        for note in reading_notes(shot.voiceover, said, variant.language, voice):
            flags.append(Flag(kind="other", message=f"{variant.id} shot {shot.shot_id}: {note}"))
    return flags


def market_platforms(market: str) -> list[str]:
    """The platform names of the variant's market pack (for the platform's maximum length); none if unknown."""
    from studio.planning.knowledge import load_knowledge

    try:
        pack = load_knowledge().markets.get(market.lower()) or load_knowledge().markets.get(market.upper())
    except ValidationFailed:
        return []
    return [p.name for p in pack.platforms] if pack else []


def measure_cut(
    request: RenderVariantRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> CutVerdict:
    """The length the cut will have, measured on the synthesized voice (no frames encoded), and its verdict.

    Voice lines it makes are stored as assets, so the render that follows reuses them.
    """
    return prepare_cut(request, on_progress=on_progress, cancel=cancel).verdict


def render_variant(
    request: RenderVariantRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> VariantRender:
    """One variant, every requested aspect: MP4 (H.264 + AAC), SRT and VTT named `<variant>_<9x16>.*`."""
    cut = prepare_cut(request, on_progress=sub_progress(on_progress, 0.0, 0.08), cancel=cancel)
    store, project, variant, timeline = cut.store, cut.project, cut.variant, cut.timeline
    if not cut.verdict.ok and not request.draft_reasons:  # measured on the real voice, before any frame is encoded
        why = [f"{variant.id}: {cut.verdict.message}"] + [f.message for f in cut.flags if f.kind == "too-long"]
        if not request.allow_draft:
            report(on_progress, 1.0, f"{variant.id} refused: {cut.verdict.message}")
            return VariantRender([], [], {}, flags=cut.flags, verdict=cut.verdict, refused=list(dict.fromkeys(why)))
        request = dataclasses.replace(request, draft_reasons=(f"{variant.id}: {cut.verdict.message}",))
    sizes = {aspect: frame_size(aspect, request.scale) for aspect in request.aspects}

    request.out_dir.mkdir(parents=True, exist_ok=True)
    deliverables: list[Deliverable] = []
    meta = {
        "variant_id": variant.id,
        "market": variant.market,
        "language": variant.language,
        "segment": variant.segment,
        "duration_s": round(timeline.duration_s, 3),
        "sub_variant": request.sub_variant,
        "status": "draft" if request.draft_reasons else "final",
        "reasons": list(request.draft_reasons),
    }
    music = request.music  # the caller's choice; a project setting must name a file inside the project folder
    if music is None and project.settings.music:
        music = confine(store.root, project.settings.music, field="settings.music", source=str(store.project_file))
    if music is not None and not music.is_file():
        raise BackendError(
            f"The music file {music} does not exist.", "Pick another file, or none for the generated bed."
        )
    sweep_cut_dirs()  # what a killed render left in TMPDIR
    sweep_leftovers(request.out_dir)
    with tempfile.TemporaryDirectory(prefix=cut_dir_prefix()) as tmp, ThreadPoolExecutor(1, "qm-sound") as sound_pool:
        wav = Path(tmp) / "mix.wav"
        report(on_progress, 0.08, "Sound and picture")
        # The soundtrack is mastered while the first picture encodes; it is muxed in once both are done.
        mastered = sound_pool.submit(soundtrack, timeline, wav, music=music, loudness_lufs=request.loudness_lufs)
        span = 0.9 / max(1, len(request.aspects))
        for n, aspect in enumerate(request.aspects):
            width, height = sizes[aspect]
            stem = f"{variant.id}_{aspect_tag(aspect)}" + (f"_{request.sub_variant}" if request.sub_variant else "")
            source = FrameSource(timeline, width, height, request.fps, aspect, draft=bool(request.draft_reasons))
            video = confine(request.out_dir, f"{stem}.mp4", field="variants.id", source=str(store.project_file))
            settings = EncodeSettings(width, height, request.fps, request.preset, request.crf, request.threads)
            progress = sub_progress(on_progress, 0.1 + n * span, 0.1 + (n + 1) * span)
            label = f"{aspect} picture"
            if mastered.done():
                mastered.result()
                encode(
                    source,
                    source.n_frames,
                    settings,
                    video,
                    audio=wav,
                    on_progress=progress,
                    cancel=cancel,
                    label=label,
                )
            else:
                picture = Path(tmp) / f"{stem}.picture.mp4"
                encode(source, source.n_frames, settings, picture, on_progress=progress, cancel=cancel, label=label)
                mastered.result()
                mux(picture, wav, video, cancel=cancel)
                picture.unlink(missing_ok=True)
            srt, vtt = video.with_suffix(".srt"), video.with_suffix(".vtt")
            write_srt(timeline.subtitles, srt)
            write_vtt(timeline.subtitles, vtt, language=variant.language)
            for kind, path in (("video", video), ("srt", srt), ("vtt", vtt)):
                deliverables.append(Deliverable(aspect=aspect, kind=kind, path=deliverable_path(store, path), **meta))
    report(on_progress, 1.0, f"{variant.id} rendered")
    from studio.render.record import cut_records

    records = cut_records(
        project, variant, timeline, request.aspects, sub_variant=request.sub_variant, status=str(meta["status"])
    )
    return VariantRender(
        records=records,
        deliverables=deliverables,
        voice_lines=[line.voice_line for line in cut.lines.values()],
        shot_durations={s.shot_id: round(d, 3) for s, d in zip(variant.shots, cut.fit.shot_lengths, strict=True)},
        flags=cut.flags,
        verdict=cut.verdict,
    )
