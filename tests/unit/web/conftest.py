"""A real app on the real store (SQLite and PostgreSQL), driven through
HTTP with Starlette's TestClient; users of every role."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from clerk.bots import BotDefinition
from clerk.config import Settings
from clerk.project import open_project
from clerk.review.settings import WebSettings
from tests.unit.review.conftest import FAST_HASHER, PASSWORD, directory, item_in, people  # noqa: F401

BOTS = {"invoices": BotDefinition(name="invoices", review={"sla_hours": 8, "group": "reviewers"},
                                  approval={"rules": [{"name": "big", "when": {"min_amount": "1000"},
                                                       "steps": [{"name": "head", "approvers": ["dana"]}]}]})}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def project(store_url, tmp_path, clock, directory):  # noqa: ANN001, ANN201, F811
    proj = open_project(Settings(project_dir=tmp_path, database_url=store_url))
    proj.queue.clock = clock
    yield proj
    proj.close()


@pytest.fixture
def app(project, clock, directory):  # noqa: ANN001, ANN201, F811
    from clerk.web.app import create_app

    return create_app(project, WebSettings(secure_cookies=False), clock=clock,
                      directory=directory, bots=BOTS)


def login(app, username: str, password: str = PASSWORD) -> TestClient:  # noqa: ANN001
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    answer = client.post("/login", data={"username": username, "password": password,
                                         "csrf_token": token, "next": "/"})
    assert answer.status_code == 303, answer.text
    return client


def csrf_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path, follow_redirects=True)
    return CSRF.search(page.text).group(1)
