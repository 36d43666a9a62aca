"""``clerk check``'s look at secrets: every reference the project's ERP and
sources name must resolve, and none may be given inline.

Inline values are refused where each section is parsed (``SecretRef`` and the
recipe's credentials); this module tries every reference once, so a worker
never learns at its first item that ``env:ERP_PASSWORD`` is not set. Values are
resolved only to be checked, and never shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clerk.audit.redact import SecretMasker
from clerk.config import Settings
from clerk.errors import ConfigError
from clerk.runner.secrets import secret_references
from clerk.secrets import SecretResolver


@dataclass(frozen=True)
class SecretUse:
    """Where a reference is configured: the file and the key naming it."""

    file: str
    key: str
    reference: str


def configured_references(settings: Settings) -> Iterator[SecretUse]:
    """Every secret reference of the ERP, the sources and the portal recipes."""
    config = "config/clerk.toml"
    yield SecretUse(config, "erp.tryton.password", settings.erp.tryton.password)
    for name, table in settings.sources.items():
        for key, value in table.items():
            for reference in secret_references(value):
                yield SecretUse(config, f"sources.{name}.{key}", reference)
        if table.get("type") == "portal" and isinstance(table.get("recipe"), str):
            yield from _recipe_references(settings.project_dir / table["recipe"])


def _recipe_references(path: Path) -> Iterator[SecretUse]:
    from clerk.sources._recipe import load_recipe

    try:
        recipe = load_recipe(path)
    except ConfigError:
        return                      # reported by the source check itself
    credentials = getattr(recipe, "credentials", None)
    if credentials is None:
        return
    for key in ("user", "password"):
        yield SecretUse(str(path), f"credentials.{key}", getattr(credentials, key))


@dataclass(frozen=True)
class SecretProblem:
    file: str
    key: str
    message: str
    severity: str                  # "error", or "warning" for a file clerk writes itself


def unresolved_secrets(settings: Settings) -> list[SecretProblem]:
    resolver = SecretResolver(settings.project_dir, SecretMasker())
    problems = []
    for use in configured_references(settings):
        try:
            resolver.resolve(use.reference)
        except ConfigError as error:
            problems.append(_problem(settings, use, error))
    return problems


def _problem(settings: Settings, use: SecretUse, error: ConfigError) -> SecretProblem:
    scheme, name = use.reference.split(":", 1)
    if scheme == "env":
        return SecretProblem(use.file, use.key, f"the environment variable {name} "
                             f"({use.reference}) is not set", "error")
    path = Path(name) if Path(name).is_absolute() else settings.project_dir / name
    written_by_clerk = path.resolve().is_relative_to(settings.var_dir)
    message = f"the secret file {name} ({use.reference}) cannot be read"
    if written_by_clerk:
        return SecretProblem(use.file, use.key, message + " yet: it is under var/, which "
                             "`clerk demo` and `clerk erp bootstrap` write", "warning")
    return SecretProblem(use.file, use.key, message, "error")
