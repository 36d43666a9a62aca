"""The ``clerk`` command. Thin: parse, call one engine function, render."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from clerk.cli_ops import erp_app, extract, rules_app
from clerk.runner.cli import run_command
from clerk.scheduler.cli import schedule_app
from clerk.web.commands import audit_lineage, serve, users_app
from clerk.cli_support import fail_on_clerk_errors, json_default, open_from, parse_since
from clerk.queue import ItemState

app = typer.Typer(help="clerk: documents into the ERP as clean, validated, auditable records.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
queue_app = typer.Typer(help="Inspect and act on the work queue.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
app.add_typer(queue_app, name="queue")
app.add_typer(audit_app, name="audit")
app.add_typer(erp_app, name="erp")
app.add_typer(rules_app, name="rules")
app.command("extract")(extract)
app.command("run")(run_command)
app.add_typer(schedule_app, name="schedule")
app.command("serve")(serve)
app.add_typer(users_app, name="users")
audit_app.command("lineage")(audit_lineage)
console = Console()

ProjectOpt = Annotated[Path, typer.Option("--project", "-C", help="project directory",
                                          envvar="CLERK_PROJECT")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="config file (default config/clerk.toml)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=json_default, indent=2) + "\n")


@queue_app.command("ls")
@fail_on_clerk_errors
def queue_ls(project: ProjectOpt = Path("."), config: ConfigOpt = None,
             state: Annotated[ItemState | None, typer.Option()] = None,
             bot: Annotated[str | None, typer.Option()] = None,
             limit: Annotated[int, typer.Option(min=1)] = 50, as_json: JsonOpt = False) -> None:
    """List current work items in queue order."""
    from clerk.queue.inspect import list_items

    with open_from(project, config) as proj:
        items = list_items(proj.store, state=state, bot=bot, limit=limit)
    if as_json:
        _print_json([item.model_dump(mode="json") for item in items])
        return
    now = datetime.now(UTC)
    table = Table("id", "bot", "state", "review", "prio", "deadline", "attempts", "reason", "key")
    for item in items:
        late = " [red]LATE[/red]" if item.is_late(now) else ""
        table.add_row(str(item.id), item.bot, item.state.value, item.review_status.value,
                      item.priority.name.lower(),
                      (item.deadline.isoformat(timespec="minutes") if item.deadline else "") + late,
                      str(item.attempts), item.reason_code or "", _short(item.document_key))
    console.print(table)


@queue_app.command("show")
@fail_on_clerk_errors
def queue_show(item_id: int, project: ProjectOpt = Path("."), config: ConfigOpt = None,
               as_json: JsonOpt = False) -> None:
    """One item with its attempts, audit events and retry chain."""
    from clerk.queue.inspect import item_history

    with open_from(project, config) as proj:
        history = item_history(proj.store, item_id)
    if not history:
        console.print(f"[red]no work item {item_id}[/red]")
        raise typer.Exit(1)
    if as_json:
        _print_json({**history, "item": history["item"].model_dump(mode="json")})
        return
    item = history["item"]
    console.print(f"[bold]item {item.id}[/bold]  {item.bot}  {item.state.value}  "
                  f"review={item.review_status.value}  attempts={item.attempts}/{item.max_attempts}")
    console.print(f"key: {item.document_key}\nreason: {item.reason_code or '-'}  "
                  f"last error: {item.last_error or '-'}\nretry chain: {history['retry_chain']}")
    events = Table("at", "actor", "action", "data", title="history")
    for event in history["events"]:
        events.add_row(str(event["at"])[:23], event["actor"], event["action"], _short(event["data"], 80))
    console.print(events)


@queue_app.command("retry")
@fail_on_clerk_errors
def queue_retry(item_ids: Annotated[list[int] | None, typer.Argument()] = None,
                state: Annotated[ItemState | None, typer.Option(help="bulk: every item in this state")] = None,
                since: Annotated[str | None, typer.Option(help="bulk: changed since (YYYY-MM-DD or ISO time)")] = None,
                bot: Annotated[str | None, typer.Option()] = None,
                project: ProjectOpt = Path("."), config: ConfigOpt = None,
                actor: Annotated[str, typer.Option(envvar="USER")] = "operator",
                as_json: JsonOpt = False) -> None:
    """Re-run items as new items that keep their place; by id or in bulk."""
    from clerk.queue.people import retry, retry_where

    if not item_ids and state is None and since is None:
        console.print("[red]name item ids, or --state/--since for a bulk retry[/red]")
        raise typer.Exit(2)
    with open_from(project, config) as proj:
        if item_ids:
            created = [retry(proj.queue, item_id, actor=actor) for item_id in item_ids]
        else:
            created = retry_where(proj.queue, actor=actor, state=state,
                                  since=parse_since(since) if since else None, bot=bot)
    if as_json:
        _print_json({"new_items": created})
    else:
        console.print(f"re-queued {len(created)} item(s): {created}")


@queue_app.command("requeue")
@fail_on_clerk_errors
def queue_requeue(item_ids: list[int], project: ProjectOpt = Path("."), config: ConfigOpt = None,
                  actor: Annotated[str, typer.Option(envvar="USER")] = "operator",
                  reason: Annotated[str | None, typer.Option()] = None) -> None:
    """Send items waiting for people back to machine work at the step they stopped."""
    from clerk.queue.people import requeue

    with open_from(project, config) as proj:
        for item_id in item_ids:
            state = requeue(proj.queue, item_id, actor=actor, reason=reason)
            console.print(f"item {item_id} -> {state.value}")


@queue_app.command("stats")
@fail_on_clerk_errors
def queue_stats(project: ProjectOpt = Path("."), config: ConfigOpt = None,
                as_json: JsonOpt = False) -> None:
    """Counts by state, late items, duplicates received."""
    from clerk.queue.inspect import stats

    with open_from(project, config) as proj:
        numbers = stats(proj.store, datetime.now(UTC))
    if as_json:
        _print_json(numbers)
        return
    table = Table("state", "items")
    for state, count in numbers["by_state"].items():
        table.add_row(state, str(count))
    console.print(table)
    console.print(f"total {numbers['total']}  late {numbers['late']}  "
                  f"duplicates received {numbers['duplicates_received']}")


@app.command("worker")
@fail_on_clerk_errors
def worker(project: ProjectOpt = Path("."), config: ConfigOpt = None,
           bot: Annotated[list[str] | None, typer.Option(help="only these bots")] = None,
           handler: Annotated[str | None, typer.Option(help="module:function for bots without one")] = None,
           drain: Annotated[bool, typer.Option(help="stop when no machine work is left")] = False,
           seal: Annotated[bool, typer.Option(help="also seal the audit chain")] = True) -> None:
    """Process work items with the bots' handlers until stopped (SIGTERM is graceful)."""
    from clerk.errors import ErpAuthError
    from clerk.runtime import build_worker, close_handlers, log_in_to_erps

    with open_from(project, config) as proj:
        worker = build_worker(proj, bots=bot, default_handler=handler, seal_audit=seal)
        try:
            log_in_to_erps(worker)    # once: a refused password stops here, with the reason
        except ErpAuthError as refused:
            close_handlers(worker)
            console.print(f"[red]worker stopped before its first item: {refused}[/red]",
                          highlight=False, soft_wrap=True)
            raise typer.Exit(3) from None
        worker.install_signal_handlers()
        console.print(f"worker {worker.name} ready: bots {', '.join(bot) if bot else 'all'}, "
                      f"lease batch {proj.settings.worker.lease_batch}")
        try:
            stats = worker.run(drain=drain)
        finally:
            close_handlers(worker)
    console.print(f"worker {worker.name}: processed {stats.processed}, failed {stats.failed}, "
                  f"to review {stats.reviewed}, quarantined {stats.quarantined}, lost {stats.lost}")


