"""The shipped project as each role sees it over real HTTP: the inbox, the
approvals inbox and item pages in every waiting state answer as the route
table says (never 400 on the shipped bots' [review] keys, never 500); and
``clerk queue`` takes its decisions through the same service."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from clerk.web.access import ACCESS
from tests.integration.decisions.conftest import PEOPLE, invoice_of, validated_item

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PAGES = {"inbox": "/inbox", "approvals": "/approvals", "item": "/items/{id}",
         "audit_lineage": "/audit/lineage?ref={id}"}


def _allowed(user: str, route: str) -> bool:
    return "admin" in PEOPLE[user] or bool(set(PEOPLE[user]) & set(ACCESS[route]))


@pytest.mark.parametrize("user", sorted(PEOPLE))
def test_each_role_sees_what_the_route_table_says(live, user):  # noqa: ANN001
    waiting = validated_item(live, invoice_of("bank_account_changed", "ROLE"))
    client = live.login(user)
    client.post(f"/items/{waiting}/accept", data={"csrf_token": live.csrf(client),
                                                 "justification": "role test"})
    items = [validated_item(live, invoice_of("total_mismatch", "ROLE")), waiting]
    for route, path in PAGES.items():
        for item_id in items:
            answer = client.get(path.format(id=item_id))
            assert answer.status_code == (200 if _allowed(user, route) else 403), (route, answer.text[:300])
    if _allowed(user, "item"):
        page = client.get(f"/items/{items[0]}").text
        assert "total_mismatch" in page and "expected" in page
        assert ('id="accept"' in page) == _allowed(user, "item_accept")


def test_cli_requeue_sends_a_waiting_item_back_to_its_rules(live):  # noqa: ANN001
    from clerk.cli import app

    item_id = validated_item(live, invoice_of("total_mismatch", "CLI"))
    root = str(live.project.settings.project_dir)
    result = CliRunner().invoke(app, ["queue", "requeue", str(item_id), "-C", root,
                                      "--actor", "ops", "--reason", "supplier resent"])
    assert result.exit_code == 0, result.output
    assert f"item {item_id} -> extracted" in result.output
    from clerk.store.schema import audit_events
    with live.project.store.read() as conn:
        last = conn.execute(audit_events.select().where(audit_events.c.item_id == item_id)
                            .order_by(audit_events.c.id.desc())).first()
    assert (last.actor, last.action) == ("ops", "requeued")
    # An item in machine work is not re-run (it would race the worker).
    refused = CliRunner().invoke(app, ["queue", "retry", str(item_id), "-C", root, "--json"])
    assert refused.exit_code != 0 and live.project.queue.get(item_id)["state"] == "extracted"
    other = validated_item(live, invoice_of("unknown_supplier", "CLI"))
    retried = CliRunner().invoke(app, ["queue", "retry", str(other), "-C", root, "--json"])
    assert retried.exit_code == 0, retried.output
    [new_item] = __import__("json").loads(retried.output)["new_items"]
    assert live.project.queue.get(new_item)["retry_of"] == other
