"""Short, readable, unique ids for things a creator names in the UI and in files."""

from __future__ import annotations

import contextvars
import hashlib
import json
import re
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel


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


# --- ids and names that become file names ---------------------------------------------------------------------------
#
# Project files, briefs and review bundles come from other teams, so an id is untrusted text that later becomes part of
# a file name (`<variant>_9x16.mp4`, `<shot>.png`, `<project>_review.zip`). These types refuse anything that could
# leave the folder it is written to: separators, `..`, absolute paths, control characters, over-long names.

ID_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9_])?$")
ASSET_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$")
_BAD_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def check_id(value: str) -> str:
    """An id used in file names: letters, digits, '-', '_', '.', at most 100, no '..'."""
    if not isinstance(value, str) or not ID_PATTERN.match(value) or ".." in value:
        raise ValueError(
            f"{value!r} is not a usable id: use 1-100 letters, digits, '-', '_' or '.', starting with a letter or "
            "digit (no spaces, slashes or '..'), e.g. 'night-owls'"
        )
    return value


def check_asset_name(value: str) -> str:
    """A file name inside the project's assets/ folder: no folders, no '..'."""
    if not isinstance(value, str) or not ASSET_PATTERN.match(value) or ".." in value:
        raise ValueError(
            f"{value!r} is not an asset file name: assets are plain names inside the project's assets/ folder "
            "(no folders, absolute paths or '..')"
        )
    return value


def check_file_name(value: str) -> str:
    """A name that becomes one file name (a project's name): not empty, no separators, not '.' or '..'."""
    stripped = value.strip() if isinstance(value, str) else ""
    if not stripped or stripped in (".", "..") or _BAD_NAME_CHARS.search(value) or len(value.encode("utf-8")) > 120:
        raise ValueError(
            f"{value!r} cannot be a file name: use up to 120 bytes without '/', '\\\\', ':', control characters, "
            "and not '.' or '..'"
        )
    return value


_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def file_safe_name(name: str) -> str:
    """`name` when it can name a file (a project named after its folder), else its slug."""
    try:
        return check_file_name(name)
    except ValueError:
        return slug(name)


def check_text(value: str) -> str:
    """Text a creator sees or hears: no lone surrogates (they cannot be saved) and no control characters but
    tab and newline (a NUL cuts the voice short and corrupts subtitle files)."""
    if not isinstance(value, str):
        return value
    bad = _BAD_TEXT.search(value)
    if bad is None:
        return value
    i, code = bad.start(), ord(bad.group())
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError(
            f"holds an unpaired surrogate (\\u{code:04x}) at character {i}: the text was damaged on copy; retype it"
        )
    raise ValueError(
        f"holds the control character \\x{code:02x} at character {i}; remove it (a NUL or control code "
        "cuts voices short and breaks subtitle files)"
    )


#: What `check_text` refuses, as json.dumps(ensure_ascii=False) writes it: \\b, \\f, \\u00XX, DEL, surrogates.
_ESCAPED_BAD = re.compile(r"\\[bf]|\\u00[01][0-9a-fA-F]|\x7f|[\ud800-\udfff]")


#: Set while `store.validate` validates a document it has already checked with `text_problems` (one fast pass over
#: the whole file), so the per-model checks below do not walk it again.
TEXT_PRECHECKED: contextvars.ContextVar[bool] = contextvars.ContextVar("text_prechecked", default=False)


def _leaf(value: Any) -> Any:
    """How `text_problems` writes what JSON cannot: a nested model as null (it checked its own text when it was
    built or assigned, and its repr escapes control characters, so walking it found nothing and cost ~7 ms per
    assignment to a rendered project, on the UI thread during a render); anything else as its str."""
    return None if isinstance(value, BaseModel) else str(value)


def text_problems(data: Any, path: str = "") -> list[tuple[str, str]]:
    """(field path, problem) for every string (keys too) in a JSON-like document that `check_text` refuses."""
    if isinstance(data, dict | list) and not path:
        try:  # one C-speed pass over the whole document; the walk below runs only to name the fields
            blob = json.dumps(data, ensure_ascii=False, default=_leaf)
        except (TypeError, ValueError):
            blob = None
        if blob is not None and not _ESCAPED_BAD.search(blob):
            return []
    found: list[tuple[str, str]] = []
    if isinstance(data, str):
        try:
            check_text(data)
        except ValueError as e:
            found.append((path or "(top level)", str(e)))
    elif isinstance(data, dict):
        for k, v in data.items():
            sub = f"{path}.{k}" if path else str(k)
            if isinstance(k, str):
                try:
                    check_text(k)
                except ValueError as e:
                    found.append((sub, f"the key {e}"))
            found += text_problems(v, sub)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += text_problems(v, f"{path}[{i}]" if path else f"[{i}]")
    return found


#: Pydantic field types: `SafeId` for variant, segment, shot and take ids; `AssetName` for files in assets/;
#: `FileName` for a project's name.
SafeId = Annotated[str, AfterValidator(check_id)]
AssetName = Annotated[str, AfterValidator(check_asset_name)]
FileName = Annotated[str, AfterValidator(check_file_name)]
