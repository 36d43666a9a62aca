"""``clerk demo``: the main job on the embedded defaults, then a summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from clerk.audit.chain import seal_all
from clerk.audit.verify import verify
from clerk.project import Project
from clerk.summary import bot_summary


def run_demo(project: Project, console: Console) -> None:
    from clerk.demo_pipeline import run_demo_pipeline

    outcomes = run_demo_pipeline(project, console)
    seal_all(project.store)
    report = verify(project.store)
    for outcome in outcomes:
        _print_summary(console, bot_summary(project, outcome.bot))
        console.print(f"Robot Framework log and report: {outcome.output_dir}/log.html, report.html")
    console.print(f"audit trail: {'intact' if report.ok else 'BROKEN'} "
                  f"({report.sealed} sealed events; `clerk audit verify` checks it)")
    console.print("open the review queue: [bold].venv/bin/clerk users add me --role admin[/bold], then "
                  "[bold].venv/bin/clerk serve[/bold] and http://127.0.0.1:8000 in a browser")
    console.print("the demo ERP, portal and mailbox keep running; [bold].venv/bin/clerk demo --stop[/bold] ends them")


def _print_summary(console: Console, summary: dict) -> None:
    console.rule(f"[bold]{summary['bot']}[/bold]")
    console.print(f"documents collected: {summary['collected']}   "
                  f"refused at intake: {summary['refused_at_intake']}   "
                  f"duplicates received again: {summary['duplicates']}")
    if summary["posted"]:
        table = Table("item", "supplier", "invoice", "ERP number", title="posted to the ERP")
        for row in summary["posted"]:
            table.add_row(str(row["item"]), row["supplier"], row["number"], row["erp_number"] or "")
        console.print(table)
    if summary["review"]:
        table = Table("item", "supplier", "document", "why", title="waiting for review")
        for row in summary["review"]:
            table.add_row(str(row["item"]), row["supplier"], row["number"], row["why"])
        console.print(table)
    for row in summary["quarantined"]:
        console.print(f"quarantined item {row['item']}: {row['file']}: {row['why']}", highlight=False)
    if summary["other"]:
        console.print(f"other states: {summary['other']}")
