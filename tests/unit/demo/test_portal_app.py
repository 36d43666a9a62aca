"""The demo supplier portal app, through its ASGI interface (no browser, no socket)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from demo.documents import portal_documents
from demo.portal.app import PortalSettings, create_app

PASSWORD = "correct horse"
ADMIN = "admin-token"


@pytest.fixture
def client() -> TestClient:
    docs = tuple(portal_documents(12))
    settings = PortalSettings(accounts={"acme": PASSWORD, "nord": "other"},
                              documents={"acme": docs, "nord": ()}, admin_token=ADMIN)
    return TestClient(create_app(settings), follow_redirects=False)


def _login(client: TestClient, user: str = "acme", password: str = PASSWORD, next: str = "/invoices"):
    return client.post("/login", data={"username": user, "password": password, "next": next})


def test_pages_need_a_session_and_remember_where_to_go(client):
    response = client.get("/invoices?page=2")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Finvoices%3Fpage%3D2"
    assert client.get("/invoices/doc-0201/pdf").status_code == 303


def test_wrong_password_and_unknown_user_are_refused_alike(client):
    for user, password in (("acme", "nope"), ("nobody", PASSWORD)):
        response = _login(client, user, password)
        assert response.status_code == 401 and "Unknown user or wrong password" in response.text


def test_login_redirects_only_to_local_paths(client):
    assert _login(client, next="/invoices?page=3").headers["location"] == "/invoices?page=3"
    assert _login(client, next="//evil.example/x").headers["location"] == "/invoices"
    assert _login(client, next="https://evil.example").headers["location"] == "/invoices"


def test_the_list_is_paginated_five_per_page(client):
    _login(client)
    pages = [client.get(f"/invoices?page={n}").text for n in (1, 2, 3)]
    ids = [re.findall(r'data-id="([^"]+)"', page) for page in pages]
    assert [len(page_ids) for page_ids in ids] == [5, 5, 2]
    assert [doc.id for doc in portal_documents(12)] == [i for page_ids in ids for i in page_ids]
    assert 'rel="next"' in pages[0] and 'rel="next"' not in pages[2]


def test_downloads_are_attachments_with_the_invoice_bytes(client):
    _login(client)
    doc = portal_documents()[0]
    pdf = client.get(f"/invoices/{doc.id}/pdf")
    xml = client.get(f"/invoices/{doc.id}/xml")
    assert pdf.content == doc.pdf and pdf.headers["content-type"] == "application/pdf"
    assert xml.content == doc.xml
    assert pdf.headers["content-disposition"] == f'attachment; filename="{doc.number}.pdf"'
    assert client.get(f"/invoices/{doc.id}/exe").status_code == 404
    assert 'class="status"' in client.get("/invoices").text      # marked downloaded from now on


def test_each_account_sees_only_its_own_documents(client):
    _login(client, "nord", "other")
    assert "No invoices yet" in client.get("/invoices").text
    assert client.get("/invoices/doc-0201/pdf").status_code == 404


def test_sessions_end_after_a_request_budget_or_on_demand(client):
    _login(client)
    headers = {"X-Admin-Token": ADMIN}
    assert client.post("/_admin/settings", json={"session_max_requests": 2}, headers=headers).status_code == 200
    assert [client.get("/invoices").status_code for _ in range(3)] == [200, 200, 303]
    _login(client)
    client.post("/_admin/settings", json={"expire_sessions": True, "session_max_requests": 0}, headers=headers)
    assert client.get("/invoices").status_code == 303


def test_admin_needs_the_token_and_announcements_are_escaped(client):
    assert client.post("/_admin/settings", json={"announcement": "x"}).status_code == 404
    assert client.post("/_admin/settings", json={"announcement": "x"},
                       headers={"X-Admin-Token": "wrong"}).status_code == 404
    client.post("/_admin/settings", json={"announcement": "</script><b>hi</b>"}, headers={"X-Admin-Token": ADMIN})
    _login(client)
    page = client.get("/invoices").text
    assert "</script><b>" not in page and "window.alert(" in page
