"""The master storyboard: a story structure from the packs, scaled to the brief, in the master language.

One grammar for every category: the hook comes from the segment's strongest insight, the problem from its closest
pain, each selling point is said (or shown) once, claims are proven, and the category pack alone supplies the
pictures. `Shot.line_source` records the material of every line, so each language can say it in its own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.model.brief import Brief, SuppliedCopy
from studio.model.project import Insight, LineSource, Shot, Storyboard
from studio.planning.knowledge import (
    Beat,
    Benefit,
    Category,
    Knowledge,
    Pain,
    Structure,
    load_knowledge,
    name_product,
)
from studio.planning.segments import SegmentMaterial, segment_material

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


def benefit_for(selling_point: str, category: Category) -> Benefit | None:
    """The category benefit a selling point talks about (one of its keywords starts a word), if any."""
    text = selling_point.lower()
    for b in category.benefits:
        if any(re.search(rf"\b{re.escape(k.lower())}", text) for k in b.keywords):
            return b
    return None


def matched_benefits(brief: Brief, category: Category) -> list[Benefit]:
    """The category's benefits that the brief's selling points talk about, in selling-point order."""
    found: list[Benefit] = []
    for sp in brief.selling_points:
        b = benefit_for(sp, category)
        if b is not None and b not in found:
            found.append(b)
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


def product_name(brief: Brief) -> str:
    """'Kirim' + 'Kirim wallet app' reads 'Kirim wallet app', not 'Kirim Kirim wallet app'."""
    if brief.product.lower().startswith(brief.brand.lower()):
        return brief.product
    return f"{brief.brand} {brief.product}"


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "." if text else ""


CLAUSE = re.compile(r"\s*[,;:\u2014\u2013]\s+|\s+-\s+")


def short_caption(line: str, max_words: int = 6) -> str:
    """An on-screen super for a spoken line: the whole line when short, else its first complete clause; never a
    fragment cut mid-phrase (a super reading "learning tablet for" says nothing)."""
    text = line.strip().rstrip(".!")
    if len(text.split()) <= max_words:
        return text
    first = CLAUSE.split(text, maxsplit=1)[0]
    return first if 2 <= len(first.split()) <= max_words + 2 else text


_short = short_caption


def _bare(text: str) -> str:
    return text.strip().rstrip(".")


@dataclass
class LinePlan:
    """One master shot's material before it is written: what it says, and what else it shows on screen."""

    source: LineSource
    line: str
    caption: str = ""
    extras: list[str] = field(default_factory=list)
    extra_tags: list[str] = field(default_factory=list)
    benefit: Benefit | None = None
    pain: Pain | None = None


def _selling_point(brief: Brief, category: Category, k: int, beat: str) -> LinePlan:
    sp = brief.selling_points[k]
    b = benefit_for(sp, category)
    source = LineSource(kind="selling-point", text=sp, index=k, tags=[b.id] if b else [])
    if BEAT_FAMILY.get(beat, beat) == "solution" or beat in ("feature", "offer"):
        line = f"{product_name(brief)}: {_bare(sp)}."
    else:
        line = _sentence(sp)
    return LinePlan(source=source, line=line, caption=_bare(sp), benefit=b)


def plan_lines(brief: Brief, category: Category, structure: Structure, material: SegmentMaterial) -> list[LinePlan]:
    """The story grammar, whatever the category.

    The hook says the segment's strongest insight and the problem its closest pains. Selling points are said in
    order by the solution beats, then proof, testimonial and offer; any left over are put on screen beside them
    (`line_source.tags` then holds `selling-point:<i>`). Proof says a mandatory claim when no selling point is
    left for it; every mandatory claim is shown on screen somewhere (`claim:<i>`). The call to action comes last.
    """
    beats = [b.beat for b in structure.beats]
    family = [BEAT_FAMILY.get(b, b) for b in beats]
    waiting = list(range(len(brief.selling_points)))
    slots = [i for i, f in enumerate(family) if f == "solution" or beats[i] == "feature"]
    slots += [i for i, b in enumerate(beats) if b in ("proof", "result", "testimonial", "offer")]
    said = {i: waiting.pop(0) for i in slots if waiting}
    pains = list(material.pains) or [material.pain]
    plans: list[LinePlan] = []
    n_problem = 0
    for i, beat in enumerate(beats):
        if beat == "cta":
            cta = master_copy(brief).call_to_action or brief.call_to_action
            plan = LinePlan(LineSource(kind="call-to-action", text=cta), cta, cta)
        elif i in said:
            plan = _selling_point(brief, category, said[i], beat)
        elif beat == "hook":
            plan = LinePlan(source=material.hook, line=material.hook_line, caption=_short(material.hook_line))
        elif family[i] in ("problem", "tension"):
            pain = pains[n_problem % len(pains)]
            n_problem += 1
            line = _sentence(pain.text)
            plan = LinePlan(LineSource(kind="pain", text=pain.text, tags=[pain.id]), line, _short(line), pain=pain)
        elif beat == "setup":
            need = material.needs[0]
            plan = LinePlan(LineSource(kind="need", text=need), _sentence(need), _short(need))
        elif family[i] == "proof" and brief.mandatory_claims:
            k = sum(1 for p in plans if p.source.kind == "claim") % len(brief.mandatory_claims)
            claim = brief.mandatory_claims[k]
            plan = LinePlan(LineSource(kind="claim", text=claim, index=k), _sentence(claim), _bare(claim))
        elif beat == "offer" and master_copy(brief).tagline:
            tagline = master_copy(brief).tagline or ""
            plan = LinePlan(LineSource(kind="tagline", text=tagline), _sentence(tagline), _bare(tagline))
        elif beat in ("demo", "testimonial") and len(material.needs) > 1:
            # More beats than selling points: the segment's next need, answered, instead of a repeated line.
            need = material.needs[1 + sum(1 for p in plans if p.source.kind == "need") % (len(material.needs) - 1)]
            plan = LinePlan(LineSource(kind="need", text=need), _sentence(need), _short(need))
        else:
            again = sum(1 for j, p in enumerate(plans) if j not in said and p.source.kind == "selling-point")
            plan = _selling_point(brief, category, again % len(brief.selling_points), beat)
        plans.append(plan)
    carriers = [i for i in slots if i in said] or [i for i, f in enumerate(family) if f == "solution"] or [0]
    for n, k in enumerate(waiting):
        target = plans[carriers[n % len(carriers)]]
        target.extras.append(_bare(brief.selling_points[k]))
        target.extra_tags.append(f"selling-point:{k}")
    claimed = {p.source.index for p in plans if p.source.kind == "claim"}
    proofs = [i for i, f in enumerate(family) if f == "proof"] or carriers
    for k, claim in enumerate(brief.mandatory_claims):
        if k not in claimed:
            target = plans[proofs[k % len(proofs)]]
            target.extras.append(_bare(claim))
            target.extra_tags.append(f"claim:{k}")
    return plans


