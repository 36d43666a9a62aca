"""``clerk run BOT``: the command, thin. Register with
``app.command("run")(clerk.runner.cli.run_command)``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clerk.cli_support import fail_on_clerk_errors, open_from

console = Console()
ProjectOpt = Annotated[Path, typer.Option("--project", "-C", help="project directory",
                                          envvar="CLERK_PROJECT")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="config file (default config/clerk.toml)")]


@fail_on_clerk_errors
def run_command(bot: Annotated[str, typer.Argument(help="bot name (bots/<name>.toml)")],
                project: ProjectOpt = Path("."), config: ConfigOpt = None,
                loglevel: Annotated[str, typer.Option(help="Robot Framework log level")] = "INFO",
                variable: Annotated[list[str] | None, typer.Option(
                    "--variable", "-v", help="NAME:VALUE for the robot")] = None) -> None:
    """Run a bot once through Robot Framework; artifacts under output/<bot>/<run id>/."""
    from clerk.bots import load_bots
    from clerk.errors import ConfigError
    from clerk.runner.run import run_bot

    values = dict(item.split(":", 1) for item in variable or [] if ":" in item)
    with open_from(project, config) as proj:
        bots = load_bots(proj.settings.project_dir)
        if bot not in bots:
            raise ConfigError(f"bots/{bot}.toml", None, f"no bot named {bot!r}")
        outcome = run_bot(proj, bots[bot], variables=values, loglevel=loglevel.upper())
    tasks = outcome.counts.get("tasks", {})
    colour = "green" if outcome.ok else "red"
    console.print(f"[{colour}]{outcome.bot} run {outcome.run_id}: {outcome.status}[/{colour}] "
                  f"({tasks.get('pass', 0)} of {tasks.get('total', 0)} tasks passed; "
                  f"items {outcome.counts.get('items', {})})", highlight=False)
    console.print(f"log: {outcome.output_dir / 'log.html'}", highlight=False)
    if not outcome.ok:
        raise typer.Exit(1)
