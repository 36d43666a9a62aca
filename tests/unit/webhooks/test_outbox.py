"""Which audit events are webhook events (the actions clerk's own code appends)."""

import pytest

from clerk.webhooks.outbox import event_type


@pytest.mark.parametrize(("action", "data", "expected"), [
    ("posted", {"from": "posting", "to": "posted"}, "item.posted"),
    ("needs_review", {"from": "validated", "to": "needs_review", "reason": "x"}, "item.needs_review"),
    ("escalated", {"kind": "sla", "to": ["lead@example.com"], "step_id": None}, "review.sla_breached"),
    ("run_finished", {"run": "r1", "status": "failed"}, "run.failed"),
    ("run_finished", {"run": "r1", "status": "error"}, "run.failed"),
    ("run_finished", {"run": "r1", "status": "passed"}, None),
    ("extracted", {"from": "collected", "to": "extracted"}, None),
    ("run_requested", {"bot": "x"}, None),
])
def test_event_type(action, data, expected):
    assert event_type(action, data) == expected
