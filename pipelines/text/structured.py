"""Structured output: the reply is parsed as JSON and validated against a pydantic model, with one repair retry."""

from __future__ import annotations

import json
import re
from string import Template
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipelines.text.chat import ChatMessage, LLMClient
from studio.model.errors import BackendError
from studio.model.stage import CancelToken, ProgressFn, sub_progress

T = TypeVar("T", bound=BaseModel)

#: `string.Template` text; $error and $schema are filled in.
DEFAULT_REPAIR = (
    "Your previous reply could not be used: $error\n"
    "Reply again with only one JSON object, no prose and no code fences, that matches this JSON schema:\n$schema"
)
FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The first JSON object or array in `text` (code fences and prose around it are ignored)."""
    candidates = [m.group(1) for m in FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        for i, ch in enumerate(candidate):
            if ch in "{[":
                try:
                    value, _ = decoder.raw_decode(candidate[i:])
                    return value
                except json.JSONDecodeError:
                    continue
    raise ValueError("no JSON object found in the reply")


def _problem(text: str, model: type[T]) -> tuple[T | None, str]:
    try:
        data = extract_json(text)
    except ValueError as e:
        return None, f"{e}. The reply began: {text[:200]!r}"
    try:
        return model.model_validate(data), ""
    except ValidationError as e:
        lines = [f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in e.errors()[:8]]
        return None, "it does not match the schema: " + "; ".join(lines)


def complete_json(
    client: LLMClient,
    messages: list[ChatMessage],
    model: type[T],
    *,
    max_tokens: int = 768,
    temperature: float = 0.2,
    repair_prompt: str = DEFAULT_REPAIR,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> T:
    """Ask for JSON matching `model`; on a bad reply, show the model its error once and ask again."""
    schema = model.model_json_schema()
    reply = client.chat(
        messages,
        schema=schema,
        max_tokens=max_tokens,
        temperature=temperature,
        on_progress=sub_progress(on_progress, 0.0, 0.5),
        cancel=cancel,
    )
    value, error = _problem(reply, model)
    if value is not None:
        return value
    repair = Template(repair_prompt).safe_substitute(error=error, schema=json.dumps(schema, ensure_ascii=False))
    retry: list[ChatMessage] = [*messages, {"role": "assistant", "content": reply}, {"role": "user", "content": repair}]
    reply = client.chat(
        retry,
        schema=schema,
        max_tokens=max_tokens,
        temperature=0.0,
        on_progress=sub_progress(on_progress, 0.5, 1.0),
        cancel=cancel,
    )
    value, error2 = _problem(reply, model)
    if value is not None:
        return value
    raise BackendError(
        f"{client.name} did not return valid {model.__name__} JSON, even after a repair request: {error2}",
        "Use a larger or instruction-tuned model, or set QIANMIAN_LLM_JSON_MODE=schema if the server supports it.",
    )
