"""Localized shots: each master shot re-cast, re-set and re-worded for one market × segment.

`derive_shot` is pure (master shot + variant context → localized shot), so a master edit can re-derive exactly the
shots it touches (see restage.py) and compare hashes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.fonts import missing_glyphs, script_for_language, script_of_char
from studio.model.brief import SuppliedCopy
from studio.model.ids import stable_hash
from studio.model.project import Flag, LineOrigin, LineSource, LineStatus, LocalizedShot, Shot, Storyboard, Variant
from studio.planning.context import VariantContext
from studio.planning.knowledge import SpeechRate
from studio.planning.phrases import load_banks, match
from studio.planning.scene import compose_scene, variant_line
from studio.planning.speech import LEAD_S, fit_needs, line_rate, speech_limits, speech_units, spoken_seconds, unit_name
from studio.planning.storyboard import line_language, short_caption, shot_copy_key
from studio.planning.wording import BRIEF_MATERIAL, NoWording, Wording, bank_wording, derive_line_source

BASE_NEGATIVE = ["blurry", "low quality", "watermark", "garbled text", "deformed hands", "extra limbs"]
CTA_BEATS = {"cta"}
#: How a call to action's note starts when the brief's offer is not said (check lists it for review).
OFFER_NOT_SAID = "the brief's call to action"
#: What each call-to-action intent of the lexicon's [ctas] asks, as the review note says it.
ASKS = {"sample": "get a free sample", "try": "try it", "download": "download the app", "sign-up": "sign up"}
ASKS |= {"learn": "learn more", "link": "tap the link"}


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


def has_regional_bank(ctx: VariantContext) -> bool:
    """The variant speaks a regional variety of the master language (en-GB for a brief written in en) and a phrase
    bank is written for exactly that variety (en-GB.toml): the planner's own words (hooks, pains) are said from it,
    in the region's spelling and idiom. Varieties without their own bank (en-US, en-NG, en-SG...) keep the master
    lines."""
    code = ctx.language_code
    if not is_master_language(ctx) or code.lower() == line_language(ctx.brief).lower():
        return False
    bank = load_banks().bank(code)
    return bank is not None and code.lower() in {c.lower() for c in bank.codes()}


def _regional_line(kind: str, shot: Shot, key: str, ctx: VariantContext, own: LineSource | None) -> Line | None:
    """A master-language variant's line from its regional bank (see has_regional_bank), or None to keep the master
    line: the brief's own words (selling points, claims, copy, call to action) are kept as the brief writes them."""
    if shot.beat in CTA_BEATS or not has_regional_bank(ctx):
        return None
    if shot.line_source and any(t.startswith(("selling-point:", "claim:")) for t in shot.line_source.tags):
        return None  # a selling point or claim is shown beside this line: the brief's words, kept as written
    source = own if own is not None and own.kind != "copy" else derive_line_source(shot, key, ctx.brief, ctx.category)
    if source.kind in BRIEF_MATERIAL or source.kind == "call-to-action":
        return None
    words = bank_line(shot, key, ctx, own)
    if not isinstance(words, Wording):
        return None
    status = LineStatus(origin="phrase-bank", note=words.note)
    if kind == "caption":
        return Line(words.caption, status=status)
    return Line(words.text, status=status, alternatives=words.alternatives)


def supplied_origin(kind: str, key: str, beat: str, ctx: VariantContext) -> tuple[str, LineOrigin] | None:
    """Copy written for this variant's language: brief copy, else the market's CTA phrase for the CTA beat."""
    copy = variant_copy(ctx)
    table = (copy.lines if kind == "voice-over" else copy.captions) if copy else {}
    if key in table:
        return table[key], "brief-copy"
    if beat in CTA_BEATS:
        if copy and copy.call_to_action:
            return copy.call_to_action, "brief-copy"
        _, phrase = pack_call_to_action(
            ctx.brief.call_to_action, ctx.market.call_to_action.get(ctx.language.code, []), ctx.category.id
        )
        if phrase:  # else the category's own call to action, from the phrase bank
            return phrase, "market-pack"
    return None


def supplied_line(kind: str, key: str, beat: str, ctx: VariantContext) -> str | None:
    """Copy written for this variant's language (brief copy, else the market's CTA phrase for the CTA beat)."""
    found = supplied_origin(kind, key, beat, ctx)
    return found[0] if found else None


def language_codes(ctx: VariantContext) -> tuple[str, ...]:
    return tuple(dict.fromkeys((ctx.language_code, ctx.language.code)))


