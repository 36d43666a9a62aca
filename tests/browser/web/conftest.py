"""``clerk serve`` in a subprocess on a free port, a project with a store, a
bot and documents, users of every role, and headless Chromium."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from clerk.config import Settings
from clerk.project import Project, open_project
from clerk.queue import ItemState
from clerk.review.users import UserDirectory
from tests.fixtures.services import free_port

REPO = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO / "output" / "test-screenshots"
PASSWORD = "correct horse battery"
ROLES = {"rita": ["reviewer", "auditor"], "rob": ["reviewer"], "dana": ["approver"], "ops": ["operator"],
         "audrey": ["auditor"]}
BOT = """description = "Supplier invoices from the AP mailbox"
[review]
sla_hours = 8
[approval]
[[approval.rules]]
name = "big"
when = { min_amount = "1000" }
steps = [{ name = "head", approvers = ["dana"] }]
"""
NIGHTLY = """description = "Statement import, once a day"
[schedule]
kind = "interval"
every = "1d"
coalesce = true
misfire_grace = "1h"
max_instances = 1
"""


@dataclass
class Served:
    url: str
    project: Project
    root: Path

    def document(self, name: str, data: bytes, content_type: str) -> dict:
        folder = self.root / "output" / "documents"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / hashlib.sha256(name.encode()).hexdigest()[:16]
        path.write_bytes(data)
        return {"kind": "email", "source": "ap-mailbox", "path": str(path), "filename": name,
                "content_type": content_type, "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data)}

    def item(self, key: str, payload: dict, record: dict, state: ItemState, findings=None,  # noqa: ANN001
             reason_code: str | None = None) -> int:
        queue = self.project.queue
        item_id = queue.enqueue("invoices", key, payload).item_id
        leases = queue.lease("w-test", limit=100, bots=["invoices"])
        lease = next(held for held in leases if held.item_id == item_id)
        for other in leases:
            if other is not lease:
                queue.release(other)   # items an earlier test left in machine states
        lease = queue.advance(lease, ItemState.EXTRACTED, record=record)
        queue.advance(lease, state, findings=findings or [], reason_code=reason_code)
        return item_id


def _wait(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode(errors="replace")[-3000:])
        try:
            if httpx.get(f"{url}/login", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)   # not listening yet; bounded by the deadline
    raise RuntimeError(f"clerk serve did not answer at {url}")


def _empty(project: Project) -> None:
    """Earlier modules share the session's PostgreSQL database: start from nothing."""
    from sqlalchemy import text

    from clerk.review.tables import PEOPLE_TABLES
    with project.store.write() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(PEOPLE_TABLES)}, work_items, audit_events, "
                          "item_attempts, run_requests, runs, clerk_schedule_jobs "
                          "RESTART IDENTITY CASCADE"))


@contextmanager
def serving(root: Path, project: Project, url_db: str) -> Iterator[Served]:
    """``clerk serve`` for ``root`` on an emptied store with the users of ROLES."""
    _empty(project)
    directory = UserDirectory(project.store, project.audit)
    for name, roles in ROLES.items():
        directory.add(name, PASSWORD, roles, now=datetime.now(UTC), actor="test")
    port = free_port()
    env = {**os.environ, "CLERK_DATABASE_URL": url_db}
    process = subprocess.Popen([sys.executable, "-m", "clerk.web", "serve", "--project", str(root),
                                "--port", str(port), "--host", "127.0.0.1", "--insecure-cookies"],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(process, url)
        yield Served(url, project, root)
    finally:
        process.terminate()
        process.wait(timeout=10)
        _empty(project)    # leave no scheduled jobs or run requests to the next module
        project.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory, pg_database_url) -> Served:  # noqa: ANN001
    """The server on PostgreSQL (its own database for this module)."""
    root = tmp_path_factory.mktemp("served")
    (root / "bots").mkdir()
    (root / "bots" / "invoices.toml").write_text(BOT)
    project = open_project(Settings(project_dir=root, database_url=pg_database_url))
    with serving(root, project, pg_database_url) as server:
        yield server


@pytest.fixture(scope="module")
def served_erp(tmp_path_factory, pg_database_url, tryton_server) -> Served:  # noqa: ANN001
    """The server for a project that posts to the real Tryton (``tryton_server``), on
    PostgreSQL; bots: ``invoices`` (as in ``served``) and ``nightly`` (scheduled daily)."""
    from tests.helpers.projects import make_project, open_test_project

    root = make_project(tmp_path_factory.mktemp("served-erp"), tryton_server, pg_database_url,
                        bot="invoices")
    (root / "bots" / "invoices.toml").write_text(BOT)
    (root / "bots" / "nightly.toml").write_text(NIGHTLY)
    with serving(root, open_test_project(root), pg_database_url) as server:
        yield server


@pytest.fixture(scope="module")
def chromium(browser_executable):  # noqa: ANN001, ANN201
    from playwright.sync_api import sync_playwright

    from clerk.browser import BrowserSettings, launch_args

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(browser_executable), headless=True,
                                    args=launch_args(BrowserSettings()))
        yield browser
        browser.close()


def _logged_in_pages(chromium, served: Served) -> Iterator:  # noqa: ANN001
    contexts, dialogs = [], []

    def open_as(username: str):  # noqa: ANN202
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{served.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    open_as.dialogs = dialogs
    yield open_as
    for context in contexts:
        context.close()
    assert dialogs == [], f"a script ran in the page: {dialogs}"


@pytest.fixture
def page_for(chromium, served):  # noqa: ANN001, ANN201
    """``page_for(username)``: a logged-in page; any JS dialog fails the test."""
    yield from _logged_in_pages(chromium, served)


@pytest.fixture
def erp_page_for(chromium, served_erp):  # noqa: ANN001, ANN201
    """``page_for`` on ``served_erp``."""
    yield from _logged_in_pages(chromium, served_erp)


def shot(page, name: str) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
