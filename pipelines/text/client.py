"""Which LLM client planning gets: its settings (environment variables, OS keyring for the key) and the factory."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import Literal

from pipelines.text.chat import ChatMessage, LLMClient
from studio.model.errors import BackendError

__all__ = ["KEYRING_SERVICE", "ChatMessage", "LLMClient", "LLMSettings", "api_key_from_keyring", "client_from_settings"]

KEYRING_SERVICE = "qianmian-studio"


def api_key_from_keyring(base_url: str) -> str | None:
    """The key stored with `keyring set qianmian-studio <base url>`; None when keyring or a backend is missing."""
    try:
        import keyring
    except ImportError:
        return None
    with contextlib.suppress(Exception):
        return keyring.get_password(KEYRING_SERVICE, base_url) or keyring.get_password(KEYRING_SERVICE, "default")
    return None


@dataclass(frozen=True)
class LLMSettings:
    """Which LLM planning uses. `backend="none"` plans offline from the knowledge packs only."""

    backend: Literal["none", "openai", "gguf"] = "none"
    base_url: str = ""
    model: str = ""
    api_key: str | None = field(default=None, repr=False)
    gguf_path: str = ""
    timeout_s: float = 120.0
    json_mode: Literal["schema", "object", "none"] = "schema"
    threads: int | None = None
    n_ctx: int = 4096

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LLMSettings:
        """QIANMIAN_LLM_BASE_URL (+ _MODEL, _API_KEY, _TIMEOUT, _JSON_MODE) or QIANMIAN_LLM_GGUF; else offline."""
        env = dict(os.environ if env is None else env)
        timeout = float(env.get("QIANMIAN_LLM_TIMEOUT", "120") or 120)
        mode = env.get("QIANMIAN_LLM_JSON_MODE", "schema")
        if mode not in ("schema", "object", "none"):
            raise BackendError(
                f"QIANMIAN_LLM_JSON_MODE is '{mode}'.", "Use schema (default), object (Ollama, older servers) or none."
            )
        if env.get("QIANMIAN_LLM_GGUF"):
            return cls(backend="gguf", gguf_path=env["QIANMIAN_LLM_GGUF"], timeout_s=timeout, json_mode=mode)  # type: ignore[arg-type]
        base = env.get("QIANMIAN_LLM_BASE_URL", "").strip()
        if not base:
            return cls()
        key = env.get("QIANMIAN_LLM_API_KEY") or api_key_from_keyring(base)
        return cls(
            backend="openai",
            base_url=base,
            model=env.get("QIANMIAN_LLM_MODEL", ""),
            api_key=key,
            timeout_s=timeout,
            json_mode=mode,  # type: ignore[arg-type]
        )


def client_from_settings(settings: LLMSettings) -> LLMClient | None:
    """The configured client, or None for offline planning."""
    if settings.backend == "openai":
        from pipelines.text.openai_compat import OpenAICompatClient

        return OpenAICompatClient(
            settings.base_url,
            settings.model,
            api_key=settings.api_key,
            timeout_s=settings.timeout_s,
            json_mode=settings.json_mode,
        )
    if settings.backend == "gguf":
        from pipelines.text.gguf import GGUFClient

        return GGUFClient(
            settings.gguf_path,
            n_ctx=settings.n_ctx,
            threads=settings.threads,
            json_mode=settings.json_mode,
            timeout_s=settings.timeout_s,
        )
    return None
