"""``clerk schedule``: run the scheduler; ``ls|pause|resume|run-now`` act on it.
Register with ``app.add_typer(clerk.scheduler.cli.schedule_app, name="schedule")``."""

from __future__ import annotations

import getpass
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clerk.cli_support import fail_on_clerk_errors, open_from

console = Console()
schedule_app = typer.Typer(help="Run bots on schedules (cron, interval, date, business calendar).",
                           invoke_without_command=True)
ProjectOpt = Annotated[Path, typer.Option("--project", "-C", help="project directory",
                                          envvar="CLERK_PROJECT")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="config file (default config/clerk.toml)")]
ActorOpt = Annotated[str, typer.Option(help="who acts (audit trail)")]


def _actor(actor: str | None) -> str:
    return actor or f"operator:{getpass.getuser()}"


@schedule_app.callback()
@fail_on_clerk_errors
def schedule(ctx: typer.Context, project: ProjectOpt = Path("."), config: ConfigOpt = None,
             poll: Annotated[float, typer.Option(help="seconds between leadership checks")] = 1.0) -> None:
    """Without a sub-command: run the scheduler until stopped (SIGTERM/SIGINT).

    Start one per machine you want to survive; only the leader fires."""
    if ctx.invoked_subcommand is not None:
        return
    from clerk.scheduler.service import SchedulerService

    with open_from(project, config) as proj:
        service = SchedulerService(proj, poll_seconds=poll)
        signal.signal(signal.SIGTERM, service.stop)
        signal.signal(signal.SIGINT, service.stop)
        console.print(f"{service.name}: waiting for leadership", highlight=False)
        status = service.run()
    console.print(f"{status.name}: stopped after {status.terms} term(s) as leader", highlight=False)


@schedule_app.command("ls")
@fail_on_clerk_errors
def schedule_ls(project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Scheduled bots: trigger, next run, paused, queued runs, last run."""
    from clerk.scheduler.control import list_schedules

    with open_from(project, config) as proj:
        rows = list_schedules(proj)
    table = Table("bot", "trigger", "next run (UTC)", "state", "queued", "last run")
    for row in rows:
        state = "paused" if row["paused"] else ("scheduled" if row["configured"] else "not in bots/")
        last = row["last_run"]
        table.add_row(row["bot"], row["trigger"],
                      row["next_run"].isoformat(timespec="seconds") if row["next_run"] else "-",
                      state, str(row["queued"]),
                      f"{last['status']} {str(last['started_at'])[:19]}" if last else "-")
    console.print(table)


@schedule_app.command("pause")
@fail_on_clerk_errors
def schedule_pause(bot: str, project: ProjectOpt = Path("."), config: ConfigOpt = None,
                   actor: ActorOpt = None) -> None:
    """Stop firing a bot until resumed (kept across scheduler restarts)."""
    from clerk.scheduler.control import pause

    with open_from(project, config) as proj:
        pause(proj, bot, actor=_actor(actor))
    console.print(f"{bot}: paused")


@schedule_app.command("resume")
@fail_on_clerk_errors
def schedule_resume(bot: str, project: ProjectOpt = Path("."), config: ConfigOpt = None,
                    actor: ActorOpt = None) -> None:
    """Fire a paused bot again, from its next due time on."""
    from clerk.scheduler.control import resume

    with open_from(project, config) as proj:
        next_run = resume(proj, bot, actor=_actor(actor))
    console.print(f"{bot}: resumed; next run {next_run.isoformat() if next_run else 'never'}")


@schedule_app.command("run-now")
@fail_on_clerk_errors
def schedule_run_now(bot: str, project: ProjectOpt = Path("."), config: ConfigOpt = None,
                     actor: ActorOpt = None) -> None:
    """Queue a run for the next free worker (`clerk worker`), now."""
    from clerk.scheduler.control import run_now

    with open_from(project, config) as proj:
        request_id = run_now(proj, bot, actor=_actor(actor))
    console.print(f"{bot}: run request {request_id} queued for a worker")
