"""Where a line of any script may break, and balanced wrapping to a width.

Break opportunities come from ICU's line breaker (UAX #14 with ICU's dictionaries), so Thai, Lao, Khmer and
Burmese break between dictionary words and Chinese/Japanese between characters under the strict line-start rules
(no 。，、！？」） or small kana at a line start, no 「（ at a line end). On top of ICU, space-separated scripts
(Latin, Vietnamese, Indonesian, Arabic, Devanagari, Korean) break at spaces only: no word is ever split at a hyphen or
inside a Korean word. Where BudouX has a model (Japanese, Chinese, Thai), breaks between characters are further kept
to its phrase boundaries, so a caption breaks between phrases (「一晩中パーティーしても、|肌は」) and loanwords ICU's
dictionary lacks (Thai "เซรั่ม") stay whole. A single unit wider than the line falls back to ICU's finer breaks, then
to grapheme clusters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import pairwise
from typing import Any

import budoux
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


@cache
def _phrase_parser(language: str) -> Any:
    """BudouX's parser for the language, or None where it has no model."""
    tag = language.lower().replace("_", "-")
    primary = tag.split("-")[0]
    if primary == "ja":
        return budoux.load_default_japanese_parser()
    if primary == "th":
        return budoux.load_default_thai_parser()
    if primary in ("zh", "cmn", "yue"):
        traditional = primary == "yue" or any(part in ("hant", "tw", "hk", "mo") for part in tag.split("-")[1:])
        if traditional:
            return budoux.load_default_traditional_chinese_parser()
        return budoux.load_default_simplified_chinese_parser()
    return None


def phrase_boundaries(text: str, language: str) -> set[int] | None:
    """Offsets between BudouX phrases, or None when the language has no phrase model."""
    parser = _phrase_parser(language)
    if parser is None:
        return None
    chunks = parser.parse(text)
    if "".join(chunks) != text:
        return None
    out, pos = set(), 0
    for chunk in chunks:
        pos += len(chunk)
        out.add(pos)
    return out


def _pieces(breaker: type[LineBreaker] | type[CharacterBreaker], text: str, language: str) -> list[str]:
    return [p for p in breaker(text, _icu_locale(language)) if p] if text else []


def icu_breaks(text: str, language: str) -> list[int]:
    """Indices (Python str offsets) where ICU allows a line break, excluding 0 and len(text)."""
    out, pos = [], 0
    for piece in _pieces(LineBreaker, text, language)[:-1]:
        pos += len(piece)
        out.append(pos)
    return out


def break_opportunities(text: str, language: str, *, phrases: bool = True) -> list[int]:
    """Indices where a caption line may break: after a space, or between characters of a spaceless script
    (at a phrase boundary, with `phrases` and a phrase model for the language)."""
    boundaries = phrase_boundaries(text, language) if phrases else None
    allowed = []
    for i in icu_breaks(text, language):
        before, after = text[i - 1], text[i]
        between_phrases = boundaries is None or i in boundaries
        if before.isspace() or ((_spaceless(before) or _spaceless(after)) and between_phrases):
            allowed.append(i)
    return allowed


def _units(text: str, language: str) -> list[str]:
    """The text cut at every allowed break; each unit keeps its trailing spaces."""
    cuts = [0, *break_opportunities(text, language), len(text)]
    return [text[a:b] for a, b in pairwise(cuts) if b > a]


def _split_wide(unit: str, language: str, measure: Measure, max_width: float) -> list[str]:
    """A unit wider than the line, cut where a script allows without phrases, at ICU's own breaks, else between
    grapheme clusters (each finer level only for pieces still too wide)."""
    stripped = unit.rstrip()
    cuts = [0, *break_opportunities(stripped, language, phrases=False), len(stripped)]
    pieces = [stripped[a:b] for a, b in pairwise(cuts) if b > a]
    if len(pieces) <= 1:
        pieces = _pieces(LineBreaker, stripped, language)
    if len(pieces) <= 1:
        pieces = _pieces(CharacterBreaker, stripped, language)
    if len(pieces) > 1:
        refined = []
        for piece in pieces:
            too_wide = measure(piece.rstrip()) > max_width and piece != stripped
            refined.extend(_split_wide(piece, language, measure, max_width) if too_wide else [piece])
        pieces = refined
    pieces[-1] += unit[len(stripped) :]
    return pieces


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
