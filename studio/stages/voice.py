"""Voice preview: one shot's line spoken as the render will speak it, to a WAV the player opens.

The request is built by `studio.render.timing.line_voice_request`, the same builder the render uses (reading, voice
and fitted speed), so what the creator hears is what the video says. Nothing in the project changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio import paths
from studio.model import Project, ProjectError, VoiceRequest
from studio.model.stage import CancelToken, Lane, ProgressFn, check, report, sub_progress
from studio.stages.settings import Settings

LANE: Lane = "cpu"


@dataclass(frozen=True)
class VoicePreviewRequest:
    """A shot's line (project + variant + shot), or a ready `voice` request."""

    project: Project | None = None
    variant_id: str = ""
    shot_id: str = ""
    voice: VoiceRequest | None = None
    out_dir: Path | None = None
    """Default: the cache's voice-preview folder."""
    settings: Settings = field(default_factory=Settings)
    """Default voices per language, used where the project chooses none."""


@dataclass(frozen=True)
class VoicePreview:
    path: Path
    duration_s: float
    backend: str
    request: VoiceRequest


def voice_request_for(
    project: Project, variant_id: str, shot_id: str, settings: Settings | None = None
) -> VoiceRequest:
    """The VoiceRequest the render makes for this shot's line (`line_voice_request`), with the settings' default
    voice where the project sets none."""
    from studio.render.timing import line_voice_request

    if settings is not None:
        project = settings.with_project_voices(project)
    try:
        variant = project.variant(variant_id)
        shot = variant.shot(shot_id)
    except KeyError:
        raise ProjectError(f"Variant {variant_id!r} has no shot {shot_id!r}.", "Pick a line from the list.") from None
    return line_voice_request(project, variant, shot)


def request_of(request: VoicePreviewRequest) -> VoiceRequest:
    if request.voice is not None:
        return request.voice
    if request.project is None:
        raise ProjectError("Nothing to speak.", "Pick a line of a variant first.")
    return voice_request_for(request.project, request.variant_id, request.shot_id, request.settings)


def run(
    request: VoicePreviewRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> VoicePreview:
    """Speak one line to a WAV file (written under a temporary name, then renamed)."""
    import soundfile as sf

    from pipelines.voice import synthesize

    voice = request_of(request)
    speech = synthesize(voice, on_progress=sub_progress(on_progress, 0.0, 0.9), cancel=cancel)
    check(cancel)
    folder = request.out_dir or paths.cache_dir() / "voice-preview"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{voice.key()[:16]}.wav"
    tmp = path.with_suffix(".partial.wav")
    sf.write(tmp, speech.samples, speech.sample_rate, subtype="PCM_16")
    tmp.replace(path)
    report(on_progress, 1.0, f"{speech.duration_s:.1f} s ({speech.backend})")
    return VoicePreview(path=path, duration_s=speech.duration_s, backend=speech.backend, request=voice)


def apply(project: Project, outcome: VoicePreview) -> Project:
    """A preview changes nothing in the project (the file is in the cache)."""
    return project
