"""The master storyboard: a story structure from the packs, scaled to the brief, in the master language."""

from __future__ import annotations

import re

from studio.model.brief import Brief, SuppliedCopy
from studio.model.project import Insight, Shot, Storyboard
from studio.planning.knowledge import Beat, Benefit, Category, Structure

HOOK_MAX_S = 2.0
#: Beats of the longer structures borrow the visuals of the core beat they extend.
BEAT_FAMILY = {"setup": "hook", "demo": "solution", "testimonial": "proof", "offer": "cta"}


def scaled_durations(structure: Structure, total: float) -> list[float]:
    """Beat lengths scaled to `total` (0.1 s steps, exact sum); the hook never runs past 2 s."""
    scale = total / structure.duration_s
    raw = [b.seconds * scale for b in structure.beats]
    if raw[0] > HOOK_MAX_S:
        spare = raw[0] - HOOK_MAX_S
        raw[0] = HOOK_MAX_S
        rest = sum(raw[1:])
        raw = [raw[0]] + [r + spare * r / rest for r in raw[1:]]
    out = [max(0.5, round(r, 1)) for r in raw]
    k = max(range(1, len(out)), key=lambda i: out[i])
    out[k] = round(out[k] + total - sum(out), 2)
    return out


def matched_benefits(brief: Brief, category: Category) -> list[Benefit]:
    """The category's benefits that the brief's selling points talk about, in selling-point order."""
    found: list[Benefit] = []
    for sp in brief.selling_points:
        text = sp.lower()
        for b in category.benefits:
            if b not in found and any(re.search(rf"\b{re.escape(k.lower())}", text) for k in b.keywords):
                found.append(b)
                break
    return found or [category.benefits[0]]


def copy_key(beat: str, occurrence: int) -> str:
    """Supplied copy is keyed by beat; a beat's second shot reads '<beat>-2', and so on."""
    return beat if occurrence == 0 else f"{beat}-{occurrence + 1}"


def shot_copy_key(shots: list[Shot], shot_id: str) -> str:
    idx = next(i for i, s in enumerate(shots) if s.id == shot_id)
    beat = shots[idx].beat
    return copy_key(beat, sum(1 for s in shots[:idx] if s.beat == beat))


def line_language(brief: Brief) -> str:
    """The language the master lines are in: the brief's master language when copy is supplied in it; otherwise
    English, the language of the planner's own line templates."""
    copy = brief.copy_by_language.get(brief.master_language)
    return brief.master_language if copy and (copy.lines or copy.captions) else "en"


def master_copy(brief: Brief) -> SuppliedCopy:
    return brief.copy_by_language.get(brief.master_language) or SuppliedCopy()


def _default_line(beat: str, brief: Brief, category: Category, n: int) -> str:
    copy = master_copy(brief)
    sp = brief.selling_points
    if beat == "hook":
        return copy.tagline or (brief.notes.split(":")[-1].strip().rstrip(".") + "." if brief.notes else sp[0])
    if beat in ("problem", "tension"):
        return category.pain_points[n % len(category.pain_points)].capitalize() + "."
    if beat == "setup":
        return f"{brief.notes.split('.')[0]}." if brief.notes else sp[0].capitalize() + "."
    if beat in ("solution", "demo", "feature"):
        k = n + (1 if beat == "demo" else 0)
        return f"{brief.brand} {brief.product}: {sp[k % len(sp)]}."
    if beat == "testimonial":
        return f"Real routine, real result: {sp[-1]}."
    if beat == "offer":
        return f"{brief.brand}: {sp[0]}."
    if beat in ("proof", "result"):
        return (brief.mandatory_claims[0] + ". " if brief.mandatory_claims else "") + (copy.tagline or sp[-1]) + "."
    if beat == "cta":
        return copy.call_to_action or brief.call_to_action
    return sp[n % len(sp)].capitalize() + "."


def _default_caption(beat: str, line: str, brief: Brief) -> str:
    if beat == "cta":
        return master_copy(brief).call_to_action or brief.call_to_action
    words = line.rstrip(".").split()
    return " ".join(words[:5])


def _visual(beat: Beat, category: Category, benefits: list[Benefit], n: int) -> str:
    family = BEAT_FAMILY.get(beat.beat, beat.beat)
    if beat.beat in category.beat_visuals:
        base = category.beat_visuals[beat.beat]
    elif beat.beat in BEAT_FAMILY:
        base = beat.purpose
    else:
        base = category.beat_visuals.get(family, beat.purpose)
    b = benefits[(n + (1 if beat.beat == "demo" else 0)) % len(benefits)]
    if family == "solution":
        return f"{base}; {b.visual}"
    if family == "proof" and b.proof:
        return f"{base}; {b.proof}"
    if beat.beat == "cta":
        return f"{base}; {category.product_shot}"
    return base


def cite(beat: Beat, insights: list[Insight]) -> list[str]:
    """Insight ids this beat serves: per persona the first pack (and first LLM) insight of each kind it serves."""
    ids: list[str] = []
    seen: set[tuple[str | None, str, bool]] = set()
    for ins in insights:
        key = (ins.persona_id, ins.kind, ins.source.startswith("llm:"))
        if ins.kind in beat.serves and key not in seen:
            seen.add(key)
            ids.append(ins.id)
    if beat.beat == "hook":
        ids = [i.id for i in insights if i.source == "brief.notes"] + ids
    if not ids:
        ids = [i.id for i in insights if i.persona_id is None][:1]
    return ids


def plan_storyboard(brief: Brief, category: Category, structure: Structure, insights: list[Insight]) -> Storyboard:
    benefits = matched_benefits(brief, category)
    copy = master_copy(brief)
    durations = scaled_durations(structure, brief.duration_s)
    shots: list[Shot] = []
    used: dict[str, int] = {}
    for i, (beat, dur) in enumerate(zip(structure.beats, durations, strict=True)):
        n = used.get(beat.beat, 0)
        used[beat.beat] = n + 1
        key = copy_key(beat.beat, n)
        line = copy.lines.get(key) or _default_line(beat.beat, brief, category, n)
        caption = copy.captions.get(key) or _default_caption(beat.beat, line, brief)
        shots.append(
            Shot(
                id=f"s{i + 1}",
                beat=beat.beat,
                duration_s=dur,
                visual=_visual(beat, category, benefits, n),
                framing=beat.framing,
                camera=beat.camera,
                voiceover=line,
                on_screen_text=caption,
                sound_cue=beat.sound,
                transition=beat.transition,
                insight_ids=cite(beat, insights),
            )
        )
    tagline = copy.tagline or brief.selling_points[0]
    return Storyboard(
        concept=f"{brief.brand} {brief.product} — {tagline}",
        theme=f"{brief.tone}; {benefits[0].id} first: {brief.selling_points[0]}",
        language=line_language(brief),
        shots=shots,
    )
