"""A creator's recorded decision to publish despite a compliance finding (studio/preflight/compliance.py).

Kept in project.json (`Project.compliance_overrides`) and copied into the review zip's manifest, so whoever
publishes sees who let which rule through, on which line, and why.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from studio.model.brief import refuse_bad_text
from studio.model.ids import SafeId


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ComplianceOverride(BaseModel):
    """One rule let through for one variant: on one shot/line (`shot_id`), or on every line when `shot_id` is ""."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    rule_id: str = Field(min_length=1, max_length=120, description="The rule's id, e.g. 'cn-absolute-terms'.")
    variant_id: SafeId
    shot_id: str = Field(
        default="", max_length=120, description="A shot id, 'end card', 'legal', 'cta', an A/B cell; '' = any."
    )
    words: list[str] = Field(default_factory=list, description="The words the finding matched when it was recorded.")
    reason: str = Field(min_length=3, max_length=2000, description="Why it may be published (proof on file...).")
    recorded_at: str = Field(default_factory=_now)
    by: str = Field(default="", max_length=200, description="Who recorded it (the OS user by default).")

    @model_validator(mode="after")
    def _clean_text(self) -> ComplianceOverride:
        refuse_bad_text(self)
        if not self.reason.strip():
            raise ValueError("reason is empty: say why this finding may be published (e.g. the proof on file)")
        return self
