"""Bot definitions: ``bots/<name>.toml``, one bot per file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clerk.config import config_error_from
from clerk.erp.connect import ErpSettings, with_bot_overrides
from clerk.errors import ConfigError
from clerk.sources.settings import CollectSettings

BOT_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


class BotDefinition(BaseModel):
    """What a bot collects, which robot or handler processes it, where it posts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=BOT_NAME.pattern)
    description: str = ""
    robot: Path | None = Field(None, description="robots/<file>.robot run by `clerk run`")
    handler: str | None = Field(None, description="module:function processing each work item")
    sources: list[str] = Field(default_factory=list, description="names under [sources] in clerk.toml")
    variables: dict[str, Any] = Field(default_factory=dict)
    schedule: dict[str, Any] = Field(default_factory=dict)
    erp: dict[str, Any] = Field(default_factory=dict)
    review: dict[str, Any] = Field(default_factory=dict)
    validation: dict[str, Any] = Field(default_factory=dict)
    approval: dict[str, Any] = Field(default_factory=dict)
    concurrency: int = Field(1, ge=1)
    collect: CollectSettings = Field(default_factory=CollectSettings)   # kinds of attachment taken


def load_bot(path: Path) -> BotDefinition:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"not valid TOML: {exc}",
                          line=getattr(exc, "lineno", None)) from None
    data.setdefault("name", path.stem)
    try:
        bot = BotDefinition(**data)
    except ValidationError as exc:
        raise config_error_from(exc, path) from None
    with_bot_overrides(ErpSettings(), bot.erp, path)   # a bad [erp] key is this file's problem
    return bot


def load_bots(project_dir: Path) -> dict[str, BotDefinition]:
    bots = {}
    for path in sorted((project_dir / "bots").glob("*.toml")):
        bot = load_bot(path)
        bots[bot.name] = bot
    return bots
