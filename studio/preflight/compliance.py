"""Market compliance: rule packs (assets/knowledge/compliance/*.toml) checked against every line of every variant.

Each rule names its authority, a source reference and the date it was checked; its terms are written in the local
languages and English. Matching follows the script: Chinese, Japanese and Thai have no spaces between words, so a
term is found anywhere in a line (noisy single characters such as 最 are listed only in ranking compounds, 最好,
最佳, and common phrases such as 第一次 are exceptions); Latin, Hangul, Arabic and Hebrew terms are found as words
(Arabic and Hebrew with the prefixes written onto a word), after NFKC normalisation and case folding (Vietnamese
diacritics are kept: "trang" is not "trắng"). A block finding stops a final render until the creator records an
override with a reason (`record_override`).
"""

from __future__ import annotations

import getpass
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from studio import paths
from studio.model import Project, ValidationFailed, Variant
from studio.model.compliance import ComplianceOverride
from studio.planning.knowledge import Pack, normalise_name, read_pack

Severity = Literal["block", "warn", "info"]
LineField = Literal["voiceover", "caption", "on_screen_text", "cta", "legal", "label", "disclosure"]
SEVERITY_ORDER: dict[str, int] = {"block": 0, "warn": 1, "info": 2}
README = "(Compliance rules)"


class Rule(Pack):
    """One rule of a market: what it forbids or asks for, who says so, and how to fix a line."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,80}$")
    markets: list[str] = Field(min_length=1, description="Market codes ('CN'), '*' for every market.")
    kind: Literal["claim", "disclosure", "ai-label", "language-version", "language"] = "claim"
    severity: Severity
    authority: str = Field(min_length=3, description="Who enforces it and the article, e.g. 'SAMR — ... art. 9'.")
    source: str = Field(min_length=3, description="The text it comes from (law, guideline, section).")
    checked: date = Field(description="When the source was last checked (TOML date, e.g. 2026-12-01).")
    applies_to: list[str] = Field(default_factory=lambda: ["*"], description="Category ids or words; '*' = all.")
    message: str = Field(min_length=3)
    fix: str = Field(min_length=3)
    terms: dict[str, list[str]] = Field(default_factory=dict, description="Terms per language code (claim rules).")
    terms_from: str = Field(default="", description="Use another rule's terms and exceptions (a rule id).")
    exceptions: list[str] = Field(default_factory=list, description="Phrases a match inside of does not count.")
    unless_said: list[str] = Field(
        default_factory=list, description="Words that satisfy the rule when the variant or brief says them (proof)."
    )
    replaces: list[str] = Field(default_factory=list, description="Rule ids this one replaces in its markets.")
    triggers: list[str] = Field(default_factory=list, description="Disclosure: brief words that make it apply.")
    requires: list[str] = Field(default_factory=list, description="Disclosure: words a line must show.")
    labels: dict[str, str] = Field(default_factory=dict, description="AI label: the label text per language.")
    languages: list[str] = Field(
        default_factory=list,
        description="Language version: the variant languages it checks (BCP-47; empty: all). Language rule: the "
        "languages (BCP-47 primary tags) the ad must be in.",
    )
    per_video: bool = Field(
        default=False,
        description="Claim rule about the whole video (its pictures, e.g. beauty filters), not a line: named once per "
        "variant with every line's words.",
    )
    requires_language: str = Field(
        default="", description="Language version: a language the same market and segment must also be planned in."
    )

    @field_validator("markets")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        bad = [m for m in v if m != "*" and not re.fullmatch(r"[A-Za-z]{2,3}", m)]
        if bad:
            raise ValueError(f"market codes are two or three letters (or '*'), got {bad}")
        return [m.upper() for m in v]

    @model_validator(mode="after")
    def _complete(self) -> Rule:
        if self.kind == "claim" and not self.terms and not self.terms_from:
            raise ValueError("a claim rule needs [rules.terms] (language = [terms]) or terms_from = 'rule-id'")
        if self.kind == "disclosure" and (not self.triggers or not self.requires):
            raise ValueError("a disclosure rule needs triggers = [...] and requires = [...]")
        if self.kind == "ai-label" and "en" not in self.labels:
            raise ValueError("an ai-label rule needs [rules.labels] with at least en = '...'")
        if self.kind == "language-version" and not self.requires_language:
            raise ValueError("a language-version rule needs requires_language = '<BCP-47 code>' (e.g. 'fr')")
        if self.kind == "language" and not self.languages:
            raise ValueError("a language rule needs languages = ['uk', ...] (the languages the ad must be in)")
        empty = [lang for lang, words in self.terms.items() if not [w for w in words if w.strip()]]
        if empty:
            raise ValueError(f"terms for {empty} are empty")
        return self

    def applies_in(self, market: str) -> bool:
        return "*" in self.markets or market.upper() in self.markets

    def applies_to_category(self, words: set[str], phrase: str) -> bool:
        if "*" in self.applies_to:
            return True
        for a in self.applies_to:
            key = normalise_name(a)
            if key in words or key == phrase or (" " in key and key in phrase):
                return True
        return False

    def all_terms(self) -> list[str]:
        return list(dict.fromkeys(t for words in self.terms.values() for t in words if t.strip()))


class RulePack(Pack):
    rules: list[Rule] = Field(default_factory=list)


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    files: dict[str, Path]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def for_market(self, market: str, category: str = "") -> list[Rule]:
        """The rules that apply in `market` to a brief of `category`, a market's own rule replacing a common one."""
        words, phrase = _category_words(category)
        found = [r for r in self.rules if r.applies_in(market) and r.applies_to_category(words, phrase)]
        replaced = {rid for r in found for rid in r.replaces}
        return [r for r in found if r.id not in replaced]


