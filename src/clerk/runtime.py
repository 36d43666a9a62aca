"""Wiring a worker from the project's bots."""

from __future__ import annotations

from clerk.audit.sealer import project_sealer
from clerk.bots import load_bots
from clerk.project import Project
from clerk.worker import Handler, Worker, load_handler


def bot_handlers(project: Project) -> dict[str, Handler]:
    """Each bot's own handler if it names one, else the standard pipeline."""
    from clerk.pipeline import BotPipeline

    bots = load_bots(project.settings.project_dir)
    return {name: load_handler(bot.handler) if bot.handler else BotPipeline(project, bot)
            for name, bot in bots.items()}


def build_worker(project: Project, *, bots: list[str] | None = None,
                 default_handler: str | None = None, seal_audit: bool = True,
                 run_requests: bool = True) -> Worker:
    """A worker for the project's bots; it also executes bot runs the scheduler
    requested, so runs spread over every machine with a worker."""
    return Worker(project.queue, project.settings, bot_handlers(project),
                  default_handler=load_handler(default_handler) if default_handler else None,
                  bots=bots, seal_audit=seal_audit,
                  sealer=project_sealer(project) if seal_audit else None,
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
