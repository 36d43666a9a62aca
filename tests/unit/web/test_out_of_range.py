"""Out-of-range ids and numbers on every route, pages and API: generated
from the app's own routes, every integer and float parameter (path, query,
form, JSON body) gets values no column or timedelta can hold. Each must be a
4xx, never a 500 (the store's overflow) or a silent 200."""

from __future__ import annotations

import types
import typing

import pytest
from fastapi.routing import APIRoute

from clerk.queue import ItemState
from tests.unit.web.conftest import csrf_of, item_in, login

OUT_OF_RANGE = [str(2**64), str(2**63), "-1", "-9223372036854775809", "inf", "-inf", "nan",
                "1e309", "9" * 5000]


def _numeric(annotation) -> bool:  # noqa: ANN001
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or \
        typing.get_origin(annotation) is typing.Union else (annotation,)
    return any(a in (int, float) for a in args)


def _numbers(app) -> list[tuple[APIRoute, str, str]]:  # noqa: ANN001
    from clerk.web.app import app_routes

    found = []
    for route in app_routes(app):
        if not isinstance(route, APIRoute):
            continue
        for kind in ("path_params", "query_params", "body_params"):
            for field in getattr(route.dependant, kind):
                if _numeric(field.field_info.annotation):
                    found.append((route, kind, field.alias))
    return found


def _path(route: APIRoute, item_id: int, override: tuple[str, str] | None = None) -> str:
    values = {"item_id": str(item_id), "page": "1", "name": "invoices", "run_id": "r1",
              "file": "log.html", "ref": str(item_id)}
    if override:
        values[override[0]] = override[1]
    path = route.path
    for key, value in values.items():
        path = path.replace("{" + key + "}", value)
    return path


def test_the_sweep_finds_the_numbers_of_pages_and_api(app):  # noqa: ANN001
    names = {(route.name, name) for route, _, name in _numbers(app)}
    assert {("item", "item_id"), ("inbox", "older_than_hours"), ("inbox", "page"),
            ("approval_approve", "step_id"), ("api_items", "limit"), ("api_audit", "item_id"),
            ("audit_search", "item_id"), ("item_page", "page")} <= names, names


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_every_number_out_of_range_is_a_4xx(app, project, people, value):  # noqa: ANN001
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    client = login(app, "root")
    token = csrf_of(client)
    for route, kind, name in _numbers(app):
        for method in route.methods - {"HEAD"}:
            path = _path(route, item_id, (name, value) if kind == "path_params" else None)
            query = {name: value} if kind == "query_params" else {}
            if method == "GET":
                answer = client.get(path, params=query)
            elif path.startswith("/api/"):
                answer = client.post(path, params=query, headers={"x-csrf-token": token},
                                     json={"action": "comment", "reason": "x", name: value})
            else:
                answer = client.post(path, params=query, data={"csrf_token": token, name: value})
            assert 400 <= answer.status_code < 500 and answer.status_code not in (401, 403), \
                (method, path, name, value, answer.status_code, answer.text[:300])


def test_the_api_refuses_out_of_range_json_numbers(app, project, people):  # noqa: ANN001
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    client = login(app, "root")
    token = csrf_of(client)
    for step in (2**64, -1, 0, 2**63):
        answer = client.post(f"/api/v1/items/{item_id}/actions", headers={"x-csrf-token": token},
                             json={"action": "approve_step", "step_id": step})
        assert answer.status_code == 422, (step, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["body", "step_id"]
    # A bare `inf` / `NaN` token is not JSON: refused as such.
    bad = client.post(f"/api/v1/items/{item_id}/actions", content=b'{"action": "approve_step", '
                      b'"step_id": NaN}', headers={"x-csrf-token": token,
                                                    "content-type": "application/json"})
    assert bad.status_code == 422


def test_a_lineage_reference_of_huge_or_unicode_digits_is_not_found(app, project, people):  # noqa: ANN001
    client = login(app, "root")
    for ref in (str(2**64), "\u00b2", "\u0663\u0663", "9" * 150):
        assert client.get(f"/api/v1/lineage/{ref}").status_code == 404, ref
        assert client.get("/audit/lineage", params={"ref": ref}).status_code == 404, ref


def test_numbers_are_plain_digits_and_blank_filters_mean_none(app, project, people):  # noqa: ANN001
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    client = login(app, "root")
    for spelling in (f"{item_id}.0", f"+{item_id}", f" {item_id}", f"{item_id}_0", f"{item_id}e0"):
        assert client.get(f"/api/v1/items/{spelling}").status_code == 422, spelling
        assert client.get("/api/v1/items", params={"limit": spelling}).status_code == 422, spelling
    assert client.get(f"/api/v1/items/{item_id}").status_code == 200
    # The inbox's and the trail's own filter forms send empty fields.
    assert client.get("/inbox", params={"older_than_hours": "", "bot": ""}).status_code == 200
    assert client.get("/audit", params={"item_id": "", "actor": ""}).status_code == 200
