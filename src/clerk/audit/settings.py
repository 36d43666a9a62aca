"""The ``[audit]`` section of config/clerk.toml."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from clerk.secrets import SecretRef


class CheckpointMail(BaseModel):
    """Where signed checkpoints are mailed: an auditor's address, outside clerk's reach."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: list[str] = Field(min_length=1, description="the auditors' addresses")
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    sender: str = "clerk@localhost"
    starttls: bool = False
    user: str | None = None
    password: SecretRef | None = None
    timeout_s: float = Field(10.0, gt=0)


class AuditSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seal_interval_seconds: float = Field(0.5, gt=0)
    seal_batch: int = Field(5000, ge=1)
    checkpoint_every: int = Field(1000, ge=1, description="sealed events between checkpoints")
    signing_key: SecretRef | None = Field(None, description=(
        "the Ed25519 private key (PEM) that signs checkpoints, by reference; "
        "`clerk audit key generate` makes one"))
    checkpoint_file: Path | None = Field(None, description=(
        "an append-only JSON-lines file (relative to the project) that receives every checkpoint"))
    checkpoint_mail: CheckpointMail | None = Field(None, description=(
        "mail the checkpoint made at the end of each run (and `clerk audit checkpoint`)"))
    secret_references: list[SecretRef] = Field(default_factory=list, description=(
        "references whose values are masked although their key names a non-secret "
        "(a user name that must stay private)"))