def _category_words(category: str) -> tuple[set[str], str]:
    from studio.planning.knowledge import load_knowledge

    phrase = normalise_name(category)
    words = set(phrase.split()) | {phrase}
    try:
        pack = load_knowledge().category(category)
    except ValidationFailed:
        pack = None
    if pack is not None:
        words |= {normalise_name(pack.id), *normalise_name(pack.id).split()}
    return words, phrase


def compliance_dir(root: Path | None = None) -> Path:
    return (root or paths.knowledge_dir()) / "compliance"


@lru_cache(maxsize=8)
def _load(folder: Path) -> RuleBook:
    rules: list[Rule] = []
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.toml")):
        pack = read_pack(path, RulePack, "Compliance rules", README)
        for rule in pack.rules:
            if rule.id in files:
                raise ValidationFailed(
                    f"Compliance rules {path}: rules.id '{rule.id}' is already used in {files[rule.id]}.",
                    "Give each rule its own id (ids are global across the compliance files).",
                )
            files[rule.id] = path
            rules.append(rule)
    by_id = {r.id: r for r in rules}
    resolved: list[Rule] = []
    for rule in rules:
        for rid in [*([rule.terms_from] if rule.terms_from else []), *rule.replaces]:
            if rid not in by_id:
                raise ValidationFailed(
                    f"Compliance rules {files[rule.id]}: rule '{rule.id}' names an unknown rule '{rid}' "
                    "(terms_from / replaces).",
                    f"Use one of: {', '.join(sorted(by_id))}.",
                )
        if rule.terms_from:
            base = by_id[rule.terms_from]
            rule = rule.model_copy(
                update={
                    "terms": rule.terms or base.terms,
                    "exceptions": rule.exceptions or base.exceptions,
                }
            )
        resolved.append(rule)
    return RuleBook(tuple(resolved), files)


def load_rules(root: Path | None = None) -> RuleBook:
    """Every compliance rule under `root`/compliance (default assets/knowledge), validated and cached: a bad file
    is refused with its name, the field and the README section."""
    return _load(compliance_dir(root).resolve())


def clear_cache() -> None:
    _load.cache_clear()
    _pattern.cache_clear()


# ---------------------------------------------------------------------------------------------------- matching

