"""Secrets are refused inline everywhere, with the key named and the value
never shown; `clerk check` tries every reference; a bot's bad [erp] key is the
bot file's problem; an environment override changes the source it names."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clerk.bots import load_bot
from clerk.cli import app
from clerk.config import load_settings
from clerk.errors import ConfigError

INLINE = "Sup3r-Inline-Pa55"


def _project(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "clerk.toml").write_text(toml)
    return tmp_path


def test_an_inline_erp_password_is_refused_and_never_echoed(tmp_path):
    project = _project(tmp_path, f'[erp.tryton]\npassword = "{INLINE}"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(project)
    assert caught.value.key == "erp.tryton.password" and caught.value.line == 2
    assert "reference" in caught.value.message and INLINE not in str(caught.value)
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1 and "erp.tryton.password" in result.output
    assert INLINE not in result.output


def test_an_inline_erp_password_from_the_environment_is_refused_and_never_echoed(tmp_path, monkeypatch):
    project = _project(tmp_path, "")
    monkeypatch.setenv("CLERK_ERP__TRYTON__PASSWORD", INLINE)
    with pytest.raises(ConfigError) as caught:
        load_settings(project)
    assert "password" in caught.value.key and INLINE not in str(caught.value)


def test_an_inline_mail_password_is_refused_by_check(tmp_path):
    project = _project(tmp_path, '[sources.inbox]\ntype = "email"\nhost = "mail.example"\n'
                                 f'user = "ap"\npassword = "{INLINE}"\n')
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1 and "sources.inbox" in result.output
    assert INLINE not in result.output


def test_check_tries_every_secret_reference(tmp_path, monkeypatch):
    monkeypatch.delenv("CLERK_TEST_ERP_PW", raising=False)
    project = _project(tmp_path, '[erp.tryton]\npassword = "env:CLERK_TEST_ERP_PW"\n'
                                 '[sources.inbox]\ntype = "email"\nhost = "mail.example"\n'
                                 'user = "ap"\npassword = "file:secrets/imap.pw"\n')
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1
    assert "erp.tryton.password" in result.output and "CLERK_TEST_ERP_PW" in result.output
    assert "sources.inbox.password" in result.output and "secrets/imap.pw" in result.output
    monkeypatch.setenv("CLERK_TEST_ERP_PW", "resolved-value-1")
    (project / "secrets").mkdir()
    (project / "secrets" / "imap.pw").write_text("resolved-value-2\n")
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 0, result.output
    assert "resolved-value" not in result.output


def test_a_secret_file_clerk_writes_itself_is_a_warning_until_written(tmp_path):
    project = _project(tmp_path, '[erp.tryton]\npassword = "file:var/erp/admin.password"\n')
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 0 and "warning:" in result.output


def test_a_bad_erp_key_in_a_bot_is_the_bot_files_problem(tmp_path):
    project = _project(tmp_path, "")
    (project / "bots").mkdir()
    bot = project / "bots" / "ap.toml"
    bot.write_text('[erp]\nposting_state = "posted"\n[erp.batch]\nsize = 0\n')
    with pytest.raises(ConfigError) as caught:
        load_bot(bot)
    assert caught.value.file == str(bot) and caught.value.key == "erp.batch.size"
    assert caught.value.line == 4
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1 and "ap.toml:4: erp.batch.size" in result.output
    assert not [l for l in result.output.splitlines() if "erp.batch" in l and "clerk.toml" in l]


def test_a_bot_erp_override_is_laid_over_the_project_key_by_key(tmp_path):
    from clerk.erp.connect import with_bot_overrides

    project = _project(tmp_path, '[erp.tryton]\nurl = "http://erp:8000"\ndatabase = "prod"\n')
    settings = load_settings(project)
    merged = with_bot_overrides(settings.erp, {"tryton": {"database": "test"}}, "bots/x.toml")
    assert (merged.tryton.url, merged.tryton.database) == ("http://erp:8000", "test")


def test_an_environment_override_changes_the_source_it_names(tmp_path, monkeypatch):
    project = _project(tmp_path, '[sources.demo-mailbox]\ntype = "email"\nhost = "h"\nport = 10143\n')
    monkeypatch.setenv("CLERK_SOURCES__DEMO_MAILBOX__PORT", "10999")
    settings = load_settings(project)
    assert list(settings.sources) == ["demo-mailbox"]
    assert int(settings.sources["demo-mailbox"]["port"]) == 10999
    assert settings.sources["demo-mailbox"]["host"] == "h"


def test_an_environment_override_of_no_source_is_an_error(tmp_path, monkeypatch):
    project = _project(tmp_path, '[sources.demo-mailbox]\ntype = "email"\nhost = "h"\n')
    monkeypatch.setenv("CLERK_SOURCES__DEMO_MAILBX__PORT", "10999")
    with pytest.raises(ConfigError, match="DEMO_MAILBX.*no source"):
        load_settings(project)


def test_check_validates_review_settings_as_the_web_app_loads_them(tmp_path):
    project = _project(tmp_path, "")
    (project / "bots").mkdir()
    (project / "bots" / "ap.toml").write_text('[review]\ngroup = "ap"\nsla_business_hours = 8\n'
                                              'calendar = "no-such-calendar"\n')
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1 and "review.calendar" in result.output, result.output
    assert "Value error" not in result.output


@pytest.mark.parametrize("table, key", [
    ('[validation]\nrounding = "lots"\n', "validation.rounding"),
    ('[approval]\nfour_eyes = "maybe"\n', "approval.four_eyes"),
    ('[review]\nno_such_review_key = 1\n', "review.no_such_review_key"),
])
def test_check_validates_every_bot_section_as_its_user_loads_it(tmp_path, table, key):
    project = _project(tmp_path, "")
    (project / "bots").mkdir()
    (project / "bots" / "ap.toml").write_text(table)
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1 and key in result.output, result.output


def test_check_validates_the_web_section_as_clerk_serve_loads_it(tmp_path):
    project = _project(tmp_path, "[web]\nport = 70000\n")
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1 and "web.port" in result.output, result.output
