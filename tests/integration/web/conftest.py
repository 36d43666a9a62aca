"""Fixtures for the web app with real services behind it.

- ``app``: the web app of tests/unit/web with a real Tryton behind it, so
  decisions re-validate records with the ERP's look-ups, as a worker does.
- ``live_api``: ``clerk serve`` for the repository's own project (config/ and
  bots/) on a PostgreSQL store of its own, with users of every role, an API
  token each, and items in the states a person meets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clerk.config import Settings
from clerk.project import open_project
from clerk.queue import ItemState
from clerk.review.users import UserDirectory
from clerk.testing import demo_invoice
from tests.browser.web.conftest import ROLES, Served, serving
from tests.unit.review.conftest import directory, people  # noqa: F401
from tests.unit.web.conftest import BOTS, project  # noqa: F401

REPO = Path(__file__).resolve().parents[3]
BOT = "supplier_invoices"


@dataclass
class LiveApi:
    served: Served
    tokens: dict[str, str]      # username -> bearer token
    items: dict[str, int]       # state -> an item id in it

    @property
    def url(self) -> str:
        return self.served.url


def _seed(served: Served) -> dict[str, int]:
    """One item waiting for review and one validated, both with bank details."""
    queue = served.project.queue
    found = {}
    for n, state in enumerate((ItemState.NEEDS_REVIEW, ItemState.VALIDATED)):
        record = demo_invoice("ACME", f"FZ-{n}", [("PAPER-A4", "10", "4.20")],
                              iban="DE89370400440532013000")
        item_id = queue.enqueue(BOT, f"fuzz-{n}", {"kind": "email", "filename": f"{n}.pdf"}).item_id
        (lease,) = queue.lease("w-fuzz", bots=[BOT])
        lease = queue.advance(lease, ItemState.EXTRACTED, record=record.model_dump(mode="json"))
        queue.advance(lease, state, reason_code="total_mismatch" if n == 0 else None,
                      findings=[{"code": "total_mismatch", "severity": "error",
                                 "message": "total differs", "field": "total"}])
        found[state.value] = item_id
    return found


@pytest.fixture(scope="module")
def live_api(pg_database_url) -> Iterator[LiveApi]:  # noqa: ANN001
    project = open_project(Settings(project_dir=REPO, database_url=pg_database_url))
    with serving(REPO, project, pg_database_url) as served:
        directory = UserDirectory(project.store, project.audit)
        now = datetime.now(UTC)
        directory.add("root", "correct horse battery", ["admin"], now=now, actor="test")
        tokens = {name: directory.issue_token(name, "fuzz", now=now, actor="test")
                  for name in [*ROLES, "root"]}
        yield LiveApi(served, tokens, _seed(served))


@pytest.fixture
def erp_connector_factory(tryton_server):  # noqa: ANN001, ANN201
    from clerk.erp.tryton import TrytonConnector

    return lambda: TrytonConnector(tryton_server.settings()).login()


@pytest.fixture
def app(project, clock, directory, erp_connector_factory):  # noqa: ANN001, ANN201, F811
    from clerk.review.settings import WebSettings
    from clerk.web.app import create_app

    app = create_app(project, WebSettings(secure_cookies=False), clock=clock, directory=directory,
                     bots=BOTS, connector_factory=erp_connector_factory)
    yield app
    app.state.web.decisions.close()
