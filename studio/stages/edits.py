"""Edits of the master storyboard that keep every variant in step (Qt-free; the UI wraps each in an undo step).

A variant holds one localized shot per master shot, in the same order. Changing a master shot re-derives the
variants' copies with the planner (`apply_master_edit`), which marks a copy stale only where it really changed;
fields a creator overrode by hand stay as they are. Without the planner, every copy is marked stale.
"""

from __future__ import annotations

import re

from studio.model import LocalizedShot, Project, Shot, Storyboard, StudioError, Take
from studio.model.project import LineStatus

#: Master fields whose change makes the localized copies out of date.
DERIVED_FROM = frozenset({"visual", "voiceover", "on_screen_text", "beat", "framing", "camera"})
#: Variant fields from which the planner composes the image prompt.
PROMPT_PARTS = frozenset({"talent", "wardrobe", "setting", "motifs"})


def _restage(project: Project, edited: Shot) -> bool:
    """Let the planner re-derive the variants from an edited master shot; False when it cannot."""
    try:
        from studio.planning import apply_master_edit
    except ImportError:
        return False
    try:
        apply_master_edit(project, edited)
    except StudioError:
        return False
    return True


def _board(project: Project) -> Storyboard:
    """The master storyboard, which every edit here needs."""
    if project.storyboard is None:
        raise StudioError("The project has no storyboard yet.", "Plan the brief first.")
    return project.storyboard


def next_shot_id(project: Project) -> str:
    used = {s.id for s in _board(project).shots} if project.storyboard else set()
    numbers = [int(m.group(1)) for i in used if (m := re.fullmatch(r"s(\d+)", i))]
    n = max(numbers, default=0) + 1
    while f"s{n}" in used:
        n += 1
    return f"s{n}"


def _sync_variant_order(project: Project) -> None:
    order = [s.id for s in _board(project).shots]
    for variant in project.variants:
        by_id = {s.shot_id: s for s in variant.shots}
        variant.shots = [by_id[i] for i in order if i in by_id]


def move_shot(project: Project, shot_id: str, to_index: int) -> None:
    shots = list(_board(project).shots)
    shot = next(s for s in shots if s.id == shot_id)
    shots.remove(shot)
    shots.insert(max(0, min(to_index, len(shots))), shot)
    _board(project).shots = shots
    _sync_variant_order(project)


def reorder_shots(project: Project, order: list[str]) -> None:
    by_id = {s.id: s for s in _board(project).shots}
    if sorted(order) != sorted(by_id):
        raise ValueError("the new order must name every shot once")
    _board(project).shots = [by_id[i] for i in order]
    _sync_variant_order(project)


def _localized_from(shot: Shot) -> LocalizedShot:
    return LocalizedShot(
        shot_id=shot.id, duration_s=shot.duration_s, prompt=shot.visual, voiceover="", caption="", stale=True
    )


def add_shot(project: Project, after_id: str | None = None, *, beat: str = "new", duration_s: float = 2.0) -> str:
    """Insert a blank shot after `after_id` (or at the end); each variant gets a stale copy to localize."""
    new = Shot(id=next_shot_id(project), beat=beat, duration_s=duration_s, visual="Describe what we see")
    shots = list(_board(project).shots)
    index = next((i + 1 for i, s in enumerate(shots) if s.id == after_id), len(shots))
    shots.insert(index, new)
    _board(project).shots = shots
    if not _restage(project, new):
        for variant in project.variants:
            variant.shots = [*variant.shots, _localized_from(new)]
    _sync_variant_order(project)
    return new.id


def split_shot(project: Project, shot_id: str) -> str:
    """Cut a shot in two halves of its duration; the second half starts without voice-over (the line stays whole)."""
    shots = list(_board(project).shots)
    index = next(i for i, s in enumerate(shots) if s.id == shot_id)
    first = shots[index]
    half = round(first.duration_s / 2, 3)
    second = first.model_copy(update={"id": next_shot_id(project), "duration_s": half, "voiceover": ""}, deep=True)
    first.duration_s = half
    shots.insert(index + 1, second)
    _board(project).shots = shots
    for variant in project.variants:
        copies = []
        for s in variant.shots:
            copies.append(s)
            if s.shot_id == shot_id:
                s.duration_s = round(s.duration_s / 2, 3)
                copies.append(s.model_copy(update={"shot_id": second.id, "voiceover": ""}, deep=True))
        variant.shots = copies
    return str(second.id)


