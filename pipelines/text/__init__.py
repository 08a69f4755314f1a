"""Text generation backends: any OpenAI-compatible chat endpoint, or a local GGUF file in process.

Planning (`studio/planning`) uses them for insight enrichment and translation; the offline planner is the fallback.
"""

from pipelines.text.client import ChatMessage, LLMClient, LLMSettings, client_from_settings
from pipelines.text.structured import complete_json, extract_json

__all__ = ["ChatMessage", "LLMClient", "LLMSettings", "client_from_settings", "complete_json", "extract_json"]
