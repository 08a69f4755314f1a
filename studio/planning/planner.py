"""plan_project: brief → personas and insights → master storyboard → localized variants.

Offline and deterministic from the knowledge packs; with an LLM configured it adds insights and translates lines the
brief has no copy for (each with a back-translation). Any LLM failure falls back to the offline plan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal

from pipelines.text import LLMClient, LLMSettings, client_from_settings
from studio.model.brief import Brief
from studio.model.errors import BackendError
from studio.model.ids import slug
from studio.model.project import Insight, Persona, Project, Storyboard
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress
from studio.planning.ab import with_ab_alternatives
from studio.planning.context import Translation, VariantContext, resolve_contexts
from studio.planning.insights import brief_insights, persona_and_insights
from studio.planning.knowledge import Category, Knowledge, Structure, load_knowledge
from studio.planning.llm import enrich_insights, report_fallback, translate_lines
from studio.planning.localize import lines_to_translate, localize_variant
from studio.planning.platform_specs import check_brief_platforms
from studio.planning.presenter import mark_presenter_shots
from studio.planning.storyboard import plan_storyboard

PERSONA_FIELD = {
    "need": "needs",
    "pain-point": "pain_points",
    "local-context": "local_context",
    "language": "platform_voice",
}
LLMChoice = LLMClient | LLMSettings | Literal["auto"] | None
#: Builds the master storyboard once insights are known (the default plans it from the packs; a script import
#: brings its own scenes).
StoryboardMaker = Callable[[Brief, Category, Structure, list[Insight]], Storyboard]


def resolve_llm(llm: LLMChoice) -> LLMClient | None:
    """'auto' reads QIANMIAN_LLM_* from the environment; None plans offline."""
    if llm == "auto":
        return client_from_settings(LLMSettings.from_env())
    if isinstance(llm, LLMSettings):
        return client_from_settings(llm)
    return llm


def _translate_all(
    client: LLMClient,
    contexts: list[VariantContext],
    storyboard: Storyboard,
    on_progress: ProgressFn | None,
    cancel: CancelToken | None,
) -> list[VariantContext]:
    """One translation round per language (variants sharing a language share its lines)."""
    by_language: dict[str, tuple[VariantContext, list[str]]] = {}
    for ctx in contexts:
        lines = lines_to_translate(storyboard, ctx)
        if lines:
            _, known = by_language.setdefault(ctx.language_code, (ctx, []))
            known += [t for t in lines if t not in known]
    done: dict[str, dict[str, Translation]] = {}
    for i, (code, (ctx, lines)) in enumerate(by_language.items()):
        check(cancel)
        step = sub_progress(on_progress, i / len(by_language), (i + 1) / len(by_language))
        report(step, 0.0, f"Translating {len(lines)} lines into {ctx.language.name}")
        try:
            done[code] = translate_lines(client, lines, ctx, on_progress=step, cancel=cancel)
        except BackendError as e:
            report_fallback(step, 1.0, f"translation into {ctx.language.name}", e)
    return [
        dataclasses.replace(c, translations=done.get(c.language_code, {}), translator=client.name) for c in contexts
    ]


def plan_project(
    brief: Brief,
    *,
    name: str | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    knowledge: Knowledge | None = None,
    llm: LLMChoice = "auto",
    make_storyboard: StoryboardMaker | None = None,
) -> Project:
    """Plan a whole project. Every insight cites its source; every shot cites the insights it serves."""
    knowledge = knowledge or load_knowledge()
    report(on_progress, 0.0, "Reading the knowledge packs")
    brief = check_brief_platforms(brief)
    contexts = resolve_contexts(brief, knowledge)
    category = contexts[0].category
    client = resolve_llm(llm)
    llm_share = 0.6 if client else 0.0
    check(cancel)

    personas: list[Persona] = []
    insights: list[Insight] = brief_insights(brief, category)
    for ctx in contexts:
        persona, found = persona_and_insights(ctx)
        personas.append(persona)
        insights += found
    if client is not None:
        step = sub_progress(on_progress, 0.05, 0.05 + llm_share / 3)
        try:
            extra = enrich_insights(client, brief, personas, on_progress=step, cancel=cancel)
            if not extra:
                report(step, 1.0, f"LLM {client.name} added no new insights; keeping the offline ones")
        except BackendError as e:
            report_fallback(step, 1.0, "insights", e)
            extra = []
        insights += extra
        by_id = {p.id: p for p in personas}
        for ins in extra:
            persona = by_id[ins.persona_id or ""]
            getattr(persona, PERSONA_FIELD[ins.kind]).append(ins.text)
    report(on_progress, 0.1 + llm_share / 3, f"{len(personas)} personas, {len(insights)} insights")
    check(cancel)

    structure = knowledge.structure_for(brief.duration_s)
    storyboard = (
        make_storyboard(brief, category, structure, insights)
        if make_storyboard
        else plan_storyboard(brief, category, structure, insights, knowledge)
    )
    storyboard = mark_presenter_shots(storyboard, brief)  # the brief's presenter beats, told to camera
    start = 0.2 + llm_share / 3
    report(on_progress, start, f"Storyboard: {len(storyboard.shots)} shots ({structure.name})")
    if client is not None:
        contexts = _translate_all(
            client, contexts, storyboard, sub_progress(on_progress, start, start + 2 * llm_share / 3), cancel
        )
        start += 2 * llm_share / 3

    variants = []
    for i, ctx in enumerate(contexts):
        check(cancel)
        variants.append(with_ab_alternatives(localize_variant(storyboard, ctx), ctx, storyboard))
        report(on_progress, start + (1 - start) * (i + 1) / len(contexts), f"Localized {ctx.variant_id}")
    return Project(
        name=name or slug(f"{brief.brand} {brief.product}"),
        brief=brief,
        personas=personas,
        insights=insights,
        storyboard=storyboard,
        variants=variants,
    )
