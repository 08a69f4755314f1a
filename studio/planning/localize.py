"""Localized shots: each master shot re-cast, re-set and re-worded for one market × segment.

`derive_shot` is pure (master shot + variant context → localized shot), so a master edit can re-derive exactly the
shots it touches (see restage.py) and compare hashes.
"""

from __future__ import annotations

import re
from typing import Any

from pipelines.fonts import missing_glyphs, script_for_language, script_of_char
from studio.model.brief import SuppliedCopy
from studio.model.ids import stable_hash
from studio.model.project import Flag, LocalizedShot, Shot, Storyboard, Variant
from studio.planning.context import VariantContext
from studio.planning.scene import compose_scene
from studio.planning.speech import fit_lines
from studio.planning.storyboard import line_language, shot_copy_key

BASE_NEGATIVE = ["blurry", "low quality", "watermark", "garbled text", "deformed hands", "extra limbs"]
CTA_BEATS = {"cta"}


def source_hash(shot: Shot) -> str:
    """Hash of the master fields a localized shot is derived from (sound cue and citations change nothing)."""
    return stable_hash(
        shot.model_dump(include={"beat", "duration_s", "visual", "framing", "camera", "voiceover", "on_screen_text"})
    )


def _dedup(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if x and not (x.lower() in seen or seen.add(x.lower()))]  # type: ignore[func-returns-value]


def _pick(items: list[str], n: int) -> str:
    return items[n % len(items)] if items else ""


def variant_copy(ctx: VariantContext) -> SuppliedCopy | None:
    copies = ctx.brief.copy_by_language
    for key in (ctx.language_code, ctx.language.code, ctx.language_code.split("-")[0]):
        if key in copies:
            return copies[key]
    return None


def is_master_language(ctx: VariantContext) -> bool:
    return ctx.language_code.split("-")[0].lower() == line_language(ctx.brief).split("-")[0].lower()


def supplied_line(kind: str, key: str, beat: str, ctx: VariantContext) -> str | None:
    """Copy written for this variant's language (brief copy, else the market's CTA phrase for the CTA beat)."""
    copy = variant_copy(ctx)
    table = (copy.lines if kind == "voice-over" else copy.captions) if copy else {}
    if key in table:
        return table[key]
    if beat in CTA_BEATS:
        if copy and copy.call_to_action:
            return copy.call_to_action
        phrases = ctx.market.call_to_action.get(ctx.language.code, [])
        if phrases:
            return phrases[0]
    return None


def lines_to_translate(storyboard: Storyboard, ctx: VariantContext) -> list[str]:
    """Master lines this variant would otherwise show untranslated."""
    if is_master_language(ctx):
        return []
    out: list[str] = []
    for shot in storyboard.shots:
        key = shot_copy_key(storyboard.shots, shot.id)
        for kind, text in (("voice-over", shot.voiceover), ("caption", shot.on_screen_text)):
            if text.strip() and supplied_line(kind, key, shot.beat, ctx) is None and text not in out:
                out.append(text)
    return out


def _line(kind: str, master_text: str, key: str, beat: str, ctx: VariantContext, flags: list[Flag]) -> tuple[str, str]:
    """(text, back-translation) for a voice-over or caption: supplied copy, then the LLM, then a flagged fallback."""
    if not master_text.strip():
        return "", ""
    if is_master_language(ctx):
        if beat in CTA_BEATS and script_flags(kind, master_text, ctx):
            return supplied_line(kind, key, beat, ctx) or master_text, ""
        return master_text, ""
    supplied = supplied_line(kind, key, beat, ctx)
    if supplied is not None:
        return supplied, ""
    tr = ctx.translations.get(master_text)
    if tr is not None:
        flags.append(
            Flag(
                kind="other",
                message=(
                    f"Machine-translated {kind} ({tr.source}); back-translation: \u201c{tr.back}\u201d. "
                    "Have a native speaker review it before delivery."
                ),
            )
        )
        return tr.text, tr.back
    table_name = "lines" if kind == "voice-over" else "captions"
    llm_hint = (
        f"the LLM ({ctx.translator}) gave no usable translation, so edit the line"
        if ctx.translator
        else "configure an LLM to translate, or edit the line"
    )
    flags.append(
        Flag(
            kind="untranslated",
            message=(
                f"No {ctx.language.name} {kind} for beat '{key}': showing the {line_language(ctx.brief)} line "
                f"\u201c{master_text}\u201d. Add [copy.{ctx.language_code}.{table_name}] {key} to the brief; "
                f"{llm_hint}."
            ),
        )
    )
    return master_text, ""


def script_flags(kind: str, text: str, ctx: VariantContext) -> list[Flag]:
    """A line for a Thai (Han, Arabic...) variant with no Thai (Han, Arabic...) letters in it is not localized."""
    script = script_for_language(ctx.language_code)
    if script == "latin" or not text.strip() or any(script_of_char(ch) == script for ch in text):
        return []
    return [
        Flag(
            kind="untranslated",
            message=(
                f"The {ctx.language.name} {kind} \u201c{text}\u201d has no {ctx.language.script} text: "
                f"write it in {ctx.language.name} (brief copy [copy.{ctx.language_code}]) or have it translated."
            ),
        )
    ]


