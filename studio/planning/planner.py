"""plan_project: brief → personas and insights → master storyboard → localized variants (offline, from packs)."""

from __future__ import annotations

from studio.model.brief import Brief
from studio.model.ids import slug
from studio.model.project import Insight, Persona, Project
from studio.model.stage import CancelToken, ProgressFn, check, report
from studio.planning.context import resolve_contexts
from studio.planning.insights import brief_insights, persona_and_insights
from studio.planning.knowledge import Knowledge, load_knowledge
from studio.planning.localize import localize_variant
from studio.planning.storyboard import plan_storyboard


def plan_project(
    brief: Brief,
    *,
    name: str | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    knowledge: Knowledge | None = None,
) -> Project:
    """Plan a whole project offline: deterministic, rule-based, every insight citing the pack entry it came from."""
    knowledge = knowledge or load_knowledge()
    report(on_progress, 0.0, "Reading the knowledge packs")
    contexts = resolve_contexts(brief, knowledge)
    category = contexts[0].category
    check(cancel)

    personas: list[Persona] = []
    insights: list[Insight] = brief_insights(brief, category)
    for ctx in contexts:
        persona, found = persona_and_insights(ctx)
        personas.append(persona)
        insights += found
    report(on_progress, 0.2, f"{len(personas)} personas, {len(insights)} insights")
    check(cancel)

    structure = knowledge.structure_for(brief.duration_s)
    storyboard = plan_storyboard(brief, category, structure, insights)
    report(on_progress, 0.3, f"Storyboard: {len(storyboard.shots)} shots ({structure.name})")

    variants = []
    for i, ctx in enumerate(contexts):
        check(cancel)
        variants.append(localize_variant(storyboard, ctx))
        report(on_progress, 0.3 + 0.7 * (i + 1) / len(contexts), f"Localized {ctx.variant_id}")
    return Project(
        name=name or slug(f"{brief.brand} {brief.product}"),
        brief=brief,
        personas=personas,
        insights=insights,
        storyboard=storyboard,
        variants=variants,
    )
