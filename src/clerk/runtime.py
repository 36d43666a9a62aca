"""Wiring a worker from the project's bots."""

from __future__ import annotations

from clerk.bots import load_bots
from clerk.project import Project
from clerk.worker import Handler, Worker, load_handler


def bot_handlers(project: Project) -> dict[str, Handler]:
    bots = load_bots(project.settings.project_dir)
    return {name: load_handler(bot.handler) for name, bot in bots.items() if bot.handler}


def build_worker(project: Project, *, bots: list[str] | None = None,
                 default_handler: str | None = None, seal_audit: bool = True) -> Worker:
    return Worker(project.queue, project.settings, bot_handlers(project),
                  default_handler=load_handler(default_handler) if default_handler else None,
                  bots=bots, seal_audit=seal_audit)