#: Scripts written without spaces between words: a term is a substring there.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f]"
)
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
#: Arabic vowel marks and tatweel: "حَلال" is "حلال".
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
#: Arabic clitics that attach before a word: and, so, with, for, like, the.
_ARABIC_PREFIX = "(?:[وف])?(?:[بلك])?(?:ال)?"
_HEBREW = re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Hebrew prefixes written onto the word: and, that, the, in, to, as, from ("והאחריות" is "אחריות").
_HEBREW_PREFIX = "(?:[ושהבלכמ]{0,2}-?)"


def normalise(text: str) -> str:
    """NFKC (full-width letters, Arabic presentation forms), case folded, Arabic vowel marks dropped."""
    return _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=8192)
def _pattern(term: str) -> re.Pattern[str]:
    t = normalise(term).strip()
    body = re.escape(t).replace(r"\ ", r"\s+")
    if _UNSPACED.search(t):
        return re.compile(body)
    if _HANGUL.search(t):  # particles attach after the noun: 미백 finds 미백을, 미백효과
        return re.compile(rf"(?<!\w){body}")
    if _ARABIC.search(t):  # clitics before, suffixes after
        return re.compile(rf"(?<!\w){_ARABIC_PREFIX}{body}")
    if _HEBREW.search(t):  # prefixes before the word
        return re.compile(rf"(?<!\w){_HEBREW_PREFIX}{body}(?!\w)")
    if _CYRILLIC.search(t):  # Russian and Kazakh endings follow the stem: джекпот finds джекпотты, лучш finds лучшая
        return re.compile(rf"(?<!\w){body}")
    plural = "(?:s|es)?" if t[-1:].isalpha() else ""
    return re.compile(rf"(?<!\w){body}{plural}(?!\w)")


def find_terms(text: str, terms: Sequence[str], exceptions: Sequence[str] = ()) -> list[str]:
    """The terms found in `text` (as written there when normalising kept its length), minus matches that lie
    inside an exception ('第一次' is not '第一')."""
    if not text.strip():
        return []
    norm = normalise(text)
    same = len(norm) == len(text)
    spans = [m.span() for e in exceptions if e.strip() for m in _pattern(e).finditer(norm)]
    hits: dict[str, int] = {}
    for term in terms:
        for m in _pattern(term).finditer(norm):
            if any(a <= m.start() and m.end() <= b for a, b in spans):
                continue
            words = text[m.start() : m.end()] if same else m.group(0)
            hits.setdefault(words, m.start())
    found = sorted(hits, key=lambda w: hits[w])  # in the order the line says them
    # "销量第一" and "第一" both matching: keep the longest words only
    return [w for w in found if not any(w != o and normalise(w) in normalise(o) for o in found)]


def says_any(texts: list[str], terms: list[str]) -> bool:
    return any(find_terms(t, terms) for t in texts if t.strip())


# ---------------------------------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Line:
    """One piece of copy the ad says or shows, and where it sits."""

    where: str
    """A shot id, 'end card', 'cta', 'legal', or an A/B cell ('ab-hook-2', 'ab-cta-2')."""
    field: LineField
    text: str
    note: str = ""


@dataclass
class Finding:
    rule_id: str
    severity: Severity
    market: str
    variant_id: str
    where: str
    field: str
    words: list[str]
    message: str
    fix: str
    authority: str
    source: str = ""
    checked: str = ""
    text: str = ""
    override: ComplianceOverride | None = None

    @property
    def blocks(self) -> bool:
        """A block finding nobody has overridden: final is refused."""
        return self.severity == "block" and self.override is None

    def describe(self) -> str:
        words = ", ".join(f"\u201c{w}\u201d" for w in self.words)
        head = f"{self.variant_id} {self.where} ({self.field}): [{self.severity}] {self.rule_id}"
        return f"{head}: {words + ' — ' if words else ''}{self.message} Fix: {self.fix} ({self.authority})"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "rule": self.rule_id,
            "severity": self.severity,
            "market": self.market,
            "variant": self.variant_id,
            "where": self.where,
            "field": self.field,
            "words": list(self.words),
            "message": self.message,
            "fix": self.fix,
            "authority": self.authority,
            "source": self.source,
            "checked": self.checked,
        }
        if self.override is not None:
            out["override"] = self.override.model_dump()
        return out


