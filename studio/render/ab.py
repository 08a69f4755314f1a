"""A/B cells: n hooks × m calls to action per variant, each a full cut, named for ad platforms.

H1 is the variant's planned hook and C1 its planned call to action; H2… and C2… come from `Variant.ab_hooks` and
`Variant.ab_ctas` (in the variant's language, see studio/planning/ab.py). A cell is a derived copy of the variant
with the hook shot's voice-over and caption, the CTA shot's voice-over and caption and the end card replaced, so the
whole render path is reused; the copies are never saved into the project. `ab_matrix.csv` lists every cell with its
hook, CTA and file for an ads manager's bulk upload. The render stage (studio/stages/render.py) cuts the cells and
merges them.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from studio.model import Deliverable, Flag, LocalizedShot, Project, ProjectStore, ValidationFailed, Variant
from studio.model.project import LineOrigin, LineStatus
from studio.model.store import atomic_write_text
from studio.planning.ab import CTA_BEAT, HOOK_BEAT, ab_alternatives, beat_shot_index, speaks

MAX_SIDE = 5
CSV_NAME = "ab_matrix.csv"


@dataclass(frozen=True)
class Cell:
    variant_id: str
    code: str  # H1-C2
    hook: str
    cta: str


def parse_matrix(spec: str) -> tuple[int, int]:
    """'2x2' (or '2×3', '2*2') → (hooks, calls to action)."""
    m = re.fullmatch(r"\s*(\d+)\s*[x×*X]\s*(\d+)\s*", spec or "")
    if not m or not (1 <= int(m.group(1)) <= MAX_SIDE and 1 <= int(m.group(2)) <= MAX_SIDE):
        raise ValidationFailed(
            f"Cannot read the A/B matrix {spec!r}.",
            f"Write hooks x calls to action, e.g. --ab 2x2 or --ab 3x2 (each 1 to {MAX_SIDE}).",
        )
    return int(m.group(1)), int(m.group(2))


def _hook_index(project: Project, variant: Variant) -> int:
    i = beat_shot_index(project.storyboard, HOOK_BEAT)
    return i if i is not None and i < len(variant.shots) else 0


def _cta_index(project: Project, variant: Variant) -> int | None:
    i = beat_shot_index(project.storyboard, CTA_BEAT, last=True)
    return i if i is not None and i < len(variant.shots) else None


def fill_alternatives(project: Project, variant: Variant) -> None:
    """Projects planned before A/B cells existed get their alternatives now (from the brief and the packs)."""
    if variant.ab_hooks or variant.ab_ctas or project.storyboard is None:
        return
    from studio.planning.context import resolve_contexts
    from studio.planning.knowledge import load_knowledge

    try:
        contexts = resolve_contexts(project.brief, load_knowledge())
    except ValidationFailed:
        return
    ctx = next((c for c in contexts if c.variant_id == variant.id), None)
    if ctx is not None:
        variant.ab_hooks, variant.ab_ctas = ab_alternatives(variant, ctx, project.storyboard)


def variant_cells(project: Project, variant: Variant, hooks: int, ctas: int) -> tuple[list[Cell], list[str]]:
    """The cells to cut and notes for the team: a planned line not in the variant's language is left out (no
    English cell in a Thai test), and fewer cells are cut when the language has fewer alternatives than asked."""
    notes: list[str] = []
    language = variant.language
    sides: list[list[str]] = []
    for what, planned, others in (
        ("hook", variant.shots[_hook_index(project, variant)].voiceover, variant.ab_hooks),
        ("call to action", variant.call_to_action, variant.ab_ctas),
    ):
        lines = [planned, *others]
        if planned.strip() and speaks(planned, language) is False:
            lines = list(others)
            notes.append(
                f"The planned {what} of {variant.id} is not in {language} (\u201c{planned}\u201d): the A/B cells "
                f"use the {language} alternatives only, so that no cell speaks another language."
            )
        sides.append(lines)
    hook_lines, cta_lines = sides
    if len(hook_lines) < hooks:
        notes.append(
            f"Only {len(hook_lines)} hook(s) in {language} for {variant.id} (asked for {hooks}): no other hook "
            f"in the variant's language was found, so fewer cells are cut. Add hooks in {language} to the "
            f"variant's A/B list, or [copy.{language}] lines hook-2, hook-3 to the brief."
        )
    if len(cta_lines) < ctas:
        notes.append(
            f"Only {len(cta_lines)} call(s) to action in {language} for {variant.id} (asked for {ctas}): add "
            f"phrases for {language} to the market pack's call_to_action, or to the variant's A/B list."
        )
    cells = [
        Cell(variant.id, f"H{h + 1}-C{c + 1}", hook_lines[h], cta_lines[c])
        for h in range(min(hooks, len(hook_lines)))
        for c in range(min(ctas, len(cta_lines)))
    ]
    return cells, notes


def _origin(text: str, project: Project, variant: Variant) -> LineOrigin:
    """Where an A/B line came from: the brief's copy for the language, else the market pack."""
    copy = project.brief.copy_by_language.get(variant.language)
    if copy and text in (*copy.lines.values(), *copy.captions.values(), copy.tagline, copy.call_to_action):
        return "brief-copy"
    return "market-pack"


