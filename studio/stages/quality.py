"""How good a rendered file is, in the creator's words: final, draft (lines still need a translator) or preview.

Qt-free. A preview is recognised from the video itself (its frame is smaller than the full-size frame of its
aspect), so files rendered before this check existed are judged the same way.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.model import Deliverable, LocalizedShot, Project, Variant, VoiceLine

#: A video running longer than the brief's duration by more than this is flagged in Deliver.
OVERRUN_S = 0.5


_sizes: dict[tuple[str, int, int], tuple[int, int] | None] = {}
"""video_size's answers by (path, mtime, length): Voice & Cut and Deliver ask for every file at each refresh, and a
render's merges refresh them on the UI thread (a scan of each MP4 took ~1 ms there)."""


def video_size(path: Path) -> tuple[int, int] | None:
    """Width and height of an MP4's video track, read from its `tkhd` boxes (no decoder needed); None if unreadable.

    Remembered while the file is unchanged (same modification time and length)."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _sizes:
        if len(_sizes) > 4096:
            _sizes.clear()
        _sizes[key] = _scan_video_size(path)
    return _sizes[key]


def _scan_video_size(path: Path) -> tuple[int, int] | None:
    try:
        with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            best: tuple[int, int] | None = None
            at = m.find(b"tkhd")
            while at >= 0:
                version = m[at + 4]
                skip = 4 + 4 + (32 if version == 1 else 20) + 8 + 2 + 2 + 2 + 2 + 36
                w, h = struct.unpack(">II", m[at + skip : at + skip + 8])
                size = (w >> 16, h >> 16)
                if size[0] and size[1] and (best is None or size[0] > best[0]):
                    best = size
                at = m.find(b"tkhd", at + 4)
            return best
    except (OSError, ValueError, struct.error, IndexError):
        return None


def deliverable_path(d: Deliverable, root: Path) -> Path:
    path = Path(d.path)
    return path if path.is_absolute() else root / path


def _full_size(aspect: str) -> tuple[int, int] | None:
    from studio.model.brief import ASPECT_SIZES

    return ASPECT_SIZES.get(aspect)


def is_preview(d: Deliverable, root: Path) -> bool:
    """A video whose frame is smaller than its aspect's full size (the quick preview renders at a third)."""
    if d.kind != "video":
        return False
    size, full = video_size(deliverable_path(d, root)), _full_size(d.aspect)
    return size is not None and full is not None and max(size) < max(full)


def quality(d: Deliverable, root: Path) -> str:
    """'preview', 'draft' or 'final' — what the Quality column says."""
    if is_preview(d, root):
        return "preview"
    return d.status


def untranslated(variant: Variant) -> list[str]:
    """The variant's lines that are not in its language yet (flagged, or identified as another language)."""
    out = []
    for s in variant.shots:
        for f in s.flags:
            if f.kind == "untranslated":
                out.append(f"{s.shot_id}: {f.message}")
        for kind, status in s.line_status.items():
            if status.language_ok is False:
                out.append(
                    f"{s.shot_id} {kind}: not {variant.language}" + (f" ({status.detected})" if status.detected else "")
                )
    for kind, status in variant.line_status.items():
        if status.language_ok is False:
            out.append(f"{kind}: not {variant.language}" + (f" ({status.detected})" if status.detected else ""))
    return out


def overrun(d: Deliverable, project: Project) -> float:
    """Seconds a video runs past the brief's duration (0 when within OVERRUN_S)."""
    if d.kind != "video" or not d.duration_s:
        return 0.0
    extra = d.duration_s - project.brief.duration_s
    return extra if extra > OVERRUN_S else 0.0


def final_videos(project: Project, root: Path | None, variant_id: str) -> list[Any]:
    """The variant's full-size, final (not draft) main-cut videos."""
    return [
        d
        for d in project.deliverables
        if d.kind == "video"
        and d.variant_id == variant_id
        and not d.sub_variant
        and d.status == "final"
        and (root is None or not is_preview(d, root))
    ]


#: The localized shot fields that hold a line, and what the creator calls each.
LINE_KINDS = {"voiceover": "voice-over", "caption": "caption"}


def flag_line(message: str) -> str | None:
    """Which line of its shot an untranslated flag is about: 'caption', 'voiceover', or None for the variant's call
    to action or legal line (the last shot carries their flags). Read from the message's head, before the quoted
    master line ("No Thai caption for beat 'hook': showing …")."""
    head = message.split(":", 1)[0].lower()
    if "call to action" in head or "legal line" in head:
        return None
    return "caption" if "caption" in head else "voiceover"


def line_problems(shot: LocalizedShot, field: str, language: str) -> list[str]:
    """What is wrong with the line in this cell: an untranslated flag, or a line identified as another language."""
    kind = LINE_KINDS.get(field)
    if kind is None:
        return []
    out = []
    status = shot.line_status.get(kind)
    if status is not None and status.language_ok is False:
        found = f" (reads as {status.detected})" if status.detected else ""
        out.append(f"Not in {language} yet{found}: a translator must write this {kind}.")
    if status is not None and status.origin == "untranslated" and not out:
        out.append(f"Untranslated {kind}: a translator must write it in {language}.")
    for f in shot.flags:  # a flag says which line it is about ("No Korean caption…"); otherwise the spoken line
        if f.kind == "untranslated" and f.message not in out:
            about_caption = "caption" in f.message.lower()
            if about_caption == (field == "caption"):
                out.append(f.message)
    return out


def voice_of(lines: Iterable[VoiceLine], variant_id: str, language: str = "") -> dict[str, Any] | None:
    """Which voice read a variant's voice-over (its voice lines: what the render spoke), for deliverables.json and
    Deliver: the backend ('espeak:th', 'piper:th_TH-...'), its engine, the language it spoke, whether it is a guide
    voice (espeak: a robot voice, not one to publish) and, for one, what to do. None when nothing was spoken."""
    from pipelines.voice.languages import GUIDE_VOICE_NOTE, is_guide_voice, voice_caveat

    own = [line for line in lines if line.variant_id == variant_id and line.backend]
    if not own:
        return None
    backends = list(dict.fromkeys(line.backend for line in own))
    spoken = own[0].request.language or language
    guide = any(is_guide_voice(b) for b in backends)
    notes = [GUIDE_VOICE_NOTE] if guide else []
    notes += [c for c in dict.fromkeys(voice_caveat(b, spoken) for b in backends) if c]
    return {
        "backend": ", ".join(backends),
        "engine": ", ".join(dict.fromkeys(b.partition(":")[0] for b in backends)),
        "language": spoken,
        "guide": guide,
        "note": "; ".join(notes),
    }


def voice_label(voice: dict[str, Any] | None) -> str:
    """A voice as Deliver and the CLI list it: 'espeak:th · guide voice', 'piper:th_TH-x', or '' (no voice-over)."""
    if not voice:
        return ""
    return f"{voice['backend']} · guide voice" if voice.get("guide") else str(voice["backend"])
