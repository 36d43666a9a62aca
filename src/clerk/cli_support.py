"""Helpers the CLI shares: opening the project, errors as one line, progress bars."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from typing import TYPE_CHECKING

from clerk.errors import ClerkError, ConfigError

if TYPE_CHECKING:
    from clerk.project import Project

err_console = Console(stderr=True)


@contextmanager
def open_from(project_dir: Path, config_file: Path | None) -> Iterator[Project]:
    # Imported here: the store and settings are heavy, and `clerk extract` needs neither.
    from clerk.config import load_settings
    from clerk.project import open_project

    project = open_project(load_settings(project_dir, config_file))
    try:
        yield project
    finally:
        project.close()


def fail_on_clerk_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """A clerk error becomes one red line and exit 1 (config) or 1 (other), not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConfigError as exc:
            err_console.print(f"[red]configuration error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except ClerkError as exc:
            err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """Yields ``advance(done, total)`` for a rich bar on stderr."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as progress:
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance


def parse_since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date or time: {text!r} (use YYYY-MM-DD or ISO 8601)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, Path)):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
