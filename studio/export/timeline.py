"""Editor timelines of one variant: OpenTimelineIO (`.otio`), Final Cut 7 XML (Premiere, Resolve) and FCPXML.

The FCP7 sequence carries the delivery frame size (1080×1920 for 9:16), so Premiere opens it vertical.
Tracks, bottom to top: V1 pictures (one still per shot, named after the shot), V2 captions (transparent PNG titles
drawn exactly like the burned-in ones, named by their text), V3 the rendered video as a disabled reference;
A1 voice-over (one clip per line), A2 music. Caption texts are also sequence markers. The `.otio` file points at
its media with paths relative to itself (like OTIO's own otiod bundles); the XML files use absolute file URLs,
which Premiere, Resolve and Final Cut relink by name if the folder moves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.export.shots import VariantSheet
from studio.model import ASPECT_SIZES
from studio.model.store import atomic_write_text

if TYPE_CHECKING:
    import opentimelineio as otio  # imported where used: the package is slow to import

XML_ADAPTERS = {"fcp_xml": ("_fcp7.xml", "otio-fcp-adapter"), "fcpx_xml": ("_fcpx.fcpxml", "otio-fcpx-xml-adapter")}


@dataclass(frozen=True)
class Media:
    """Files a timeline points at, inside the export folder's media/."""

    stills: dict[str, Path]
    voice: dict[str, Path]
    captions: list[tuple[float, float, str, Path]]
    music: Path | None
    video: Path | None


def _url(path: Path, base: Path | None) -> str:
    if base is None:
        return path.resolve().as_uri()
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def build_timeline(sheet: VariantSheet, media: Media, fps: int, *, base: Path | None = None) -> otio.schema.Timeline:
    """The OTIO timeline; `base` makes media URLs relative to that folder (None: absolute file URLs)."""
    import opentimelineio as otio
    from opentimelineio.opentime import RationalTime, TimeRange

    def frames(seconds: float) -> int:
        return round(seconds * fps)

    def span(start: int, duration: int) -> TimeRange:
        return TimeRange(RationalTime(start, fps), RationalTime(duration, fps))

    def reference(path: Path, duration: int) -> otio.schema.ExternalReference:
        return otio.schema.ExternalReference(target_url=_url(path, base), available_range=span(0, duration))

    def place(track: otio.schema.Track, clip: otio.schema.Clip, start: int, cursor: int) -> int:
        if start > cursor:
            track.append(otio.schema.Gap(source_range=span(0, start - cursor)))
        track.append(clip)
        return start + clip.source_range.duration.to_frames()

    v = sheet.variant
    timeline = otio.schema.Timeline(name=f"{sheet.project.brief.brand} {v.id}")
    timeline.global_start_time = RationalTime(0, fps)
    timeline.metadata["qianmian"] = {
        "variant": v.id,
        "market": v.market,
        "language": v.language,
        "segment": v.segment,
        "aspect": sheet.aspect,
    }
    width, height = ASPECT_SIZES.get(sheet.aspect, ASPECT_SIZES["9:16"])
    rate = {"timebase": str(fps), "ntsc": "FALSE"}
    sample = {"width": str(width), "height": str(height), "pixelaspectratio": "square", "rate": rate}
    timeline.metadata["fcp_xml"] = {"media": {"video": {"format": {"samplecharacteristics": sample}}}}
    pictures = otio.schema.Track(name="V1 Pictures", kind=otio.schema.TrackKind.Video)
    captions = otio.schema.Track(name="V2 Captions", kind=otio.schema.TrackKind.Video)
    voice = otio.schema.Track(name="A1 Voice", kind=otio.schema.TrackKind.Audio)
    music = otio.schema.Track(name="A2 Music", kind=otio.schema.TrackKind.Audio)

    cursor = 0
    for r in sheet.rows:
        start, end = frames(r.start_s), frames(r.end_s)
        still = media.stills.get(r.shot_id)
        ref = reference(still, end - start) if still else otio.schema.MissingReference()
        clip = otio.schema.Clip(name=r.name, media_reference=ref, source_range=span(0, end - start))
        clip.metadata["qianmian"] = {"shot_id": r.shot_id, "beat": r.beat, "camera": r.camera, "framing": r.framing}
        cursor = place(pictures, clip, start, cursor)
    total = frames(sheet.duration_s)
    if total > cursor:
        pictures.append(otio.schema.Gap(name="end card", source_range=span(0, total - cursor)))

    cursor = 0
    for r in sheet.rows:
        path = media.voice.get(r.shot_id)
        if path is None or r.voice is None:
            continue
        start = max(cursor, frames(r.voice_start_s))
        length = frames(r.voice.duration_s)
        clip = otio.schema.Clip(
            name=f"VO {r.shot_id}: {r.voiceover}"[:120],
            media_reference=reference(path, length),
            source_range=span(0, length),
        )
        cursor = place(voice, clip, start, cursor)

    cursor = 0
    for start_s, end_s, text, path in media.captions:
        start, end = max(cursor, frames(start_s)), frames(end_s)
        if end <= start:
            continue
        clip = otio.schema.Clip(
            name=text, media_reference=reference(path, end - start), source_range=span(0, end - start)
        )
        cursor = place(captions, clip, start, cursor)
        timeline.tracks.markers.append(
            otio.schema.Marker(name=text, marked_range=span(start, end - start), color=otio.schema.MarkerColor.YELLOW)
        )

    if media.music is not None:
        music.append(
            otio.schema.Clip(
                name="music bed", media_reference=reference(media.music, total), source_range=span(0, total)
            )
        )
    timeline.tracks.extend([pictures, captions])
    if media.video is not None:
        reference_track = otio.schema.Track(name="V3 Reference render", kind=otio.schema.TrackKind.Video)
        reference_track.enabled = False
        reference_track.append(
            otio.schema.Clip(
                name=media.video.name, media_reference=reference(media.video, total), source_range=span(0, total)
            )
        )
        timeline.tracks.append(reference_track)
    timeline.tracks.extend([voice, music])
    return timeline


def write_otio(timeline: otio.schema.Timeline, path: Path) -> Path:
    import opentimelineio as otio

    atomic_write_text(path, otio.adapters.write_to_string(timeline, "otio_json"))
    return path


def write_editor_xml(timeline: otio.schema.Timeline, path: Path, adapter: str) -> Path:
    """FCP7 XML or FCPXML through OTIO's adapter plugins; BackendError names the package when one is missing."""
    import opentimelineio as otio

    from studio.model import BackendError

    if adapter not in otio.adapters.available_adapter_names():
        package = XML_ADAPTERS[adapter][1]
        raise BackendError(
            f"The {adapter} timeline adapter is not installed.", f"Install it with `pip install {package}`."
        )
    atomic_write_text(path, otio.adapters.write_to_string(timeline, adapter))
    return path