@audit_app.command("verify")
@fail_on_clerk_errors
def audit_verify(project: ProjectOpt = Path("."), config: ConfigOpt = None,
                 seal_first: Annotated[bool, typer.Option("--seal/--no-seal")] = False,
                 as_json: JsonOpt = False) -> None:
    """Recompute the hash chain; name the first broken event; exit 1 if broken."""
    from clerk.cli_support import progress_bar
    from clerk.audit.chain import seal_all
    from clerk.audit.verify import verify

    with open_from(project, config) as proj:
        if seal_first:
            seal_all(proj.store)
        with progress_bar("verifying audit chain") as advance:
            report = verify(proj.store, progress=advance)
    if as_json:
        _print_json(report.as_dict())
    elif report.ok:
        console.print(f"[green]audit chain intact[/green]: {report.sealed} sealed events, "
                      f"{report.checkpoints} checkpoints, {report.unsealed} not yet sealed")
    else:
        console.print(f"[red]audit chain BROKEN[/red] at chain position {report.first_bad_seq} "
                      f"(event id {report.first_bad_id}): {report.problem}")
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("seal")
@fail_on_clerk_errors
def audit_seal(project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Chain every committed event now (workers do this continuously)."""
    from clerk.audit.chain import seal_all

    with open_from(project, config) as proj:
        console.print(f"sealed {seal_all(proj.store)} event(s)")


@audit_app.command("export")
@fail_on_clerk_errors
def audit_export(out: Annotated[Path, typer.Option("--out", "-o", help="file to write")],
                 fmt: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
                 item: Annotated[int | None, typer.Option(help="only this item")] = None,
                 project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Write the audit trail, with chain positions and hashes, as JSONL or CSV."""
    from clerk.audit.export import export_events
    from clerk.cli_support import progress_bar

    if fmt not in {"jsonl", "csv"}:
        console.print("[red]--format is jsonl or csv[/red]")
        raise typer.Exit(2)
    with open_from(project, config) as proj, progress_bar("exporting audit events") as advance:
        count = export_events(proj.store, out, fmt, item_id=item, progress=advance)
    console.print(f"wrote {count} event(s) to {out}")


@app.command("check")
def check(project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Validate config/clerk.toml, every bot in bots/ and every robot; exit 1 on problems."""
    from clerk.check import check_project

    problems = check_project(project.resolve(), config)
    for problem in problems:
        colour = "yellow" if problem.severity == "warning" else "red"
        console.print(f"[{colour}]{problem}[/{colour}]", highlight=False, soft_wrap=True)
    if any(problem.severity == "error" for problem in problems):
        raise typer.Exit(1)
    console.print("[green]configuration, bots and robots are valid[/green]")


@app.command("demo")
@fail_on_clerk_errors
def demo(project: ProjectOpt = Path("."), config: ConfigOpt = None,
         stop: Annotated[bool, typer.Option("--stop", help="stop the demo's ERP, portal and mailbox")] = False) -> None:
    """Run the main job end to end on the embedded defaults (services stay up for
    `clerk serve`; `clerk demo --stop` ends them)."""
    from clerk.demo_run import run_demo
    from clerk.demo_services import stop_demo_world

    with open_from(project, config) as proj:
        if stop:
            console.print(f"stopped: {', '.join(stop_demo_world(proj)) or 'nothing was running'}")
            return
        run_demo(proj, console)


def _short(value: Any, width: int = 48) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=json_default)
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:  # pragma: no cover - console entry point
    app()
