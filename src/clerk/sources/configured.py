"""Sources by name from ``[sources.<name>]`` in clerk.toml: ``type`` picks the
kind (email, folder, portal), the rest is that kind's own configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clerk.errors import ConfigError
from clerk.project import Project
from clerk.sources.base import Source
from clerk.sources.safety import DOCUMENT_TYPES
from clerk.sources.settings import CollectSettings

KINDS = ("email", "folder", "portal")


def build_source(project: Project, name: str, documents_dir: Path,
                 collect: CollectSettings | None = None) -> Source:
    """The configured source ``name``, writing into ``documents_dir``; with a bot's
    ``collect`` settings, a mailbox or folder keeps only the kinds that bot collects."""
    raw = dict(project.settings.sources.get(name) or {})
    if not raw:
        raise ConfigError("config/clerk.toml", f"sources.{name}", "no such source")
    kind = raw.pop("type", None)
    raw.setdefault("name", name)
    if collect is not None and kind in ("email", "folder"):
        raw["allowed_types"] = frozenset(raw.get("allowed_types", DOCUMENT_TYPES)) & collect.content_types()
    try:
        if kind == "email":
            return _email(project, raw, documents_dir)
        if kind == "folder":
            return _folder(project, raw, documents_dir)
        if kind == "portal":
            return _portal(project, raw, documents_dir)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError("config/clerk.toml", f"sources.{name}.{key}", first["msg"]) from None
    raise ConfigError("config/clerk.toml", f"sources.{name}.type",
                      f"must be one of {', '.join(KINDS)} (got {kind!r})")


def check_sources(project: Project) -> list[ConfigError]:
    """Every configured source's settings validated, nothing contacted or
    opened (for `clerk check`)."""
    problems = []
    for name, table in project.settings.sources.items():
        try:
            _validate(project, name, dict(table))
        except ConfigError as exc:
            problems.append(exc)
    return problems


def _validate(project: Project, name: str, raw: dict[str, Any]) -> None:
    from clerk.sources._recipe import load_recipe
    from clerk.sources.email import MailboxConfig
    from clerk.sources.folder import DropFolderConfig

    kind = raw.pop("type", None)
    raw.setdefault("name", name)
    try:
        if kind == "email":
            MailboxConfig(**raw)
        elif kind == "folder":
            DropFolderConfig(**raw)
        elif kind == "portal":
            if "recipe" not in raw:
                raise ConfigError("config/clerk.toml", f"sources.{name}.recipe", "a portal needs a recipe file")
            load_recipe(_under_project(project, raw["recipe"]))
        else:
            raise ConfigError("config/clerk.toml", f"sources.{name}.type",
                              f"must be one of {', '.join(KINDS)} (got {kind!r})")
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError("config/clerk.toml", f"sources.{name}.{key}", first["msg"]) from None


def _under_project(project: Project, path: Any) -> Path:
    path = Path(path)
    return path if path.is_absolute() else project.settings.project_dir / path


def _email(project: Project, raw: dict[str, Any], documents_dir: Path) -> Source:
    from clerk.sources.email import EmailSource, MailboxConfig

    if raw.get("ca_file"):
        raw["ca_file"] = _under_project(project, raw["ca_file"])
    return EmailSource(MailboxConfig(**raw), documents_dir, project.secrets)


def _folder(project: Project, raw: dict[str, Any], documents_dir: Path) -> Source:
    from clerk.sources.folder import DropFolderConfig, FolderSource

    for key in ("path", "processed_dir", "quarantine_dir"):
        if raw.get(key):
            raw[key] = _under_project(project, raw[key])
    return FolderSource(DropFolderConfig(**raw), documents_dir)


def _portal(project: Project, raw: dict[str, Any], documents_dir: Path) -> Source:
    from clerk.browser import BrowserSettings
    from clerk.sources._recipe import load_recipe
    from clerk.sources.portal import PortalSource

    recipe_path = raw.pop("recipe", None)
    name = raw.pop("name")
    browser = BrowserSettings(**raw.pop("browser", {}))
    if recipe_path is None:
        raise ConfigError("config/clerk.toml", f"sources.{name}.recipe", "a portal needs a recipe file")
    recipe = load_recipe(_under_project(project, recipe_path), overrides=raw or None)
    return PortalSource(recipe, documents_dir, project.secrets,
                        state_dir=project.settings.var_dir / "state", browser=browser, name=name,
                        keyword_root=project.settings.project_dir)
