"""Wiring a worker from the project's bots."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from clerk.bots import load_bots
from clerk.project import Project
from clerk.worker import Handler, Worker, load_handler

log = logging.getLogger("clerk.worker")


def bot_handlers(project: Project) -> dict[str, Handler]:
    """Each bot's own handler if it names one, else the standard pipeline. Bots
    that post to the same ERP as the same user share one connector (one login)."""
    from clerk.pipeline import BotPipeline

    bots = load_bots(project.settings.project_dir)
    connectors = SharedConnectors(project)
    handlers: dict[str, Handler] = {}
    for name, bot in bots.items():
        if bot.handler:
            handlers[name] = load_handler(bot.handler)
            continue
        pipeline = BotPipeline(project, bot)
        pipeline.connector_factory = connectors.factory(pipeline)
        handlers[name] = pipeline
    return handlers


class SharedConnectors:
    """One logged-in connector per ERP and user, for every pipeline of a worker."""

    def __init__(self, project: Project):
        self.project = project
        self._connectors: dict[tuple[str, str, str], Any] = {}

    def factory(self, pipeline: Any) -> Callable[[], Any]:
        def connector() -> Any:
            from clerk.erp.connect import connect

            tryton = pipeline.erp_settings.tryton
            identity = (tryton.url, tryton.database, tryton.user)
            if identity not in self._connectors:
                self._connectors[identity] = connect(pipeline.erp_settings, self.project.secrets)
            return self._connectors[identity]
        return connector


def log_in_to_erps(worker: Worker) -> int:
    """Log every pipeline of ``worker`` in to its ERP now, once, so a refused
    password stops the worker at its start with the ERP's reason, instead of a
    login per batch that counts towards the ERP's lock-out. Returns the logins."""
    from clerk.errors import ErpUnavailable

    logged_in = 0
    for handler in worker.handlers.values():
        if not getattr(handler, "needs_erp", False):
            continue
        try:
            handler.connector   # noqa: B018 - the cached login itself; raises ErpAuthError
            logged_in += 1
        except ErpUnavailable as error:
            # Unreachable is not refused: items wait and retry, the login comes later.
            log.warning("ERP not reachable at worker start (%s); logging in at first use", error)
    return logged_in


def build_worker(project: Project, *, bots: list[str] | None = None,
                 default_handler: str | None = None, seal_audit: bool = True,
                 run_requests: bool = True) -> Worker:
    """A worker for the project's bots; it also executes bot runs the scheduler
    requested, so runs spread over every machine with a worker."""
    return Worker(project.queue, project.settings, bot_handlers(project),
                  default_handler=load_handler(default_handler) if default_handler else None,
                  bots=bots, seal_audit=seal_audit,
                  between_rounds=_run_requests(project, bots) if run_requests else None)


def _run_requests(project: Project, bots: list[str] | None):  # noqa: ANN202
    def execute_one(worker: Worker) -> bool:
        from clerk.runner import claim_and_execute_run

        return claim_and_execute_run(project, worker.name, bots=bots)
    return execute_one


def close_handlers(worker: Worker) -> None:
    for handler in worker.handlers.values():
        close = getattr(handler, "close", None)
        if close is not None:
            close()
