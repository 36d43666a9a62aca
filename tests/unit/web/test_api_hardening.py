"""The API's published document (security schemes, error answers, bounds),
/api/docs without external assets, security headers on every API answer,
what an operator may see, and who may be assigned an item."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from clerk.queue import ItemState
from clerk.web.app import SECURITY_HEADERS
from tests.unit.review.conftest import invoice
from tests.unit.web.conftest import csrf_of, item_in, login

IBAN = "DE89370400440532013000"


def _api(app, directory, clock, user: str) -> TestClient:  # noqa: ANN001
    token = directory.issue_token(user, "test", now=clock(), actor="root")
    return TestClient(app, headers={"authorization": f"Bearer {token}"},
                      raise_server_exceptions=False)


def test_the_document_declares_security_errors_and_bounds(app, people, directory, clock):  # noqa: ANN001
    document = _api(app, directory, clock, "rita").get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["in"] == "cookie" and schemes["session"]["name"] == "clerk_session"
    assert document["security"] == [{"bearer": []}, {"session": []}]
    error = {"$ref": "#/components/schemas/ApiError"}
    operations = [(path, op) for path, item in document["paths"].items() for op in item.values()]
    assert len(operations) >= 8
    for path, op in operations:
        for status in ("401", "403", "404", "422"):
            assert op["responses"][status]["content"]["application/json"]["schema"] == error, \
                (path, status)
        for parameter in op.get("parameters", []):
            schema = parameter["schema"]
            kinds = [schema] + schema.get("anyOf", [])
            for kind in kinds:
                if kind.get("type") == "integer":
                    assert kind["maximum"] == 2**63 - 1 or kind["maximum"] <= 1000, (path, parameter)


def test_api_docs_is_a_readable_page_without_external_assets(app, people):  # noqa: ANN001
    client = login(app, "ops")
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for path in ("/api/v1/items", "/api/v1/items/{item_id}/actions", "/api/v1/audit"):
        assert path in page.text
    assert "Authorization: Bearer &lt;token&gt;" in page.text and "ApiError" in page.text
    assert "integer 1..9223372036854775807" in page.text
    assert "<script" not in page.text and "style=" not in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)
    assert page.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    assert TestClient(app, follow_redirects=False).get("/api/docs").headers["location"] == \
        "/login?next=/api/docs"


def test_every_api_answer_carries_the_security_headers(app, project, people, directory, clock):  # noqa: ANN001
    def boom() -> None:
        raise RuntimeError("a bug")
    app.add_api_route("/api/v1/boom", boom)     # a route that fails, to see the 500's headers
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    api = _api(app, directory, clock, "rita")
    answers = {200: api.get("/api/v1/items"), 401: TestClient(app).get("/api/v1/items"),
               403: api.get("/api/v1/audit"), 404: api.get("/api/v1/items/999999"),
               405: api.delete(f"/api/v1/items/{item_id}"),
               422: api.get("/api/v1/items", params={"limit": "-1"}),
               500: api.get("/api/v1/boom")}
    for status, answer in answers.items():
        assert answer.status_code == status, (status, answer.text)
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers.get(name) == value, (status, name)
        assert answer.headers["cache-control"] == "no-store"
    assert "a bug" not in answers[500].text and "Traceback" not in answers[500].text
    for status in (401, 403, 404, 405, 422):
        assert set(answers[status].json()) <= {"error", "detail"}, answers[status].text


def test_an_operator_sees_states_not_records_or_bank_details(app, project, people, directory, clock):  # noqa: ANN001
    item_in(project.queue, ItemState.NEEDS_REVIEW, record=invoice(iban=IBAN))
    operator = _api(app, directory, clock, "ops").get("/api/v1/items")
    assert operator.status_code == 200
    (seen,) = operator.json()
    assert seen["state"] == "needs_review" and seen["reason_code"] == "total_mismatch"
    assert not {"record", "findings", "payload"} & set(seen) and IBAN not in operator.text
    reviewer = _api(app, directory, clock, "rita").get("/api/v1/items").json()
    assert IBAN in str(reviewer[0]["record"])


def test_items_are_assigned_only_to_people_who_can_review(app, project, people, directory, clock):  # noqa: ANN001
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    directory.add("gone", "correct horse battery", ["reviewer"], now=clock(), actor="root")
    directory.disable("gone", now=clock(), actor="root")
    api = _api(app, directory, clock, "rita")
    page = login(app, "rita")
    token = csrf_of(page)
    for who in ("dana", "audrey", "ops", "gone", "nobody"):
        by_api = api.post(f"/api/v1/items/{item_id}/actions", json={"action": "assign", "assignee": who})
        assert by_api.status_code == 400, (who, by_api.text)
        by_page = page.post(f"/items/{item_id}/assign", data={"assignee": who, "csrf_token": token})
        assert by_page.status_code == 400, (who, by_page.text)
        bulk = page.post("/inbox/assign", data={"item": str(item_id), "assignee": who,
                                                "csrf_token": token})
        assert bulk.status_code == 400, (who, bulk.text)
    assert project.queue.get(item_id)["assignee"] is None
    offered = set(re.findall(r'<option value="([^"]+)"', page.get(f"/items/{item_id}").text))
    assert {"rita", "rob", "root"} <= offered and not offered & {"dana", "audrey", "ops", "gone"}
    for who, stored in ((" ROB ", "rob"), ("root", "root")):   # a reviewer spelled loosely; an admin
        assert api.post(f"/api/v1/items/{item_id}/actions",
                        json={"action": "assign", "assignee": who}).status_code == 200
        assert project.queue.get(item_id)["assignee"] == stored
