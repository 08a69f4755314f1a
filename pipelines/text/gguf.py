"""A local GGUF model run in process by xllamacpp (llama.cpp), no server to start. Loaded once per file."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from pipelines.text.chat import ChatMessage, response_format
from studio.model.errors import BackendError, Cancelled
from studio.model.stage import CancelToken, ProgressFn, check, report

_SERVERS: dict[tuple[str, int, int | None], Any] = {}
_LOCK = threading.Lock()


def load_server(path: Path, *, n_ctx: int = 4096, threads: int | None = None, port: int = 0) -> Any:
    """An xllamacpp Server for `path` (it also listens on 127.0.0.1, on a free port unless `port` is given)."""
    try:
        import xllamacpp as xlc
    except ImportError as e:
        raise BackendError(
            "The in-process GGUF backend needs xllamacpp.", "pip install xllamacpp (prebuilt CPU wheel, MIT)."
        ) from e
    if not path.is_file():
        raise BackendError(f"GGUF file {path} does not exist.", "Point QIANMIAN_LLM_GGUF at a .gguf model file.")
    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.n_predict = -1
    params.port = port
    params.hostnames = ["127.0.0.1"]
    params.warmup = False
    params.n_parallel = 1
    if threads:
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
    try:
        return xlc.Server(params)
    except Exception as e:
        raise BackendError(
            f"llama.cpp could not load {path}: {e}", "Is it a GGUF chat model this build supports?"
        ) from e


def unload_all() -> None:
    """Free every loaded model (switching models, or the app closing)."""
    with _LOCK:
        _SERVERS.clear()


class GGUFClient:
    def __init__(
        self,
        path: str | Path,
        *,
        n_ctx: int = 4096,
        threads: int | None = None,
        json_mode: str = "schema",
        timeout_s: float = 300.0,
    ) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self.n_ctx = n_ctx
        self.threads = threads
        self.json_mode = json_mode

    @property
    def name(self) -> str:
        return self.path.name

    def server(self) -> Any:
        key = (str(self.path.resolve()), self.n_ctx, self.threads)
        with _LOCK:
            if key not in _SERVERS:
                _SERVERS[key] = load_server(self.path, n_ctx=self.n_ctx, threads=self.threads)
            return _SERVERS[key]

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
        check(cancel)
        server = self.server()
        request: dict[str, Any] = {
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
        }
        fmt = response_format(schema, self.json_mode)
        if fmt:
            request["response_format"] = fmt
        parts: list[str] = []
        errors: list[str] = []
        deadline = time.monotonic() + self.timeout_s

        def on_chunk(chunk: Any) -> bool:
            if isinstance(chunk, dict) and "error" in chunk:
                errors.append(str(chunk["error"]))
                return True
            for choice in (chunk or {}).get("choices", []) if isinstance(chunk, dict) else []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    parts.append(text)
            report(on_progress, len(parts) / max_tokens * 0.95, f"{self.name}: {len(parts)} tokens")
            if time.monotonic() > deadline:
                errors.append(f"no complete reply within {self.timeout_s:g} s")
                return True
            return cancel is not None and cancel.cancelled

        result = server.handle_chat_completions(request, on_chunk)
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        if isinstance(result, dict) and "error" in result:
            errors.append(str(result["error"]))
        if errors:
            raise BackendError(f"llama.cpp failed on {self.name}: {errors[0]}", "Try a shorter prompt or larger n_ctx.")
        report(on_progress, 1.0, f"{self.name}: done")
        return "".join(parts)
