"""The web app and the escalation pass on the repository's own bots/*.toml and
config/calendars: inbox and item pages answer, and SLAs count business hours
on the office calendar (issue 13: they answered 400, ``unknown key``)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from clerk.bots import BotDefinition
from clerk.config import Settings
from clerk.project import open_project
from clerk.queue import ItemState
from clerk.review.escalation import escalate
from clerk.review.settings import ReviewSettings, WebSettings
from clerk.review.tables import users
from tests.unit.review.conftest import item_in
from tests.unit.review.test_escalation import smtp_sink  # noqa: F401 - a fixture
from tests.unit.web.conftest import login

REPO = Path(__file__).resolve().parents[3]
BERLIN = ZoneInfo("Europe/Berlin")
BOT = "supplier_invoices"                       # 8 business hours on the office calendar


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def shipped(store_url, tmp_path, clock, directory):  # noqa: ANN001, ANN201
    """A project made of the repository's own bots/ and config/ (with the test store)."""
    for folder in ("bots", "config"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    project = open_project(Settings(project_dir=tmp_path, database_url=store_url))
    project.queue.clock = clock
    yield project
    project.close()


@pytest.fixture
def shipped_app(shipped, clock, directory):  # noqa: ANN001, ANN201
    from clerk.web.app import create_app

    # No bots= argument: the app loads bots/*.toml from the project as `clerk serve` does.
    return create_app(shipped, WebSettings(secure_cookies=False), clock=clock, directory=directory)


def test_inbox_and_item_page_answer_with_the_shipped_bots(shipped_app, shipped, people, clock):  # noqa: ANN001
    clock.now = berlin(2030, 4, 18, 15, 0)                                 # Thursday before Easter
    item_id = item_in(shipped.queue, ItemState.NEEDS_REVIEW, key="inv-1", bot=BOT)
    clock.now = berlin(2030, 4, 23, 7, 30)     # Tuesday: 114 h on the wall clock, 3.5 business hours
    client = login(shipped_app, "rita")
    inbox = client.get("/inbox")
    assert inbox.status_code == 200, inbox.text
    assert f"#{item_id}<" in inbox.text and "on time" in inbox.text and "overdue" not in inbox.text
    page = client.get(f"/items/{item_id}")
    assert page.status_code == 200, page.text
    assert "on time" in page.text
    clock.now = berlin(2030, 4, 23, 12, 0)                                 # 8 business hours
    assert "badge overdue" in client.get(f"/items/{item_id}").text
    assert "badge overdue" in client.get("/inbox").text


def test_escalation_runs_on_the_shipped_project_on_business_hours(shipped_app, shipped, people, clock,  # noqa: ANN001
                                                                  directory, smtp_sink):  # noqa: F811
    mail, received = smtp_sink
    with shipped.store.write() as conn:
        conn.execute(update(users).where(users.c.username == "rita").values(groups="accounts-payable"))
    clock.now = berlin(2030, 4, 18, 15, 0)
    item_id = item_in(shipped.queue, ItemState.NEEDS_REVIEW, key="inv-2", bot=BOT)
    context = shipped_app.state.web

    def escalation_pass() -> dict[str, int]:
        # What `clerk serve`'s escalation loop runs every minute.
        return escalate(context.queue, context.directory, mail, context.reviews(), ReviewSettings())

    clock.now = berlin(2030, 4, 23, 11, 59)                     # 7 h 59 min of business time
    assert escalation_pass() == {"review": 0, "approval": 0}
    clock.now = berlin(2030, 4, 23, 12, 0)
    assert escalation_pass() == {"review": 1, "approval": 0}
    assert escalation_pass() == {"review": 0, "approval": 0}
    (message,) = received
    assert message["To"] == "rita@example.test" and f"item {item_id} overdue" in message["Subject"]
    assert "8 business hours (office calendar)" in message.get_payload()


def test_a_bot_naming_an_unknown_calendar_is_a_config_error_not_a_crash(shipped, clock, directory,  # noqa: ANN001
                                                                        people):
    from clerk.web.app import create_app

    bots = {"ap": BotDefinition(name="ap", review={"sla_business_hours": 8, "calendar": "branch"})}
    app = create_app(shipped, WebSettings(secure_cookies=False), clock=clock, directory=directory,
                     bots=bots)
    answer = login(app, "rita").get("/inbox")
    assert answer.status_code == 400
    assert "bots/ap.toml" in answer.text and "review.calendar" in answer.text
    assert "no business calendar named" in answer.text