def variant_lines(project: Project, variant: Variant) -> list[Line]:
    """Every line the variant says or shows: voice-over (and its shorter alternatives, which the cut may use),
    caption (the on-screen text), end-card call to action and legal line, and the A/B hooks and calls to action."""
    lines: list[Line] = []
    for shot in variant.shots:
        lines.append(Line(shot.shot_id, "voiceover", shot.voiceover))
        lines.append(Line(shot.shot_id, "caption", shot.caption))
        lines += [
            Line(shot.shot_id, "voiceover", alt, f"shorter alternative {n + 1}")
            for n, alt in enumerate(shot.alternatives)
        ]
    cta, legal = end_card_lines(project, variant)
    lines.append(Line("end card", "cta", cta))
    lines.append(Line("legal", "legal", legal))
    lines += [Line(f"ab-hook-{n + 2}", "voiceover", h) for n, h in enumerate(variant.ab_hooks)]
    lines += [Line(f"ab-cta-{n + 2}", "cta", c) for n, c in enumerate(variant.ab_ctas)]
    return [ln for ln in lines if ln.text.strip()]


def end_card_lines(project: Project, variant: Variant) -> tuple[str, str]:
    """The call to action and legal line the end card shows (the variant's, else the brief copy's, else the brief's);
    the same order as studio.render.timeline.end_card_copy."""
    brief = project.brief
    copy = brief.copy_by_language.get(variant.language)

    def first(*values: str | None) -> str:
        return next((v for v in values if v and v.strip()), "")

    cta = first(variant.call_to_action, copy.call_to_action if copy else None, brief.call_to_action)
    legal = first(variant.legal, copy.legal if copy else None, brief.legal)
    return cta, legal


def _brief_context(project: Project) -> list[str]:
    """What the brief says about the ad's form (influencer, UGC, testimonial...): where disclosure duties start."""
    b = project.brief
    texts = [b.tone, b.notes] + [f"{s.name} {s.description} {s.style or ''}" for s in b.segments]
    if project.storyboard is not None:
        texts += [project.storyboard.concept, project.storyboard.theme]
    return [t for t in texts if t]


def _proof_texts(project: Project, variant: Variant, lines: list[Line]) -> list[str]:
    b = project.brief
    texts = [ln.text for ln in lines] + [b.legal, *b.mandatory_claims, *b.selling_points]
    texts += [c.legal or "" for c in b.copy_by_language.values()]
    return [t for t in texts if t]


def generated_media(project: Project, variant: Variant) -> list[dict[str, str]]:
    """The generators whose output the variant's cut shows or plays: image models (the takes' backends), video
    models and lip-synced presenters (the motion takes it plays) and the synthetic voice. Procedural storyboard
    frames are drawn by code, not generated by a model."""
    from pipelines.image import PROCEDURAL
    from studio.model.motion import picked_motion

    out: list[dict[str, str]] = []
    for shot in variant.shots:
        take = project.selected_take(shot.shot_id, variant.id)
        if take is not None and take.backend != PROCEDURAL and not take.backend.startswith("upload"):
            entry = {"kind": "image", "id": take.backend}
            if entry not in out:
                out.append(entry)
        for clip in picked_motion(project, shot.shot_id, variant.id):
            kind = "presenter" if clip.info.get("synthetic_presenter") else "video"
            entry = {"kind": kind, "id": clip.backend}
            if entry not in out:
                out.append(entry)
    if any(s.voiceover.strip() for s in variant.shots):
        voices = [v.backend for v in project.voice_lines if v.variant_id == variant.id]
        for voice in voices or [project.settings.voices.get(variant.language, "espeak")]:
            entry = {"kind": "voice", "id": voice}
            if entry not in out:
                out.append(entry)
    if any(st.origin == "llm" for s in variant.shots for st in s.line_status.values()):
        out.append({"kind": "text", "id": "llm"})
    return out


