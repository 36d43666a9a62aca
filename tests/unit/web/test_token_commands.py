"""`clerk users token create|list|revoke` and `clerk users passwd` as
commands, on a project's own SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from clerk.config import Settings
from clerk.project import open_project
from clerk.review.users import UserDirectory
from clerk.web.commands import main_app

PASSWORD = "correct horse battery\n"


def _invoke(runner: CliRunner, *args: str, stdin: str | None = None):  # noqa: ANN202
    return runner.invoke(main_app(), list(args), input=stdin)


def _user_of(root, token: str):  # noqa: ANN001, ANN202
    project = open_project(Settings(project_dir=root))
    try:
        return UserDirectory(project.store, project.audit).token_user(token, datetime.now(UTC))
    finally:
        project.close()


def test_token_create_list_revoke_and_passwd(tmp_path):  # noqa: ANN001
    runner, C = CliRunner(), ("-C", str(tmp_path))
    added = _invoke(runner, "users", "add", "rita", "--role", "reviewer", "--password-stdin", *C,
                    stdin=PASSWORD)
    assert added.exit_code == 0, added.output
    made = _invoke(runner, "users", "token", "create", "rita", "--name", "ci", "--days", "7", *C)
    assert made.exit_code == 0, made.output
    token = made.output.strip()
    assert token.startswith("clk_") and _user_of(tmp_path, token).username == "rita"

    listed = _invoke(runner, "users", "token", "list", *C)
    assert listed.exit_code == 0 and "rita\tci\tlive" in listed.output
    assert token not in listed.output

    again = _invoke(runner, "users", "token", "create", "rita", "--name", "ci", *C)
    assert again.exit_code == 1 and "already has a live token" in again.output

    revoked = _invoke(runner, "users", "token", "revoke", "rita", "ci", *C)
    assert revoked.exit_code == 0, revoked.output
    assert _user_of(tmp_path, token) is None
    assert "rita\tci\trevoked" in _invoke(runner, "users", "token", "list", "rita", *C).output

    second = _invoke(runner, "users", "token", "create", "rita", "--name", "ci", *C).output.strip()
    changed = _invoke(runner, "users", "passwd", "rita", "--password-stdin", *C,
                      stdin="another horse battery\n")
    assert changed.exit_code == 0, changed.output
    assert _user_of(tmp_path, second) is None       # the password change ended it


def test_token_commands_refuse_unknown_users_and_bad_lifetimes(tmp_path):  # noqa: ANN001
    runner, C = CliRunner(), ("-C", str(tmp_path))
    unknown = _invoke(runner, "users", "token", "create", "nobody", "--name", "x", *C)
    assert unknown.exit_code == 1 and "no user 'nobody'" in unknown.output
    _invoke(runner, "users", "add", "rita", "--role", "reviewer", "--password-stdin", *C, stdin=PASSWORD)
    forever = _invoke(runner, "users", "token", "create", "rita", "--name", "x", "--days", "99999", *C)
    assert forever.exit_code == 2          # typer's own range check
