"""Platform delivery specs as data (assets/knowledge/platforms.toml) and the check of a video file against them.

A brief names its target platforms (`platforms = ["tiktok", "youtube-shorts"]`); every video deliverable is
probed as a player would see it (ffmpeg decodes the container: duration, size, frame rate, bitrate, dimensions,
codecs) and held against each platform's limits. Findings use the compliance severities: `block` (the platform
would refuse the file or cut it), `warn` (it runs, but against the platform's advice), `info`.

Public functions:
- `load_platforms() -> dict[str, PlatformSpec]`: every platform by id, validated.
- `platform_spec(name) -> PlatformSpec`: an id or alias ("Reels", "抖音"); unknown names say "did you mean".
- `canonical_platforms(names) -> list[str]`: ids for a brief's list; raises ValueError with "did you mean".
- `preset(names) -> PlatformPreset`: the aspects and length range that satisfy every named platform.
- `probe_video(path) -> VideoProbe`: the facts of an MP4 (ffmpeg from imageio-ffmpeg, no ffprobe needed).
- `check_deliverable(spec, video_path | VideoProbe) -> list[PlatformFinding]`.
- `check_project_platforms(project, platforms=None, *, root=None) -> list[PlatformFinding]`: the brief against
  each platform, and every rendered video deliverable (resolved under `root`, the project folder).
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from studio import paths
from studio.model.errors import BackendError, ValidationFailed

if TYPE_CHECKING:
    from studio.model.brief import Brief
    from studio.model.project import Project

Severity = Literal["block", "warn", "info"]

#: Aspect names and their width/height ratios; a frame within 2 % of one is called by that name.
ASPECTS: dict[str, float] = {"9:16": 9 / 16, "4:5": 4 / 5, "1:1": 1.0, "16:9": 16 / 9}


class Margins(BaseModel):
    """Fractions of the frame covered by the app's UI: text and logos belong inside what is left."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top: float = Field(ge=0, lt=0.5)
    bottom: float = Field(ge=0, lt=0.5)
    left: float = Field(default=0.0, ge=0, lt=0.5)
    right: float = Field(default=0.0, ge=0, lt=0.5)

    def rect(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of the safe area in pixels."""
        return (
            round(width * self.left),
            round(height * self.top),
            round(width * (1 - self.right)),
            round(height * (1 - self.bottom)),
        )


class Band(BaseModel):
    """A horizontal band (top and bottom edge as fractions of the height)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top: float = Field(ge=0, le=1)
    bottom: float = Field(ge=0, le=1)


class PlatformSpec(BaseModel):
    """One ad placement's delivery rules; `approximate` names the fields that are rules of thumb."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: Literal["in-feed", "in-stream"]
    aspects: list[str] = Field(min_length=1)
    recommended_aspect: str
    recommended: dict[str, str] = Field(default_factory=dict, description="Size per aspect, 'WIDTHxHEIGHT'.")
    min_short_side_px: int = Field(gt=0)
    fps_min: float = Field(gt=0)
    fps_max: float = Field(gt=0)
    min_s: float = Field(ge=0)
    max_s: float = Field(gt=0)
    recommended_s: tuple[float, float]
    max_file_mb: float = Field(gt=0)
    bitrate_min_kbps: float | None = None
    bitrate_max_kbps: float | None = None
    containers: list[str] = Field(min_length=1)
    video_codecs: list[str] = Field(min_length=1)
    audio_codecs: list[str] = Field(min_length=1)
    audio: str = ""
    safe_zones: dict[str, Margins] = Field(default_factory=dict)
    caption_area: dict[str, Band] = Field(default_factory=dict)
    source: str
    checked: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    approximate: list[str] = Field(default_factory=list)
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> PlatformSpec:
        for aspect in [*self.aspects, self.recommended_aspect, *self.safe_zones, *self.recommended]:
            if aspect not in ASPECTS:
                raise ValueError(f"{self.id}: aspect {aspect!r} is not one of {', '.join(ASPECTS)}")
        if self.min_s > self.max_s or not self.min_s <= self.recommended_s[0] <= self.recommended_s[1] <= self.max_s:
            raise ValueError(f"{self.id}: durations must satisfy min_s <= recommended_s[0] <= [1] <= max_s")
        names = set(type(self).model_fields)
        unknown = [f for f in self.approximate if f not in names]
        if unknown:
            raise ValueError(f"{self.id}: approximate names unknown fields {unknown}")
        return self

    def safe_zone(self, aspect: str) -> Margins | None:
        """The UI margins for an aspect (the recommended aspect's when the platform lists none for it)."""
        return self.safe_zones.get(aspect)

    def approx(self, field: str) -> str:
        """' (approximate)' when the field is a rule of thumb: said in every finding that relies on it."""
        return " (approximate)" if field in self.approximate else ""


class _PlatformFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platforms: list[PlatformSpec] = Field(min_length=1)


def platforms_file() -> Path:
    return paths.knowledge_dir() / "platforms.toml"


@cache
def _load(path: Path) -> dict[str, PlatformSpec]:
    from studio.planning.knowledge import read_pack

    data = read_pack(path, _PlatformFile, "Platform specs", "(Platforms)")
    out: dict[str, PlatformSpec] = {}
    for spec in data.platforms:
        if spec.id in out:
            raise ValidationFailed(f"Platform specs {path}: the id {spec.id!r} is listed twice.", "Keep one entry.")
        out[spec.id] = spec
    return out


def load_platforms() -> dict[str, PlatformSpec]:
    """Every platform of assets/knowledge/platforms.toml by id (validated once, cached)."""
    path = platforms_file()
    if not path.is_file():
        raise ValidationFailed(f"Platform specs {path} are missing.", "Reinstall the studio's assets folder.")
    return _load(path.resolve())


def _norm(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().casefold())


def _names() -> dict[str, str]:
    """Every accepted spelling (id, name, alias; case and spacing ignored) → platform id."""
    out: dict[str, str] = {}
    for spec in load_platforms().values():
        for n in (spec.id, spec.name, *spec.aliases):
            out.setdefault(_norm(n), spec.id)
    return out


def resolve_platform(name: str) -> str | None:
    """The platform id a name means, or None."""
    return _names().get(_norm(name))


def did_you_mean(name: str) -> str:
    """' Did you mean "x"?' for a misspelt platform, and the known ids."""
    names = _names()
    close = difflib.get_close_matches(_norm(name), list(names), n=1, cutoff=0.6)
    guess = f' Did you mean "{names[close[0]]}"?' if close else ""
    return f"{guess} Known platforms: {', '.join(load_platforms())}."


def platform_spec(name: str | PlatformSpec) -> PlatformSpec:
    """The spec for an id or alias; an unknown name is refused with the nearest known one."""
    if isinstance(name, PlatformSpec):
        return name
    pid = resolve_platform(name)
    if pid is None:
        raise ValidationFailed(f"Unknown platform {name!r}.", did_you_mean(name).strip())
    return load_platforms()[pid]


def canonical_platforms(names: list[str]) -> list[str]:
    """Platform ids for the names a brief lists (aliases allowed, repeats dropped); ValueError names a bad one."""
    out: list[str] = []
    for i, name in enumerate(names):
        pid = resolve_platform(name)
        if pid is None:
            raise ValueError(f"platforms[{i}] {name!r} is not a platform the studio knows.{did_you_mean(name)}")
        if pid not in out:
            out.append(pid)
    return out


def check_brief_platforms(brief: Brief) -> Brief:
    """The brief with its platforms as ids ("Reels" → instagram-reels); a misspelt one is refused at Plan, naming the
    field and the platform meant (the model keeps no platform list of its own: this file is the one list)."""
    if not brief.platforms:
        return brief
    try:
        ids = canonical_platforms(brief.platforms)
    except ValueError as e:
        known = ", ".join(load_platforms())
        raise ValidationFailed(f"brief: {e}", f"Write one of: {known}.") from None
    return brief.model_copy(update={"platforms": ids})


@dataclass(frozen=True)
class PlatformPreset:
    """What a brief should ask for to run on every platform named: aspects to render and the length range."""

    platforms: tuple[str, ...]
    aspect_ratios: tuple[str, ...]
    """Each platform's recommended aspect, in the order the platforms are named."""
    min_s: float
    max_s: float
    """The strictest limits of them all."""
    recommended_s: tuple[float, float] | None
    """The overlap of their recommended lengths; None when they do not overlap."""


def preset(names: list[str]) -> PlatformPreset:
    """The brief settings that satisfy every named platform (the app offers them when platforms are picked)."""
    specs = [platform_spec(n) for n in names]
    if not specs:
        raise ValidationFailed("No platform named.", f"Name one or more of {', '.join(load_platforms())}.")
    aspects = tuple(dict.fromkeys(s.recommended_aspect for s in specs))
    lo = max(s.recommended_s[0] for s in specs)
    hi = min(s.recommended_s[1] for s in specs)
    return PlatformPreset(
        tuple(s.id for s in specs),
        aspects,
        max(s.min_s for s in specs),
        min(s.max_s for s in specs),
        (lo, hi) if lo <= hi else None,
    )


# --- Probing a file -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoProbe:
    """What a player learns from a video file's container and streams."""

    path: str
    container: str
    size_bytes: int
    duration_s: float
    width: int
    height: int
    fps: float
    bitrate_kbps: float | None
    video_codec: str
    audio_codec: str | None
    sample_rate: int | None

    @property
    def aspect(self) -> str:
        """The aspect name the frame is within 2 % of, else 'W:H' as measured."""
        ratio = self.width / max(1, self.height)
        for name, r in ASPECTS.items():
            if abs(ratio / r - 1) <= 0.02:
                return name
        return f"{self.width}:{self.height}"

    @property
    def size_mb(self) -> float:
        return self.size_bytes / 1_000_000

    def to_dict(self) -> dict[str, object]:
        return asdict(self) | {"aspect": self.aspect}


_DURATION = re.compile(r"Duration: (\d+):(\d+):([\d.]+)(?:, start: [-\d.]+)?, bitrate: (\d+|N/A)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})[^\n]*?, ([\d.]+) (?:fps|tbr)")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)[^,\n]*, (\d+) Hz")


def probe_video(path: Path) -> VideoProbe:
    """Container duration, size, frame rate, bitrate, dimensions and codecs, from `ffmpeg -i` (imageio-ffmpeg ships
    no ffprobe; PyAV is not a dependency)."""
    import imageio_ffmpeg

    path = Path(path)
    if not path.is_file():
        raise BackendError(f"The video {path} does not exist.", "Render the variant first (qianmian render PROJ).")
    info = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr
    duration, video = _DURATION.search(info), _VIDEO.search(info)
    if duration is None or video is None:
        raise BackendError(
            f"ffmpeg cannot read {path.name} as a video: {info.strip()[-300:]}",
            "Render it again; a file cut short by a crash or a full disk is not playable.",
        )
    h, m, s, kbps = duration.groups()
    audio = _AUDIO.search(info)
    return VideoProbe(
        path=str(path),
        container=path.suffix.lower().lstrip("."),
        size_bytes=path.stat().st_size,
        duration_s=int(h) * 3600 + int(m) * 60 + float(s),
        width=int(video.group(2)),
        height=int(video.group(3)),
        fps=float(video.group(4)),
        bitrate_kbps=float(kbps) if kbps != "N/A" else None,
        video_codec=video.group(1),
        audio_codec=audio.group(1) if audio else None,
        sample_rate=int(audio.group(2)) if audio else None,
    )


# --- Checking -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformFinding:
    """One way a file or a plan misses a platform's spec: what, by how much, and what to do."""

    platform: str
    field: str
    severity: Severity
    message: str
    fix: str = ""
    value: float | str | None = None
    limit: float | str | None = None
    path: str = ""
    variant_id: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        """One plain-text line: `[block] tiktok · duration: … → fix`."""
        where = f" ({Path(self.path).name})" if self.path else ""
        fix = f" → {self.fix}" if self.fix else ""
        return f"[{self.severity}] {self.platform} · {self.field}{where}: {self.message}{fix}"


def duration_findings(spec: PlatformSpec, seconds: float, *, what: str = "The video") -> list[PlatformFinding]:
    """Over the maximum or under the minimum blocks; outside the recommended range warns."""
    lo, hi = spec.recommended_s
    if seconds > spec.max_s + 0.05:
        return [
            PlatformFinding(
                spec.id,
                "duration",
                "block",
                f"{what} runs {seconds:.1f} s, over {spec.name}'s maximum of {spec.max_s:g} s{spec.approx('max_s')}.",
                f"Cut it to {spec.max_s:g} s or less (set the brief's duration_s).",
                round(seconds, 2),
                spec.max_s,
            )
        ]
    if seconds < spec.min_s - 0.05:
        return [
            PlatformFinding(
                spec.id,
                "duration",
                "block",
                f"{what} runs {seconds:.1f} s, under {spec.name}'s minimum of {spec.min_s:g} s{spec.approx('min_s')}.",
                f"Make it at least {spec.min_s:g} s long.",
                round(seconds, 2),
                spec.min_s,
            )
        ]
    if not lo - 0.05 <= seconds <= hi + 0.05:
        return [
            PlatformFinding(
                spec.id,
                "duration",
                "warn",
                f"{what} runs {seconds:.1f} s; {spec.name} recommends {lo:g}-{hi:g} s{spec.approx('recommended_s')}.",
                "Consider a cut in the recommended range.",
                round(seconds, 2),
                f"{lo:g}-{hi:g}",
            )
        ]
    return []


def check_deliverable(spec: PlatformSpec | str, video: Path | VideoProbe) -> list[PlatformFinding]:
    """Every way the file misses the platform: duration, aspect, resolution, frame rate, file size, bitrate,
    container and codecs. Empty when the file meets the spec."""
    spec = platform_spec(spec)
    p = video if isinstance(video, VideoProbe) else probe_video(Path(video))
    out = duration_findings(spec, p.duration_s)
    found: list[tuple[str, Severity, str, str, float | str | None, float | str | None]] = []
    if p.aspect not in spec.aspects:
        found.append(
            (
                "aspect",
                "block",
                f"The frame is {p.width}x{p.height} ({p.aspect}); {spec.name} takes {', '.join(spec.aspects)}.",
                f"Render the {spec.recommended_aspect} aspect for {spec.name}.",
                p.aspect,
                ", ".join(spec.aspects),
            )
        )
    elif p.aspect != spec.recommended_aspect:
        found.append(
            (
                "aspect",
                "info",
                f"{p.aspect} runs on {spec.name}, which is built for {spec.recommended_aspect}.",
                f"Add a {spec.recommended_aspect} cut for this platform.",
                p.aspect,
                spec.recommended_aspect,
            )
        )
    short = min(p.width, p.height)
    if short < spec.min_short_side_px:
        found.append(
            (
                "resolution",
                "block",
                f"The frame is {p.width}x{p.height}; {spec.name} needs at least {spec.min_short_side_px} px on the "
                f"short side{spec.approx('min_short_side_px')}.",
                f"Render at full size ({spec.recommended.get(p.aspect, spec.recommended_aspect)}), not a preview.",
                short,
                spec.min_short_side_px,
            )
        )
    elif p.aspect in spec.recommended:
        want_w, want_h = (int(x) for x in spec.recommended[p.aspect].split("x"))
        if p.width < want_w or p.height < want_h:
            found.append(
                (
                    "resolution",
                    "warn",
                    f"The frame is {p.width}x{p.height}; {spec.name} recommends {want_w}x{want_h}.",
                    "Render at full size.",
                    f"{p.width}x{p.height}",
                    spec.recommended[p.aspect],
                )
            )
    if not spec.fps_min - 0.01 <= p.fps <= spec.fps_max + 0.01:
        found.append(
            (
                "fps",
                "warn",
                f"{p.fps:g} fps is outside {spec.name}'s {spec.fps_min:g}-{spec.fps_max:g} fps"
                f"{spec.approx('fps_min')}.",
                "Set the project's fps to 30 (settings.fps).",
                p.fps,
                f"{spec.fps_min:g}-{spec.fps_max:g}",
            )
        )
    if p.size_mb > spec.max_file_mb:
        found.append(
            (
                "file_size",
                "block",
                f"The file is {p.size_mb:.0f} MB, over {spec.name}'s {spec.max_file_mb:g} MB"
                f"{spec.approx('max_file_mb')}.",
                "Encode with a higher CRF or a shorter cut.",
                round(p.size_mb, 1),
                spec.max_file_mb,
            )
        )
    if p.bitrate_kbps is not None:
        if spec.bitrate_min_kbps is not None and p.bitrate_kbps < spec.bitrate_min_kbps:
            found.append(
                (
                    "bitrate",
                    "warn",
                    f"The file averages {p.bitrate_kbps:.0f} kb/s; {spec.name} asks for at least "
                    f"{spec.bitrate_min_kbps:g} kb/s{spec.approx('bitrate_min_kbps')}.",
                    "Encode at full size with a lower CRF.",
                    p.bitrate_kbps,
                    spec.bitrate_min_kbps,
                )
            )
        if spec.bitrate_max_kbps is not None and p.bitrate_kbps > spec.bitrate_max_kbps:
            found.append(
                (
                    "bitrate",
                    "warn",
                    f"The file averages {p.bitrate_kbps:.0f} kb/s, over {spec.name}'s {spec.bitrate_max_kbps:g} kb/s.",
                    "Encode with a higher CRF.",
                    p.bitrate_kbps,
                    spec.bitrate_max_kbps,
                )
            )
    if p.container not in spec.containers:
        found.append(
            (
                "container",
                "block",
                f".{p.container} is not among {spec.name}'s formats ({', '.join(spec.containers)}).",
                "Deliver the MP4.",
                p.container,
                ", ".join(spec.containers),
            )
        )
    if p.video_codec not in spec.video_codecs:
        found.append(
            (
                "video_codec",
                "block",
                f"Video is {p.video_codec}; {spec.name} takes {', '.join(spec.video_codecs)}.",
                "Render with the studio's encoder (H.264).",
                p.video_codec,
                ", ".join(spec.video_codecs),
            )
        )
    if p.audio_codec is None:
        found.append(
            (
                "audio",
                "warn",
                f"The file has no sound; {spec.name} plays sound on ({spec.audio})",
                "Render with the voice-over and music.",
                None,
                ", ".join(spec.audio_codecs),
            )
        )
    elif p.audio_codec not in spec.audio_codecs:
        found.append(
            (
                "audio",
                "block",
                f"Audio is {p.audio_codec}; {spec.name} takes {', '.join(spec.audio_codecs)}.",
                "Render with the studio's encoder (AAC).",
                p.audio_codec,
                ", ".join(spec.audio_codecs),
            )
        )
    out += [PlatformFinding(spec.id, f, sev, msg, fix, val, lim) for f, sev, msg, fix, val, lim in found]
    return [replace(f, path=p.path) for f in out]


def check_project_platforms(
    project: Project, platforms: list[str] | None = None, *, root: Path | None = None
) -> list[PlatformFinding]:
    """The brief against each target platform (length, aspects), then each rendered video deliverable found under
    `root` (the project folder; relative deliverable paths are skipped without it). `platforms` defaults to the
    brief's; none named checks nothing."""
    names = project.brief.platforms if platforms is None else platforms
    specs = [platform_spec(n) for n in names]
    out: list[PlatformFinding] = []
    brief = project.brief
    for spec in specs:
        out += duration_findings(spec, brief.duration_s, what="The brief's cut")
        for aspect in brief.aspect_ratios:
            if aspect not in spec.aspects:
                out.append(
                    PlatformFinding(
                        spec.id,
                        "aspect",
                        "warn",
                        f"The brief asks for {aspect}, which {spec.name} does not take ({', '.join(spec.aspects)}).",
                        f"Do not deliver the {aspect} cut there; add {spec.recommended_aspect} to aspect_ratios.",
                        aspect,
                        ", ".join(spec.aspects),
                    )
                )
        if spec.recommended_aspect not in brief.aspect_ratios:
            out.append(
                PlatformFinding(
                    spec.id,
                    "aspect",
                    "info",
                    f"{spec.name} is built for {spec.recommended_aspect}; the brief renders "
                    f"{', '.join(brief.aspect_ratios)}.",
                    f"Add {spec.recommended_aspect} to the brief's aspect_ratios.",
                    ", ".join(brief.aspect_ratios),
                    spec.recommended_aspect,
                )
            )
    for d in project.deliverables:
        if d.kind != "video":
            continue
        path = Path(d.path)
        if not path.is_absolute():
            if root is None:
                continue
            path = Path(root) / path
        if not path.is_file():
            continue
        probe = probe_video(path)
        for spec in specs:
            if d.aspect not in spec.aspects:
                continue  # an aspect the platform does not take is not delivered there (said above, per brief)
            for f in check_deliverable(spec, probe):
                out.append(replace(f, variant_id=d.variant_id))
    return out


def findings_json(findings: list[PlatformFinding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)
