"""Bad configuration gives one line with the file and the key, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clerk.cli import app
from clerk.config import load_settings
from clerk.errors import ConfigError
from clerk.secrets import SecretResolver
from clerk.audit.redact import SecretMasker


def _project(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "clerk.toml").write_text(toml)
    return tmp_path


def _one_line(result) -> str:  # noqa: ANN001
    output = result.output.strip()
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1, output
    return output


def test_missing_named_file_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["queue", "stats", "-C", str(tmp_path),
                                      "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    line = _one_line(result)
    assert "nope.toml" in line and "file not found" in line


def test_wrong_type_names_file_key_and_line(tmp_path):
    project = _project(tmp_path, "[queue]\nlease_seconds = 30\nmax_attempts = \"many\"\n")
    result = CliRunner().invoke(app, ["queue", "stats", "-C", str(project)])
    assert result.exit_code == 1
    line = _one_line(result)
    assert "clerk.toml:3" in line and "queue.max_attempts" in line


def test_unknown_key_names_file_key_and_line(tmp_path):
    project = _project(tmp_path, "[worker]\npoll_seconds = 1\nfrobnicate = true\n")
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1
    line = _one_line(result)
    assert "clerk.toml:3" in line and "worker.frobnicate" in line and "unknown key" in line


def test_invalid_toml_names_the_line(tmp_path):
    project = _project(tmp_path, "[queue]\nlease_seconds = = 3\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(project)
    assert caught.value.line == 2


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    project = _project(tmp_path, "[queue]\nmax_attempts = 7\nlease_seconds = 12\n")
    monkeypatch.setenv("CLERK_QUEUE__MAX_ATTEMPTS", "2")
    settings = load_settings(project)
    assert settings.queue.max_attempts == 2 and settings.queue.lease_seconds == 12


def test_secrets_are_references_only(tmp_path, monkeypatch):
    masker = SecretMasker()
    resolver = SecretResolver(tmp_path, masker)
    (tmp_path / "pw").write_text("from-a-file\n")
    monkeypatch.setenv("ERP_PASSWORD", "from-the-environment")
    assert resolver.resolve("file:pw") == "from-a-file"
    assert resolver.resolve("env:ERP_PASSWORD") == "from-the-environment"
    assert masker.mask_text("x from-a-file y") == "x ******** y"
    with pytest.raises(ValueError):
        resolver.resolve("plain-text-password")
    with pytest.raises(ConfigError):
        resolver.resolve("env:NOT_SET_ANYWHERE_42")


def test_check_reports_bad_bot_and_robot_with_lines(tmp_path):
    project = _project(tmp_path, "")
    (project / "bots").mkdir()
    (project / "bots" / "ap.toml").write_text('robot = "robots/missing.robot"\nconcurrency = 0\n')
    (project / "robots").mkdir()
    (project / "robots" / "broken.robot").write_text("*** Tasks ***\nDo It\n    FOR    ${x}\n")
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1
    assert "ap.toml:2: concurrency" in result.output
    assert "broken.robot:3" in result.output


def test_check_reports_a_bad_source(tmp_path):
    project = _project(tmp_path, '[sources.inbox]\ntype = "email"\nhost = "mail.example"\nuser = "ap"\n'
                                 'password = "hunter2"\n')
    result = CliRunner().invoke(app, ["check", "-C", str(project)])
    assert result.exit_code == 1
    assert "sources.inbox" in result.output and "hunter2" not in result.output


def test_check_accepts_this_repository():
    repo = Path(__file__).resolve().parents[3]
    result = CliRunner().invoke(app, ["check", "-C", str(repo)])
    assert result.exit_code == 0, result.output