def bank_line(shot: Shot, key: str, ctx: VariantContext, own: LineSource | None = None) -> Wording | NoWording:
    """What the variant's phrase bank says for this shot's material: the variant's own (its segment's hook and
    pain, `own`) where the scene gave one, else the master shot's."""
    source = own if own is not None and own.kind != "copy" else derive_line_source(shot, key, ctx.brief, ctx.category)
    return bank_wording(
        source,
        shot.beat,
        ctx.brief,
        ctx.category,
        load_banks(),
        language_codes(ctx),
        ctx.style.id if ctx.style else None,
        names_brand=bool(ctx.brief.brand) and ctx.brief.brand in shot.voiceover,
    )


def shown_extras(shot: Shot, ctx: VariantContext) -> list[str] | NoWording:
    """Selling points and claims the master shows on screen beside this shot's line (`selling-point:<i>`,
    `claim:<i>` tags), each said by the phrase bank, or why one can't be."""
    out: list[str] = []
    tags = shot.line_source.tags if shot.line_source else []
    for tag in tags:
        kind, _, number = tag.partition(":")
        if kind not in ("selling-point", "claim") or not number.isdigit():
            continue
        items = ctx.brief.selling_points if kind == "selling-point" else ctx.brief.mandatory_claims
        if int(number) >= len(items):
            continue
        source = LineSource(kind=kind, text=items[int(number)], index=int(number))
        words = bank_wording(
            source,
            "proof" if kind == "claim" else "solution",
            ctx.brief,
            ctx.category,
            load_banks(),
            language_codes(ctx),
            ctx.style.id if ctx.style else None,
        )
        if isinstance(words, NoWording):
            return NoWording(f"the on-screen {kind.replace('-', ' ')} \u201c{items[int(number)]}\u201d: {words.reason}")
        out.append(words.caption)
    return out


def lines_to_translate(storyboard: Storyboard, ctx: VariantContext) -> list[str]:
    """Master lines this variant would otherwise show untranslated: no copy for them and nothing in the bank."""
    if is_master_language(ctx):
        return []
    out: list[str] = []
    for shot in storyboard.shots:
        key = shot_copy_key(storyboard.shots, shot.id)
        banked: bool | None = None
        for kind, text in (("voice-over", shot.voiceover), ("caption", shot.on_screen_text)):
            if not text.strip() or text in out or supplied_line(kind, key, shot.beat, ctx) is not None:
                continue
            if banked is None:
                banked = isinstance(bank_line(shot, key, ctx), Wording)
            if not banked:
                out.append(text)
    return out


@dataclass
class Line:
    """One localized line, where it came from, and its shorter forms."""

    text: str = ""
    back: str = ""
    status: LineStatus | None = None
    alternatives: list[str] = field(default_factory=list)


OVERRIDE_FIELD = {"voice-over": "voiceover", "caption": "caption"}


def _line(
    kind: str,
    shot: Shot,
    key: str,
    ctx: VariantContext,
    flags: list[Flag],
    overrides: dict[str, Any] | None = None,
    kept: dict[str, LineStatus] | None = None,
    own: LineSource | None = None,
) -> Line:
    """A voice-over or caption and its origin: brief copy, a creator's (or translator file's) edit, the market's
    CTA, the phrase bank, the LLM, else the master line flagged untranslated."""
    master_text = shot.voiceover if kind == "voice-over" else shot.on_screen_text
    beat = shot.beat
    overrides = overrides or {}
    name = OVERRIDE_FIELD[kind]
    if name in overrides:
        prev = (kept or {}).get(kind)
        if prev is not None and prev.origin in ("translator-file", "creator-edit"):
            return Line(str(overrides[name]), status=prev.model_copy())
        return Line(str(overrides[name]), status=LineStatus(origin="creator-edit", note="edited by hand"))
    if not master_text.strip():
        return Line()
    if is_master_language(ctx):
        if beat in CTA_BEATS and script_flags(kind, master_text, ctx):
            found = supplied_origin(kind, key, beat, ctx)
            if found:
                return Line(found[0], status=LineStatus(origin=found[1]))
        regional = _regional_line(kind, shot, key, ctx, own)
        if regional is not None:
            return regional
        segment_line = variant_line(shot, ctx)  # this segment's own hook or pain, in the planner's words
        if segment_line is not None:
            shown = segment_line if kind == "voice-over" else short_caption(segment_line)
            return Line(shown, status=LineStatus(origin="master", note="this segment's own material"))
        return Line(master_text, status=LineStatus(origin="master"))
    found = supplied_origin(kind, key, beat, ctx)
    if found is not None:
        return Line(found[0], status=LineStatus(origin=found[1]))
    words = bank_line(shot, key, ctx, own)
    if isinstance(words, NoWording) and own is not None and own.kind != "copy" and own != shot.line_source:
        # The segment's own hook or pain has no words in this bank; the master line's material may. Saying that
        # beats showing the master line untranslated (which is what the flag would show).
        said = bank_line(shot, key, ctx)
        if isinstance(said, Wording):
            note = f"{said.note}; the master line's material (this segment's own has no bank line: {words.reason})"
            words = Wording(said.text, said.caption, said.alternatives, note)
    if isinstance(words, Wording) and kind == "caption":
        extras = shown_extras(shot, ctx)
        if not isinstance(extras, NoWording):
            caption = " \u00b7 ".join([words.caption, *extras])
            return Line(caption, status=LineStatus(origin="phrase-bank", note=words.note))
        words = extras  # a selling point or claim shown beside the line has no words here: the caption is not local
    if isinstance(words, Wording):
        status = LineStatus(origin="phrase-bank", note=words.note)
        return Line(words.text, status=status, alternatives=words.alternatives)
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
        text = _names_in(tr.text, ctx)
        return Line(text, tr.back, LineStatus(origin="llm", note=f"machine-translated ({tr.source})"))
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
                f"\u201c{master_text}\u201d ({words.reason}). Add [copy.{ctx.language_code}.{table_name}] {key} to "
                f"the brief; {llm_hint}."
            ),
        )
    )
    return Line(master_text, status=LineStatus(origin="untranslated", note=words.reason))