def _visual(beat: Beat, category: Category, plan: LinePlan, benefits: list[Benefit], n: int, product: str = "") -> str:
    """The category's own visual grammar for the beat, with the benefit (or the pain) this shot is about. A pack
    whose product shot says only 'the product' (home, general) has the brief's product named in every picture:
    a cordless stick vacuum, not any appliance."""
    return name_product(_pack_visual(beat, category, plan, benefits, n, product), category, product)


def _pack_visual(
    beat: Beat, category: Category, plan: LinePlan, benefits: list[Benefit], n: int, product: str = ""
) -> str:
    family = BEAT_FAMILY.get(beat.beat, beat.beat)
    if beat.beat in category.beat_visuals:
        base = category.beat_visuals[beat.beat]
    elif beat.beat in BEAT_FAMILY:
        base = beat.purpose
    else:
        base = category.beat_visuals.get(family, beat.purpose)
    if plan.pain is not None and plan.pain.visual:
        return plan.pain.visual
    b = plan.benefit or benefits[n % len(benefits)]
    if family == "solution":
        return f"{base}; {b.visual}"
    if family == "proof" and b.proof:
        return f"{base}; {b.proof}"
    if beat.beat == "cta":
        shot = category.product_shot
        if product.strip():
            shot = re.sub(r"^the product(?= in | on )", lambda _: f"the {product.strip()}", shot)
        return f"{base}; {shot}"
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


def plan_storyboard(
    brief: Brief,
    category: Category,
    structure: Structure,
    insights: list[Insight],
    knowledge: Knowledge | None = None,
) -> Storyboard:
    """The master storyboard, told for the brief's first segment (each variant re-tells the hook and the problem for
    its own segment: see scene.py). Every shot records in `line_source` what its line says."""
    knowledge = knowledge or load_knowledge()
    material = segment_material(brief, category, brief.segments[0], knowledge)
    benefits = matched_benefits(brief, category)
    copy = master_copy(brief)
    durations = scaled_durations(structure, brief.duration_s)
    plans = plan_lines(brief, category, structure, material)
    shots: list[Shot] = []
    used: dict[str, int] = {}
    for i, (beat, dur, plan) in enumerate(zip(structure.beats, durations, plans, strict=True)):
        n = used.get(beat.beat, 0)
        used[beat.beat] = n + 1
        key = copy_key(beat.beat, n)
        # Supplied copy is used as written: what it replaces is no longer said or shown, so its tags go too.
        shown = [] if key in copy.captions else plan.extra_tags
        source = plan.source.model_copy(update={"tags": plan.source.tags + shown})
        line = plan.line
        if key in copy.lines:
            line = copy.lines[key]
            source = LineSource(kind="copy", text=line, tags=shown)
        caption = copy.captions.get(key) or " · ".join(p for p in [plan.caption, *plan.extras] if p)
        shots.append(
            Shot(
                id=f"s{i + 1}",
                beat=beat.beat,
                duration_s=dur,
                visual=_visual(beat, category, plan, benefits, n, brief.product),
                framing=beat.framing,
                camera=beat.camera,
                voiceover=line,
                on_screen_text=caption,
                sound_cue=beat.sound,
                transition=beat.transition,
                insight_ids=cite(beat, insights),
                line_source=source,
            )
        )
    tagline = copy.tagline or brief.selling_points[0]
    return Storyboard(
        concept=f"{product_name(brief)} — {tagline}",
        theme=f"{brief.tone}; {benefits[0].id} first: {brief.selling_points[0]}",
        language=line_language(brief),
        shots=shots,
    )
