"""Register every secret a bot can touch before its run starts, so that a
library logging a password before clerk itself resolves it is still masked.
Each reference is resolved as the kind its configuration key names: a
``password`` or ``token`` is masked, a ``user`` is not (``clerk.secrets``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from clerk.bots import BotDefinition
from clerk.errors import ConfigError
from clerk.project import Project
from clerk.secrets import SCHEMES, SecretKind, kind_of_key

log = logging.getLogger("clerk.runner")


def secret_references(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every ``env:``/``file:`` string anywhere in a configuration value, with the
    key that holds it (a list's items share the list's key)."""
    if isinstance(value, str):
        if value.startswith(SCHEMES) and value.split(":", 1)[1]:
            yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from secret_references(item, str(name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from secret_references(item, key)


def register_configured_secrets(project: Project, bot: BotDefinition) -> int:
    """Resolve (and so register with the masker, when secret) the references of
    the bot's sources, its ERP and its variables; returns how many resolved."""
    settings = project.settings
    scopes: list[Any] = [settings.sources.get(name, {}) for name in bot.sources]
    scopes += [settings.erp.model_dump(mode="json"), bot.erp, bot.variables]
    kinds: dict[str, SecretKind] = {}
    for key, reference in (pair for scope in scopes for pair in secret_references(scope)):
        # One reference under a secret key anywhere is a secret everywhere.
        if kinds.get(reference) is not SecretKind.SECRET:
            kinds[reference] = kind_of_key(key)
    resolved = 0
    for reference, kind in kinds.items():
        try:
            project.secrets.resolve(reference, kind=kind)
            resolved += 1
        except ConfigError:
            # Not fatal here: the component that needs it reports it properly.
            log.debug("secret reference not resolvable before the run: %s", reference.split(":")[0])
    return resolved
