"""``clerk check``: every problem in the project's configuration, with file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clerk.bots import load_bot
from clerk.config import Settings, find_key_line, load_settings
from clerk.errors import ConfigError


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str | None
    message: str
    severity: str = "error"          # "warning": reported, does not fail the check

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = "warning: " if self.severity == "warning" else ""
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return prefix + text


def check_project(project_dir: Path, config_file: Path | None = None) -> list[Problem]:
    problems: list[Problem] = []
    settings: Settings | None = None
    try:
        settings = load_settings(project_dir, config_file)
    except ConfigError as exc:
        problems.extend(_problems_of(exc))
    if settings is not None:
        problems.extend(_source_problems(settings))
        problems.extend(_secret_problems(settings))
        problems.extend(_web_problems(settings))
    bot_robots: list[Path] = []
    for path in sorted((project_dir / "bots").glob("*.toml")):
        try:
            bot = load_bot(path)
        except ConfigError as exc:
            problems.extend(_problems_of(exc))
            continue
        problems.extend(_bot_references(bot, path, project_dir, settings))
        from clerk.scheduler.check import check_bot_schedule  # the scheduler imports check

        problems.extend(check_bot_schedule(bot, path, project_dir))
        problems.extend(_bot_section_problems(bot, path, project_dir))
        if bot.robot:
            bot_robots.append(project_dir / bot.robot)
    robots = set(sorted((project_dir / "robots").glob("*.robot"))) | {
        p for p in bot_robots if p.exists()}
    for robot in sorted(robots):
        problems.extend(check_robot(robot))
    return problems


def _source_problems(settings: Settings) -> list[Problem]:
    """Each [sources.*] table checked by its own source kind (nothing is contacted)."""
    from clerk.project import open_project
    from clerk.sources.configured import check_sources

    return [Problem(exc.file, exc.line, exc.key, exc.message)
            for exc in check_sources(open_project(settings))]


def _bot_section_problems(bot, path: Path, project_dir: Path) -> list[Problem]:  # noqa: ANN001
    """The bot's [review], [approval] and [validation] tables, each loaded by the
    very function the web app, the escalation pass and the worker load it with."""
    from clerk.review.settings import approval_policy, load_review_settings
    from clerk.validation.settings import bot_validation_settings

    loaders = [lambda: load_review_settings(bot, project_dir), lambda: approval_policy(bot),
               lambda: bot_validation_settings(bot.validation, str(path))]
    problems: list[Problem] = []
    for load in loaders:
        try:
            load()
        except ConfigError as exc:
            problems.extend(_problems_of(exc))
    return problems


def _web_problems(settings: Settings) -> list[Problem]:
    """``[web]`` as `clerk serve` loads it."""
    from clerk.review.settings import web_settings

    try:
        web_settings(settings.web)
    except ConfigError as exc:
        return _problems_of(exc)
    return []


def _secret_problems(settings: Settings) -> list[Problem]:
    from clerk.check_secrets import unresolved_secrets

    return [Problem(p.file, find_key_line(Path(p.file) if Path(p.file).is_absolute()
                                          else settings.project_dir / p.file, p.key.split(".")),
                    p.key, p.message, p.severity)
            for p in unresolved_secrets(settings)]


def _problems_of(exc: ConfigError) -> list[Problem]:
    extra = getattr(exc, "all_problems", None)
    if extra:
        return [Problem(exc.file, line, key, message) for key, message, line in extra]
    return [Problem(exc.file, exc.line, exc.key, exc.message)]


def _bot_references(bot, path: Path, project_dir: Path, settings: Settings | None) -> list[Problem]:  # noqa: ANN001
    problems = []
    if bot.robot and not (project_dir / bot.robot).exists():
        problems.append(Problem(str(path), None, "robot", f"no such robot file: {bot.robot}"))
    if settings is not None:
        for source in bot.sources:
            if source not in settings.sources:
                problems.append(Problem(str(path), None, "sources",
                                        f"no source named {source!r} in config/clerk.toml"))
    return problems


def check_robot(path: Path) -> list[Problem]:
    """Robot Framework syntax errors, each with its line."""
    from robot.api import get_model
    from robot.api.parsing import ModelVisitor

    problems: list[Problem] = []

    class ErrorCollector(ModelVisitor):
        def generic_visit(self, node):  # noqa: ANN001, ANN201
            for error in getattr(node, "errors", ()) or ():
                problems.append(Problem(str(path), getattr(node, "lineno", None), None, error))
            super().generic_visit(node)

    try:
        ErrorCollector().visit(get_model(path))
    except Exception as exc:  # noqa: BLE001 - an unreadable robot file is itself the problem
        problems.append(Problem(str(path), None, None, f"cannot parse: {exc}"))
    return problems
