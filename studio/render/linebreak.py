"""Where a line of any script may break, and balanced wrapping to a width.

Break opportunities come from ICU's line breaker (UAX #14 with ICU's dictionaries), so Thai, Lao, Khmer and
Burmese break between dictionary words and Chinese/Japanese between characters under the strict line-start rules
(no 。，、！？」） or small kana at a line start, no 「（ at a line end). On top of ICU, space-separated scripts
(Latin, Vietnamese, Indonesian, Arabic, Devanagari, Korean) break at spaces only: no word is ever split at a hyphen or
inside a Korean word. A single unit wider than the line falls back to ICU's finer breaks, then to grapheme clusters.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from icu4py.breakers import CharacterBreaker, LineBreaker

from pipelines.fonts import script_of_char

#: Scripts written without spaces between words: ICU's breaks between their characters are allowed.
SPACELESS_SCRIPTS = frozenset({"thai", "lao", "khmer", "myanmar", "cjk"})

Measure = Callable[[str], float]


def _icu_locale(language: str) -> str:
    return f"{language.replace('-', '_')}@lb=strict"


def _is_hangul(ch: str) -> bool:
    cp = ord(ch)
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


def _spaceless(ch: str) -> bool:
    return script_of_char(ch) in SPACELESS_SCRIPTS and not _is_hangul(ch)


def _pieces(breaker: type[LineBreaker] | type[CharacterBreaker], text: str, language: str) -> list[str]:
    return [p for p in breaker(text, _icu_locale(language)) if p] if text else []


def icu_breaks(text: str, language: str) -> list[int]:
    """Indices (Python str offsets) where ICU allows a line break, excluding 0 and len(text)."""
    out, pos = [], 0
    for piece in _pieces(LineBreaker, text, language)[:-1]:
        pos += len(piece)
        out.append(pos)
    return out


def break_opportunities(text: str, language: str) -> list[int]:
    """Indices where a caption line may break: after a space, or between characters of a spaceless script."""
    allowed = []
    for i in icu_breaks(text, language):
        before, after = text[i - 1], text[i]
        if before.isspace() or _spaceless(before) or _spaceless(after):
            allowed.append(i)
    return allowed


def _units(text: str, language: str) -> list[str]:
    """The text cut at every allowed break; each unit keeps its trailing spaces."""
    cuts = [0, *break_opportunities(text, language), len(text)]
    return [text[a:b] for a, b in pairwise(cuts) if b > a]


def _split_wide(unit: str, language: str, measure: Measure, max_width: float) -> list[str]:
    """A unit wider than the line, cut at ICU's own breaks, else between grapheme clusters."""
    pieces = _pieces(LineBreaker, unit, language)
    if len(pieces) <= 1:
        pieces = _pieces(CharacterBreaker, unit, language)
    return [p for p in _greedy(pieces, measure, max_width) if p]


def _greedy(units: list[str], measure: Measure, max_width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for unit in units:
        candidate = current + unit
        if not current or measure(candidate.rstrip()) <= max_width:
            current = candidate
        else:
            lines.append(current)
            current = unit
    if current:
        lines.append(current)
    return lines


def wrap(text: str, language: str, max_width: float, measure: Measure, *, balance: bool = True) -> list[str]:
    """Lines of `text` no wider than `max_width` (as far as whole units allow), breaking only where allowed.

    With `balance`, the same number of lines is kept but their widths are evened out (no orphan word on the last
    line): the narrowest width that still needs no more lines is found by bisection.
    """
    text = " ".join(text.split())
    if not text:
        return []
    units: list[str] = []
    for unit in _units(text, language):
        if measure(unit.rstrip()) > max_width:
            units.extend(_split_wide(unit, language, measure, max_width))
        else:
            units.append(unit)
    lines = _greedy(units, measure, max_width)
    if balance and len(lines) > 1:
        widest_unit = max(measure(u.rstrip()) for u in units)
        lo, hi = max(widest_unit, max_width / len(lines) * 0.5), max_width
        best = lines
        for _ in range(12):
            if hi - lo < 1.0:
                break
            mid = (lo + hi) / 2
            trial = _greedy(units, measure, mid)
            if len(trial) <= len(lines):
                best, hi = trial, mid
            else:
                lo = mid
        lines = best
    return [line.strip() for line in lines]
