"""Planning with an LLM: richer insights, and translation with back-translation. The offline plan is the fallback.

Prompts are versioned files in assets/prompts/; every LLM result records the model and the prompt version.
"""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, Literal

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


class LinesReply(BaseModel):
    lines: list[Line]


def _bounded(
    base: type[BaseModel],
    field: str,
    item: type[BaseModel],
    most: int,
    id_field: str,
    ids: list[str],
    text_chars: int | None = None,
) -> type[BaseModel]:
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
    for item in reply.insights:  # type: ignore[attr-defined]
        persona = by_id.get(item.persona_id)
        text = item.text.strip()
        if persona is None or (persona.id, text.lower()) in known or counts.get(persona.id, 0) >= max_per_persona:
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
    forward = complete_json(
        client,
        tr_prompt.messages(
            language=ctx.language.name,
            market=ctx.market.name,
            tone=ctx.brief.tone,
            idioms=idioms,
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
    return {ids[i]: Translation(text, back.get(i, ""), source) for i, text in translated.items()}


def report_fallback(on_progress: ProgressFn | None, fraction: float, what: str, error: Exception) -> None:
    log.warning("LLM %s failed, planning offline: %s", what, error)
    report(on_progress, fraction, f"LLM {what} failed ({str(error).splitlines()[0]}); using the offline planner")
