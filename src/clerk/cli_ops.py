"""``clerk erp``, ``clerk extract`` and ``clerk rules``: thin wrappers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clerk.cli_support import fail_on_clerk_errors, json_default, open_from, parse_since

erp_app = typer.Typer(help="The local Tryton ERP used by the demo and the tests.", no_args_is_help=True)
rules_app = typer.Typer(help="Validation rules.", no_args_is_help=True)
console = Console()

ProjectOpt = Annotated[Path, typer.Option("--project", "-C", help="project directory",
                                          envvar="CLERK_PROJECT")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="config file (default config/clerk.toml)")]


@erp_app.command("bootstrap")
@fail_on_clerk_errors
def erp_bootstrap(project: ProjectOpt = Path("."), config: ConfigOpt = None,
                  world: Annotated[Path, typer.Option(help="demo world TOML")] = Path("demo/world.toml"),
                  database_url: Annotated[str | None, typer.Option(help="PostgreSQL URL; default SQLite under var/erp")] = None) -> None:
    """Create the demo Tryton database once (company, chart, suppliers, purchase orders)."""
    from clerk.demo_services import ensure_erp_database

    with open_from(project, config) as proj:
        with console.status("bootstrapping Tryton (first time takes about a minute)"):
            instance = ensure_erp_database(proj, world=project / world, database_url=database_url)
    console.print(f"Tryton database {instance.database} ready; password kept in {instance.password_file}")


@erp_app.command("serve")
@fail_on_clerk_errors
def erp_serve(project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Start trytond on 127.0.0.1 for the configured database (reused if running)."""
    from clerk.demo_services import ensure_erp_server

    with open_from(project, config) as proj:
        server = ensure_erp_server(proj)
    console.print(f"trytond serving at {server.url}")


@erp_app.command("stop")
@fail_on_clerk_errors
def erp_stop(project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Stop the local trytond started by `clerk erp serve`."""
    from clerk.demo_services import stop_erp_server

    with open_from(project, config) as proj:
        stop_erp_server(proj)
    console.print("trytond stopped")


def extract(files: list[Path],
            as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
            templates: Annotated[Path, typer.Option(help="PDF templates and column mappings")] = Path("config/templates")) -> None:
    """Extract records from files; one result per file, errors included (exit 0)."""
    from clerk.extract import ExtractSettings, extract_files

    settings = ExtractSettings(templates_dir=templates if templates.is_dir() else None)
    for result in extract_files(files, settings):
        if as_json:
            sys.stdout.write(json.dumps(result, default=json_default, ensure_ascii=False) + "\n")
        elif "error" in result:
            console.print(f"[red]{result['file']}: {result['error']['reason']}: "
                          f"{result['error']['message']}[/red]", highlight=False)
        else:
            totals = result.get("totals") or {}
            console.print(f"{result['file']}: {result.get('number')} {result.get('currency')} "
                          f"{totals.get('payable', '')} ({result['extractor']})", highlight=False)


@rules_app.command("replay")
@fail_on_clerk_errors
def rules_replay(since: Annotated[str, typer.Option(help="items changed since (YYYY-MM-DD or ISO time)")],
                 bot: Annotated[str | None, typer.Option(help="only this bot")] = None,
                 project: ProjectOpt = Path("."), config: ConfigOpt = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Re-run today's rules over stored items and show which outcomes would change.
    Changes nothing."""
    from clerk.bots import load_bots
    from clerk.replay_store import replay_bot
    from clerk.validation import render_replay

    moment = parse_since(since)
    with open_from(project, config) as proj:
        bots = load_bots(proj.settings.project_dir)
        reports = {name: replay_bot(proj, definition, moment) for name, definition in bots.items()
                   if bot is None or name == bot}
    if as_json:
        sys.stdout.write(json.dumps({name: report.model_dump(mode="json") for name, report in reports.items()},
                                    default=json_default, indent=2) + "\n")
        return
    for name, report in reports.items():
        console.rule(name)
        console.print(render_replay(report), highlight=False)
