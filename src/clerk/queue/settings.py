"""Queue settings ([queue] in clerk.toml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class QueueSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lease_seconds: float = Field(60.0, gt=0, description="how long a lease lasts without a heartbeat")
    heartbeat_seconds: float = Field(20.0, gt=0)
    max_attempts: int = Field(5, ge=1, description="system attempts before needs_review")
    backoff_base_seconds: float = Field(30.0, ge=0)
    backoff_max_seconds: float = Field(3600.0, ge=0)
    backoff_jitter: float = Field(0.2, ge=0, le=1, description="fraction of the delay drawn at random")
