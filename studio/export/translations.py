"""Translators' round trip: every line of every non-master variant out as XLIFF 2.0 or CSV, and back in, checked.

XLIFF 2.0 is written with lxml to the OASIS 2.0 core (one <file> per variant, <notes> at unit level, then one
<segment>): translate-toolkit 3.x's `translate.storage.xliff2` puts notes inside the segment, which the 2.0 schema
does not allow, so it is used to *read* (files come back from CAT tools through it) and to check each export parses.
CSV is one row per line with the same context, for translators who work in a spreadsheet.

Unit ids are `<variant>.<shot>.<kind>` (`<variant>.<kind>` for the call to action and legal line). Importing checks
each unit (unknown id, missing target, a name or placeholder changed, too long to say in the shot at the language's
speech rate, not in the variant's language) and applies only the units that pass, as creator values
(`LocalizedShot.overrides`) with `LineStatus(origin="translator-file")`. Nothing here saves the project.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from studio.model import Project, ProjectStore, ValidationFailed
from studio.model.project import LineStatus, Variant
from studio.model.stage import CancelToken, ProgressFn
from studio.model.store import atomic_write_bytes, atomic_write_text
from studio.planning.language_check import base, brand_names, identify

if TYPE_CHECKING:
    from studio.planning.knowledge import SpeechRate

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
#: On-screen text that must stay readable: at most two lines of a phone subtitle.
CAPTION_MAX_CHARS = {"latin": 84, "wide": 32}
#: End-card call to action: one short line.
CTA_MAX_CHARS = {"latin": 60, "wide": 24}
WIDE_SCRIPTS = {"zh", "ja", "ko"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%[sd]|\$\w+")
CSV_FIELDS = [
    "id",
    "variant",
    "shot",
    "beat",
    "kind",
    "language",
    "source",
    "target",
    "max_seconds",
    "max_units",
    "unit",
    "max_characters",
    "frame",
    "note",
]
Kind = Literal["voice-over", "caption", "call-to-action", "legal"]


@dataclass(frozen=True)
class Unit:
    """One line to translate, with what a translator needs to write it well."""

    id: str
    variant_id: str
    shot_id: str
    beat: str
    kind: Kind
    language: str
    source: str
    target: str
    max_seconds: float | None
    max_units: int | None
    unit: str
    max_characters: int | None
    frame: str
    note: str = ""


@dataclass(frozen=True)
class UnitResult:
    id: str
    ok: bool
    problems: list[str]
    target: str = ""
    detected: str = ""
    unit: Unit | None = None


@dataclass
class TranslationReport:
    """Per unit: applied or why not. `applied` counts units written into the project by `apply_translations`."""

    path: Path
    language: str
    results: list[UnitResult] = field(default_factory=list)
    applied: int = 0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def summary(self) -> str:
        good = sum(r.ok for r in self.results)
        lines = [f"{self.path.name}: {good} of {len(self.results)} units valid, {self.applied} applied."]
        lines += [f"  ✗ {r.id}: {'; '.join(r.problems)}" for r in self.results if not r.ok]
        return "\n".join(lines)


def _wide(language: str) -> bool:
    return base(language) in WIDE_SCRIPTS


def _frame(project: Project, store: ProjectStore | None, variant: Variant, shot_id: str) -> str:
    take = project.selected_take(shot_id, variant.id)
    if take is None:
        return ""
    return str(store.asset_path(take.asset)) if store is not None else take.asset


def _speech_rate(variant: Variant) -> SpeechRate | None:
    from studio.planning.context import market_language
    from studio.planning.knowledge import load_knowledge

    market = load_knowledge().markets.get(variant.market)
    if market is None:
        return None
    try:
        return market_language(market, variant.language).speech_rate
    except ValidationFailed:
        return None


def units_for(project: Project, variant: Variant, store: ProjectStore | None = None) -> list[Unit]:
    """Every line of a variant as a unit; the target is the current line when it is not the master's."""
    from studio.planning.speech import LEAD_S

    if project.storyboard is None:
        return []
    masters = {s.id: s for s in project.storyboard.shots}
    rate = _speech_rate(variant)
    wide = _wide(variant.language)
    out: list[Unit] = []
    for shot in variant.shots:
        master = masters.get(shot.shot_id)
        if master is None:
            continue
        for kind, source, text in (
            ("voice-over", master.voiceover, shot.voiceover),
            ("caption", master.on_screen_text, shot.caption),
        ):
            if not source.strip():
                continue
            status = shot.line_status.get(kind)
            untranslated = text.strip() == source.strip() or (status is not None and status.origin == "untranslated")
            max_s = max_units = None
            unit = ""
            if kind == "voice-over" and rate is not None:
                max_s = round(max(0.0, shot.duration_s - LEAD_S), 2)
                max_units = math.floor(max_s * rate.per_second)
                unit = rate.unit
            max_chars = CAPTION_MAX_CHARS["wide" if wide else "latin"] if kind == "caption" else None
            if kind == "voice-over" and unit == "characters":
                max_chars = max_units  # languages timed by characters: the speech limit is a character limit
            out.append(
                Unit(
                    id=f"{variant.id}.{shot.shot_id}.{kind}",
                    variant_id=variant.id,
                    shot_id=shot.shot_id,
                    beat=master.beat,
                    kind=kind,  # type: ignore[arg-type]
                    language=variant.language,
                    source=source,
                    target="" if untranslated else text,
                    max_seconds=max_s,
                    max_units=max_units,
                    unit=unit,
                    max_characters=max_chars,
                    frame=_frame(project, store, variant, shot.shot_id),
                    note=f"{master.beat} shot, {shot.duration_s:g} s on screen; visual: {master.visual}",
                )
            )
    brief = project.brief
    for kind, source, text in (
        ("call-to-action", brief.call_to_action, variant.call_to_action),
        ("legal", brief.legal, variant.legal),
    ):
        if not source.strip():
            continue
        status = variant.line_status.get(kind)
        untranslated = text.strip() == source.strip() or (status is not None and status.origin == "untranslated")
        out.append(
            Unit(
                id=f"{variant.id}.{kind}",
                variant_id=variant.id,
                shot_id="",
                beat="end card",
                kind=kind,  # type: ignore[arg-type]
                language=variant.language,
                source=source,
                target="" if untranslated else text,
                max_seconds=None,
                max_units=None,
                unit="",
                max_characters=CTA_MAX_CHARS["wide" if wide else "latin"] if kind == "call-to-action" else None,
                frame="",
                note="end card" + (": legal text, translate exactly, never shorten" if kind == "legal" else ""),
            )
        )
    return out


