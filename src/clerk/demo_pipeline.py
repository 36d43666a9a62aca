"""``clerk demo``: start the demo world, run the example robots, and tell a
newcomer what happened."""

from __future__ import annotations

import importlib

from rich.console import Console

from clerk.bots import load_bots
from clerk.project import Project

DEMO_BOTS = ("supplier_invoices", "order_confirmations")


def start_demo_world(project: Project, console: Console) -> None:
    from clerk.demo_services import (
        ensure_demo_mailbox, ensure_demo_portal, ensure_erp_database, ensure_erp_server,
    )

    with console.status("preparing the local Tryton ERP (first run: a minute or two)"):
        ensure_erp_database(project)
        server = ensure_erp_server(project)
    console.print(f"ERP: Tryton at {server.url}")
    with console.status("starting the demo supplier portal and mailbox"):
        portal = ensure_demo_portal(project)
        mailbox = ensure_demo_mailbox(project)
    _drop_order_confirmations(project)
    console.print(f"supplier portal: {portal}   mailbox: imap://127.0.0.1:{mailbox.port}   "
                  f"drop folder: var/demo/drop")


def _drop_order_confirmations(project: Project) -> None:
    """Put the demo's order confirmations into the drop folder, once."""
    from clerk.demo_services import _project_on_path, demo_dir

    drop = demo_dir(project) / "drop"
    drop.mkdir(exist_ok=True)
    marker = demo_dir(project) / "orders-dropped"
    if marker.exists():
        return
    with _project_on_path(project):
        files = importlib.import_module("demo.orders").order_confirmations()
    for name, data in files:
        (drop / name).write_bytes(data)
    marker.write_text(f"{len(files)}\n")


def run_demo_pipeline(project: Project, console: Console) -> list:
    """Run each demo bot's robot; returns the run outcomes."""
    from clerk.runner import run_bot

    start_demo_world(project, console)
    bots = load_bots(project.settings.project_dir)
    outcomes = []
    for name in DEMO_BOTS:
        if name not in bots:
            continue
        with console.status(f"running robot {bots[name].robot} (bot {name})"):
            outcome = run_bot(project, bots[name], trigger="demo")
        outcomes.append(outcome)
        console.print(f"bot {name}: run {outcome.run_id} {outcome.status}; "
                      f"Robot Framework log: {outcome.output_dir / 'log.html'}")
    return outcomes
