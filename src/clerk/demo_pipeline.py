"""The demo's processing: placeholder until intake, extraction and posting land."""

from __future__ import annotations

from rich.console import Console

from clerk.project import Project


def run_demo_pipeline(project: Project, console: Console) -> None:
    console.print(f"store: {project.settings.effective_database_url}")