def delete_shot(project: Project, shot_id: str) -> None:
    """Remove a shot everywhere; its takes stay in the project (and on disk) so an undo brings them back intact."""
    _board(project).shots = [s for s in _board(project).shots if s.id != shot_id]
    for variant in project.variants:
        variant.shots = [s for s in variant.shots if s.shot_id != shot_id]


def set_master_field(project: Project, shot_id: str, field: str, value: object) -> None:
    shot = _board(project).shot(shot_id)
    if field in DERIVED_FROM:
        edited = Shot.model_validate({**shot.model_dump(), field: value})
        if _restage(project, edited):
            return
    setattr(shot, field, value)
    if field == "duration_s":
        for variant in project.variants:
            for s in variant.shots:
                if s.shot_id == shot_id and "duration_s" not in s.overrides:
                    s.duration_s = float(value)  # type: ignore[arg-type]
    elif field in DERIVED_FROM:
        for variant in project.variants:
            for s in variant.shots:
                if s.shot_id == shot_id:
                    s.stale = True


def set_presenter(project: Project, shot_id: str, on: bool) -> None:
    """A master shot told to camera by a presenter (or no longer): each variant re-casts it with its market's one
    presenter (studio/planning/presenter.py); without the planner the variants' copies are marked stale."""
    from studio.planning.presenter import presenter_shot

    board = _board(project)
    edited = presenter_shot(board.shot(shot_id), on)
    if _restage(project, edited):
        return
    board.shots = [edited if s.id == shot_id else s for s in board.shots]
    for variant in project.variants:
        for s in variant.shots:
            if s.shot_id == shot_id:
                s.stale = True


def set_variant_field(project: Project, variant_id: str, shot_id: str, field: str, value: str | float) -> None:
    """A creator's own wording for one variant: kept as an override when the master changes later. A line
    (voice-over, caption) the creator wrote is theirs: no longer flagged untranslated (the language check still
    identifies it), unless it is the master's line itself."""
    shot = project.variant(variant_id).shot(shot_id)
    setattr(shot, field, value)
    shot.overrides = {**shot.overrides, field: value}
    if isinstance(value, str):
        _own_line(project, shot, field, value)
    if field in PROMPT_PARTS:
        try:
            from studio.planning import relocalize_shot

            relocalize_shot(project, variant_id, shot_id)  # the prompt now includes the hand-set part
        except (ImportError, StudioError):
            pass


def _own_line(project: Project, shot: LocalizedShot, field: str, text: str) -> None:
    """Mark a line the creator wrote in the variant's language as theirs (origin creator-edit, as the planner and
    the language check record an override) and drop the untranslated flag about that line."""
    from studio.stages.quality import LINE_KINDS, flag_line

    kind = LINE_KINDS.get(field)
    if kind is None or not text.strip():
        return
    master = next((s for s in project.storyboard.shots if s.id == shot.shot_id), None) if project.storyboard else None
    said = (master.voiceover if field == "voiceover" else master.on_screen_text) if master is not None else ""
    if said.strip() and text.strip() == said.strip():
        return  # still the master's words: as untranslated as before
    shot.line_status = {**shot.line_status, kind: LineStatus(origin="creator-edit", note="edited by hand")}
    shot.flags = [f for f in shot.flags if not (f.kind == "untranslated" and flag_line(f.message) == field)]


# --- picks ------------------------------------------------------------------------------------------------------


def pick_in(project: Project, take: Take) -> None:
    """Make `take` the picked one of its shot (for its variant, or the master); the others are unpicked."""
    for t in project.takes:
        if t.shot_id == take.shot_id and t.variant_id == take.variant_id:
            t.selected = t is take


def pick_take(project: Project, take_id: str) -> Project:
    """Pick a take by id (the creator's choice in Images); a render that finishes later keeps it."""
    take = next((t for t in project.takes if t.id == take_id), None)
    if take is None:
        raise StudioError(f"The project has no take {take_id!r}.", "Pick one of the shot's takes in Images.")
    pick_in(project, take)
    return project


def keep_shown_picks(project: Project, shots: set[tuple[str, str | None]]) -> None:
    """Before new takes of these shots are added: the take the creator sees as picked stays picked.

    Without an explicit pick the newest take is used, so a new generation would silently replace it.
    """
    for shot_id, variant_id in shots:
        takes = [t for t in project.takes if t.shot_id == shot_id and t.variant_id == variant_id]
        takes = [t for t in takes if "aspect_of" not in t.info]  # redrawn for another aspect: never the pick
        if takes and not any(t.selected for t in takes):
            takes[-1].selected = True
