"""A portal that fails mid-run: the robot's log.html carries the page's screenshot
itself (embedded, not a link), and the run is recorded as failed, not crashed."""

from __future__ import annotations

import pytest

from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.project import open_project
from clerk.runner import run_bot
from tests.fixtures.rflog import log_strings
from tests.integration.robots.test_example_robots import demo_project, write_secret

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ROBOT = """*** Settings ***
Library    clerk.keywords.ClerkLibrary

*** Tasks ***
Collect from a portal whose page changed
    Collect Documents From Portal    acme-portal
"""


def test_portal_failure_screenshot_is_embedded_in_log_html(tmp_path, demo_portal, browser_executable):
    var = tmp_path / "var"
    user = write_secret(var / "portal.user", demo_portal.user)
    password = write_secret(var / "portal.password", demo_portal.password)
    directory = demo_project(tmp_path, f'''
[sources.acme-portal]
type = "portal"
recipe = "config/portals/acme.toml"
base_url = "{demo_portal.url}"
credentials = {{ user = "{user}", password = "{password}" }}
documents = {{ ready = "#pages", row = "table#no-such-table tr", id = "td.doc-id", empty = "#nothing-here", downloads = [{{ kind = "xml", selector = "a.xml" }}] }}
timeouts = {{ navigation_ms = 8000, action_ms = 1500, download_ms = 8000 }}
[sources.acme-portal.browser]
executable_path = "{browser_executable}"
''')
    (directory / "robots" / "broken_portal.robot").write_text(ROBOT)
    (directory / "bots" / "broken_portal.toml").write_text(
        'robot = "robots/broken_portal.robot"\nsources = ["acme-portal"]\n')
    project = open_project(load_settings(directory))
    try:
        outcome = run_bot(project, load_bots(directory)["broken_portal"])
    finally:
        project.close()
    assert not outcome.ok
    messages = log_strings(outcome.output_dir)   # log.html and its split keyword files
    assert any("data:image/png;base64," in text for text in messages)
    assert not any(demo_portal.password in text for text in messages)