def claim_flags(text: str, ctx: VariantContext) -> list[Flag]:
    flags: list[Flag] = []
    low = text.lower()
    for claim in ctx.brief.forbidden_claims:
        if claim.strip() and claim.lower() in low:
            flags.append(Flag(kind="claim", message=f"Uses the forbidden claim '{claim}': rewrite the line."))
    for c in ctx.category.claim_cautions:
        m = re.search(c.pattern, text, re.IGNORECASE)
        if m:
            flags.append(Flag(kind="claim", message=f"'{m.group(0)}' needs care: {c.reason}."))
    return flags


def derive_shot(
    shot: Shot, index: int, key: str, ctx: VariantContext, overrides: dict[str, Any] | None = None
) -> LocalizedShot:
    """One localized shot from its master shot, before speech-rate fitting.

    Hand-set talent, wardrobe, setting and motifs in `overrides` go into the composed prompt; every overridden
    field, the prompt included, keeps the creator's value.
    """
    overrides = overrides or {}
    m, style, cat = ctx.market, ctx.style, ctx.category
    scene = compose_scene(shot, index, ctx, overrides)
    negative = ", ".join(_dedup(BASE_NEGATIVE + cat.negative + m.negative + (style.negative if style else [])))
    flags: list[Flag] = []
    voiceover, back = _line("voice-over", shot.voiceover, key, shot.beat, ctx, flags)
    caption, _ = _line("caption", shot.on_screen_text, key, shot.beat, ctx, flags)
    for kind, text in (("voice-over", voiceover), ("caption", caption)):
        if not any(f.kind == "untranslated" and f" {kind} " in f.message for f in flags):
            flags += script_flags(kind, text, ctx)
    for text in _dedup([voiceover, caption]):
        flags += claim_flags(text, ctx)
    missing = missing_glyphs(caption, ctx.language_code) if caption else []
    if missing:
        flags.append(
            Flag(
                kind="font",
                message=(
                    f"The caption has characters no installed font draws: {' '.join(missing)} "
                    f"({', '.join(f'U+{ord(c):04X}' for c in missing)}); they would show as boxes."
                ),
            )
        )
    out = LocalizedShot(
        shot_id=shot.id,
        duration_s=shot.duration_s,
        prompt=scene.prompt,
        negative_prompt=negative,
        talent=scene.talent,
        wardrobe=scene.wardrobe,
        setting=scene.setting,
        motifs=scene.motifs,
        cast=scene.cast,
        props=scene.props,
        occasion=scene.occasion,
        line_source=scene.line_source,
        voiceover=voiceover,
        caption=caption,
        back_translation=back,
        flags=flags,
        source_hash=source_hash(shot),
        overrides=dict(overrides),
    )
    return apply_overrides(out)


def apply_overrides(shot: LocalizedShot) -> LocalizedShot:
    """Fields a creator set by hand win over derived ones."""
    for name, value in shot.overrides.items():
        if name in LocalizedShot.model_fields and name not in ("overrides", "shot_id"):
            setattr(shot, name, value)
    return shot


def fit_variant(shots: list[LocalizedShot], master: Storyboard, ctx: VariantContext) -> None:
    """Fit each voice-over to its shot at the language's speech rate: lengthen within the total, else flag."""
    fixed = {i for i, s in enumerate(master.shots) if s.beat == "hook"}
    fixed |= {i for i, s in enumerate(shots) if "duration_s" in s.overrides}
    fit = fit_lines([s.voiceover for s in shots], [s.duration_s for s in shots], ctx.language.speech_rate, fixed=fixed)
    rate = ctx.language.speech_rate
    for i, s in enumerate(shots):
        s.flags = [f for f in s.flags if f.kind != "too-long"]
        if "duration_s" not in s.overrides:
            s.duration_s = fit.durations[i]
        if i in fit.over:
            secs, cut = fit.over[i]
            unit = rate.unit if cut > 1 else rate.unit.removesuffix("s")
            s.flags.append(
                Flag(
                    kind="too-long",
                    message=(
                        f"The {ctx.language.name} line runs {secs:g} s over its {s.duration_s:g} s shot at "
                        f"{rate.per_second:g} {rate.unit}/s: cut about {cut} {unit}."
                    ),
                )
            )


def localize_variant(storyboard: Storyboard, ctx: VariantContext) -> Variant:
    m, style = ctx.market, ctx.style
    shots = [derive_shot(s, i, shot_copy_key(storyboard.shots, s.id), ctx) for i, s in enumerate(storyboard.shots)]
    fit_variant(shots, storyboard, ctx)
    copy = variant_copy(ctx)
    master = is_master_language(ctx)
    cta = (copy.call_to_action if copy else None) or (ctx.brief.call_to_action if master else None)
    cta = cta or _pick(m.call_to_action.get(ctx.language.code, []), 0) or ctx.brief.call_to_action
    legal = (copy.legal if copy else None) or ""
    if not legal and ctx.brief.legal:
        legal = ctx.brief.legal
        if not master and shots:
            shots[-1].flags.append(
                Flag(
                    kind="untranslated",
                    message=(
                        f"The legal line has no {ctx.language.name} version: add [copy.{ctx.language_code}] legal "
                        "to the brief (legal text is never machine-translated)."
                    ),
                )
            )
    return Variant(
        id=ctx.variant_id,
        market=m.code,
        language=ctx.language_code,
        segment=ctx.segment.id,
        name=f"{m.name} · {ctx.segment.name}",
        palette=_dedup((style.palette if style else []) + m.palette)[:5],
        call_to_action=cta,
        legal=legal,
        shots=shots,
    )
