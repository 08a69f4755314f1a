"""Explicit, step-by-step upgrades of older project documents to the current schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]


def _v0_to_v1(doc: Doc) -> Doc:
    """Version 0 (unversioned drafts) had no settings block and no schema_version."""
    doc.setdefault("settings", {})
    return doc


MIGRATIONS: dict[int, Callable[[Doc], Doc]] = {0: _v0_to_v1}


def migrate(doc: Doc) -> Doc:
    version = int(doc.get("schema_version", 0))
    doc = dict(doc)
    while version in MIGRATIONS:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["schema_version"] = version
    return doc
