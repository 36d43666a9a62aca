"""Building the configured ERP connector ([erp] in clerk.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from clerk.erp.base import ErpConnector, PostingState
from clerk.erp.batch import BatchSettings
from clerk.secrets import SecretRef, SecretResolver


class TrytonConnection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = "http://127.0.0.1:8000"
    database: str = "clerk_demo"
    user: str = "admin"
    password: SecretRef = "file:var/erp/admin.password"   # a reference, never the password
    timeout: float = Field(30.0, gt=0)


class ErpSettings(BaseModel):
    """``[erp]``: which ERP, how to reach it, how posting is batched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["tryton"] = "tryton"
    posting_state: PostingState = PostingState.POSTED
    batch: BatchSettings = BatchSettings()
    tryton: TrytonConnection = TrytonConnection()


def erp_settings(raw: dict, config_file: str | Path = "config/clerk.toml") -> ErpSettings:
    """``raw`` (an ``[erp]`` table) validated; problems blamed on ``config_file``."""
    from clerk.config import config_error_from

    try:
        return ErpSettings(**raw)
    except ValidationError as exc:
        raise config_error_from(exc, Path(config_file), ("erp",)) from None


def with_bot_overrides(project_erp: ErpSettings, bot_erp: dict[str, Any],
                       bot_file: str | Path) -> ErpSettings:
    """The project's ``[erp]`` with a bot's own ``[erp]`` table laid over it, key by
    key; a bad key is the bot file's problem, not ``config/clerk.toml``'s."""
    if not bot_erp:
        return project_erp
    return erp_settings(_deep_merge(project_erp.model_dump(mode="json"), bot_erp), bot_file)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


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
