"""Master edits flow into the variants: re-derive only what changed, keep what creators set by hand."""

from __future__ import annotations

import dataclasses

from studio.model.errors import ProjectError
from studio.model.project import LineStatus, LocalizedShot, Project, Shot
from studio.planning.context import Translation, VariantContext, resolve_contexts
from studio.planning.knowledge import Knowledge, load_knowledge
from studio.planning.localize import (
    derive_shot,
    fit_variant,
    is_master_language,
    source_hash,
    supplied_line,
)
from studio.planning.storyboard import shot_copy_key

COMPARED = {
    "duration_s",
    "prompt",
    "negative_prompt",
    "talent",
    "wardrobe",
    "setting",
    "motifs",
    "voiceover",
    "caption",
}


def _derived(
    shot: Shot,
    index: int,
    shots: list[Shot],
    ctx: VariantContext,
    overrides: dict | None = None,
    kept_status: dict[str, LineStatus] | None = None,
) -> LocalizedShot:
    return derive_shot(shot, index, shot_copy_key(shots, shot.id), ctx, overrides, kept_status)


def _memory(current: LocalizedShot, master: Shot, key: str, ctx: VariantContext) -> dict[str, Translation]:
    """Translations the variant already holds (machine-made or hand-edited) for the master lines, to keep them."""
    if is_master_language(ctx):
        return {}
    memory: dict[str, Translation] = {}
    pairs = (
        ("voice-over", master.voiceover, current.voiceover, current.back_translation),
        ("caption", master.on_screen_text, current.caption, ""),
    )
    for kind, source, text, back in pairs:
        if source.strip() and text != source and supplied_line(kind, key, master.beat, ctx) is None:
            memory[source] = Translation(text, back, "kept from the earlier plan")
    return memory


def apply_master_edit(project: Project, edited: Shot, *, knowledge: Knowledge | None = None) -> list[tuple[str, str]]:
    """Put `edited` into the master storyboard and re-derive its localized shots in every variant.

    A variant shot is marked stale only when what it derives from the master actually changes for that variant
    (a new voice-over line does not touch a Thai shot that uses supplied Thai copy). Fields in a shot's
    `overrides` keep the creator's value. Returns the (variant id, shot id) pairs marked stale.
    """
    board = project.storyboard
    if board is None:
        raise ProjectError("This project has no storyboard yet.", "Plan the project first, then edit its shots.")
    try:
        index = next(i for i, s in enumerate(board.shots) if s.id == edited.id)
    except StopIteration:
        known = ", ".join(s.id for s in board.shots)
        raise ProjectError(
            f"The storyboard has no shot '{edited.id}' (it has {known}).", "Pick one of those."
        ) from None
    old_shots = list(board.shots)
    new_shots = [*old_shots[:index], edited, *old_shots[index + 1 :]]
    board.shots = new_shots
    contexts = {c.variant_id: c for c in resolve_contexts(project.brief, knowledge or load_knowledge())}
    stale: list[tuple[str, str]] = []
    for variant in project.variants:
        ctx = contexts.get(variant.id)
        if ctx is None:
            continue
        pos = next((i for i, s in enumerate(variant.shots) if s.shot_id == edited.id), None)
        if pos is not None:
            key = shot_copy_key(old_shots, edited.id)
            ctx = dataclasses.replace(ctx, translations=_memory(variant.shots[pos], old_shots[index], key, ctx))
        kept = dict(variant.shots[pos].overrides) if pos is not None else {}
        status = dict(variant.shots[pos].line_status) if pos is not None else {}
        before = _derived(old_shots[index], index, old_shots, ctx, kept, status)
        fresh = _derived(edited, index, new_shots, ctx, kept, status)
        if pos is None:
            variant.shots.insert(min(index, len(variant.shots)), fresh)
            stale.append((variant.id, edited.id))
            continue
        current = variant.shots[pos]
        changed = fresh.model_dump(include=COMPARED) != before.model_dump(include=COMPARED)
        if not changed:
            current.source_hash = source_hash(edited)
            continue
        fresh.stale = True
        variant.shots[pos] = fresh
        master_s = {s.id: s.duration_s for s in new_shots}
        for s in variant.shots:
            if "duration_s" not in s.overrides and s.shot_id in master_s:
                s.duration_s = master_s[s.shot_id]
        fit_variant(variant.shots, board, ctx)
        stale.append((variant.id, edited.id))
    return stale


def relocalize_shot(
    project: Project, variant_id: str, shot_id: str, *, knowledge: Knowledge | None = None
) -> LocalizedShot:
    """Re-derive one variant shot after a creator edits its `overrides` (e.g. a new setting): the prompt is
    recomposed with the hand-set talent, wardrobe, setting and motifs; marked stale when anything changed."""
    board = project.storyboard
    if board is None:
        raise ProjectError("This project has no storyboard yet.", "Plan the project first.")
    try:
        variant = project.variant(variant_id)
        pos = next(i for i, s in enumerate(variant.shots) if s.shot_id == shot_id)
        index = next(i for i, s in enumerate(board.shots) if s.id == shot_id)
    except (KeyError, StopIteration):
        raise ProjectError(f"No shot '{shot_id}' in variant '{variant_id}'.", "Pick a shot the variant has.") from None
    contexts = {c.variant_id: c for c in resolve_contexts(project.brief, knowledge or load_knowledge())}
    if variant_id not in contexts:
        raise ProjectError(
            f"Variant '{variant_id}' no longer matches the brief's markets and segments.", "Re-plan the project."
        )
    current = variant.shots[pos]
    key = shot_copy_key(board.shots, shot_id)
    ctx = dataclasses.replace(
        contexts[variant_id], translations=_memory(current, board.shots[index], key, contexts[variant_id])
    )
    fresh = derive_shot(board.shots[index], index, key, ctx, dict(current.overrides), dict(current.line_status))
    fresh.duration_s = current.duration_s if "duration_s" not in current.overrides else fresh.duration_s
    fresh.stale = current.stale or fresh.model_dump(include=COMPARED) != current.model_dump(include=COMPARED)
    variant.shots[pos] = fresh
    fit_variant(variant.shots, board, ctx)
    return fresh
