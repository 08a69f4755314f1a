"""LTX-Video's licence acknowledgement, stored per user (never per project: it is the creator's own agreement).

LTX-Video's weights are free to use only below a revenue threshold; above it a company needs a paid licence from
Lightricks. The studio shows and runs LTX models only after the creator said they read that, once (app dialog or
`qianmian animate --accept-ltx-licence`); the answer is kept in `licences.json` under the user data folder.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from studio import paths
from studio.model.errors import BackendError
from studio.model.store import atomic_write_text

LTX = "ltx-video"
LTX_TERMS = (
    "LTX-Video is free to use for individuals and companies below the revenue threshold in Lightricks' licence; "
    "companies above it need a paid commercial licence from Lightricks."
)


def licence_file() -> Path:
    return paths.user_data_dir() / "licences.json"


def _read() -> dict[str, str]:
    try:
        data = json.loads(licence_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def acknowledged(name: str = LTX) -> bool:
    return name in _read()


def acknowledge(name: str = LTX) -> Path:
    """Record the creator's acknowledgement (with when), atomically."""
    data = _read()
    data[name] = datetime.now(UTC).isoformat(timespec="seconds")
    atomic_write_text(licence_file(), json.dumps(data, indent=2, sort_keys=True) + "\n")
    return licence_file()


def require_acknowledged(model_id: str, name: str = LTX) -> None:
    if not acknowledged(name):
        raise BackendError(
            f"The video model {model_id} is LTX-Video, whose licence you have not acknowledged yet. {LTX_TERMS}",
            "Read the licence in the model folder, then accept it once: `qianmian animate PROJ "
            "--accept-ltx-licence` (or in the app's Animate dialog). Wan 2.2 models need no acknowledgement.",
        )
