"""Localized shots: each master shot re-cast, re-set and re-worded for one market × segment.

`derive_shot` is pure (master shot + variant context → localized shot), so a master edit can re-derive exactly the
shots it touches (see restage.py) and compare hashes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from pipelines.fonts import missing_glyphs, script_for_language, script_of_char
from studio.model.brief import SuppliedCopy
from studio.model.ids import stable_hash
from studio.model.project import Flag, LocalizedShot, Shot, Storyboard, Variant
from studio.planning.context import VariantContext
from studio.planning.knowledge import SpeechRate
from studio.planning.speech import LEAD_S, fit_needs, line_rate, speech_limits, speech_units, spoken_seconds, unit_name
from studio.planning.storyboard import line_language, shot_copy_key

FRAMING_WORDS = {
    "wide": "wide establishing shot",
    "medium": "medium shot",
    "close-up": "close-up portrait",
    "extreme-close-up": "extreme close-up, macro detail",
    "product": "product hero shot",
}
BASE_NEGATIVE = ["blurry", "low quality", "watermark", "garbled text", "deformed hands", "extra limbs"]
CTA_BEATS = {"cta"}
MAN = re.compile(r"\b(man|men|boy|father|husband)\b", re.IGNORECASE)


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


def _interleave(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max(len(a), len(b))):
        out += [x[i] for x in (a, b) if i < len(x)]
    return out


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


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def derive_shot(
    shot: Shot, index: int, key: str, ctx: VariantContext, overrides: dict[str, Any] | None = None
) -> LocalizedShot:
    """One localized shot from its master shot, before speech-rate fitting.

    Hand-set talent, wardrobe, setting and motifs in `overrides` go into the composed prompt; every overridden
    field, the prompt included, keeps the creator's value.
    """
    overrides = overrides or {}
    m, style, cat = ctx.market, ctx.style, ctx.category
    at_home = shot.beat in cat.home_beats
    home = (style.home if style and style.home else "") or m.home
    pool = _interleave(m.settings, style.settings) if style else m.settings
    if style and style.lead_settings:
        pool = _interleave(style.settings, m.settings)
    setting = home if at_home else _pick(pool, index)
    motifs = _dedup(
        ([_pick(style.motifs, index)] if style and style.motifs else [])
        + [_pick(m.motifs, index + k) for k in range(3 if at_home else 4)]
    )
    talent = _pick(m.talent, ctx.index)
    source = style or m
    wardrobes = source.wardrobe_men if MAN.search(talent) and source.wardrobe_men else source.wardrobe
    wardrobe = _pick(wardrobes, ctx.index)
    if m.prompt_modesty:
        wardrobe = f"{wardrobe}, {m.prompt_modesty}"
    if style and style.talent:
        talent = f"{talent}, {style.talent}"
    talent = str(overrides.get("talent", talent))
    wardrobe = str(overrides.get("wardrobe", wardrobe))
    setting = str(overrides.get("setting", setting))
    if isinstance(overrides.get("motifs"), list):
        motifs = list(overrides["motifs"])
    who = f"the hands of {_article(talent.split(',')[0])}" if shot.framing == "product" else talent
    look = style.look if style else "bright commercial photography, natural skin texture"
    palette_words = (style.palette_words if style and style.palette_words else "") or m.palette_words
    prompt = ", ".join(
        p
        for p in (
            FRAMING_WORDS[shot.framing],
            shot.visual,
            f"{who} wearing {wardrobe}",
            f"set in {setting}",
            ", ".join(motifs),
            look,
            f"colour palette: {palette_words}" if palette_words else "",
            f"{m.name} short-video ad",
        )
        if p
    )
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
        prompt=prompt,
        negative_prompt=negative,
        talent=talent,
        wardrobe=wardrobe,
        setting=setting,
        motifs=motifs,
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


def _needs(texts: list[str], rate: SpeechRate, language: str, speed: float) -> list[float]:
    """Seconds each line needs in its shot (lead-in included) when spoken `speed`× the language's rate."""
    out = []
    for t in texts:
        r, _ = line_rate(t, rate, language)
        out.append(spoken_seconds(t, r) / speed + (LEAD_S if t.strip() else 0.0))
    return out


def _fit_at(texts: list[str], durations: list[float], rate: SpeechRate, language: str, speed: float, fixed: set[int]):
    """Retime shots within the total so each line fits when spoken `speed`× faster (each line in its own units)."""
    durations, over = fit_needs(_needs(texts, rate, language, speed), durations, fixed=fixed)
    return _Fitted(durations, over)


@dataclass(frozen=True)
class _Fitted:
    durations: list[float]
    over: dict[int, float]