def units_by_language(project: Project, store: ProjectStore | None = None) -> dict[str, list[Unit]]:
    """Units of every variant not in the master language, grouped by target language."""
    master = base(project.brief.master_language)
    out: dict[str, list[Unit]] = {}
    for variant in project.variants:
        if base(variant.language) == master:
            continue
        out.setdefault(variant.language, []).extend(units_for(project, variant, store))
    return out


def _notes(unit: Unit) -> list[tuple[str, str]]:
    notes = [("variant", unit.variant_id), ("kind", unit.kind), ("beat", unit.beat)]
    if unit.shot_id:
        notes.append(("shot", unit.shot_id))
    if unit.max_seconds is not None:
        notes.append(("max-seconds", f"{unit.max_seconds:g}"))
        notes.append(("max-units", f"{unit.max_units} {unit.unit}"))
    if unit.max_characters is not None:
        notes.append(("max-characters", str(unit.max_characters)))
    if unit.frame:
        notes.append(("frame", unit.frame))
    if unit.note:
        notes.append(("context", unit.note))
    return notes


def write_xliff(units: list[Unit], source_language: str, language: str) -> bytes:
    """XLIFF 2.0 core: one <file> per variant, notes with each unit's context, read back by translate-toolkit."""
    from lxml import etree
    from translate.storage.xliff2 import Xliff2File

    ns = f"{{{XLIFF2_NS}}}"
    root = etree.Element(f"{ns}xliff", nsmap={None: XLIFF2_NS})
    root.set("version", "2.0")
    root.set("srcLang", source_language)
    root.set("trgLang", language)
    files: dict[str, etree._Element] = {}
    for u in units:
        file = files.get(u.variant_id)
        if file is None:
            file = files[u.variant_id] = etree.SubElement(root, f"{ns}file", id=u.variant_id)
        el = etree.SubElement(file, f"{ns}unit", id=u.id)
        notes = etree.SubElement(el, f"{ns}notes")
        for category, text in _notes(u):
            note = etree.SubElement(notes, f"{ns}note", category=category)
            note.text = text
        segment = etree.SubElement(el, f"{ns}segment", state="translated" if u.target else "initial")
        etree.SubElement(segment, f"{ns}source").text = u.source
        if u.target:
            etree.SubElement(segment, f"{ns}target").text = u.target
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    parsed = Xliff2File.parsestring(data)  # the toolkit must read what we hand out
    if [x.getid() for x in parsed.units] != [u.id for u in units]:
        raise ValidationFailed("The XLIFF written does not read back unit for unit.", "Report this as a bug.")
    return data


