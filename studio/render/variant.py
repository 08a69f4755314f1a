"""The cut of one variant: voice → timing → timeline → soundtrack → one MP4 + SRT + VTT per aspect ratio.

`render_variant` reads the project and never writes project.json: variants render in parallel (threads or
processes), and the caller merges the returned voice lines, shot lengths and deliverables into the project.
Deliverable paths are relative to the project folder when `out_dir` lies inside it, else absolute.
"""

from __future__ import annotations

import tempfile
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
from studio.model.safe_paths import confine, cut_dir_prefix, sweep_cut_dirs, sweep_leftovers
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress
from studio.render import audio as sound
from studio.render.captions import check_caption_fonts
from studio.render.encode import DEFAULT_CRF, DEFAULT_PRESET, EncodeSettings, encode, mux
from studio.render.frames import FrameSource
from studio.render.subtitles import write_srt, write_vtt
from studio.render.timeline import Timeline, build_timeline, texts_on_screen
from studio.render.timing import SpokenLine, TimingFit, fit_timing, speed_up, synthesize_lines, too_long_flags


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


@dataclass
class VariantRender:
    deliverables: list[Deliverable]
    voice_lines: list[VoiceLine]
    shot_durations: dict[str, float]
    flags: list[Flag] = field(default_factory=list)


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


def prepare_cut(
    request: RenderVariantRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> Cut:
    """Load, speak (speeding the voice up if the lines overrun), fit, lay out the timeline, check caption fonts."""
    store = ProjectStore(request.project_dir)
    project = store.load()
    try:
        variant = project.variant(request.variant_id)
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
    rate = 1.0
    for _ in range(3):
        lines = synthesize_lines(project, store, variant, rate=rate, on_progress=on_progress, cancel=cancel)
        speech = [lines[s.shot_id].duration_s if s.shot_id in lines else None for s in variant.shots]
        fit = fit_timing(planned, speech, target)
        faster = speed_up(speech, fit, rate)
        if faster <= rate:
            break
        rate = faster
    flags = too_long_flags(variant, lines, fit, target)
    timeline = build_timeline(project, store, variant, fit, lines, logo=request.logo)
    check(cancel)
    return Cut(store, project, variant, fit, lines, timeline, flags)


def render_variant(
    request: RenderVariantRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> VariantRender:
    """One variant, every requested aspect: MP4 (H.264 + AAC), SRT and VTT named `<variant>_<9x16>.*`."""
    cut = prepare_cut(request, on_progress=sub_progress(on_progress, 0.0, 0.08), cancel=cancel)
    store, project, variant, timeline = cut.store, cut.project, cut.variant, cut.timeline
    sizes = {aspect: frame_size(aspect, request.scale) for aspect in request.aspects}

    request.out_dir.mkdir(parents=True, exist_ok=True)
    deliverables: list[Deliverable] = []
    meta = {
        "variant_id": variant.id,
        "market": variant.market,
        "language": variant.language,
        "segment": variant.segment,
        "duration_s": round(timeline.duration_s, 3),
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
            stem = f"{variant.id}_{aspect_tag(aspect)}"
            source = FrameSource(timeline, width, height, request.fps, aspect)
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
    return VariantRender(
        deliverables=deliverables,
        voice_lines=[line.voice_line for line in cut.lines.values()],
        shot_durations={s.shot_id: round(d, 3) for s, d in zip(variant.shots, cut.fit.shot_lengths, strict=True)},
        flags=cut.flags,
    )
