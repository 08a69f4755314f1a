"""The project schema and store. Imports nothing else of ours (and never Qt or torch)."""

from studio.model.brief import ASPECT_SIZES, Brief, MarketTarget, Segment, SuppliedCopy
from studio.model.errors import BackendError, Cancelled, ProjectError, StudioError, ValidationFailed
from studio.model.project import (
    SCHEMA_VERSION,
    Deliverable,
    Flag,
    Insight,
    LocalizedShot,
    Persona,
    Project,
    ProjectSettings,
    Shot,
    Storyboard,
    Take,
    Variant,
    VoiceLine,
    WordTiming,
)
from studio.model.requests import ImageRequest, LoraRef, VoiceRequest
from studio.model.stage import CancelToken, Progress, ProgressFn
from studio.model.store import ProjectStore, load_brief

__all__ = [
    "ASPECT_SIZES",
    "SCHEMA_VERSION",
    "BackendError",
    "Brief",
    "CancelToken",
    "Cancelled",
    "Deliverable",
    "Flag",
    "ImageRequest",
    "Insight",
    "LocalizedShot",
    "LoraRef",
    "MarketTarget",
    "Persona",
    "Progress",
    "ProgressFn",
    "Project",
    "ProjectError",
    "ProjectSettings",
    "ProjectStore",
    "Segment",
    "Shot",
    "Storyboard",
    "StudioError",
    "SuppliedCopy",
    "Take",
    "ValidationFailed",
    "Variant",
    "VoiceLine",
    "VoiceRequest",
    "WordTiming",
    "load_brief",
]
