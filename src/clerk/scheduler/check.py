"""Checking a bot's ``[schedule]`` for ``clerk check`` and the scheduler."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from clerk.bots import BotDefinition
from clerk.config import config_error_from, find_key_line
from clerk.errors import ConfigError
from clerk.scheduler.calendar import load_calendar
from clerk.scheduler.model import ScheduleSpec

if TYPE_CHECKING:
    from clerk.check import Problem


def bot_schedule(bot: BotDefinition, path: Path | None = None) -> ScheduleSpec | None:
    """The bot's typed schedule, ``None`` for a bot without one; ConfigError if invalid."""
    if not bot.schedule:
        return None
    path = path or Path("bots") / f"{bot.name}.toml"
    try:
        return ScheduleSpec(**bot.schedule)
    except ValidationError as exc:
        error = config_error_from(exc, path)
        # The model sees the table's keys; the file names them under [schedule].
        raise _under_schedule(error, path) from None


def _under_schedule(error: ConfigError, path: Path) -> ConfigError:
    problems = [(f"schedule.{key}" if key else "schedule", message,
                 find_key_line(path, ["schedule", *key.split(".")]) if key else
                 find_key_line(path, ["schedule"]))
                for key, message, _ in getattr(error, "all_problems", [])]
    first_key, first_message, first_line = problems[0] if problems else (
        "schedule", error.message, None)
    moved = ConfigError(str(path), first_key, first_message, line=first_line)
    moved.all_problems = problems  # type: ignore[attr-defined]
    return moved


def check_bot_schedule(bot: BotDefinition, path: Path, project_dir: Path) -> list[Problem]:
    """Every problem in the bot's ``[schedule]`` and its event triggers, as
    ``clerk check`` reports them."""
    return _schedule_problems(bot, path, project_dir) + check_bot_triggers(bot, path, project_dir)


def check_bot_triggers(bot: BotDefinition, path: Path, project_dir: Path) -> list[Problem]:
    """Bad keys of ``[trigger]``/``[[triggers]]``, and named sources that cannot serve them."""
    from clerk.check import Problem
    from clerk.triggers.check import bot_triggers, source_problems

    try:
        specs = bot_triggers(bot, path)
    except ConfigError as exc:
        return [Problem(exc.file, line, key, message)
                for key, message, line in getattr(exc, "all_problems", [])]
    sources = _configured_sources(project_dir)
    problems = []
    for index, spec in enumerate(specs):
        why = source_problems(spec, sources)
        if why:
            key = "trigger.source" if bot.trigger else f"triggers[{index}].source"
            problems.append(Problem(str(path), None, key, why))
    return problems


def _configured_sources(project_dir: Path) -> dict:
    import tomllib

    try:
        data = tomllib.loads((project_dir / "config" / "clerk.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}   # clerk check reports the config file's own problems
    return data.get("sources", {})


def _schedule_problems(bot: BotDefinition, path: Path, project_dir: Path) -> list[Problem]:
    from clerk.check import Problem

    try:
        spec = bot_schedule(bot, path)
    except ConfigError as exc:
        return [Problem(exc.file, line, key, message)
                for key, message, line in getattr(exc, "all_problems", [])] or [
            Problem(exc.file, exc.line, exc.key, exc.message)]
    if spec is None or spec.kind != "business":
        return []
    try:
        load_calendar(project_dir, spec.calendar)
    except ConfigError as exc:
        return [Problem(str(path), find_key_line(path, ["schedule", "calendar"]),
                        "schedule.calendar", f"{exc.message} ({exc.file})")]
    return []
