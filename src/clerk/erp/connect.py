"""Building the configured ERP connector ([erp] in clerk.toml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from clerk.erp.base import ErpConnector, PostingState
from clerk.erp.batch import BatchSettings
from clerk.errors import ConfigError
from clerk.secrets import SecretRef, SecretResolver


class TrytonConnection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = "http://127.0.0.1:8000"
    database: str = "clerk_demo"
    user: str = "admin"
    password: SecretRef = "file:var/erp/admin.password"
    timeout: float = Field(30.0, gt=0)


class ErpSettings(BaseModel):
    """``[erp]``: which ERP, how to reach it, how posting is batched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["tryton"] = "tryton"
    posting_state: PostingState = PostingState.POSTED
    batch: BatchSettings = BatchSettings()
    tryton: TrytonConnection = TrytonConnection()


def erp_settings(raw: dict, config_file: str = "config/clerk.toml") -> ErpSettings:
    from clerk.config import config_error_from
    from pathlib import Path

    try:
        return ErpSettings(**raw)
    except ValidationError as exc:
        error = config_error_from(exc, Path(config_file))
        error.key = f"erp.{error.key}"
        raise ConfigError(error.file, error.key, error.message, error.line) from None


def connect(settings: ErpSettings, secrets: SecretResolver) -> ErpConnector:
    """A logged-in connector; ErpAuthError or ErpUnavailable if it cannot log in."""
    from clerk.erp.tryton import TrytonConnector, TrytonSettings

    tryton = settings.tryton
    connector = TrytonConnector(
        TrytonSettings(url=tryton.url, database=tryton.database, user=tryton.user,
                       password=SecretStr(secrets.resolve(tryton.password)),
                       timeout=tryton.timeout),
        batch=settings.batch)
    return connector.login()
