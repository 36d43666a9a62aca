"""A bot's ``[trigger]`` / ``[[triggers]]`` tables checked, with file, key and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clerk.bots import BotDefinition
from clerk.config import _message
from clerk.errors import ConfigError
from clerk.triggers.model import BotTriggers, FolderTrigger, MailTrigger, TriggerSpec

_KINDS = {"mail", "folder", "queue"}


def bot_triggers(bot: BotDefinition, path: Path) -> list[TriggerSpec]:
    """The bot's typed triggers (``[]`` without any); ConfigError naming every bad key."""
    if bot.trigger and bot.triggers:
        raise _error(path, [("trigger", "use either [trigger] or [[triggers]], not both",
                             _line(path, "trigger", None, None))])
    single = bool(bot.trigger)
    tables: list[dict[str, Any]] = [bot.trigger] if single else list(bot.triggers)
    try:
        return BotTriggers(triggers=tables).triggers
    except ValidationError as exc:
        problems = [_problem(path, single, error) for error in exc.errors()]
        raise _error(path, problems) from None


def source_problems(spec: TriggerSpec, sources: dict[str, dict[str, Any]]) -> str | None:
    """Why the trigger's named source cannot serve it, or ``None``."""
    if not isinstance(spec, (MailTrigger, FolderTrigger)) or spec.source is None:
        return None
    wanted = "email" if isinstance(spec, MailTrigger) else "folder"
    raw = sources.get(spec.source)
    if raw is None:
        return f"no [sources.{spec.source}] in config/clerk.toml"
    if raw.get("type") != wanted:
        return f"source {spec.source!r} is of type {raw.get('type')!r}; kind = {spec.kind!r} needs {wanted!r}"
    return None


def _problem(path: Path, single: bool, error: dict[str, Any]) -> tuple[str, str, int | None]:
    loc = [str(part) for part in error["loc"]][1:]          # drop "triggers"
    index = int(loc.pop(0)) if loc and loc[0].isdigit() else None
    index = None if single else index
    if loc and loc[0] in _KINDS:
        loc.pop(0)                                           # the union's tag, not a key
    message = _message(error)
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc, message = ["kind"], f"must be one of {', '.join(sorted(_KINDS))}"
        if error["type"] == "union_tag_invalid":
            message += f" (got {error['ctx']['tag']!r})"
    table = "trigger" if single else f"triggers[{index}]"
    key = ".".join([table, *loc])
    return key, message, _line(path, "trigger" if single else "triggers", index,
                                       loc[0] if loc else None)


def _line(path: Path, table: str, index: int | None, key: str | None) -> int | None:
    """The line of ``key`` in the table (the ``index``-th ``[[triggers]]``), else the header's."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    header = re.compile(r"^\[\[\s*triggers\s*\]\]" if index is not None else r"^\[\s*trigger\s*\]")
    seen, inside, header_line = -1, False, None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("["):
            inside = bool(header.match(line)) and (index is None or (seen := seen + 1) == index)
            header_line = number if inside else header_line
            continue
        if inside and key and re.match(rf'^"?{re.escape(key)}"?\s*=', line):
            return number
    return header_line


def _error(path: Path, problems: list[tuple[str, str, int | None]]) -> ConfigError:
    key, message, line = problems[0]
    error = ConfigError(str(path), key, message, line=line)
    error.all_problems = problems  # type: ignore[attr-defined]
    return error
