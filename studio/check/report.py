"""`qianmian check PROJ`: everything pre-flight knows about a project, per variant, in one report.

Compliance findings (studio/preflight/compliance.py), platform findings (studio/planning/platform_specs.py) and
creative scorecards of the rendered videos (studio/check/scorecard.py), and every line a translator still has to
write (studio/planning/language_check.py: the lines a final render refuses), by variant, shot and kind. Only an
unoverridden "block" compliance finding or a "block" platform finding makes the report blocking (the CLI exits 1);
lines for a translator are listed and counted in the last line, so nobody reads "nothing blocks" and publishes an
English line in a Turkish ad. The app calls `variant_summary` for the badge beside each variant.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.check.scorecard import score_variant
from studio.model import Project, Variant
from studio.planning.knowledge import load_knowledge
from studio.planning.language_check import check_variant as check_lines
from studio.planning.localize import OFFER_NOT_SAID
from studio.planning.platform_specs import check_project_platforms
from studio.preflight.compliance import Finding, check_project, variant_lines


@dataclass
class CheckReport:
    project: str
    variant_ids: list[str]
    findings: list[Finding]
    platform: list[Any] = field(default_factory=list)
    """studio.planning.platform_specs.PlatformFinding (variant_id "" = the brief as a whole)."""
    scorecards: dict[str, Any] = field(default_factory=dict)
    """Variant id → studio.check.scorecard's card for its render (when one exists)."""
    notes: list[str] = field(default_factory=list)
    translator: list[Any] = field(default_factory=list)
    """studio.planning.language_check.LineProblem: lines not (surely) in their variant's language yet."""
    review: dict[str, list[str]] = field(default_factory=dict)
    """Variant id → what a native writer should look at though the lines are in the language (a regional variety
    said with the language's general bank: Egyptian ads in Gulf-leaning Arabic)."""

    @property
    def compliance_blocks(self) -> list[Finding]:
        return [f for f in self.findings if f.blocks]

    @property
    def platform_blocks(self) -> list[Any]:
        return [f for f in self.platform if getattr(f, "severity", "") == "block"]

    @property
    def blocked(self) -> bool:
        return bool(self.compliance_blocks or self.platform_blocks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "blocked": self.blocked,
            "variants": {
                vid: {
                    "compliance": [f.to_dict() for f in self.findings if f.variant_id == vid],
                    "platform": [_as_dict(f) for f in self.platform if getattr(f, "variant_id", "") == vid],
                    "scorecard": _as_dict(self.scorecards[vid]) if vid in self.scorecards else None,
                    "needs_translator": [
                        {"shot": p.shot_id, "kind": p.kind, "text": p.text, "language": p.language, "why": p.why}
                        for p in self.translator
                        if p.variant_id == vid
                    ],
                }
                for vid in self.variant_ids
            },
            "platform": [_as_dict(f) for f in self.platform if not getattr(f, "variant_id", "")],
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def text(self) -> str:
        """Grouped per variant: rule, words, shot, fix; then platform findings and the scorecard."""
        out: list[str] = []
        general = [f for f in self.platform if not getattr(f, "variant_id", "")]
        if general:
            out.append("Platforms (the brief):")
            out += [f"  {_line(f)}" for f in general]
        for vid in self.variant_ids:
            mine = [f for f in self.findings if f.variant_id == vid]
            blocks = [f for f in mine if f.blocks]
            lines = [p for p in self.translator if p.variant_id == vid]
            head = "BLOCKED" if blocks else ("ok" if not mine else "warnings")
            if lines:
                head += f"; {len(lines)} line(s) need a translator"
            out.append(f"{vid}: {head}")
            for p in lines:
                where = f"{p.shot_id} {p.kind}" if p.shot_id else p.kind
                out.append(f"  [TRANSLATE] {where} ({p.language}): \u201c{p.text}\u201d ({p.why})")
            out += [f"  [REVIEW] {note}" for note in self.review.get(vid, [])]
            for f in mine:
                words = ", ".join(f"\u201c{w}\u201d" for w in f.words)
                mark = f.severity.upper()
                if f.override is not None:
                    mark += f" (overridden: {f.override.reason})"
                out.append(f"  [{mark}] {f.rule_id} · {f.where} {f.field}: {words}")
                out.append(f"      {f.message}")
                out.append(f"      Fix: {f.fix}")
                out.append(f"      {f.authority}" + (f" (checked {f.checked})" if f.checked else ""))
                if f.blocks:
                    out.append(
                        f'      Or: qianmian check PROJ --override {f.rule_id} --variant {vid} --reason "..."'
                        + (f' --shot "{f.where}"' if f.where not in ("whole video",) else "")
                    )
            out += [f"  {_line(f)}" for f in self.platform if getattr(f, "variant_id", "") == vid]
            if vid in self.scorecards:
                out += ["  " + ln for ln in _card_text(self.scorecards[vid]).splitlines()]
        out += self.notes
        total = len(self.compliance_blocks) + len(self.platform_blocks)
        waiting = sorted({p.variant_id for p in self.translator})
        if total:
            out.append(f"{total} blocking finding(s): final renders are refused until they are fixed or overridden.")
        if waiting:
            out.append(
                f"{len(self.translator)} line(s) in {len(waiting)} variant(s) still need a translator: a final render "
                "of those variants is refused (`render --draft` marks them DRAFT). Hand them over with "
                "`qianmian translations export PROJ --out FOLDER`."
            )
        if not total and not waiting:
            out.append("Nothing blocks a final render.")
        return "\n".join(out)


def _line(f: Any) -> str:
    line = getattr(f, "line", None)
    return str(line()) if callable(line) else str(f)


def _as_dict(obj: Any) -> Any:
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    dump = getattr(obj, "model_dump", None)
    return dump() if callable(dump) else str(obj)


def _card_text(card: Any) -> str:
    text = getattr(card, "text", None)
    return str(text()) if callable(text) else str(card)


def build_report(
    project: Project,
    *,
    variant_ids: list[str] | None = None,
    project_dir: Path | None = None,
    scorecards: bool = True,
) -> CheckReport:
    """Compliance for the variants (all by default); platform findings, and scorecards of the rendered videos
    (`scorecards=False` skips decoding them)."""
    ids = [v.id for v in project.variants if not variant_ids or v.id in variant_ids]
    findings = check_project(project, variant_ids=ids)
    findings += [f for v in project.variants if v.id in ids for f in claim_cautions(project, v)]
    report = CheckReport(project.name, ids, findings)
    report.translator = [p for v in project.variants if v.id in ids for p in check_lines(project, v)]
    report.review = {
        v.id: notes
        for v in project.variants
        if v.id in ids and (notes := regional_notes(v) + offer_notes(v) + voice_notes(project, v))
    }
    found = check_project_platforms(project, root=project_dir)
    report.platform = [f for f in found if not f.variant_id or f.variant_id in ids]
    if scorecards:
        report.scorecards = _scorecards(project, ids, project_dir, report.notes)
    return report


def claim_cautions(project: Project, variant: Variant) -> list[Finding]:
    """The category pack's claim cautions ('recommended by dentists' needs a survey) and the brief's forbidden
    claims, read again from the variant's current lines: the plan flags them on the shot, and check must say them
    too, since a marketer reads check, not the plan's flags. Warnings only: they are the pack's advice, not a
    regulator's rule (those live in assets/knowledge/compliance/)."""
    category = load_knowledge().category(project.brief.category)
    cautions = list(category.claim_cautions) if category is not None else []
    where = f"assets/knowledge/categories/{category.id}.toml [[claim_cautions]]" if category is not None else ""
    out: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for line in variant_lines(project, variant):
        hits: list[tuple[str, str, str, str]] = []
        for c in cautions:
            m = re.search(c.pattern, line.text, re.IGNORECASE)
            if m:
                hits.append(("claim-caution", m.group(0), f"'{m.group(0)}' needs care: {c.reason}.", where))
        low = line.text.lower()
        for claim in project.brief.forbidden_claims:
            if claim.strip() and claim.lower() in low:
                hits.append(("forbidden-claim", claim, f"Uses the forbidden claim '{claim}'.", "the brief"))
        for rule_id, word, message, authority in hits:
            key = (rule_id, line.where, word.lower())
            if key in seen:  # a voice-over's shorter alternatives repeat its shot's words
                continue
            seen.add(key)
            out.append(
                Finding(
                    rule_id=rule_id,
                    severity="warn",
                    market=variant.market.upper(),
                    variant_id=variant.id,
                    where=line.where,
                    field=line.field,
                    words=[word],
                    message=message,
                    fix="Keep the proof on file (or drop the words) before publishing.",
                    authority=authority,
                    text=line.text,
                )
            )
    return out


def regional_notes(variant: Variant) -> list[str]:
    """Lines a phrase bank wrote for another variety of the language (the general Arabic bank for ar-EG, the Mexican
    Spanish bank for a market with no bank of its own), not for this variant's: one note per bank they came from."""
    by_bank: dict[str, list[str]] = {}
    statuses = [(f"{s.shot_id} {kind}", status) for s in variant.shots for kind, status in s.line_status.items()]
    statuses += [(kind, status) for kind, status in variant.line_status.items()]
    for where, status in statuses:
        if "not written for" in status.note:
            found = _FROM_BANK.search(status.note)
            by_bank.setdefault(found.group(1) if found else variant.language.split("-")[0], []).append(where)
    notes = []
    for bank, marked in by_bank.items():
        which = (
            f"the general {bank} phrase bank"
            if "-" not in bank
            else f"the {bank} phrase bank, written for another region"
        )
        notes.append(
            f"{len(marked)} line(s) ({', '.join(marked)}) come from {which}, not written for {variant.language}: "
            "have a local writer adapt their wording before publishing."
        )
    return notes


def offer_notes(variant: Variant) -> list[str]:
    """The call to action the variant says when the brief's asks for something no phrase in its language asks for
    (a free sample, a test drive): the category's own CTA stands in, and the marketer is told the offer is not said."""
    status = variant.line_status.get("call-to-action")
    if status is None or (at := status.note.find(OFFER_NOT_SAID)) < 0:
        return []
    return [f"call to action \u201c{variant.call_to_action}\u201d: {status.note[at:]}."]


#: The bank a line was borrowed from, as wording.bank_wording notes it ("from the es-MX bank, not written for ...").
_FROM_BANK = re.compile(r"from the (\S+) bank, not written for")


def voice_notes(project: Project, variant: Variant) -> list[str]:
    """The voice the render will speak this variant with, when it is known to speak the language poorly (espeak's
    Hebrew reads unpointed text without its vowels): said plainly, so nobody publishes a guide track."""
    from pipelines.voice.languages import voice_caveat
    from studio.render.timing import voice_for

    if not any(s.voiceover.strip() for s in variant.shots):
        return []
    voice = voice_for(project, variant.language)
    caveat = voice_caveat(voice, variant.language)
    if not caveat:
        return []
    return [
        f"voice-over ({voice} for {variant.language}): {caveat}. Fix: record the voice-over, or install a "
        f"{variant.language} voice (Piper: an .onnx + .onnx.json pair in the voices folder) and choose it for "
        f"{variant.language} in the project's voice settings."
    ]


def main_video(project: Project, variant_id: str, root: Path) -> Path | None:
    """The variant's main cut on disk (not an A/B cell), in the brief's first aspect when there is one."""
    videos = [d for d in project.deliverables if d.variant_id == variant_id and d.kind == "video" and not d.sub_variant]
    order = list(project.brief.aspect_ratios)
    videos.sort(key=lambda d: order.index(d.aspect) if d.aspect in order else len(order))
    for d in videos:
        path = Path(d.path) if Path(d.path).is_absolute() else root / d.path
        if path.is_file():
            return path
    return None


def _scorecards(project: Project, ids: list[str], project_dir: Path | None, notes: list[str]) -> dict[str, Any]:
    """Each rendered variant's scorecard (studio/check/scorecard.py `score_variant`), read from its video."""
    if project_dir is None:
        return {}
    cards: dict[str, Any] = {}
    unrendered = []
    for vid in ids:
        video = main_video(project, vid, project_dir)
        if video is None:
            unrendered.append(vid)
            continue
        cards[vid] = score_variant(project, vid, video, root=project_dir)
    if unrendered:
        waiting = ", ".join(unrendered)
        notes.append(f"Scorecards: {waiting} not rendered yet (`qianmian render`); a card reads the video.")
    return cards


def variant_summary(project: Project, variant_id: str) -> dict[str, Any]:
    """For the app's variant wall: counts per severity, whether final is blocked, and the findings as dicts."""
    findings = check_project(project, variant_ids=[variant_id])
    return {
        "variant": variant_id,
        "blocked": any(f.blocks for f in findings),
        "block": sum(1 for f in findings if f.blocks),
        "overridden": sum(1 for f in findings if f.severity == "block" and f.override is not None),
        "warn": sum(1 for f in findings if f.severity == "warn"),
        "info": sum(1 for f in findings if f.severity == "info"),
        "findings": [f.to_dict() for f in findings],
    }
