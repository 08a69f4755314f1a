"""Who the audience really is: a persona per market × segment, and cited insights drawn from the packs."""

from __future__ import annotations

import re

from studio.model.brief import Brief
from studio.model.project import Insight, Persona
from studio.planning.context import VariantContext
from studio.planning.knowledge import Category, load_knowledge
from studio.planning.segments import ranked_needs, ranked_pains, read_segment, segment_text

KIND_TAG = {
    "need": "need",
    "pain-point": "pain",
    "local-context": "ctx",
    "motif": "motif",
    "language": "lang",
    "caution": "caution",
}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def brief_insights(brief: Brief, category: Category) -> list[Insight]:
    """Insights every variant shares: the brief's own notes and the claims it must not make."""
    out: list[Insight] = []
    if brief.notes.strip():
        out.append(Insight(id="i-brief-need-1", kind="need", text=brief.notes.strip(), source="brief.notes"))
    for i, sp in enumerate(brief.selling_points, 1):
        out.append(Insight(id=f"i-brief-need-{i + 1}", kind="need", text=sp, source=f"brief.selling_points[{i - 1}]"))
    cautions = [f"never claim '{c}'" for c in brief.forbidden_claims]
    for i, text in enumerate(cautions, 1):
        out.append(Insight(id=f"i-brief-caution-{i}", kind="caution", text=text, source="brief.forbidden_claims"))
    for i, c in enumerate(category.claim_cautions, 1):
        out.append(
            Insight(
                id=f"i-{category.id}-caution-{i}",
                kind="caution",
                text=c.reason,
                source=f"categories/{category.id}.toml#claim_cautions[{i - 1}]",
            )
        )
    return out


def _ranked(items: list[str], against: str) -> list[tuple[int, str]]:  # market context lines
    """Pack entries, the ones sharing most words with the segment's description first (stable otherwise)."""
    words = _words(against)
    scored = [(-len(_words(t) & words), i, t) for i, t in enumerate(items)]
    return [(i, t) for _, i, t in sorted(scored)]


def persona_and_insights(ctx: VariantContext) -> tuple[Persona, list[Insight]]:
    """Persona and its insights; each insight's `source` names the pack entry it came from."""
    m, cat, seg, style = ctx.market, ctx.category, ctx.segment, ctx.style
    mfile, cfile, sfile = ctx.pack_file("market"), ctx.pack_file("category"), ctx.pack_file("style")
    knowledge = ctx.knowledge or load_knowledge()
    profile = read_segment(seg, knowledge)
    about = f"{segment_text(seg)} {ctx.brief.notes}"
    rows: list[tuple[str, str, str]] = []  # (kind, text, source)

    if seg.insight_hint.strip():
        rows.append(("need", seg.insight_hint.strip(), f"brief.segments[{seg.id}].insight_hint"))
    for i, t in ranked_needs(cat, ctx.brief, seg)[:2]:
        rows.append(("need", t, f"{cfile}#needs[{i}]"))
    if style:
        rows += [("need", t, f"{sfile}#needs[{i}]") for i, t in enumerate(style.needs)]
    group, occasion = profile.group, profile.occasion
    if group:
        rows += [("need", t, f"casting.toml#groups.{group.id}.needs[{i}]") for i, t in enumerate(group.needs[:1])]
    if occasion:
        rows += [("need", t, f"occasions.toml#{occasion.id}.needs[{i}]") for i, t in enumerate(occasion.needs[:1])]
    plain = {p: i for i, p in enumerate(cat.pain_points)}
    for pain in ranked_pains(cat, ctx.brief, seg)[:2]:
        plain_pain = pain.id.startswith("pain-") and pain.text in plain
        where = f"pain_points[{plain[pain.text]}]" if plain_pain else f"pains.{pain.id}"
        rows.append(("pain-point", pain.text, f"{cfile}#{where}"))
    if group:
        rows += [
            ("pain-point", t, f"casting.toml#groups.{group.id}.barriers[{i}]") for i, t in enumerate(group.barriers[:1])
        ]
    if occasion:
        rows.append(("local-context", f"{occasion.name}: {occasion.insight}", f"occasions.toml#{occasion.id}"))
    if seg.description.strip():
        rows.append(("local-context", f"who: {seg.description.strip()}", f"brief.segments[{seg.id}].description"))
    local = m.context.get(cat.id, [])
    for i, t in _ranked(local, about):
        rows.append(("local-context", t, f"{mfile}#context.{cat.id}[{i}]"))
    rows.append(("local-context", f"climate: {m.climate}", f"{mfile}#climate"))
    rows += [("local-context", t, f'{mfile}#context."*"[{i}]') for i, t in enumerate(m.context.get("*", []))]
    if m.holidays:
        h = m.holidays[0]
        rows.append(("local-context", f"{h.name} ({h.when}): {h.note}".rstrip(": "), f"{mfile}#holidays[0]"))
    motifs = (style.motifs[:2] if style else []) + m.motifs[:4]
    source = f"{mfile}#motifs" + (f" + {sfile}#motifs" if style else "")
    if occasion and occasion.motifs:
        motifs = occasion.motifs[:2] + motifs
        source += f" + occasions.toml#{occasion.id}.motifs"
    rows.append(("motif", ", ".join(motifs), source))
    idioms = [w for p in m.platforms for w in p.idioms[:3]]
    if idioms:
        rows.append(("language", "talks like: " + " · ".join(idioms), f"{mfile}#platforms"))
    ctas = m.call_to_action.get(ctx.language.code, [])
    if ctas:
        rows.append(
            ("language", "calls to action: " + " · ".join(ctas[:3]), f"{mfile}#call_to_action.{ctx.language.code}")
        )
    rows += [("caution", t, f"{mfile}#donts[{i}]") for i, t in enumerate(m.donts[:2])]

    counters: dict[str, int] = {}
    insights: list[Insight] = []
    for kind, text, source in rows:
        tag = KIND_TAG[kind]
        counters[tag] = counters.get(tag, 0) + 1
        insights.append(
            Insight(
                id=f"i-{ctx.variant_id}-{tag}-{counters[tag]}",
                kind=kind,
                text=text,
                market=m.code,
                segment=seg.id,
                persona_id=ctx.persona_id,
                source=source,
            )
        )

    persona = Persona(
        id=ctx.persona_id,
        market=m.code,
        segment=seg.id,
        name=f"{seg.name} · {m.name}",
        summary=(
            f"{seg.description or seg.name} in {m.name}"
            + (f", into a {style.name.lower()} look" if style else "")
            + f". {ctx.brief.notes}".rstrip(". ")
            + "."
        ),
        needs=[t for k, t, _ in rows if k == "need"],
        pain_points=[t for k, t, _ in rows if k == "pain-point"],
        local_context=[t for k, t, _ in rows if k == "local-context"],
        platform_voice=idioms + (style.platform_voice if style else []),
    )
    return persona, insights
