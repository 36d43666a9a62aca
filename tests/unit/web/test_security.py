"""Role matrix over every route, CSRF, login limits, escaping and headers."""

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from clerk.queue import ItemState
from clerk.web.access import ACCESS
from tests.unit.review.conftest import invoice
from tests.unit.web.conftest import csrf_of, item_in, login

OPEN = {"login", "login_post"}
ROLE_USER = {"reviewer": "rita", "approver": "dana", "operator": "ops", "auditor": "audrey",
             "admin": "root"}
XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "javascript:alert(3)",
       "<svg onload=alert(4)>", "';alert(5);//"]


def _routes(app):  # noqa: ANN001, ANN202
    from clerk.web.app import app_routes

    routes = [r for r in app_routes(app) if isinstance(r, APIRoute)]
    assert len(routes) > 30          # the matrix must not pass by finding nothing
    return sorted(routes, key=lambda r: r.name == "logout")   # logging out ends the session: last


def _path(route, item_id: int) -> str:  # noqa: ANN001
    return (route.path.replace("{item_id}", str(item_id)).replace("{page}", "1")
            .replace("{name}", "invoices").replace("{run_id}", "r1").replace("{file}", "log.html")
            .replace("{ref}", str(item_id)))


def test_every_route_is_in_the_access_table(app):  # noqa: ANN001
    names = {r.name for r in _routes(app)}
    assert names - OPEN <= set(ACCESS), names - OPEN - set(ACCESS)


@pytest.mark.parametrize("role", sorted(ROLE_USER))
def test_role_matrix(app, project, people, role):  # noqa: ANN001
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    client = login(app, ROLE_USER[role])
    token = csrf_of(client)
    anonymous = TestClient(app, follow_redirects=False)
    for route in _routes(app):
        if route.name in OPEN:
            continue
        for method in route.methods - {"HEAD"}:
            path = _path(route, item_id)
            api = path.startswith("/api/v1/")
            kwargs = {"json": {"action": "comment", "reason": "x", "bot": "invoices"},
                      "headers": {"x-csrf-token": token}} if api else {"data": {"csrf_token": token}}
            if method == "GET":
                kwargs = {}
            nobody = anonymous.request(method, path, **({} if method == "GET" else kwargs))
            assert nobody.status_code == (401 if api else 303), (method, path)
            if not api:
                assert nobody.headers["location"].startswith("/login")
            answer = client.request(method, path, **kwargs)
            allowed = role == "admin" or role in ACCESS[route.name]
            if allowed:
                assert answer.status_code != 403 or "role does not allow comment" in answer.text, \
                    (role, method, path, answer.text[:200])
            else:
                assert answer.status_code == 403, (role, method, path, answer.status_code)


def test_form_post_without_token_or_from_elsewhere_is_refused(app, project, people):  # noqa: ANN001
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    client = login(app, "rita")
    token = csrf_of(client)
    assert client.post(f"/items/{item_id}/comment", data={"body": "hi"}).status_code == 403
    assert client.post(f"/items/{item_id}/comment",
                       data={"body": "hi", "csrf_token": "forged"}).status_code == 403
    other = client.post(f"/items/{item_id}/comment", data={"body": "hi", "csrf_token": token},
                        headers={"origin": "https://evil.example"})
    assert other.status_code == 403
    site = client.post(f"/items/{item_id}/comment", data={"body": "hi", "csrf_token": token},
                       headers={"sec-fetch-site": "cross-site"})
    assert site.status_code == 403
    ok = client.post(f"/items/{item_id}/comment", data={"body": "hi", "csrf_token": token},
                     headers={"origin": "http://testserver"})
    assert ok.status_code == 303


def test_login_needs_its_form_token_and_is_rate_limited(app, people):  # noqa: ANN001
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"username": "rita", "password": "x" * 12}).status_code == 403
    for _ in range(5):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post("/login", data={"username": "rita", "password": "wrong password",
                                           "csrf_token": token}).status_code == 401
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    blocked = client.post("/login", data={"username": "rita", "password": "correct horse battery",
                                          "csrf_token": token})
    assert blocked.status_code == 429


def test_session_cookie_flags(app, people):  # noqa: ANN001
    from clerk.review.settings import WebSettings
    from clerk.web.app import create_app
    secure = create_app(app.state.web.project, WebSettings(), directory=app.state.web.directory,
                        bots={}, clock=app.state.web.clock)
    client = TestClient(secure, follow_redirects=False, base_url="https://testserver")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    answer = client.post("/login", data={"username": "rita", "password": "correct horse battery",
                                         "csrf_token": token})
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie


def test_untrusted_text_is_escaped_everywhere(app, project, people):  # noqa: ANN001
    for n, payload in enumerate(XSS):
        record = invoice(number=f"X-{n}").model_copy(update={"seller": invoice().seller.model_copy(
            update={"name": payload})})
        item_id = project.queue.enqueue("invoices", f"x{n}", {
            "kind": "email", "filename": payload + ".pdf", "origin": {"subject": payload}}).item_id
        (lease,) = project.queue.lease("w")
        lease = project.queue.advance(lease, ItemState.EXTRACTED, record=record.model_dump(mode="json"))
        project.queue.advance(lease, ItemState.NEEDS_REVIEW, reason_code=payload[:50],
                              findings=[{"code": "x", "severity": "error", "message": payload}])
        client = login(app, "root")
        for path in ("/inbox", f"/items/{item_id}", f"/audit/lineage?ref={item_id}", "/audit",
                     "/ops/health"):
            page = client.get(path).text
            assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
        assert client.get("/inbox").headers["content-security-policy"].startswith("default-src 'none'")


def test_api_token_and_actions(app, project, people, directory, clock):  # noqa: ANN001
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    token = directory.issue_token("rita", "script", now=clock(), actor="root")
    api = TestClient(app, headers={"authorization": f"Bearer {token}"})
    assert api.get("/api/v1/items", params={"state": "needs_review"}).json()[0]["id"] == item_id
    assert api.post(f"/api/v1/items/{item_id}/actions",
                    json={"action": "assign", "assignee": "rob"}).json()["state"] == "needs_review"
    assert api.get("/api/v1/audit").status_code == 403
    assert "/api/v1/items" in api.get("/api/v1/openapi.json").json()["paths"]
    rejected = api.post(f"/api/v1/items/{item_id}/actions", json={"action": "reject", "reason": "dup"})
    assert rejected.json()["state"] == "rejected"
    assert TestClient(app, headers={"authorization": "Bearer nope"}).get("/api/v1/items").status_code == 401
