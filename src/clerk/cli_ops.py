"""``clerk erp``, ``clerk extract``, ``clerk templates`` and ``clerk rules``: thin wrappers."""

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
templates_app = typer.Typer(help="Write and check supplier templates.", no_args_is_help=True)
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


TemplatesOpt = Annotated[Path | None, typer.Option(help="PDF templates and column mappings "
                                                         "(default config/templates, if present)")]


def _templates_dir(templates: Path | None) -> Path | None:
    """A named folder must exist and hold templates; the default may be absent."""
    from clerk.extract.templates import load_templates

    if templates is None:
        default = Path("config/templates")
        return default if default.is_dir() else None
    load_templates(templates, require_some=True)   # ConfigError now, not "no_template" for every file
    return templates


@fail_on_clerk_errors
def extract(files: list[Path],
            as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
            templates: TemplatesOpt = None) -> None:
    """Extract records from files; one result per file, errors included (exit 0)."""
    from clerk.extract import ExtractSettings, extract_files

    settings = ExtractSettings(templates_dir=_templates_dir(templates))
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


@templates_app.command("show-text")
@fail_on_clerk_errors
def templates_show_text(file: Path) -> None:
    """Print FILE's text exactly as the template matcher sees it (text layer, or OCR of a scan)."""
    from clerk.extract import ExtractionSession, ExtractSettings
    from clerk.extract.template_tools import document_text

    with ExtractionSession(ExtractSettings()) as session:
        shown = document_text(session, file)
    typer.echo(f"# {file}: {shown.source}, {len(shown.text)} characters", err=True)
    typer.echo(shown.text)


@templates_app.command("test")
@fail_on_clerk_errors
def templates_test(template: Path, files: list[Path],
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Try TEMPLATE on FILES: each field's printed text, then the values read or why not. Exit 1 if any fails."""
    from dataclasses import asdict

    from clerk.extract import ExtractionSession, ExtractSettings
    from clerk.extract.template_tools import load_one, try_template

    chosen = load_one(template)
    with ExtractionSession(ExtractSettings()) as session:
        trials = [try_template(session, chosen, file) for file in files]
    for trial in trials:
        if as_json:
            sys.stdout.write(json.dumps(asdict(trial), default=json_default, ensure_ascii=False) + "\n")
            continue
        console.print(f"[bold]{trial.file}[/bold]: keywords {'match' if trial.keywords_match else 'do NOT match'}, "
                      f"{trial.lines} line(s)", highlight=False)
        for field, text in trial.printed.items():
            console.print(f"  {field:16} {text!r}" if text else f"  {field:16} [yellow]not found[/yellow]",
                          highlight=False)
        console.print(f"  [red]{trial.error}[/red]" if trial.error else f"  read: {trial.values}", highlight=False)
    if any(trial.error or not trial.keywords_match for trial in trials):
        raise typer.Exit(1)


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