def _names_in(text: str, ctx: VariantContext) -> str:
    """Brand and product names as the brief writes them in this language."""
    for code in language_codes(ctx):
        table = ctx.brief.names.get(code) or ctx.brief.names.get(code.split("-")[0])
        if table:
            for name in sorted(table, key=len, reverse=True):
                text = text.replace(name, table[name])
            return text
    return text


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
    shot: Shot,
    index: int,
    key: str,
    ctx: VariantContext,
    overrides: dict[str, Any] | None = None,
    kept_status: dict[str, LineStatus] | None = None,
) -> LocalizedShot:
    """One localized shot from its master shot, before speech-rate fitting.

    Hand-set talent, wardrobe, setting and motifs in `overrides` go into the composed prompt; every overridden
    field, the prompt included, keeps the creator's value. `kept_status` is the shot's earlier line status, so a
    hand-set or imported (translator-file) line keeps its origin.
    """
    overrides = overrides or {}
    m, style, cat = ctx.market, ctx.style, ctx.category
    scene = compose_scene(shot, index, ctx, overrides)
    negative = ", ".join(_dedup(BASE_NEGATIVE + cat.negative + m.negative + (style.negative if style else [])))
    flags: list[Flag] = []
    spoken = _line("voice-over", shot, key, ctx, flags, overrides, kept_status, scene.line_source)
    shown = _line("caption", shot, key, ctx, flags, overrides, kept_status, scene.line_source)
    voiceover, back, caption = spoken.text, spoken.back, shown.text
    line_status = {k: line.status for k, line in (("voice-over", spoken), ("caption", shown)) if line.status}
    for kind, text in (("voice-over", voiceover), ("caption", caption)):
        if not any(f.kind == "untranslated" and f" {kind} " in f.message for f in flags):
            flags += script_flags(kind, text, ctx)
    banked = any(line.status and line.status.origin == "phrase-bank" for line in (spoken, shown))
    said = _dedup([voiceover, caption] + ([shot.voiceover] if banked else []))
    seen_claims: set[str] = set()
    for text in said:  # a bank line says the master's claim in words the English patterns may not catch
        for f in claim_flags(text, ctx):
            if f.message not in seen_claims:
                seen_claims.add(f.message)
                flags.append(f)
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
        line_status=line_status,
        alternatives=spoken.alternatives,
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


def _fit_at(
    texts: list[str], durations: list[float], rate: SpeechRate, language: str, speed: float, fixed: set[int]
) -> _Fitted:
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
                status = s.line_status["voice-over"]
                why = f"shorter alternative chosen to fit its {s.duration_s:g} s shot"
                status.note = f"{status.note}; {why}" if status.note else why
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
    cta, legal, status = variant_lines(storyboard, ctx, shots)
    return Variant(
        id=ctx.variant_id,
        market=m.code,
        language=ctx.language_code,
        segment=ctx.segment.id,
        name=f"{m.name} · {ctx.segment.name}",
        palette=_dedup((style.palette if style else []) + m.palette)[:5],
        call_to_action=cta,
        legal=legal,
        line_status=status,
        shots=shots,
    )


