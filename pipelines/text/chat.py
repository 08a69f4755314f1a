"""What every chat backend speaks: the message type, the client protocol and the JSON reply format.

The backends (openai_compat, gguf) import this module and never `client`, which picks a backend from the settings
and imports them inside its factory; so the package imports one way only (chat ← backends ← client).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, TypedDict

from studio.model.stage import CancelToken, ProgressFn


class ChatMessage(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


class LLMClient(Protocol):
    """A chat model. `schema` asks the backend to constrain output to that JSON schema where it can."""

    @property
    def name(self) -> str: ...

    def chat(
        self,
        messages: list[ChatMessage],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.2,
        on_progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> str: ...


def response_format(schema: dict[str, Any] | None, json_mode: str) -> dict[str, Any] | None:
    """The OpenAI `response_format` for a reply constrained to `schema` (llama.cpp's server and xllamacpp take it)."""
    if schema is None or json_mode == "none":
        return None
    if json_mode == "object":
        return {"type": "json_object"}
    return {"type": "json_schema", "json_schema": {"name": schema.get("title", "reply"), "schema": schema}}
