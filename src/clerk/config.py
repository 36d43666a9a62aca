"""clerk's configuration: ``config/clerk.toml`` overridden by ``CLERK_*``
environment variables (nested keys with ``__``: ``CLERK_QUEUE__MAX_ATTEMPTS=3``).

Built once at the entry point and passed down; nothing imports a global.
Every problem is reported as ``ConfigError`` with the file, the key and, where
it can be found, the line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from clerk.erp.connect import ErpSettings
from clerk.errors import ConfigError
from clerk.queue.settings import QueueSettings

CONFIG_FILE = Path("config") / "clerk.toml"


class StoreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite under var/")


class PathSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    var_dir: Path = Path("var")
    output_dir: Path = Path("output")


class AuditSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seal_interval_seconds: float = Field(0.5, gt=0)
    seal_batch: int = Field(5000, ge=1)
    checkpoint_every: int = Field(1000, ge=1)


class WorkerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    poll_seconds: float = Field(0.5, gt=0, description="idle wait between empty polls")
    lease_batch: int = Field(10, ge=1, description="items leased per round trip")
    batches_in_flight: int = Field(2, ge=1, le=2, description=(
        "2: prepare the next batch (drafts in the ERP) while the last one posts; "
        "1: one batch at a time"))


class Settings(BaseSettings):
    """The whole configuration of one clerk project."""

    model_config = SettingsConfigDict(env_prefix="CLERK_", env_nested_delimiter="__",
                                      extra="forbid", frozen=True)

    project_dir: Path = Path(".")
    store: StoreSettings = StoreSettings()
    paths: PathSettings = PathSettings()
    queue: QueueSettings = QueueSettings()
    audit: AuditSettings = AuditSettings()
    worker: WorkerSettings = WorkerSettings()
    erp: ErpSettings = ErpSettings()
    # Each [sources.NAME] table is validated by its source kind's model
    # (clerk.sources.configured), which `clerk check` runs too.
    sources: dict[str, dict[str, Any]] = Field(default_factory=dict)
    web: dict[str, Any] = Field(default_factory=dict)
    database_url: str | None = Field(None, description="shortcut for CLERK_DATABASE_URL")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource):
        # The environment overrides the file, which arrives as init values.
        return (_EnvNamingFileSources(settings_cls, env_settings, init_settings), init_settings)

    @property
    def var_dir(self) -> Path:
        return self._under_project(self.paths.var_dir)

    @property
    def output_dir(self) -> Path:
        return self._under_project(self.paths.output_dir)

    @property
    def effective_database_url(self) -> str:
        url = self.database_url or self.store.database_url
        return url or f"sqlite:///{(self.var_dir / 'clerk.db').resolve()}"

    def _under_project(self, path: Path) -> Path:
        return path if path.is_absolute() else (self.project_dir / path).resolve()


class _EnvNamingFileSources(PydanticBaseSettingsSource):
    """The environment, with its ``CLERK_SOURCES__<NAME>__...`` names matched to
    the file's source names: a variable name cannot hold the ``-`` of
    ``demo-mailbox``, and an override must change that source, never quietly
    make a new one (``demo_mailbox``) beside it."""

    def __init__(self, settings_cls: type[BaseSettings], env: PydanticBaseSettingsSource,
                 init: PydanticBaseSettingsSource):
        super().__init__(settings_cls)
        self._env, self._init = env, init

    def get_field_value(self, field, field_name):  # noqa: ANN001, ANN201 - unused: __call__ decides
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        data = self._env()
        overrides = data.get("sources")
        if not isinstance(overrides, dict):
            return data
        in_file = (self._init.init_kwargs.get("sources") or {}).keys()
        named = {name.replace("-", "_").lower(): name for name in in_file}
        matched = {}
        for env_name, values in overrides.items():
            if env_name not in named:
                raise ConfigError("environment", f"CLERK_SOURCES__{env_name.upper()}",
                                  f"no source {env_name!r} in config/clerk.toml to override "
                                  f"(it has: {', '.join(sorted(in_file)) or 'none'})")
            matched[named[env_name]] = values
        return {**data, "sources": matched}


def load_settings(project_dir: Path | None = None, config_file: Path | None = None) -> Settings:
    """Read ``config/clerk.toml`` (optional unless named) and the environment."""
    project_dir = (project_dir or Path.cwd()).resolve()
    path = config_file or project_dir / CONFIG_FILE
    data = read_toml(path, required=config_file is not None)
    try:
        return Settings(project_dir=project_dir, **data)
    except ValidationError as exc:
        raise config_error_from(exc, path) from None


def read_toml(path: Path, *, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise ConfigError(str(path), None, "file not found")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError(str(path), None, f"not valid TOML: {exc}", line=line) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc}") from None


def config_error_from(exc: ValidationError, path: Path, prefix: tuple[str, ...] = ()) -> ConfigError:
    """The first problem, as one line naming file, key and line; ``prefix`` is the
    table the validated value sits in (``("erp",)`` for an ``[erp]`` model)."""
    problems = []
    for e in exc.errors():
        loc = [*prefix, *(str(p) for p in e["loc"])]
        problems.append((".".join(loc), _message(e), find_key_line(path, loc)))
    key, message, line = problems[0]
    error = ConfigError(str(path), key, message, line=line)
    error.all_problems = problems  # type: ignore[attr-defined]
    return error


# Keys whose values are never echoed in an error, whatever they hold.
_SECRET_KEYS = re.compile(r"pass|secret|token|credential|private|api_?key", re.IGNORECASE)


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    secret = any(_SECRET_KEYS.search(str(part)) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if "input" in error and error["type"] != "missing" and not secret:
        return f"{message} (got {_short(error['input'])})"
    return message


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def find_key_line(path: Path, loc: list[str]) -> int | None:
    """Best effort: the line where the dotted key is set in a TOML file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    table: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        header = re.match(r"^\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            table = [part.strip().strip('"') for part in header.group(1).split(".")]
            if table == loc:
                return number
            continue
        assignment = re.match(r'^("?[\w.-]+"?)\s*=', line)
        if assignment:
            key = [part.strip('"') for part in assignment.group(1).split(".")]
            if table + key == loc[:len(table + key)] and len(table + key) == len(loc):
                return number
            if table + key == loc[:len(table + key)]:
                return number
    return None