def _replace_line(shot: LocalizedShot, text: str, project: Project, variant: Variant) -> None:
    """The shot says `text` instead: its flags and status now describe the new line, not the planned one."""
    ok = speaks(text, variant.language)
    shot.voiceover = shot.caption = text
    shot.alternatives = []
    shot.back_translation = ""
    shot.flags = [f for f in shot.flags if f.kind not in ("untranslated", "too-long")]
    if ok is False:
        shot.flags.append(
            Flag(kind="untranslated", message=f"The A/B line \u201c{text}\u201d is not {variant.language}.")
        )
    status = LineStatus(origin=_origin(text, project, variant), language_ok=ok, note="A/B cell line")
    shot.line_status = {**shot.line_status, "voice-over": status, "caption": status}


def cell_variant(project: Project, variant: Variant, cell: Cell) -> Variant:
    """A copy of the variant opening with the cell's hook and closing with its call to action (voice, caption, card)."""
    out = variant.model_copy(deep=True)
    h = _hook_index(project, out)
    if out.shots[h].voiceover != cell.hook:
        _replace_line(out.shots[h], cell.hook, project, out)
    c = _cta_index(project, out)
    if cell.cta != variant.call_to_action:
        out.call_to_action = cell.cta
        out.line_status = {
            **out.line_status,
            "call-to-action": LineStatus(origin=_origin(cell.cta, project, out), language_ok=True, note="A/B cell"),
        }
        if c is not None and c != h:
            _replace_line(out.shots[c], cell.cta, project, out)
    return out


@dataclass
class AbPlan:
    """What the render cuts for an A/B run: (variant id, derived variant, cell code) per cut."""

    cuts: list[tuple[str, Variant, str]]
    cells: list[Cell]
    notes: dict[str, list[str]] = field(default_factory=dict)
    alternatives: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


def plan_ab(project: Project, variant_ids: list[str], spec: str) -> AbPlan:
    hooks, ctas = parse_matrix(spec)
    plan = AbPlan(cuts=[], cells=[])
    for vid in variant_ids:
        variant = project.variant(vid).model_copy(deep=True)
        fill_alternatives(project, variant)
        plan.alternatives[vid] = (variant.ab_hooks, variant.ab_ctas)
        cells, notes = variant_cells(project, variant, hooks, ctas)
        plan.notes[vid] = notes
        plan.cells += cells
        plan.cuts += [(vid, cell_variant(project, variant, cell), cell.code) for cell in cells]
    return plan


def write_matrix_csv(path: Path, store: ProjectStore, cells: list[Cell], deliverables: list[Deliverable]) -> Path:
    """One row per cell and aspect: the cell, its hook and CTA, the video and caption files (relative to the CSV).
    UTF-8 with a byte-order mark, so spreadsheet apps open Thai or Chinese text correctly."""
    files: dict[tuple[str, str, str, str], Deliverable] = {
        (d.variant_id, d.sub_variant, d.aspect, d.kind): d for d in deliverables
    }
    aspects = list(dict.fromkeys(d.aspect for d in deliverables))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["ad_name", "variant", "market", "language", "segment", "aspect", "cell", "hook", "call_to_action",
         "video_file", "captions_file", "duration_s"]
    )  # fmt: skip

    def rel(d: Deliverable | None) -> str:
        if d is None:
            return ""
        file = Path(d.path) if Path(d.path).is_absolute() else store.root / d.path
        return os.path.relpath(file, path.parent)

    for cell in cells:
        for aspect in aspects:
            video = files.get((cell.variant_id, cell.code, aspect, "video"))
            if video is None:
                continue
            srt = files.get((cell.variant_id, cell.code, aspect, "srt"))
            name = Path(video.path).stem
            writer.writerow(
                [name, cell.variant_id, video.market, video.language, video.segment, aspect, cell.code, cell.hook,
                 cell.cta, rel(video), rel(srt), video.duration_s]
            )  # fmt: skip
    atomic_write_text(path, "\ufeff" + buf.getvalue())
    return path
