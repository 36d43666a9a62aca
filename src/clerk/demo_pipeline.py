"""``clerk demo``: start the demo world, collect, process, and tell a newcomer
what happened."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from clerk.bots import BotDefinition, load_bots
from clerk.project import Project

DEFAULT_BOT = BotDefinition(name="supplier_invoices",
                            description="supplier invoices from the demo mailbox and portal",
                            sources=["demo-mailbox", "acme-portal"])


def start_demo_world(project: Project, console: Console) -> None:
    from clerk.demo_services import (
        ensure_demo_mailbox, ensure_demo_portal, ensure_erp_database, ensure_erp_server,
    )

    with console.status("preparing the local Tryton ERP (first run: about a minute)"):
        ensure_erp_database(project)
        server = ensure_erp_server(project)
    console.print(f"ERP: Tryton at {server.url}")
    with console.status("starting the demo supplier portal and mailbox"):
        portal = ensure_demo_portal(project)
        mailbox = ensure_demo_mailbox(project)
    (project.settings.var_dir / "demo" / "drop").mkdir(parents=True, exist_ok=True)
    console.print(f"supplier portal: {portal}   mailbox: imap://127.0.0.1:{mailbox.port}")


def demo_bots(project: Project) -> list[BotDefinition]:
    bots = load_bots(project.settings.project_dir)
    return [bots.get("supplier_invoices", DEFAULT_BOT)]


def run_demo_pipeline(project: Project, console: Console) -> list[BotDefinition]:
    from clerk.pipeline import collect_for_bot, new_run_id
    from clerk.runtime import close_handlers
    from clerk.worker import Worker

    start_demo_world(project, console)
    bots = demo_bots(project)
    run_id = new_run_id()
    for bot in bots:
        with console.status(f"{bot.name}: collecting from {', '.join(bot.sources)}"):
            results = collect_for_bot(project, bot, run_id)
        for source, result in results.items():
            if isinstance(result, Exception):
                console.print(f"  [red]{source}: {result}[/red]", highlight=False)
            else:
                console.print(f"  {source}: {result.collected} new, {result.duplicates} already known, "
                              f"{result.quarantined} quarantined")
    from clerk.pipeline import BotPipeline

    worker = Worker(project.queue, project.settings,
                    {bot.name: BotPipeline(project, bot) for bot in bots},
                    bots=[bot.name for bot in bots])
    with console.status("extracting, validating and posting to the ERP"):
        try:
            worker.run(drain=True)
        finally:
            close_handlers(worker)
    console.print(f"run {run_id}: documents under {Path('output') / bots[0].name / run_id}")
    return bots
