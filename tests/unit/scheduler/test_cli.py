"""`clerk run` and `clerk schedule ...` as commands (typer), on SQLite."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from clerk.runner.cli import run_command
from clerk.scheduler.cli import schedule_app

BOT = '''handler = "tests.unit.runner.handlers:walk_to_posted"

[schedule]
kind = "interval"
every = "1h"
coalesce = true
misfire_grace = "1h"
max_instances = 1
'''


def app() -> typer.Typer:
    # As the lead registers them in clerk.cli.
    root = typer.Typer()
    root.command("run")(run_command)
    root.add_typer(schedule_app, name="schedule")
    return root


def test_run_and_schedule_commands(tmp_path):
    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "nightly.toml").write_text(BOT)
    runner = CliRunner()
    ran = runner.invoke(app(), ["run", "nightly", "-C", str(tmp_path)])
    assert ran.exit_code == 0, ran.output
    assert "passed" in ran.output and "log.html" in ran.output

    listed = runner.invoke(app(), ["schedule", "ls", "-C", str(tmp_path)])
    assert listed.exit_code == 0 and "nightly" in listed.output and "not yet" in listed.output
    paused = runner.invoke(app(), ["schedule", "pause", "nightly", "-C", str(tmp_path)])
    assert paused.exit_code == 1 and "no scheduled job" in paused.output

    queued = runner.invoke(app(), ["schedule", "run-now", "nightly", "-C", str(tmp_path)])
    assert queued.exit_code == 0 and "run request" in queued.output
    unknown = runner.invoke(app(), ["run", "nobody", "-C", str(tmp_path)])
    assert unknown.exit_code == 1 and "no bot named" in unknown.output