def pack_call_to_action(brief_cta: str, phrases: list[str], category: str) -> tuple[str, str]:
    """What the brief's call to action asks (`try`, `order`, `book`... from the lexicon's [ctas]; '' when no intent
    is recognised) and the market pack's first phrase asking the same, or '' (then the category's own CTA speaks:
    a free sample is not an 'Order now', a test drive not a 'Download the app'). A CTA with no recognised intent
    takes the pack's first phrase, as a pack is written with its most general phrase first."""
    asked = match(load_banks().lexicon, "ctas", brief_cta, category) if brief_cta else None
    if asked is None:
        return "", _pick(phrases, 0)
    return asked.tag, next((p for p in phrases if asks(p, asked.tag, category)), "")


#: Intents one phrase may answer for another: 'Shop now' and 'Order now' are the same ask in a pack's own words.
SAME_ASK = {"buy": {"buy", "order"}, "order": {"order", "buy"}}


def asks(text: str, intent: str, category: str) -> bool:
    """Whether a call to action asks `intent` (the lexicon's [ctas]: the earliest intent word in it wins)."""
    said = match(load_banks().lexicon, "ctas", text, category)
    return said is not None and said.tag in SAME_ASK.get(intent, {intent})


def variant_lines(
    storyboard: Storyboard, ctx: VariantContext, shots: list[LocalizedShot]
) -> tuple[str, str, dict[str, LineStatus]]:
    """The variant's call to action and legal line, each with its origin; the last shot carries their flags.

    CTA: brief copy, the brief's own CTA in the master language, the market pack's phrase, the phrase bank, else
    the master CTA flagged. Legal: brief copy or the master legal line (flagged: legal text is never generated).
    """
    m = ctx.market
    copy = variant_copy(ctx)
    master = is_master_language(ctx)
    status: dict[str, LineStatus] = {}
    flags = shots[-1].flags if shots else []
    phrases = m.call_to_action.get(ctx.language.code, [])
    asked, pack_cta = pack_call_to_action(ctx.brief.call_to_action, phrases, ctx.category.id)
    cta_shot = next((s for s in storyboard.shots if s.beat in CTA_BEATS), None)
    words = bank_line(cta_shot, "cta", ctx) if cta_shot else NoWording("the storyboard has no call-to-action shot")
    if copy and copy.call_to_action:
        cta, status["call-to-action"] = copy.call_to_action, LineStatus(origin="brief-copy")
    elif master:
        cta, status["call-to-action"] = ctx.brief.call_to_action, LineStatus(origin="master")
    elif pack_cta:
        cta, status["call-to-action"] = pack_cta, LineStatus(origin="market-pack")
    elif isinstance(words, Wording):  # the category's own call to action: on topic, if not the brief's offer
        note = ""
        if asked and not asks(words.text, asked, ctx.category.id) and not asks(words.caption, asked, ctx.category.id):
            note = (
                f"; {OFFER_NOT_SAID} \u201c{ctx.brief.call_to_action}\u201d asks to {ASKS.get(asked, asked)}, "
                f"which no {ctx.language.name} phrase here does: add [copy.{ctx.language_code}] call_to_action to "
                "the brief to keep its offer"
            )
        cta, status["call-to-action"] = words.caption, LineStatus(origin="phrase-bank", note=words.note + note)
    elif phrases:
        cta, status["call-to-action"] = phrases[0], LineStatus(origin="market-pack")
    else:
        cta, status["call-to-action"] = ctx.brief.call_to_action, LineStatus(origin="untranslated")
        flags.append(
            Flag(
                kind="untranslated",
                message=(
                    f"The call to action has no {ctx.language.name} version: showing \u201c{cta}\u201d. Add "
                    f"[copy.{ctx.language_code}] call_to_action to the brief or a `{ctx.language.code}` phrase to "
                    f"[call_to_action] in markets/{m.code.lower()}.toml."
                ),
            )
        )
    legal = (copy.legal if copy else None) or ""
    if legal:
        status["legal"] = LineStatus(origin="brief-copy")
    elif ctx.brief.legal:
        legal = ctx.brief.legal
        if master:
            status["legal"] = LineStatus(origin="master")
        else:
            status["legal"] = LineStatus(origin="untranslated", note="legal text is never machine-translated")
            flags.append(
                Flag(
                    kind="untranslated",
                    message=(
                        f"The legal line has no {ctx.language.name} version: add [copy.{ctx.language_code}] legal "
                        "to the brief (legal text is never machine-translated)."
                    ),
                )
            )
    return cta, legal, status
