"""Planning with an LLM: richer insights, and translation with back-translation. The offline plan is the fallback.

Prompts are versioned files in assets/prompts/; every LLM result records the model and the prompt version.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, create_model

from pipelines.text import ChatMessage, LLMClient, complete_json
from studio import paths
from studio.model.brief import Brief
from studio.model.errors import ValidationFailed
from studio.model.project import Insight, Persona
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress
from studio.planning.context import Translation, VariantContext
from studio.planning.storyboard import line_language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: str
    user: str

    def messages(self, **values: str) -> list[ChatMessage]:
        out: list[ChatMessage] = []
        if self.system.strip():
            out.append({"role": "system", "content": Template(self.system).safe_substitute(values).strip()})
        out.append({"role": "user", "content": Template(self.user).safe_substitute(values).strip()})
        return out

    @property
    def tag(self) -> str:
        return f"{self.name}@v{self.version}"


@lru_cache(maxsize=16)
def _load_prompt(path: Path) -> Prompt:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Prompt(path.stem, int(data["version"]), str(data.get("system", "")), str(data["user"]))
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError) as e:
        raise ValidationFailed(
            f"Prompt file {path} cannot be used: {e}",
            "It needs `version` (an integer) and `user` (and optionally `system`); see assets/prompts/README.md.",
        ) from e


def load_prompt(name: str) -> Prompt:
    return _load_prompt((paths.prompts_dir() / f"{name}.toml").resolve())


class LLMInsight(BaseModel):
    persona_id: str
    kind: Literal["need", "pain-point", "local-context", "language"]
    text: str = Field(min_length=3, max_length=200)


class InsightReply(BaseModel):
    insights: list[LLMInsight]


class Line(BaseModel):
    id: str = Field(max_length=8)
    text: str = Field(max_length=400)


Reply = TypeVar("Reply", bound=BaseModel)


class LinesReply(BaseModel):
    lines: list[Line]


def _bounded(
    base: type[Reply],
    field: str,
    item: type[BaseModel],
    most: int,
    id_field: str,
    ids: list[str],
    text_chars: int | None = None,
) -> type[Reply]:
    """The reply schema narrowed to this call: ids limited to the known ones, at most `most` items and lines of at
    most `text_chars`, so constrained decoding cannot invent an id or run on past what was asked."""
    fields: dict[str, Any] = {id_field: (Literal[tuple(ids)], ...)}
    if text_chars:
        fields["text"] = (str, Field(min_length=1, max_length=text_chars))
    narrowed = create_model(item.__name__, __base__=item, **fields)
    return create_model(base.__name__, __base__=base, **{field: (list[narrowed], Field(min_length=1, max_length=most))})  # type: ignore[call-overload]


def enrich_insights(
    client: LLMClient,
    brief: Brief,
    personas: list[Persona],
    *,
    max_per_persona: int = 3,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> list[Insight]:
    """New insights per persona from the LLM; unknown persona ids and duplicates are dropped."""
    prompt = load_prompt("insights")
    by_id = {p.id: p for p in personas}
    brief_view = brief.model_dump(include={"brand", "product", "category", "selling_points", "tone", "notes"})
    persona_view = [
        p.model_dump(include={"id", "name", "summary", "needs", "pain_points", "local_context"}) for p in personas
    ]
    reply = complete_json(
        client,
        prompt.messages(
            brief=json.dumps(brief_view, ensure_ascii=False),
            personas=json.dumps(persona_view, ensure_ascii=False, indent=1),
            max_per_persona=str(max_per_persona),
        ),
        _bounded(
            InsightReply,
            "insights",
            LLMInsight,
            max_per_persona * len(personas),
            "persona_id",
            [p.id for p in personas],
        ),
        repair_prompt=load_prompt("repair").user,
        on_progress=on_progress,
        cancel=cancel,
    )
    known = {(p.id, t.lower()) for p in personas for t in (*p.needs, *p.pain_points, *p.local_context)}
    counts: dict[str, int] = {}
    out: list[Insight] = []
    for item in reply.insights:
        persona = by_id.get(item.persona_id)
        text = item.text.strip()
        if persona is None or (persona.id, text.lower()) in known or counts.get(persona.id, 0) >= max_per_persona:
            continue
        why = vet_insight(text, item.kind, persona, brief)
        if why:
            log.info("LLM insight for %s rejected (%s): %s", persona.id, why, text)
            continue
        known.add((persona.id, text.lower()))
        counts[persona.id] = counts.get(persona.id, 0) + 1
        out.append(
            Insight(
                id=f"i-{persona.id.removeprefix('p-')}-llm-{counts[persona.id]}",
                kind=item.kind,
                text=text,
                market=persona.market,
                segment=persona.segment,
                persona_id=persona.id,
                source=f"llm:{client.name} ({prompt.tag})",
            )
        )
    return out


def _room(lines: Iterable[str]) -> int:
    """Characters a translated line may take: generous for scripts that need more, bounded for runaway models."""
    return max(40, 3 * max((len(t) for t in lines), default=0))


def _lines_json(lines: dict[str, str]) -> str:
    return json.dumps([{"id": k, "text": v} for k, v in lines.items()], ensure_ascii=False, indent=1)


def translate_lines(
    client: LLMClient,
    lines: list[str],
    ctx: VariantContext,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, Translation]:
    """Master lines → the variant's language, each with an independent back-translation for reviewers."""
    if not lines:
        return {}
    ids = {f"l{i + 1}": text for i, text in enumerate(lines)}
    repair = load_prompt("repair").user
    tr_prompt = load_prompt("translate")
    idioms = " · ".join(w for p in ctx.market.platforms for w in p.idioms[:3])
    terms = glossary(ctx.brief, ctx.language_code)
    forward = complete_json(
        client,
        tr_prompt.messages(
            language=ctx.language.name,
            market=ctx.market.name,
            tone=ctx.brief.tone,
            idioms=idioms,
            glossary="; ".join(f"{k} → {v}" if k != v else k for k, v in terms.items()) or "(none)",
            lines=_lines_json(ids),
        ),
        _bounded(LinesReply, "lines", Line, len(ids), "id", list(ids), _room(ids.values())),
        repair_prompt=repair,
        max_tokens=max(256, 80 * len(ids)),
        on_progress=sub_progress(on_progress, 0.0, 0.6),
        cancel=cancel,
    )
    translated = {
        line.id: line.text.strip()
        for line in forward.lines
        if line.id in ids and line.text.strip() and line.text.strip() != ids[line.id].strip()
    }
    if not translated:
        return {}
    check(cancel)
    back_prompt = load_prompt("back_translate")
    backward = complete_json(
        client,
        back_prompt.messages(
            language=ctx.language.name, master_language=line_language(ctx.brief), lines=_lines_json(translated)
        ),
        _bounded(LinesReply, "lines", Line, len(translated), "id", list(translated), _room(translated.values())),
        repair_prompt=repair,
        max_tokens=max(256, 60 * len(translated)),
        on_progress=sub_progress(on_progress, 0.6, 1.0),
        cancel=cancel,
    )
    back = {line.id: line.text.strip() for line in backward.lines}
    source = f"{client.name}, {tr_prompt.tag}"
    out: dict[str, Translation] = {}
    rejected: list[str] = []
    for i, text in translated.items():
        why = vet_translation(ids[i], text, back.get(i, ""), ctx.language_code, ctx.brief)
        if why:
            rejected.append(f"\u201c{ids[i]}\u201d: {why}")
            log.info("LLM translation into %s rejected: %s", ctx.language_code, rejected[-1])
            continue
        out[ids[i]] = Translation(text, back[i], source)
    if rejected:
        report(on_progress, 1.0, f"Rejected {len(rejected)} {ctx.language.name} lines from the LLM: {rejected[0]}")
    return out


