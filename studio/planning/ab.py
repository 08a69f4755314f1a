"""A/B test material: other hooks and calls to action a variant can open and close with, in its own language.

A team tests openings without re-planning: the planner stores, per variant, the hook lines and calls to action
that could replace the planned ones (`Variant.ab_hooks`, `Variant.ab_ctas`); `studio.render.ab` cuts the cells.
Every alternative is checked to be in the variant's language; an English line never goes into a Thai cell.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from pipelines.fonts import script_for_language, script_of_char
from studio.model.project import Storyboard, Variant
from studio.planning.context import VariantContext
from studio.planning.knowledge import Category
from studio.planning.localize import is_master_language, variant_copy

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

HOOK_BEAT = "hook"
CTA_BEAT = "cta"
#: At most this many alternatives are stored per variant (a 4 × 4 matrix is already 16 cuts per aspect).
MAX_ALTERNATIVES = 5


@cache
def _detector(code: str) -> tuple[Language, LanguageDetector] | None:
    """A lingua detector for English against `code`, or None when lingua or the language is missing."""
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:
        return None
    code = {"fil": "tl"}.get(code, code)  # Filipino is written as Tagalog is
    try:
        target = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        return None
    # Low accuracy mode loads trigram models only: a few hundred ms instead of seconds, enough for short lines.
    return target, LanguageDetectorBuilder.from_languages(Language.ENGLISH, target).with_low_accuracy_mode().build()


def speaks(text: str, language: str) -> bool | None:
    """Whether `text` is written in `language`: by script for non-Latin languages, else by language
    identification against English. None when that cannot be told (Latin language lingua does not know)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    code = language.split("-")[0].lower()
    script = script_for_language(code)
    if script != "latin":
        own = sum(1 for ch in letters if script_of_char(ch) == script)
        return own * 2 >= len(letters)
    if any(script_of_char(ch) not in ("latin", None) for ch in letters):
        return False
    if code == "en":
        return True
    found = _detector(code)
    if found is None:
        return None
    from lingua import Language

    target, detector = found
    return detector.compute_language_confidence(text, target) >= detector.compute_language_confidence(
        text, Language.ENGLISH
    )


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _unique(items: list[str], exclude: list[str]) -> list[str]:
    seen = {_clean(x).lower() for x in exclude if x}
    out: list[str] = []
    for item in items:
        key = _clean(item).lower()
        if key and key not in seen:
            seen.add(key)
            out.append(_clean(item))
    return out


def beat_shot_index(storyboard: Storyboard | None, beat: str, *, last: bool = False) -> int | None:
    """Index of the first (or last) master shot of a beat."""
    if storyboard is None:
        return None
    found = [i for i, s in enumerate(storyboard.shots) if s.beat == beat]
    if not found:
        return None
    return found[-1] if last else found[0]


def other_category_words(ctx: VariantContext) -> set[str]:
    """Words that name another category's benefits ('skincare', 'glowing'): a market's platform idioms carrying
    them would open a noodle ad with a skincare phrase."""
    from studio.planning.knowledge import load_knowledge

    def words(c: Category) -> set[str]:
        texts = [c.id, c.name, *c.aliases, *(k for b in c.benefits for k in b.keywords)]
        return {w for t in texts for w in re.findall(r"\w+", t.lower()) if len(w) > 3}

    own = words(ctx.category)
    found = {w for c in load_knowledge().categories.values() if c.id != ctx.category.id for w in words(c)}
    return found - own


def hook_candidates(variant: Variant, ctx: VariantContext, storyboard: Storyboard) -> list[tuple[str, bool]]:
    """(line, trusted) pairs, best first: copy written for the language, the hook's shorter alternatives, the
    segment's platform idioms (the persona's "talks like" insight), then, for the master language, the brief's own
    selling points. `trusted` lines are known to be in the language (written for it)."""
    out: list[tuple[str, bool]] = []
    copy = variant_copy(ctx)
    if copy:
        hooks = sorted(k for k in copy.lines if k.startswith(f"{HOOK_BEAT}-"))
        out += [(copy.lines[k], True) for k in hooks]
        if copy.tagline:
            out.append((copy.tagline, True))
    i = beat_shot_index(storyboard, HOOK_BEAT)
    if i is not None and i < len(variant.shots):
        out += [(t, False) for t in variant.shots[i].alternatives]
    idioms = [w for p in ctx.market.platforms for w in p.idioms]
    if ctx.style:
        idioms += ctx.style.platform_voice
    other = other_category_words(ctx)
    out += [
        (t, False) for t in idioms if not any(w.startswith(o) for w in re.findall(r"\w+", t.lower()) for o in other)
    ]
    if is_master_language(ctx):
        brief = ctx.brief
        out += [(sp[:1].upper() + sp[1:], False) for sp in brief.selling_points]
    return out


def cta_candidates(variant: Variant, ctx: VariantContext) -> list[tuple[str, bool]]:
    """The market pack's calls to action for the language, the brief's copy for it, the brief's own CTA when the
    variant speaks the master language."""
    out = [(t, True) for t in ctx.market.call_to_action.get(ctx.language.code, [])]
    copy = variant_copy(ctx)
    if copy and copy.call_to_action:
        out.append((copy.call_to_action, True))
    if is_master_language(ctx):
        out.append((ctx.brief.call_to_action, False))
    return out


def _in_language(candidates: list[tuple[str, bool]], language: str) -> list[str]:
    return [t for t, trusted in candidates if trusted or speaks(t, language)]


def ab_alternatives(variant: Variant, ctx: VariantContext, storyboard: Storyboard) -> tuple[list[str], list[str]]:
    """Other hooks and calls to action for the variant, in its language, without the planned ones."""
    i = beat_shot_index(storyboard, HOOK_BEAT)
    planned_hook = variant.shots[i].voiceover if i is not None and i < len(variant.shots) else ""
    hooks = _unique(_in_language(hook_candidates(variant, ctx, storyboard), ctx.language_code), [planned_hook])
    ctas = _unique(_in_language(cta_candidates(variant, ctx), ctx.language_code), [variant.call_to_action])
    return hooks[:MAX_ALTERNATIVES], ctas[:MAX_ALTERNATIVES]


def with_ab_alternatives(variant: Variant, ctx: VariantContext, storyboard: Storyboard) -> Variant:
    """The localized variant with its A/B alternatives filled in (the planner calls this for every variant)."""
    variant.ab_hooks, variant.ab_ctas = ab_alternatives(variant, ctx, storyboard)
    return variant