def fit_variant(shots: list[LocalizedShot], master: Storyboard, ctx: VariantContext) -> None:
    """Fit each localized voice-over to its shot, measured on its own text in its language's units.

    A line that does not fit even after the other shots lend it time (the total stays the brief's) is, in order:
    replaced by its best shorter alternative that fits (`LocalizedShot.alternatives`, best first); spoken faster,
    within the language's bounds (assets/knowledge/speech.toml), the rate recorded in `LocalizedShot.speech_rate`
    for the render; else flagged too long, saying how many words or characters of *that* language to cut.
    """
    rate, language = ctx.language.speech_rate, ctx.language_code
    _, fastest = speech_limits().rate_bounds(language)
    fixed = {i for i, s in enumerate(master.shots) if s.beat == "hook" and i < len(shots)}
    fixed |= {i for i, s in enumerate(shots) if "duration_s" in s.overrides}
    planned = [s.duration_s for s in shots]
    texts = [s.voiceover for s in shots]
    for s in shots:
        # A line swapped in by an earlier fit keeps its note (it is still what the shot says); stale notes go.
        s.flags = [
            f
            for f in s.flags
            if f.kind != "too-long"
            and not (f.message.startswith(SHORTER) and not f.message.startswith(f"{SHORTER} \u201c{s.voiceover}\u201d"))
        ]

    fit = _fit_at(texts, planned, rate, language, 1.0, fixed)
    for i in sorted(fit.over):
        s = shots[i]
        if "voiceover" in s.overrides or not s.alternatives:
            continue
        current = _needs([texts[i]], rate, language, 1.0)[0]
        options = [a for a in s.alternatives if a.strip() and _needs([a], rate, language, 1.0)[0] < current]
        chosen = None
        for speed in (1.0, fastest):
            for alt in options:
                trial = _fit_at([*texts[:i], alt, *texts[i + 1 :]], planned, rate, language, speed, fixed)
                if i not in trial.over:
                    chosen = alt
                    break
            if chosen:
                break
        if chosen is None and options:
            chosen = min(options, key=lambda a: _needs([a], rate, language, 1.0)[0])
        if chosen is not None:
            s.flags.append(
                Flag(kind="other", message=f"{SHORTER} \u201c{chosen}\u201d instead of \u201c{texts[i]}\u201d.")
            )
            if "voice-over" in s.line_status:
                s.line_status["voice-over"].note = f"shorter alternative chosen to fit its {s.duration_s:g} s shot"
            texts[i] = chosen
            s.voiceover = chosen

    speed = 1.0
    fit = _fit_at(texts, planned, rate, language, speed, fixed)
    while fit.over and speed < fastest - 1e-9:
        speed = min(fastest, round(speed + 0.05, 2))
        fit = _fit_at(texts, planned, rate, language, speed, fixed)
    base = _needs(texts, rate, language, 1.0)
    for i, s in enumerate(shots):
        if "duration_s" not in s.overrides:
            s.duration_s = fit.durations[i]
        if "speech_rate" not in s.overrides:
            spoken = base[i] - (LEAD_S if texts[i].strip() else 0.0)
            room = max(1e-6, s.duration_s - LEAD_S)
            wanted = spoken / room if spoken > room else 1.0
            s.speech_rate = round(min(speed, max(1.0, math.ceil(wanted * 100 - 1e-9) / 100)), 2)
        if i in fit.over:
            s.flags.append(Flag(kind="too-long", message=too_long_advice(texts[i], s.duration_s, speed, ctx)))


#: How a speech-fit flag that swapped in a shorter alternative begins (so a refit can drop the old one).
SHORTER = "Shorter line used to fit the shot:"


def too_long_advice(text: str, duration_s: float, speed: float, ctx: VariantContext) -> str:
    """Which line, by how much it runs over, and how many words/characters of its own language to cut."""
    r, own = line_rate(text, ctx.language.speech_rate, ctx.language_code)
    room = max(0.0, duration_s - LEAD_S)
    said = spoken_seconds(text, r) / speed
    over = max(0.05, said - room)
    total = speech_units(text, r)
    cut = min(total, max(1, math.ceil(over * r.per_second * speed - 1e-9)))
    faster = f" even spoken {speed:g}\u00d7 faster" if speed > 1.0 else ""
    if not own:
        return (
            f"The line \u201c{text}\u201d is not in {ctx.language.name} yet (measured as {r.unit} of the text as "
            f"written): translate it first. As written it runs {over:.1f} s over its {duration_s:g} s shot{faster}: "
            f"cut about {cut} of its {total} {unit_name(r, total)}."
        )
    return (
        f"The {ctx.language.name} line \u201c{text}\u201d runs {over:.1f} s over its {duration_s:g} s shot{faster} "
        f"at {r.per_second:g} {r.unit}/s: cut about {cut} of its {total} {ctx.language.name} {unit_name(r, total)}."
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
