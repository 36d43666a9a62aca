"""CLI commands of the web part, registered by ``clerk.cli``:

    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    audit_app.command("lineage")(audit_lineage)
"""

from __future__ import annotations

import getpass
import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from clerk.cli_support import fail_on_clerk_errors, open_from
from clerk.review.roles import ROLES

if TYPE_CHECKING:
    from clerk.review.settings import WebSettings

users_app = typer.Typer(help="People who use the web app: roles, passwords, tokens.",
                        no_args_is_help=True)
console = Console()
log = logging.getLogger("clerk.web")

ProjectOpt = Annotated[Path, typer.Option("--project", "-C", help="project directory",
                                          envvar="CLERK_PROJECT")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="config file (default config/clerk.toml)")]
ActorOpt = Annotated[str, typer.Option(envvar="USER", help="who makes the change (audit)")]


def settings_of(project) -> WebSettings:  # noqa: ANN001 - Project
    """The ``[web]`` section (``Settings.web``) once the lead's Settings has it."""
    from clerk.review.settings import web_settings

    return web_settings(getattr(project.settings, "web", None))


def _password(prompt: bool, password_stdin: bool) -> str:
    if password_stdin:
        import sys

        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if prompt and getpass.getpass("again: ") != first:
        raise typer.BadParameter("the passwords differ")
    return first


@fail_on_clerk_errors
def serve(project: ProjectOpt = Path("."), config: ConfigOpt = None,
          host: Annotated[str | None, typer.Option(help="default [web].host")] = None,
          port: Annotated[int | None, typer.Option(help="default [web].port")] = None,
          insecure_cookies: Annotated[bool, typer.Option(
              help="cookies without Secure, for plain-HTTP development only")] = False) -> None:
    """Serve the exception queue, approvals, operator and auditor pages and the API."""
    import uvicorn

    from clerk.web.app import create_app

    with open_from(project, config) as proj:
        web = settings_of(proj)
        if insecure_cookies:
            web = web.model_copy(update={"secure_cookies": False})
        app = create_app(proj, web)
        stop = threading.Event()
        if web.mail is not None:
            threading.Thread(target=_escalate_forever, args=(app, web, stop), daemon=True).start()
        try:
            uvicorn.run(app, host=host or web.host, port=port or web.port, log_level="warning",
                        server_header=False, proxy_headers=False)
        finally:
            stop.set()


def _escalate_forever(app, web: WebSettings, stop: threading.Event) -> None:  # noqa: ANN001
    from clerk.review.escalation import escalate
    from clerk.review.settings import ReviewSettings

    context = app.state.web
    while not stop.wait(60):
        try:
            escalate(context.queue, context.directory, web.mail, context.reviews(), ReviewSettings())
        except Exception:  # noqa: BLE001 - the next pass retries; the web app keeps serving
            log.warning("escalation pass failed", exc_info=True)


@users_app.command("add")
@fail_on_clerk_errors
def users_add(username: str, roles: Annotated[list[str], typer.Option("--role", help=f"one of {', '.join(ROLES)}")],
              groups: Annotated[list[str] | None, typer.Option("--group")] = None,
              email: Annotated[str | None, typer.Option()] = None,
              name: Annotated[str, typer.Option("--name")] = "",
              password_stdin: Annotated[bool, typer.Option(help="read the password from stdin")] = False,
              project: ProjectOpt = Path("."), config: ConfigOpt = None, actor: ActorOpt = "admin") -> None:
    """Add a user (the password is prompted, never an argument)."""
    from clerk.review.users import UserDirectory

    password = _password(True, password_stdin)
    with open_from(project, config) as proj:
        UserDirectory(proj.store, proj.audit).add(username, password, roles, now=datetime.now(UTC),
                                                  actor=actor, display_name=name, email=email,
                                                  groups=groups or [])
    console.print(f"added {username} ({', '.join(roles)})")


@users_app.command("passwd")
@fail_on_clerk_errors
def users_passwd(username: str, password_stdin: Annotated[bool, typer.Option()] = False,
                 project: ProjectOpt = Path("."), config: ConfigOpt = None, actor: ActorOpt = "admin") -> None:
    """Set a new password; the user's sessions end."""
    from clerk.review.users import UserDirectory

    password = _password(True, password_stdin)
    with open_from(project, config) as proj:
        UserDirectory(proj.store, proj.audit).set_password(username, password, now=datetime.now(UTC),
                                                           actor=actor)
    console.print(f"password of {username} changed")


@users_app.command("disable")
@fail_on_clerk_errors
def users_disable(username: str, project: ProjectOpt = Path("."), config: ConfigOpt = None,
                  actor: ActorOpt = "admin") -> None:
    """Disable a user; their sessions and tokens stop working at once."""
    from clerk.review.users import UserDirectory

    with open_from(project, config) as proj:
        UserDirectory(proj.store, proj.audit).disable(username, now=datetime.now(UTC), actor=actor)
    console.print(f"{username} disabled")


@users_app.command("token")
@fail_on_clerk_errors
def users_token(username: str, name: Annotated[str, typer.Option("--name")] = "script",
                project: ProjectOpt = Path("."), config: ConfigOpt = None, actor: ActorOpt = "admin") -> None:
    """Issue an API token (shown once) for scripts using /api/v1."""
    from clerk.review.users import UserDirectory

    with open_from(project, config) as proj:
        token = UserDirectory(proj.store, proj.audit).issue_token(username, name, now=datetime.now(UTC),
                                                                  actor=actor)
    typer.echo(token)


@users_app.command("away")
@fail_on_clerk_errors
def users_away(username: str, delegate: Annotated[str, typer.Option("--delegate")],
               days: Annotated[float, typer.Option(min=0.01)] = 7.0,
               project: ProjectOpt = Path("."), config: ConfigOpt = None, actor: ActorOpt = "admin") -> None:
    """While USERNAME is away, DELEGATE decides their approvals."""
    from clerk.review.users import UserDirectory

    now = datetime.now(UTC)
    with open_from(project, config) as proj:
        UserDirectory(proj.store, proj.audit).delegate(username, delegate, starts=now,
                                                       ends=now + timedelta(days=days), now=now, actor=actor)
    console.print(f"{delegate} approves for {username} until {(now + timedelta(days=days)):%Y-%m-%d %H:%M} UTC")


@fail_on_clerk_errors
def audit_lineage(ref: Annotated[str, typer.Argument(help="item id or ERP reference")],
                  project: ProjectOpt = Path("."), config: ConfigOpt = None,
                  as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Where a record came from and everything that happened to it."""
    import json

    from clerk.cli_support import json_default
    from clerk.review.lineage import find_item, lineage, render_text

    with open_from(project, config) as proj:
        item_id = find_item(proj.store, ref)
        story = lineage(proj.store, item_id) if item_id else {}
    if not story:
        console.print(f"[red]nothing found for {ref}[/red]", highlight=False)
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps(story, default=json_default, indent=2, ensure_ascii=False))
        return
    for line in render_text(story):
        typer.echo(line)   # plain echo: untrusted text is not interpreted as rich markup


def main_app() -> typer.Typer:
    """A stand-alone CLI with these commands (``python -m clerk.web``), for tests."""
    app = typer.Typer(no_args_is_help=True)
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.command("lineage")(audit_lineage)
    return app