# ---- vetting what a model says ----

#: A back-translation must share this much with the master line (`similarity`: word overlap or difflib's ratio over
#: content words, 0..1) for the translation to count as saying the same thing. A faithful back-translation of a short
#: ad line typically scores 0.4-1.0; nonsense, another line or an unrelated sentence scores under 0.2.
SIMILAR = 0.25
#: A reply this close to its source (difflib ratio) is an echo, not a translation.
ECHO = 0.8
#: Template text and filler a weak model returns instead of content.
BOILERPLATE = re.compile(
    r"lorem|ipsum|dolor sit|consectetur|\btodo\b|\bn/?a\b|insight text|text here|your text|placeholder|"
    r"example (insight|text|line)|^\W*(string|text|insight|line)\W*$|<[^>]+>|\$\w+|\{\w*\}",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "is",
        "are",
        "be",
        "it",
        "its",
        "this",
        "that",
        "your",
        "you",
        "our",
        "we",
        "they",
        "their",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS}


def similarity(a: str, b: str) -> float:
    """How much two lines in the same language say the same thing: the better of word overlap (share of the
    smaller set of content words found in the other) and difflib's ratio over the word sequences. Word-level, not
    character-level: two unrelated English sentences share a third of their characters."""
    wa, wb = _words(a), _words(b)
    overlap = len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0
    sa = [w for w in re.findall(r"\w+", a.lower()) if w not in STOPWORDS]
    sb = [w for w in re.findall(r"\w+", b.lower()) if w not in STOPWORDS]
    return max(overlap, difflib.SequenceMatcher(None, sa, sb).ratio())


