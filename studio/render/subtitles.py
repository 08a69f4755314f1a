"""SRT and WebVTT sidecars: UTF-8, written atomically, read back to the same cues (to the millisecond).

Line lengths follow common subtitle guidelines (about 42 columns for alphabetic scripts, 16 characters for
Chinese/Japanese/Korean), measured in display columns so combining marks (Thai vowels, Arabic harakat) count
nothing and wide CJK characters count two. A cue needing more than two lines becomes consecutive cues, one per
pair of lines, sharing the cue's time in proportion to their characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.fonts import script_for_language
from studio.model.errors import ValidationFailed
from studio.model.store import atomic_write_text
from studio.render.linebreak import wrap

#: Display columns per subtitle line, by script of the cue's language.
MAX_COLUMNS: dict[str, int] = {"cjk": 32, "thai": 40, "arabic": 42, "latin": 42}
MAX_CUE_LINES = 2


@dataclass(frozen=True)
class Cue:
    """One subtitle: seconds from the start of the video, and its text (lines separated by newlines)."""

    start_s: float
    end_s: float
    text: str


def columns(text: str) -> int:
    """Display width: wide/fullwidth characters count 2, combining marks and format characters 0."""
    n = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat.startswith("M") or cat == "Cf":
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def wrap_cue_text(text: str, language: str, max_columns: int | None = None) -> list[str]:
    limit = max_columns or MAX_COLUMNS.get(script_for_language(language), MAX_COLUMNS["latin"])
    lines: list[str] = []
    for paragraph in unicodedata.normalize("NFC", text).splitlines():
        lines.extend(wrap(paragraph, language, limit, lambda s: float(columns(s))))
    return lines


def split_cue(cue: Cue, language: str, *, max_lines: int = MAX_CUE_LINES, max_columns: int | None = None) -> list[Cue]:
    """`cue` wrapped to subtitle line lengths; more than `max_lines` lines become consecutive cues."""
    lines = wrap_cue_text(cue.text, language, max_columns)
    if not lines:
        return []
    groups = [lines[i : i + max_lines] for i in range(0, len(lines), max_lines)]
    weights = [max(1, sum(columns(line) for line in group)) for group in groups]
    total = sum(weights)
    out, start = [], cue.start_s
    for n, (group, weight) in enumerate(zip(groups, weights, strict=True)):
        end = cue.end_s if n == len(groups) - 1 else start + (cue.end_s - cue.start_s) * weight / total
        out.append(Cue(round(start, 3), round(end, 3), "\n".join(group)))
        start = end
    return out


def reading_seconds(text: str, language: str) -> float:
    """How long a viewer needs to read `text`: its script's reading speed (assets/knowledge/speech.toml [reading]),
    in characters per second for scripts without spaces (CJK, Thai), words per second for the others."""
    from studio.planning.speech import speech_limits, speech_units

    rate = speech_limits().reading_speed(script_for_language(language))
    return speech_units(text, rate) / rate.per_second


def split_cues(cues: Iterable[Cue], language: str, **kwargs: int) -> list[Cue]:
    return [part for cue in cues for part in split_cue(cue, language, **kwargs)]


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _stamp(seconds: float, sep: str) -> str:
    ms = _ms(seconds)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _clean(text: str) -> str:
    """Cue text without blank lines (a blank line ends a cue in both formats) or the `-->` arrow."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    return "\n".join(line.replace("-->", "→") for line in lines if line)


def format_srt(cues: Iterable[Cue]) -> str:
    blocks = []
    for n, cue in enumerate((c for c in cues if _clean(c.text)), start=1):
        blocks.append(f"{n}\n{_stamp(cue.start_s, ',')} --> {_stamp(cue.end_s, ',')}\n{_clean(cue.text)}\n")
    return "\n".join(blocks)


def format_vtt(cues: Iterable[Cue], *, language: str | None = None) -> str:
    header = "WEBVTT" + (f"\nLanguage: {language}" if language else "") + "\n"
    blocks = [header]
    for cue in cues:
        if _clean(cue.text):
            blocks.append(f"{_stamp(cue.start_s, '.')} --> {_stamp(cue.end_s, '.')}\n{_clean(cue.text)}\n")
    return "\n".join(blocks)


def write_srt(cues: Iterable[Cue], path: str | Path) -> None:
    atomic_write_text(Path(path), format_srt(cues))


def write_vtt(cues: Iterable[Cue], path: str | Path, *, language: str | None = None) -> None:
    atomic_write_text(Path(path), format_vtt(cues, language=language))


_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?$")


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def _parse(text: str, source: str) -> list[Cue]:
    cues: list[Cue] = []
    blocks = re.split(r"\n\s*\n", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    for block in blocks:
        lines = block.strip("\n").split("\n")
        timing_at = next((i for i, line in enumerate(lines[:3]) if "-->" in line), None)
        if timing_at is None:
            continue
        match = _TIMING.match(lines[timing_at])
        if not match:
            raise ValidationFailed(
                f"{source}: cannot read the timing line “{lines[timing_at].strip()}”.",
                "Use HH:MM:SS,mmm --> HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm --> HH:MM:SS.mmm (WebVTT).",
            )
        g = match.groups()
        cues.append(Cue(_seconds(*g[:4]), _seconds(*g[4:]), "\n".join(lines[timing_at + 1 :]).strip()))
    return cues


def read_srt(path: str | Path) -> list[Cue]:
    path = Path(path)
    return _parse(path.read_text(encoding="utf-8-sig"), str(path))


def read_vtt(path: str | Path) -> list[Cue]:
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    if not text.lstrip().startswith("WEBVTT"):
        raise ValidationFailed(f"{path} is not a WebVTT file (it must start with WEBVTT).", "Export it as .vtt again.")
    return _parse(text, str(path))