def write_csv(units: list[Unit]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for u in units:
        writer.writerow(
            {
                "id": u.id,
                "variant": u.variant_id,
                "shot": u.shot_id,
                "beat": u.beat,
                "kind": u.kind,
                "language": u.language,
                "source": u.source,
                "target": u.target,
                "max_seconds": "" if u.max_seconds is None else f"{u.max_seconds:g}",
                "max_units": "" if u.max_units is None else u.max_units,
                "unit": u.unit,
                "max_characters": "" if u.max_characters is None else u.max_characters,
                "frame": u.frame,
                "note": u.note,
            }
        )
    return buf.getvalue()


@dataclass(frozen=True)
class TranslationsExportRequest:
    project_dir: Path
    out_dir: Path
    format: Literal["xliff", "csv"] = "xliff"
    project: Project | None = None
    """The project as the caller has it (the app: unsaved edits included); None reads project.json."""


def export_translations(
    request: TranslationsExportRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> list[Path]:
    """One file per target language (`<project>_<lang>.xlf` or `.csv`) in `out_dir`; the project is not changed."""
    from studio.model.stage import check, report

    store = ProjectStore(request.project_dir)
    project = request.project if request.project is not None else store.load()
    by_language = units_by_language(project, store)
    if not by_language:
        raise ValidationFailed(
            "Nothing to translate: every variant speaks the master language.",
            "Add a market in another language to the brief and plan again.",
        )
    request.out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for n, (language, units) in enumerate(sorted(by_language.items())):
        check(cancel)
        report(on_progress, n / len(by_language), f"Writing {language}")
        if request.format == "csv":
            path = request.out_dir / f"{project.name}_{language}.csv"
            atomic_write_text(path, write_csv(units))
        else:
            path = request.out_dir / f"{project.name}_{language}.xlf"
            atomic_write_bytes(path, write_xliff(units, project.brief.master_language, language))
        paths.append(path)
    report(on_progress, 1.0, f"{len(paths)} files")
    return paths


# ---- import ----


def _read(path: Path) -> tuple[str, list[tuple[str, str, str | None]]]:
    """(target language from the file or "", [(id, source, target or None)])."""
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        if rows and not {"id", "target"} <= set(rows[0]):
            raise ValidationFailed(
                f"{path} has no 'id' and 'target' columns.", "Use the CSV `translations export` wrote."
            )
        langs = {r.get("language", "") for r in rows} - {""}
        return (langs.pop() if len(langs) == 1 else ""), [
            (r["id"], r.get("source", ""), (r["target"] if r["target"].strip() else None)) for r in rows
        ]
    from translate.storage.xliff2 import Xliff2File

    try:
        store = Xliff2File.parsefile(str(path))
    except Exception as e:  # lxml and the toolkit raise many kinds on a broken file
        raise ValidationFailed(f"{path} is not an XLIFF 2.0 file: {e}", "Export it again as XLIFF 2.0.") from e
    units = []
    for u in store.units:
        target = u.target
        units.append((u.getid() or "", u.source or "", target if target and str(target).strip() else None))
    return store.gettargetlanguage() or "", units


def _names_kept(source: str, target: str, names: list[str], forms: dict[str, str]) -> list[str]:
    """Names and placeholders in the source that the target lost (a name may be written its local way)."""
    lost = []
    for token in PLACEHOLDER.findall(source):
        if token not in target:
            lost.append(f"placeholder {token} changed or missing")
    for name in names:
        if name and name.lower() in source.lower() and name.lower() not in target.lower():
            local = forms.get(name, "")
            if not (local and local in target):
                lost.append(
                    f"the name {name!r} is missing (keep it verbatim" + (f" or write {local!r})" if local else ")")
                )
    return lost


def check_unit(project: Project, unit: Unit, target: str) -> UnitResult:
    """One returned line: long enough to say in its shot, its names kept, in the variant's language."""
    from studio.planning.speech import LEAD_S, spoken_seconds

    problems: list[str] = []
    brief = project.brief
    forms = next((f for code, f in brief.names.items() if base(code) == base(unit.language)), {})
    problems += _names_kept(unit.source, target, [brief.brand, brief.product], forms)
    variant = project.variant(unit.variant_id)
    if unit.kind == "voice-over":
        rate = _speech_rate(variant)
        shot = variant.shot(unit.shot_id)
        if rate is not None:
            need = spoken_seconds(target, rate) + LEAD_S
            if need > shot.duration_s + 0.05:
                problems.append(
                    f"too long: {need:.1f} s to say at {rate.per_second:g} {rate.unit}/s, the shot is "
                    f"{shot.duration_s:g} s (at most {unit.max_units} {unit.unit})"
                )
    if unit.kind != "voice-over" and unit.max_characters is not None and len(target) > unit.max_characters:
        problems.append(f"too long: {len(target)} characters, at most {unit.max_characters}")
    names = brand_names(project)
    verdict = identify(target, unit.language, names=names, master=unit.source, master_language=brief.master_language)
    if verdict.ok is False:
        problems.append(f"not in {unit.language}: {verdict.why}")
    return UnitResult(unit.id, not problems, problems, target, verdict.detected, unit)


def read_translations(project: Project, path: Path) -> TranslationReport:
    """Check every unit of a translator's file against the project; nothing is applied yet."""
    units = {u.id: u for lang_units in units_by_language(project).values() for u in lang_units}
    language, rows = _read(path)
    report = TranslationReport(path=path, language=language)
    seen: set[str] = set()
    for uid, source, target in rows:
        if uid in seen:
            report.results.append(UnitResult(uid, False, ["the id appears twice in the file"]))
            continue
        seen.add(uid)
        unit = units.get(uid)
        if unit is None:
            report.results.append(UnitResult(uid, False, ["unknown id: no such line in this project"]))
            continue
        if language and base(language) != base(unit.language):
            report.results.append(UnitResult(uid, False, [f"the file is {language}, the line is {unit.language}"]))
            continue
        if target is None:
            report.results.append(UnitResult(uid, False, ["missing target: the line was not translated"]))
            continue
        if source.strip() and source.strip() != unit.source.strip():
            report.results.append(
                UnitResult(uid, False, ["the master line changed since export: export again"], target)
            )
            continue
        if unit.target.strip() and target.strip() == unit.target.strip():
            continue  # the line the variant already has (brief copy, phrase bank...): nothing to apply or check
        report.results.append(check_unit(project, unit, target.strip()))
    return report


def apply_translations(project: Project, report: TranslationReport) -> int:
    """Write the valid units into the project as creator values from a translator's file; returns how many."""
    applied = 0
    for r in report.results:
        if not r.ok or r.unit is None:
            continue
        unit = r.unit
        variant = project.variant(unit.variant_id)
        status = LineStatus(origin="translator-file", language_ok=True if r.detected else None, detected=r.detected)
        if unit.shot_id:
            shot = variant.shot(unit.shot_id)
            name = "voiceover" if unit.kind == "voice-over" else "caption"
            setattr(shot, name, r.target)
            shot.overrides[name] = r.target
            shot.line_status[unit.kind] = status
            shot.flags = [f for f in shot.flags if not (f.kind == "untranslated" and f" {unit.kind} " in f.message)]
        elif unit.kind == "call-to-action":
            variant.call_to_action = r.target
            variant.line_status["call-to-action"] = status
        elif unit.kind == "legal":
            variant.legal = r.target
            variant.line_status["legal"] = status
            for shot in variant.shots:
                shot.flags = [f for f in shot.flags if not (f.kind == "untranslated" and "legal line" in f.message)]
        applied += 1
    report.applied = applied
    return applied