def glossary(brief: Brief, language: str) -> dict[str, str]:
    """Names kept verbatim in a translation: brand and product, written the market's way when `Brief.names` says."""
    forms: dict[str, str] = {}
    for code, table in brief.names.items():
        if code.split("-")[0].lower() == language.split("-")[0].lower():
            forms |= table
    return {name: forms.get(name, name) for name in dict.fromkeys([brief.brand, brief.product, *forms]) if name}


def vet_translation(source: str, text: str, back: str, language: str, brief: Brief) -> str:
    """Why an LLM translation is refused ("" when it is accepted): an echo, boilerplate, a name dropped, the wrong
    language, or a back-translation that does not say what the master line says."""
    from studio.planning.language_check import identify

    if text.strip().casefold() == source.strip().casefold() or (
        difflib.SequenceMatcher(None, text.lower(), source.lower()).ratio() >= ECHO
    ):
        return "the reply repeats the master line"
    if BOILERPLATE.search(text):
        return "the reply is filler or template text"
    for name, form in glossary(brief, language).items():
        if name.lower() in source.lower() and name.lower() not in text.lower() and form not in text:
            return f"the name {form!r} was dropped or changed"
    names = [brief.brand, brief.product, *(n for t in brief.names.values() for n in (*t, *t.values()))]
    names += brand_names_of(brief)
    verdict = identify(text, language, names=names, master=source, master_language=line_language(brief))
    if verdict.ok is False:
        return f"not {language}: {verdict.why}"
    if not back.strip():
        return "no back-translation to check it against"
    if BOILERPLATE.search(back):
        return "the back-translation is filler or template text"
    score = similarity(back, source)
    if score < SIMILAR:
        return f"its back-translation \u201c{back}\u201d does not say what the master line says ({score:.2f})"
    return ""


def brand_names_of(brief: Brief) -> list[str]:
    """Brand and product names and their parts ("Qingsi 青丝" is also written "Qingsi")."""
    names = [brief.brand, brief.product]
    return [w for n in names for w in re.split(r"\s+", n) if len(w) >= 3 or not w.isascii()]


def vet_insight(text: str, kind: str, persona: Persona, brief: Brief) -> str:
    """Why an LLM insight is refused ("" when accepted): boilerplate, a copy of what we already hold, or nothing
    in it that connects to the brief or the persona (it would be cited by shots while saying nothing)."""
    from studio.planning.language_check import identify

    if BOILERPLATE.search(text):
        return "filler or template text"
    held = [persona.name, persona.summary, *persona.needs, *persona.pain_points, *persona.local_context]
    held += [brief.product, brief.brand, brief.notes, *brief.selling_points]
    for field_text in held:
        if field_text and difflib.SequenceMatcher(None, text.lower(), field_text.lower()).ratio() >= 0.85:
            return "a copy of what the brief or the persona already says"
    if kind == "language":
        return ""  # a phrase people post, in the local language: grounded by the market, not by English words
    if identify(text, "en").ok is False:
        return "not in English (insights are written in English; quotes go under kind 'language')"
    material = " ".join([*held, persona.market, persona.segment, brief.category, brief.tone, *persona.platform_voice])
    ground = {w for w in _words(material) if len(w) >= 4}
    words = {w for w in _words(text) if len(w) >= 4}
    if not words & ground and not words & _COMMON_GROUND:
        return "cites nothing from the brief or the persona"
    return ""


#: Everyday words an audience insight uses that no brief needs to spell out (time, money, place, people, feelings).
_COMMON_GROUND = frozenset(
    [
        "night",
        "nights",
        "morning",
        "evening",
        "weekend",
        "work",
        "office",
        "commute",
        "school",
        "family",
        "friends",
        "home",
        "mother",
        "father",
        "parents",
        "kids",
        "children",
        "price",
        "money",
        "budget",
        "cheap",
        "save",
        "value",
        "worth",
        "time",
        "busy",
        "tired",
        "stress",
        "sleep",
        "weather",
        "heat",
        "humid",
        "rain",
        "summer",
        "winter",
        "holiday",
        "festival",
        "online",
        "shop",
        "shopping",
        "video",
        "videos",
        "reviews",
        "review",
        "trust",
        "proof",
        "quality",
        "natural",
        "health",
        "healthy",
        "skin",
        "hair",
        "energy",
        "fresh",
        "comfort",
        "safe",
        "safety",
    ]
)


def report_fallback(on_progress: ProgressFn | None, fraction: float, what: str, error: Exception) -> None:
    log.warning("LLM %s failed, planning offline: %s", what, error)
    report(on_progress, fraction, f"LLM {what} failed ({str(error).splitlines()[0]}); using the offline planner")
