"""Register every secret a bot can touch before its run starts, so that a
library logging a password before clerk itself resolves it is still masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from clerk.bots import BotDefinition
from clerk.errors import ConfigError
from clerk.project import Project
from clerk.secrets import SCHEMES

log = logging.getLogger("clerk.runner")


def secret_references(value: Any) -> Iterator[str]:
    """Every ``env:``/``file:`` string anywhere in a configuration value."""
    if isinstance(value, str):
        if value.startswith(SCHEMES) and value.split(":", 1)[1]:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from secret_references(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from secret_references(item)


def register_configured_secrets(project: Project, bot: BotDefinition) -> int:
    """Resolve (and so register with the masker) the references of the bot's
    sources, its ERP and its variables; returns how many resolved."""
    settings = project.settings
    scopes: list[Any] = [settings.sources.get(name, {}) for name in bot.sources]
    scopes += [settings.erp.model_dump(mode="json"), bot.erp, bot.variables]
    resolved = 0
    for reference in {ref for scope in scopes for ref in secret_references(scope)}:
        try:
            project.secrets.resolve(reference)
            resolved += 1
        except ConfigError:
            # Not fatal here: the component that needs it reports it properly.
            log.debug("secret reference not resolvable before the run: %s", reference.split(":")[0])
    return resolved
