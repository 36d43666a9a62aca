"""The run in progress, as the keyword libraries see it.

Robot Framework creates library instances itself, so the runner cannot hand
them the project through a constructor; it sets the run context for the
duration of the run instead (a ``ContextVar``, scoped to the run, not an
import-time global) and the libraries read it.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from clerk.errors import ConfigError

if TYPE_CHECKING:
    from clerk.bots import BotDefinition
    from clerk.project import Project


@dataclass
class RunContext:
    """One execution of one bot: where it writes, what it has counted so far."""

    project: Project
    bot: BotDefinition
    run_id: str
    output_dir: Path
    trigger: str = "manual"
    worker: str = "clerk-run"
    # Item outcomes the keywords report (collected, posted, needs_review...):
    # the run record keeps the totals; per-item detail stays in the queue.
    counts: Counter[str] = field(default_factory=Counter)
    # Objects a library wants to keep for the run (the bot's pipeline, ...).
    cache: dict[str, Any] = field(default_factory=dict)

    def count(self, outcome: str, amount: int = 1) -> None:
        self.counts[outcome] += amount


_current: ContextVar[RunContext | None] = ContextVar("clerk_run", default=None)


def current_run() -> RunContext:
    """The run the calling keyword belongs to; a ConfigError outside ``clerk run``."""
    context = _current.get()
    if context is None:
        raise ConfigError("robot", None, "clerk keywords run inside `clerk run BOT` "
                          "(or clerk.runner.run_bot), which tells them the project and bot")
    return context


@contextmanager
def running(context: RunContext) -> Iterator[RunContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
