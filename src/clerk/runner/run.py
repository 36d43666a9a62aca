"""``clerk run BOT``: one execution of a bot through Robot Framework.

A bot with a ``robot`` file runs that file; a Python-only bot (``handler =
"module:function"``) runs a two-task suite built in memory (collect, then
process the items with the handler), so both kinds leave the same artifacts
under ``output/<bot>/<run id>/`` and the same run record.
"""

from __future__ import annotations

import io
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robot.api import ExecutionResult
from robot.running import TestSuite

from clerk.audit.sealer import seal_at_run_end
from clerk.bots import BotDefinition
from clerk.errors import ConfigError
from clerk.project import Project
from clerk.runner.artifacts import Artifacts, write_artifacts
from clerk.runner.context import RunContext, running
from clerk.runner.listener import ClerkListener
from clerk.runner.records import RunStatus, finish_run, new_run_id, start_run
from clerk.runner.secrets import register_configured_secrets
from clerk.workitems.runtime import workitem_adapters

LIBRARY = "clerk.keywords.ClerkLibrary"
log = logging.getLogger("clerk.runner")


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    bot: str
    status: str
    output_dir: Path
    counts: dict[str, Any]
    artifacts: Artifacts | None

    @property
    def ok(self) -> bool:
        return self.status == RunStatus.PASSED


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_bot(project: Project, bot: BotDefinition, *, trigger: str = "manual",
            worker: str | None = None, request_id: int | None = None,
            variables: dict[str, str] | None = None, loglevel: str = "INFO",
            run_id: str | None = None) -> RunOutcome:
    """Execute ``bot`` once and record it; never raises for a failing task,
    only for configuration the run cannot start without."""
    suite = build_suite(project, bot)
    run_id = run_id or new_run_id()
    worker = worker or default_worker_name()
    output_dir = project.settings.output_dir / bot.name / run_id
    output_dir.mkdir(parents=True, exist_ok=True)
    register_configured_secrets(project, bot)
    context = RunContext(project, bot, run_id, output_dir, trigger=trigger, worker=worker)
    listener = ClerkListener(context)
    start_run(project.store, project.audit, run_id=run_id, bot=bot.name, trigger=trigger,
              output_dir=str(output_dir), worker=worker, request_id=request_id)
    try:
        with running(context), _clerk_log(output_dir, project), _project_on_path(project), \
                workitem_adapters(context):
            output = _execute(suite, context, listener, variables or {}, loglevel)
            artifacts = write_artifacts(output, project.masker, title=bot.name)
        status = _status_of(output)
    except BaseException as exc:
        finish_run(project.store, project.audit, run_id=run_id, status=RunStatus.ERROR,
                   counts=listener.counts(), worker=worker,
                   error=project.masker.mask_text(f"{type(exc).__name__}: {exc}"))
        raise
    counts = listener.counts()
    finish_run(project.store, project.audit, run_id=run_id, status=status, counts=counts,
               worker=worker)
    seal_at_run_end(project)
    return RunOutcome(run_id, bot.name, status, output_dir, counts, artifacts)


def build_suite(project: Project, bot: BotDefinition) -> TestSuite:
    if bot.robot:
        path = project.settings.project_dir / bot.robot
        if not path.is_file():
            raise ConfigError(f"bots/{bot.name}.toml", "robot", f"no such robot file: {bot.robot}")
        suite = TestSuite.from_file_system(str(path))
        suite.rpa = True
        return suite
    if bot.handler:
        return _handler_suite(bot)
    raise ConfigError(f"bots/{bot.name}.toml", "robot", "a bot needs a robot file or a handler")


def _handler_suite(bot: BotDefinition) -> TestSuite:
    """The suite a Python-only bot runs: the same keywords a robot would call."""
    suite = TestSuite(name=bot.name.replace("_", " ").title(), rpa=True,
                      doc=f"Python-only bot: handler {bot.handler}")
    suite.resource.imports.library(LIBRARY)
    if bot.sources:
        collect = suite.tests.create(name="Collect documents")
        collect.body.create_keyword("Collect Documents")
    process = suite.tests.create(name="Process work items")
    process.body.create_keyword("Process Work Items With Handler", args=[bot.handler])
    return suite


def _execute(suite: TestSuite, context: RunContext, listener: ClerkListener,
             variables: dict[str, str], loglevel: str) -> Path:
    output = context.output_dir / "output.xml"
    values = {"BOT": context.bot.name, "RUN_ID": context.run_id,
              "OUTPUT_DIR": str(context.output_dir), **context.bot.variables, **variables}
    console = io.StringIO()
    suite.run(output=str(output), log=None, report=None, listener=[listener],
              variable=[f"{name}:{value}" for name, value in values.items()],
              loglevel=loglevel, console="none", stdout=console, stderr=console,
              outputdir=str(context.output_dir), rpa=True)
    if console.getvalue().strip():
        log.info("robot console: %s", context.project.masker.mask_text(console.getvalue()))
    return output


def _status_of(output: Path) -> str:
    result = ExecutionResult(str(output), include_keywords=False)
    stats = result.statistics.total
    if stats.total == 0:
        return RunStatus.ERROR
    return RunStatus.PASSED if stats.failed == 0 else RunStatus.FAILED


class _MaskingFilter(logging.Filter):
    def __init__(self, project: Project):
        super().__init__()
        self.masker = project.masker

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.masker.mask_text(record.getMessage())
        record.args = None
        return True


@contextmanager
def _clerk_log(output_dir: Path, project: Project) -> Iterator[None]:
    """clerk's own log for the run, beside the RF artifacts, masked like them."""
    handler = logging.FileHandler(output_dir / "clerk.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_MaskingFilter(project))
    logger = logging.getLogger("clerk")
    previous = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        handler.close()


@contextmanager
def _project_on_path(project: Project) -> Iterator[None]:
    """The project's own keyword libraries (keywords/) import by name from robots."""
    import sys

    paths = [str(project.settings.project_dir / "keywords"), str(project.settings.project_dir)]
    added = [p for p in paths if p not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for path in added:
            if path in sys.path:
                sys.path.remove(path)