def check_variant(project: Project, variant: Variant, book: RuleBook | None = None) -> list[Finding]:
    """Every rule of the variant's market against every line; overrides recorded in the project are attached."""
    book = book or load_rules()
    rules = book.for_market(variant.market, project.brief.category)
    lines = variant_lines(project, variant)
    proof = _proof_texts(project, variant, lines)
    findings: list[Finding] = []

    def add(rule: Rule, line: Line | None, words: list[str], where: str = "", fld: str = "") -> None:
        findings.append(
            Finding(
                rule_id=rule.id,
                severity=rule.severity,
                market=variant.market.upper(),
                variant_id=variant.id,
                where=line.where if line else where,
                field=line.field if line else fld,
                words=words,
                message=rule.message + (f" ({line.note})" if line and line.note else ""),
                fix=rule.fix,
                authority=rule.authority,
                source=rule.source,
                checked=rule.checked.isoformat(),
                text=line.text if line else "",
            )
        )

    for rule in rules:
        if rule.kind == "claim":
            if rule.unless_said and says_any(proof, rule.unless_said):
                continue
            terms = rule.all_terms()
            hits = [(line, words) for line in lines if (words := find_terms(line.text, terms, rule.exceptions))]
            if rule.per_video and hits:
                add(rule, None, list(dict.fromkeys(w for _, words in hits for w in words)), "whole video", "pictures")
                continue
            for line, words in hits:
                add(rule, line, words)
        elif rule.kind == "disclosure":
            if "*" in rule.triggers:  # every ad of the rule's markets and categories (a licence number, a legend)
                triggers = [f"every {project.brief.category} ad"]
            else:
                triggers = [w for t in _brief_context(project) for w in find_terms(t, rule.triggers)]
            if triggers and not says_any([ln.text for ln in lines if ln.field != "voiceover"], rule.requires):
                add(rule, None, list(dict.fromkeys(triggers)), "whole video", "disclosure")
        elif rule.kind == "language-version":
            if _speaks(variant.language, rule.languages) and not any(
                v.market == variant.market
                and v.segment == variant.segment
                and _speaks(v.language, [rule.requires_language])
                for v in project.variants
            ):
                add(rule, None, [variant.language], "whole video", "disclosure")
        elif rule.kind == "ai-label":
            made = generated_media(project, variant)
            if made and project.settings.ai_label == "off":
                add(rule, None, [m["id"] for m in made], "whole video", "label")
        elif rule.kind == "language":
            for where, fld, words, said in _language_findings(project, variant, rule, lines):
                add(rule, said, words, where, fld)
    _attach_overrides(project, findings)
    return _merged(findings)


def _speaks(language: str, languages: list[str]) -> bool:
    """`language` is one of `languages` (no list: any), by its whole tag or its primary one (fr-CA is fr)."""
    if not languages:
        return True
    tag = language.casefold()
    return any(tag == w.casefold() or tag.split("-")[0] == w.casefold().split("-")[0] for w in languages)


def _language_findings(
    project: Project, variant: Variant, rule: Rule, lines: list[Line]
) -> list[tuple[str, str, list[str], Line | None]]:
    """A language rule (an ad must be in the state language): the whole video when the variant speaks another
    language, else each line the language check identifies as another language (a Russian line in a Ukrainian
    variant), with the language it was seen as. Brand and product names are left out, as the language check does."""
    from studio.planning.language_check import base, brand_names, identify

    allowed = {base(code) for code in rule.languages}
    if base(variant.language) not in allowed:
        return [("whole video", "language", [variant.language], None)]
    names = brand_names(project)
    out: list[tuple[str, str, list[str], Line | None]] = []
    for line in lines:
        verdict = identify(line.text, variant.language, names=names)
        if verdict.ok is False and verdict.detected and base(verdict.detected) not in allowed:
            out.append((line.where, line.field, [verdict.detected], line))
    return out


