"""``clerk demo``: the main job on the embedded defaults (grows with each capability)."""

from __future__ import annotations

from rich.console import Console

from clerk.audit.chain import seal_all
from clerk.audit.verify import verify
from clerk.project import Project
from clerk.queue.inspect import stats


def run_demo(project: Project, console: Console) -> None:
    from datetime import UTC, datetime

    from clerk.demo_pipeline import run_demo_pipeline

    run_demo_pipeline(project, console)
    seal_all(project.store)
    report = verify(project.store)
    numbers = stats(project.store, datetime.now(UTC))
    console.rule("summary")
    for state, count in numbers["by_state"].items():
        if count:
            console.print(f"  {state:<18} {count}")
    console.print(f"audit chain: {'intact' if report.ok else 'BROKEN'} "
                  f"({report.sealed} sealed events)")
