"""Finding the browser the way users expect, and the flags it is started with."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerk.browser import (
    QUIET_FLAGS,
    BrowserNotFound,
    BrowserSettings,
    find_browser,
    launch_args,
)
from clerk.errors import ConfigError


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_the_configured_executable_wins(tmp_path):
    configured = _executable(tmp_path / "my-chrome")
    system = _executable(tmp_path / "chromium")
    assert find_browser(configured, candidates=[str(system)]) == configured


def test_a_configured_path_that_is_missing_is_an_error_not_a_fallback(tmp_path):
    system = _executable(tmp_path / "chromium")
    with pytest.raises(BrowserNotFound) as error:
        find_browser(tmp_path / "nope", candidates=[str(system)])
    assert isinstance(error.value, ConfigError) and error.value.key == "executable_path"
    assert str(tmp_path / "nope") in error.value.message


def test_a_configured_file_that_is_not_executable_is_refused(tmp_path):
    plain = tmp_path / "chromium"
    plain.write_text("", encoding="utf-8")
    with pytest.raises(BrowserNotFound, match="not an executable"):
        find_browser(plain)


def test_system_chromium_before_playwrights_own(tmp_path):
    system = _executable(tmp_path / "chromium")
    bundled = _executable(tmp_path / "bundled-chrome")
    assert find_browser(candidates=[str(tmp_path / "absent"), str(system)], bundled=bundled) == system
    assert find_browser(candidates=[str(tmp_path / "absent")], bundled=bundled) == bundled


def test_names_are_looked_up_on_path(tmp_path, monkeypatch):
    _executable(tmp_path / "chromium-browser")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_browser(candidates=["chromium-browser"]) == tmp_path / "chromium-browser"


def test_no_browser_anywhere_says_how_to_get_one(tmp_path):
    with pytest.raises(BrowserNotFound) as error:
        find_browser(candidates=[str(tmp_path / "absent")], bundled=tmp_path / "also-absent")
    message = error.value.message
    assert "apt-get install chromium" in message and "playwright install chromium" in message


def test_no_sandbox_only_as_root_and_quiet_flags_always():
    settings = BrowserSettings(extra_args=("--lang=de-DE",))
    as_root = launch_args(settings, is_root=True)
    as_user = launch_args(settings, is_root=False)
    assert "--no-sandbox" in as_root and "--no-sandbox" not in as_user
    for flags in (as_root, as_user):
        assert set(QUIET_FLAGS) <= set(flags) and flags[-1] == "--lang=de-DE"
    assert "--disable-quic" in QUIET_FLAGS and "--disable-background-networking" in QUIET_FLAGS


def test_settings_refuse_unknown_keys():
    with pytest.raises(ValueError):
        BrowserSettings.model_validate({"executable": "/usr/bin/chromium"})