def _merged(findings: list[Finding]) -> list[Finding]:
    """One finding per rule, line and field (a voice-over's alternatives join their shot's finding)."""
    out: dict[tuple[str, str, str, str], Finding] = {}
    for f in findings:
        key = (f.rule_id, f.variant_id, f.where, f.field)
        if key in out:
            out[key].words = list(dict.fromkeys(out[key].words + f.words))
        else:
            out[key] = f
    return sorted(out.values(), key=lambda f: (f.variant_id, SEVERITY_ORDER[f.severity], f.where, f.rule_id))


def override_for(project: Project, finding: Finding) -> ComplianceOverride | None:
    for o in project.compliance_overrides:
        if o.rule_id == finding.rule_id and o.variant_id == finding.variant_id and o.shot_id in ("", finding.where):
            return o
    return None


def _attach_overrides(project: Project, findings: list[Finding]) -> None:
    for f in findings:
        f.override = override_for(project, f)


def check_project(project: Project, *, variant_ids: list[str] | tuple[str, ...] | None = None) -> list[Finding]:
    """Findings for every variant (or those named), in every language, grouped by variant, most severe first."""
    book = load_rules()
    wanted = set(variant_ids) if variant_ids else None
    out: list[Finding] = []
    for variant in project.variants:
        if wanted is None or variant.id in wanted:
            out += check_variant(project, variant, book)
    return out


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks]


def preflight_blocks(project: Project, variant_ids: list[str] | tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """Variant id → why it may not be made final (block findings without an override). Cheap (no rendering), so
    the takes stage can call it before spending GPU time on a variant that cannot ship as it is."""
    out: dict[str, list[str]] = {}
    for f in blocking(check_project(project, variant_ids=variant_ids)):
        out.setdefault(f.variant_id, []).append(f.describe())
    return out


@dataclass
class OverrideResult:
    override: ComplianceOverride
    covered: list[Finding] = field(default_factory=list)


def record_override(
    project: Project, rule_id: str, variant_id: str, reason: str, *, shot_id: str = "", by: str = ""
) -> OverrideResult:
    """Record (in `project`, in place; the caller saves) that `rule_id` may be published in `variant_id` (on one
    shot or line, or all when `shot_id` is empty), with the reason. Refuses unknown rules or variants, an empty
    reason, and a rule that finds nothing there (nothing to override)."""
    book = load_rules()
    if book.rule(rule_id) is None:
        raise ValidationFailed(
            f"No compliance rule {rule_id!r}.", "Use a rule id that `qianmian check` printed for this project."
        )
    try:
        variant = project.variant(variant_id)
    except KeyError:
        raise ValidationFailed(
            f"The project has no variant {variant_id!r}.",
            f"Known variants: {', '.join(v.id for v in project.variants)}.",
        ) from None
    if len(reason.strip()) < 3:
        raise ValidationFailed(
            "An override needs a reason.",
            'Say why it may be published, e.g. --reason "BPJPH certificate ID123 on file".',
        )
    found = [f for f in check_variant(project, variant, book) if f.rule_id == rule_id]
    if shot_id:
        found = [f for f in found if f.where == shot_id]
    if not found:
        raise ValidationFailed(
            f"Rule {rule_id} finds nothing in {variant_id}" + (f" at {shot_id}" if shot_id else "") + ".",
            "Nothing to override: run `qianmian check` to see the findings.",
        )
    override = ComplianceOverride(
        rule_id=rule_id,
        variant_id=variant_id,
        shot_id=shot_id,
        words=list(dict.fromkeys(w for f in found for w in f.words)),
        reason=reason.strip(),
        by=by or _user(),
    )
    project.compliance_overrides = [
        o
        for o in project.compliance_overrides
        if not (o.rule_id == rule_id and o.variant_id == variant_id and o.shot_id == shot_id)
    ] + [override]
    return OverrideResult(override, found)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
