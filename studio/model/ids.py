"""Short, readable, unique ids for things a creator names in the UI and in files."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def slug(text: str) -> str:
    """ASCII slug for file names: 'Night Owls (TH)' -> 'night-owls-th'."""
    s = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return s or "x"


def stable_hash(data: Any) -> str:
    """Hash of JSON-able data, stable across runs: the cache key of a request."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
