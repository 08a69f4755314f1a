"""Any OpenAI-compatible chat endpoint: Ollama, LM Studio, vLLM, llama.cpp server, DeepSeek, OpenAI.

Streams the reply (server-sent events) so progress is live and a cancel takes effect between chunks; a watcher
closes the connection when the token is cancelled, so a stalled server does not hold the job.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx

from pipelines.text.chat import ChatMessage, response_format
from studio.model.errors import BackendError, Cancelled
from studio.model.secrets import redact, strip_credentials
from studio.model.stage import CancelToken, ProgressFn, check, report


def _watch(cancel: CancelToken | None, response: httpx.Response, done: threading.Event) -> None:
    while cancel is not None and not done.wait(0.1):
        if cancel.cancelled:
            response.close()
            return


class OpenAICompatClient:
    """POST {base_url}/chat/completions with stream=true. `base_url` usually ends in /v1."""

    def __init__(
        self,
        base_url: str,
        model: str = "",
        *,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        json_mode: str = "schema",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise BackendError(
                f"LLM base URL '{redact(base_url)}' is not an http(s) URL.",
                "Set QIANMIAN_LLM_BASE_URL like http://127.0.0.1:11434/v1 (Ollama) or https://api.deepseek.com/v1.",
            )
        self._url = base_url.rstrip("/")  # requests use it as given (httpx sends user:password as basic auth)
        self.base_url = strip_credentials(self._url)  # what is shown, logged and stored: never the credentials
        self.model = model
        self.json_mode = json_mode
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            headers=headers, timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)), transport=transport
        )

    @property
    def name(self) -> str:
        return f"{self.model or 'default model'} @ {self.base_url}"

    def close(self) -> None:
        self._http.close()

    def chat(
        self,
        messages: list[ChatMessage],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.2,
        on_progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> str:
        while True:
            try:
                return self._chat_once(messages, schema, max_tokens, temperature, on_progress, cancel)
            except _FormatRejected:
                # DeepSeek and older servers take only json_object, some none at all: step down and remember it.
                # Without a response_format nothing is rejected for it, so this ends after two steps at most.
                self.json_mode = "object" if self.json_mode == "schema" else "none"

    def _chat_once(
        self,
        messages: list[ChatMessage],
        schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
        on_progress: ProgressFn | None,
        cancel: CancelToken | None,
    ) -> str:
        body: dict[str, Any] = {
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
        }
        if self.model:
            body["model"] = self.model
        fmt = response_format(schema, self.json_mode)
        if fmt:
            body["response_format"] = fmt
        check(cancel)
        url = f"{self._url}/chat/completions"
        parts: list[str] = []
        done = threading.Event()
        try:
            with self._http.stream("POST", url, json=body) as response:
                watcher = threading.Thread(target=_watch, args=(cancel, response, done), daemon=True)
                watcher.start()
                try:
                    if response.status_code >= 400:
                        response.read()
                        error = _http_error(response, self.base_url)
                        if fmt and response.status_code in (400, 422) and "response_format" in response.text:
                            raise _FormatRejected(str(error))
                        raise error
                    for chunk in _sse_chunks(response):
                        check(cancel)
                        parts.append(chunk)
                        report(on_progress, len(parts) / max_tokens * 0.95, f"{self.name}: {len(parts)} tokens")
                finally:
                    done.set()
        except (Cancelled, _FormatRejected):
            raise
        except httpx.TimeoutException as e:
            raise BackendError(
                f"The LLM at {self.base_url} did not answer in time ({e.__class__.__name__}).",
                "Raise QIANMIAN_LLM_TIMEOUT, pick a smaller model, or check that the server is not overloaded.",
            ) from e
        except httpx.HTTPError as e:
            if cancel is not None and cancel.cancelled:
                raise Cancelled() from e
            raise BackendError(
                f"Cannot reach the LLM at {self.base_url}: {redact(str(e))}",
                "Start the server (ollama serve, LM Studio, llama-server…) or fix QIANMIAN_LLM_BASE_URL.",
            ) from e
        report(on_progress, 1.0, f"{self.name}: done")
        return "".join(parts)


class _FormatRejected(Exception):
    """The server refused the response_format (HTTP 400/422 naming it)."""


def _http_error(response: httpx.Response, base_url: str) -> BackendError:
    detail = response.text[:300]
    if response.status_code in (401, 403):
        return BackendError(
            f"The LLM at {base_url} refused the key (HTTP {response.status_code}): {detail}",
            "Set QIANMIAN_LLM_API_KEY, or store it with `keyring set qianmian-studio <base url>`.",
        )
    if response.status_code == 404:
        return BackendError(
            f"{base_url}/chat/completions was not found (HTTP 404): {detail}",
            "The base URL usually ends in /v1; check the model name with the server's /models list.",
        )
    return BackendError(f"The LLM at {base_url} answered HTTP {response.status_code}: {detail}", "See the server log.")


def _sse_chunks(response: httpx.Response) -> Iterator[str]:
    """Content deltas from an SSE stream; a server that ignores stream=true and sends JSON is handled too."""
    if "text/event-stream" not in response.headers.get("content-type", "text/event-stream"):
        data = json.loads(response.read())
        yield data["choices"][0]["message"]["content"] or ""
        return
    for line in response.iter_lines():
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            event = json.loads(payload)
        except json.JSONDecodeError:
            continue
        if "error" in event:
            raise BackendError(f"The LLM reported an error: {event['error']}", "See the server log.")
        for choice in event.get("choices", []):
            text = (choice.get("delta") or {}).get("content") or (choice.get("message") or {}).get("content")
            if text:
                yield text
